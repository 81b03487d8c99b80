"""The exports' own error: a one-line message the CLI and API show as it is."""

from stakegraph.schema.errors import StakegraphError


class ExportError(StakegraphError):
    """Bad export input (unknown project or format, output in the way), said in one line."""
