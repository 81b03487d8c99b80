"""Who is calling: roles from API keys (hashed in Neo4j) or JWT bearer tokens."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from enum import StrEnum

import jwt
from stakegraph.api.gateway import Gateway
from stakegraph.schema.model import Label

from stakegraph.settings import Settings

KEY_PREFIX = "sgk_"


class Role(StrEnum):
    """Roles, each allowed everything the ones before it are."""

    READER = "reader"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        """Returns the role's position: reader 1, editor 2, admin 3."""
        return {Role.READER: 1, Role.EDITOR: 2, Role.ADMIN: 3}[self]


@dataclass(frozen=True)
class Principal:
    """The caller: a role (None = anonymous), how they proved it, and any credential problem."""

    role: Role | None
    subject: str
    via: str
    problem: str | None = None

    def allows(self, needed: Role) -> bool:
        """Returns True when the caller's role is at least ``needed``."""
        return self.role is not None and self.role.rank >= needed.rank


ANONYMOUS = Principal(None, "anonymous", "none")


def new_key() -> str:
    """Returns a fresh random API key (shown once, stored only as its hash)."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    """Returns the SHA-256 hex digest stored for a key (keys are random, so no salt is needed)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def credential(authorization: str | None, api_key_header: str | None) -> str | None:
    """Returns the token from ``X-API-Key`` or ``Authorization: Bearer``, if any."""
    if api_key_header:
        return api_key_header.strip()
    if authorization:
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return token.strip()
    return None


def principal_from_jwt(token: str, settings: Settings) -> Principal:
    """Returns the caller of a JWT, or an anonymous principal naming why it was refused."""
    if not settings.api_jwt_key:
        return Principal(None, "jwt", "jwt", "JWT bearer tokens are not enabled on this server")
    options = {"require": ["exp"]}
    try:
        claims = jwt.decode(
            token,
            settings.api_jwt_key,
            algorithms=[settings.api_jwt_algorithm],
            issuer=settings.api_jwt_issuer,
            audience=settings.api_jwt_audience,
            options=options,  # type: ignore[arg-type]
        )
    except jwt.PyJWTError as exc:
        return Principal(None, "jwt", "jwt", f"the bearer token was refused: {exc}")
    raw_role = claims.get(settings.api_jwt_role_claim)
    try:
        role = Role(str(raw_role))
    except ValueError:
        return Principal(
            None, "jwt", "jwt", f"the token's {settings.api_jwt_role_claim!r} claim is no role"
        )
    return Principal(role, str(claims.get("sub", "jwt")), "jwt")


_LOOKUP = f"""
MATCH (k:{Label.API_KEY} {{hash: $hash}})
WHERE k.revoked_at IS NULL
RETURN k.id AS id, k.name AS name, k.role AS role
"""


class KeyCache:
    """Process-wide cache of key lookups; a revocation reaches every worker within the TTL."""

    def __init__(self, ttl_s: float) -> None:
        self.ttl_s = ttl_s
        self._entries: dict[str, tuple[float, Principal]] = {}

    async def principal(self, key: str, gateway: Gateway) -> Principal:
        """Returns the caller holding ``key`` (from cache, or one lookup in Neo4j)."""
        digest = hash_key(key)
        now = time.monotonic()
        hit = self._entries.get(digest)
        if hit is not None and now - hit[0] < self.ttl_s:
            return hit[1]
        rows = await gateway.read(_LOOKUP, {"hash": digest})
        if rows and rows[0]["role"] in {r.value for r in Role}:
            found = Principal(Role(rows[0]["role"]), f"key:{rows[0]['id']}", "api_key")
        else:
            found = Principal(None, "api_key", "api_key", "the API key is unknown or revoked")
        if len(self._entries) > 10_000:
            self._entries.clear()
        self._entries[digest] = (now, found)
        return found


async def resolve(
    token: str | None, settings: Settings, keys: KeyCache, gateway: Gateway
) -> Principal:
    """Returns the caller of a request from its credential (anonymous when there is none)."""
    if token is None:
        return ANONYMOUS
    if token.count(".") == 2 and not token.startswith(KEY_PREFIX):
        return principal_from_jwt(token, settings)
    return await keys.principal(token, gateway)
