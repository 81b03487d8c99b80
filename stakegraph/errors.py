"""The one exception type whose message is meant for the person at the terminal."""


class StakegraphError(Exception):
    """A problem the user can act on; its message is one line saying what to do."""
