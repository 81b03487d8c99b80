"""The pictures' own error: a one-line message the CLI and API show as it is."""

from stakegraph.schema.errors import StakegraphError


class PlotError(StakegraphError):
    """Bad plot input (unknown project, wrong file type, dates the wrong way round), in one line."""
