"""The per-request context: caller, database gateway, the model served, request id and the
request's loaders."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from stakegraph.api.auth import Principal, Role
from stakegraph.api.dataloaders import Loaders
from stakegraph.api.errors import UNAVAILABLE_MESSAGE, ApiError, ErrorCode, forbidden
from stakegraph.api.gateway import Gateway
from stakegraph.schema.combined import Model
from strawberry.types import Info

from stakegraph.settings import Settings


@dataclass
class Context:
    """What every resolver can reach through ``info.context``."""

    gateway: Gateway
    principal: Principal
    settings: Settings
    model: Model
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])
    loaders: Loaders = field(init=False)
    # Root fields completed by stakegraph's executor ("fast") or graphql-core's ("standard").
    completions: dict[str, int] = field(default_factory=lambda: {"fast": 0, "standard": 0})
    # The worker's change feed follower (subscriptions), and what a WebSocket client sent in
    # its connection_init (its credential: browsers cannot set headers on a WebSocket).
    feed: Any = None
    # The worker's launcher of analysis jobs' processes (`stakegraph.api.analysis_jobs`).
    jobs: Any = None
    connection_params: dict[str, Any] | None = None
    # What the request's executor asked to forget once the request is answered.
    releases: list[Callable[[], None]] = field(default_factory=list)
    # The worker's rate limiter (subscriptions check it as they start) and the caller's address
    # (anonymous callers are limited by it).
    rate: Any = None
    address: str | None = None
    # Trusted documents: the request comes from the API's own GraphiQL page.
    graphiql: bool = False
    # What ran, for the metrics, the trace and the access log (see api/app.py).
    operation_name: str | None = None
    operation_type: str | None = None

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.gateway, self.model)

    def release(self) -> None:
        """Drops what the request cached (loaders, the executor's plans and shared values) once
        it is answered (returns nothing), so that its rows are freed at once by reference
        counting instead of waiting, in a cycle, for a garbage collection."""
        self.loaders.release()
        for release in self.releases:
            release()
        self.releases.clear()


def ctx(info: Info[Any, Any]) -> Context:
    """Returns the request context of a resolver."""
    context: Context = info.context
    return context


def require(info: Info[Any, Any], needed: Role) -> Context:
    """Returns the context when the caller has ``needed`` (or anonymous reads are on for
    readers); raises FORBIDDEN otherwise."""
    context = ctx(info)
    check_role(context.principal, context.settings, needed)
    return context


def check_role(principal: Principal, settings: Settings, needed: Role) -> None:
    """Returns nothing when ``principal`` has ``needed`` (or anonymous reads are on for
    readers); raises FORBIDDEN (UNAVAILABLE when the credential could not be checked)."""
    if principal.allows(needed):
        return
    if (
        needed == Role.READER
        and principal.role is None
        and principal.problem is None
        and settings.api_allow_anonymous_read
    ):
        return
    if principal.via == "unavailable":
        raise ApiError(ErrorCode.UNAVAILABLE, UNAVAILABLE_MESSAGE)
    if principal.problem is not None:
        raise forbidden(principal.problem)
    if principal.role is None:
        raise forbidden("authentication required: send an API key or a bearer token")
    raise forbidden(f"the {needed.value} role is required (you are {principal.role.value})")


def can_see_personal(info: Info[Any, Any]) -> bool:
    """Returns True when the caller may read personal data (editor or admin)."""
    return ctx(info).principal.allows(Role.EDITOR)
