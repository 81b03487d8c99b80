"""Refusals before GraphQL runs: the request body size limit, and coded JSON errors for
requests the HTTP layer turns away (batches, malformed or too deeply nested JSON)."""

from __future__ import annotations

from stakegraph.api.errors import ErrorCode
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def refusal(status: int, message: str, code: ErrorCode = ErrorCode.VALIDATION) -> JSONResponse:
    """Returns a GraphQL-shaped error response (``errors[].extensions.code``) with ``status``;
    no ``data`` key, as GraphQL over HTTP has it for a request refused before execution."""
    body = {"errors": [{"message": message, "extensions": {"code": code.value}}]}
    return JSONResponse(body, status_code=status)


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
