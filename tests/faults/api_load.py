"""A GraphQL caller for the fault tests: one httpx client per thread, every call timed and
classified (acknowledged, error codes, or a client timeout)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt
from api_support import JWT_AUDIENCE, JWT_ISSUER, JWT_KEY

CLIENT_TIMEOUT_S = 10.0

CREATE = "mutation($i: StakeholderInput!) { createStakeholder(input: $i) { id } }"
UPDATE = ("mutation($id: ID!, $p: StakeholderPatch!) "
          "{ updateStakeholder(id: $id, patch: $p) { id name } }")
TIE = "mutation($i: TieInput!) { addTie(input: $i) { type weight } }"
ASSESS = "mutation($i: AssessStakeInput!) { assessStake(input: $i) { id quadrant } }"
CREATE_PROJECT = "mutation($i: ProjectInput!) { createProject(input: $i) { id } }"
QUERY = "query($id: ID!) { stakeholder(id: $id) { id name ties { totalCount } } }"


def editor_token() -> str:
    """Returns a valid editor JWT for the test API."""
    return jwt.encode({"role": "editor", "iss": JWT_ISSUER, "aud": JWT_AUDIENCE,
                       "exp": int(time.time()) + 3600}, JWT_KEY, algorithm="HS256")


@dataclass
class Call:
    """One request: what was sent, how long it took, and how it ended."""

    query: str
    variables: dict[str, Any]
    seconds: float
    data: dict[str, Any] | None = None
    codes: list[str] = field(default_factory=list)
    timed_out: bool = False
    at: float = 0.0

    @property
    def acknowledged(self) -> bool:
        """Returns True for a response with data and no error."""
        return self.data is not None and not self.codes and not self.timed_out


class Caller:
    """Posts GraphQL to the API as an editor, recording every call."""

    def __init__(self, url: str) -> None:
        self.client = httpx.Client(
            base_url=url, timeout=CLIENT_TIMEOUT_S,
            headers={"Authorization": f"Bearer {editor_token()}"})
        self.calls: list[Call] = []

    def post(self, query: str, **variables: Any) -> Call:
        """Returns the recorded call after posting ``query``."""
        began = time.monotonic()
        call = Call(query, variables, 0.0, at=began)
        try:
            response = self.client.post("/graphql", json={"query": query,
                                                          "variables": variables})
            body = response.json()
            call.data = body.get("data")
            call.codes = [e.get("extensions", {}).get("code", "?")
                          for e in body.get("errors") or []]
        except httpx.TimeoutException:
            call.timed_out = True
        call.seconds = time.monotonic() - began
        self.calls.append(call)
        return call

    def close(self) -> None:
        """Closes the HTTP client."""
        self.client.close()
