"""The analytics' own error: a one-line message the CLI and API show as it is."""


class AnalyticsError(ValueError):
    """Bad analytics input (unknown stakeholder, missing project, no GDS, ...), said in one line."""
