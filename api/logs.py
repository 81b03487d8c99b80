"""The API's logs: one JSON object per line (or plain text), each with the request id.

The request id is the one every response carries (``X-Request-ID``, ``extensions.requestId``);
it is kept in a context variable set when the request's context is made, so every line logged
while the request runs (errors, warnings, the access line) names it. Uvicorn's own logger is
given the same handler, so a worker's output is all in one format.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from contextvars import ContextVar
from typing import Any

import orjson

from stakegraph.settings import Settings

REQUEST_ID: ContextVar[str] = ContextVar("stakegraph_request_id", default="-")
# Loggers whose lines go through the API's handler.
LOGGERS = ("stakegraph", "uvicorn.error")


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON object: time, level, logger, message, request id, worker
    process, the ``fields`` passed as ``extra``, and the traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        """Returns the record as one line of JSON."""
        out: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": REQUEST_ID.get(),
            "worker": os.getpid(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            out.update(fields)
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(out, default=str).decode()


class TextFormatter(logging.Formatter):
    """Formats a record as a line of text with the request id after the level."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s [%(request_id)s] %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        """Returns the record as text (the ``fields`` appended as key=value)."""
        record.request_id = REQUEST_ID.get()
        text = super().format(record)
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            text += " " + " ".join(f"{k}={v}" for k, v in fields.items())
        return text


def configure(settings: Settings) -> None:
    """Sends the API's and uvicorn's log lines to stderr in the configured format (returns
    nothing); idempotent."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter() if settings.api_log_format == "json" else TextFormatter())
    for name in LOGGERS:
        logger = logging.getLogger(name)
        for old in list(logger.handlers):
            if getattr(old, "_stakegraph", False) or name == "uvicorn.error":
                logger.removeHandler(old)
        handler._stakegraph = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
        logger.propagate = False
    logging.getLogger("stakegraph").setLevel(settings.api_log_level.upper())
