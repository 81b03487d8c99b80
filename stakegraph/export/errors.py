"""The exports' own error: a one-line message the CLI and API show as it is."""


class ExportError(ValueError):
    """Bad export input (unknown project or format, output in the way), said in one line."""
