"""Refusals before GraphQL runs: the request body size limit, and coded JSON errors for
requests the HTTP layer turns away (batches, malformed or too deeply nested JSON)."""

from __future__ import annotations

import logging
from typing import Any

from stakegraph.api.errors import ErrorCode
from stakegraph.schema.errors import StakegraphError
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("stakegraph.api")

# The HTTP status of a request refused before GraphQL runs, by the refusal's code.
STATUS: dict[ErrorCode, int] = {
    ErrorCode.VALIDATION: 400,
    ErrorCode.USAGE: 400,
    ErrorCode.UNTRUSTED_DOCUMENT: 400,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.CONFLICT: 409,
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.UNAVAILABLE: 503,
}


def refusal(status: int, message: str, code: ErrorCode = ErrorCode.VALIDATION,
            headers: dict[str, str] | None = None, **details: Any) -> JSONResponse:
    """Returns a GraphQL-shaped error response (``errors[].extensions.code``) with ``status``;
    no ``data`` key, as GraphQL over HTTP has it for a request refused before execution."""
    body = {"errors": [{"message": message, "extensions": {"code": code.value, **details}}]}
    return JSONResponse(body, status_code=status, headers=headers)


def coded_refusal(exc: StakegraphError) -> tuple[JSONResponse, str]:
    """Returns the response refusing a request for ``exc``, and its code: 429 with
    ``Retry-After`` for RATE_LIMITED; a server-side failure is masked as INTERNAL."""
    code = ErrorCode(exc.code)
    status = STATUS.get(code)
    if status is None:
        log.error("refused before GraphQL ran: %s", exc, exc_info=exc)
        return refusal(500, "internal error", ErrorCode.INTERNAL), ErrorCode.INTERNAL.value
    headers = None
    retry_after = exc.details.get("retryAfter")
    if code == ErrorCode.RATE_LIMITED and retry_after is not None:
        headers = {"Retry-After": str(retry_after)}
    return refusal(status, exc.message, code, headers, **exc.details), code.value


def http_message(reason: str) -> str:
    """Returns the client's sentence for one of Strawberry's HTTP-level refusals."""
    if "batching" in reason.lower():
        return "batched operations are not accepted: send one operation per request"
    return reason


class BodyLimit:
    """ASGI middleware refusing request bodies above ``max_bytes`` with 413, by the declared
    Content-Length or, without one, while the body streams in (never buffering more)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _too_large(self) -> JSONResponse:
        return refusal(413, f"the request body is above the limit of {self.max_bytes} bytes")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._too_large()(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client went away; the app sees an empty body and ends
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._too_large()(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}

        await self.app(scope, replay, send)
