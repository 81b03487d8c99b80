"""The pictures' own error: a one-line message the CLI and API show as it is."""


class PlotError(ValueError):
    """Bad plot input (unknown project, wrong file type, dates the wrong way round), in one line."""
