"""The API's refusals: helpers building the one error root (`StakegraphError`) with the field
or ids a client can branch on; ``extensions.code`` comes from the error's code."""

from __future__ import annotations

from typing import Any

from stakegraph.schema.errors import ErrorCode, NotFoundError, StakegraphError

__all__ = ["UNAVAILABLE_MESSAGE", "ApiError", "ErrorCode", "forbidden", "invalid", "not_found"]


class ApiError(StakegraphError):
    """A refusal raised by the API's own code, its code given first."""

    def __init__(self, code: ErrorCode, message: str, **details: Any) -> None:
        super().__init__(message, code=code, **details)


def not_found(what: str, ident: str | list[str]) -> NotFoundError:
    """Returns the NOT_FOUND error for a missing node (``id``), or for several (``ids``; the
    message names the first)."""
    if isinstance(ident, list):
        return NotFoundError(f"no {what} with id {ident[0]!r}", ids=ident)
    return NotFoundError(f"no {what} with id {ident!r}", id=ident)


def invalid(field: str, message: str) -> StakegraphError:
    """Returns the VALIDATION error for one input field."""
    return StakegraphError(f"{field}: {message}", field=field)


def forbidden(message: str) -> StakegraphError:
    """Returns the FORBIDDEN error."""
    return StakegraphError(message, code=ErrorCode.FORBIDDEN)


UNAVAILABLE_MESSAGE = "the database is unavailable; try again shortly"
