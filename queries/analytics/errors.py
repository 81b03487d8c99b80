"""The analytics' own error: a one-line message the CLI and API show as it is."""

from stakegraph.schema.errors import StakegraphError


class AnalyticsError(StakegraphError):
    """Bad analytics input (unknown stakeholder, missing project, no GDS, ...), said in one line."""
