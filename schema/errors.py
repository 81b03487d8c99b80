"""The one root of every error stakegraph raises on purpose, and the codes that sort them.

Every layer raises a subclass of `StakegraphError` (a bad cell, an unknown query, a project that
does not exist, a refused model change...). Its ``code`` says what sort of failure it is; the CLI
turns codes into exit statuses in one place (`stakegraph.cli.main`) and the API into GraphQL
``extensions.code`` in one place (`stakegraph.api.extensions`). Anything else that escapes is a
bug: ``INTERNAL``, masked in the API, a traceback hint in the CLI.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar


class ErrorCode(StrEnum):
    """What sort of failure an error is (also the API's ``extensions.code``)."""

    USAGE = "USAGE"  # the command line itself is wrong (an unknown option, a missing argument)
    VALIDATION = "VALIDATION"  # the input is wrong: a value, a file, a parameter, a declaration
    NOT_FOUND = "NOT_FOUND"  # what the input names does not exist
    CONFLICT = "CONFLICT"  # the input clashes with what the graph holds
    FORBIDDEN = "FORBIDDEN"  # the caller may not do this
    UNAVAILABLE = "UNAVAILABLE"  # Neo4j (or another service) cannot be reached right now
    SETUP = "SETUP"  # this machine lacks something stakegraph needs (a tool, a build)
    RATE_LIMITED = "RATE_LIMITED"  # the caller sent more requests than its role allows: wait
    UNTRUSTED_DOCUMENT = "UNTRUSTED_DOCUMENT"  # the operation is not a registered document
    INTERNAL = "INTERNAL"  # a bug or a broken installation: not the caller's fault


class StakegraphError(Exception):
    """A failure whose message is one line meant for the person or app that caused it.

    ``code`` sorts it (a class default that an instance may override); ``details`` holds
    machine-readable facts (the field, the ids) that the API passes on in ``extensions``.
    """

    code: ClassVar[ErrorCode] = ErrorCode.VALIDATION

    def __init__(self, message: str, *, code: ErrorCode | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        if code is not None:
            # An instance attribute shadows the class default for this one error.
            self.code = code  # type: ignore[misc]


class NotFoundError(StakegraphError):
    """Something the input names does not exist."""

    code = ErrorCode.NOT_FOUND


class ConflictError(StakegraphError):
    """The input clashes with what the graph holds."""

    code = ErrorCode.CONFLICT


class UnavailableError(StakegraphError):
    """Neo4j (or another service stakegraph needs) cannot be reached right now."""

    code = ErrorCode.UNAVAILABLE


class SetupError(StakegraphError):
    """Something stakegraph needs is missing or broken on this machine (a tool, a build)."""

    code = ErrorCode.SETUP
