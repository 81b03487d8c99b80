"""API errors with a stable code clients can branch on (``extensions.code``)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    """The codes a client sees in ``errors[].extensions.code``."""

    NOT_FOUND = "NOT_FOUND"
    VALIDATION = "VALIDATION"
    CONFLICT = "CONFLICT"
    FORBIDDEN = "FORBIDDEN"
    UNAVAILABLE = "UNAVAILABLE"
    INTERNAL = "INTERNAL"


class ApiError(Exception):
    """A failure whose message is safe to show the client, with its code and details."""

    def __init__(self, code: ErrorCode, message: str, **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details


def not_found(what: str, ident: str) -> ApiError:
    """Returns the NOT_FOUND error for a missing node."""
    return ApiError(ErrorCode.NOT_FOUND, f"no {what} with id {ident!r}", id=ident)


def invalid(field: str, message: str) -> ApiError:
    """Returns the VALIDATION error for one input field."""
    return ApiError(ErrorCode.VALIDATION, f"{field}: {message}", field=field)


def forbidden(message: str) -> ApiError:
    """Returns the FORBIDDEN error."""
    return ApiError(ErrorCode.FORBIDDEN, message)


UNAVAILABLE_MESSAGE = "the database is unavailable; try again shortly"
