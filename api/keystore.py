"""API key management for `stakegraph apikey create|list|revoke` (synchronous driver)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from neo4j import ManagedTransaction
from stakegraph.api.auth import Role, hash_key, new_key
from stakegraph.schema.errors import NotFoundError, StakegraphError
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import Label
from stakegraph.schema.version import write_transaction

_SCHEMA = (
    f"CREATE CONSTRAINT api_key_id_unique IF NOT EXISTS "
    f"FOR (k:{Label.API_KEY}) REQUIRE k.id IS UNIQUE",
    f"CREATE CONSTRAINT api_key_hash_unique IF NOT EXISTS "
    f"FOR (k:{Label.API_KEY}) REQUIRE k.hash IS UNIQUE",
)


@dataclass(frozen=True)
class ApiKeyInfo:
    """A stored key, without its secret."""

    id: str
    name: str
    role: str
    created_at: str
    revoked_at: str | None


def ensure_key_schema(db: GraphDB) -> None:
    """Creates the key constraints (idempotent)."""
    for statement in _SCHEMA:
        db.write(statement)


def create_key(
    db: GraphDB, role: str, name: str, id_prefix: str = "key-"
) -> tuple[ApiKeyInfo, str]:
    """Returns the stored key's record and the key itself (the only time it is shown)."""
    try:
        checked = Role(role.strip().lower())
    except ValueError:
        raise StakegraphError(
            f"role {role!r} is not one of: {', '.join(r.value for r in Role)}"
        ) from None
    if not name.strip():
        raise StakegraphError("give the key a --name saying who or what uses it")
    ensure_key_schema(db)
    key = new_key()
    key_id = id_prefix + secrets.token_hex(6)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    _write(
        db,
        f"CREATE (k:{Label.API_KEY} {{id: $id, name: $name, role: $role, hash: $hash, "
        "created_at: $now})",
        {"id": key_id, "name": name.strip(), "role": checked.value, "hash": hash_key(key),
         "now": now},
    )
    return ApiKeyInfo(key_id, name.strip(), checked.value, now, None), key


def _write(db: GraphDB, query: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    # Keys are part of what a backup keeps: their writes pass the same gate as every other.
    def work(tx: ManagedTransaction) -> list[dict[str, Any]]:
        return tx.run(query, params).data()

    with db.session() as session:
        return write_transaction(session, work)


def _info(row: dict[str, Any]) -> ApiKeyInfo:
    return ApiKeyInfo(row["id"], row["name"], row["role"], row["created_at"], row["revoked_at"])


def list_keys(db: GraphDB) -> list[ApiKeyInfo]:
    """Returns every stored key (active and revoked), oldest first."""
    records = db.read(
        f"MATCH (k:{Label.API_KEY}) RETURN k.id AS id, k.name AS name, k.role AS role, "
        "k.created_at AS created_at, k.revoked_at AS revoked_at ORDER BY k.created_at, k.id"
    )
    return [_info(r.data()) for r in records]


def revoke_key(db: GraphDB, key_id: str) -> ApiKeyInfo:
    """Returns the key after marking it revoked; an unknown id is a one-line error."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    records = _write(
        db,
        f"MATCH (k:{Label.API_KEY} {{id: $id}}) "
        "SET k.revoked_at = coalesce(k.revoked_at, $now) "
        "RETURN k.id AS id, k.name AS name, k.role AS role, k.created_at AS created_at, "
        "k.revoked_at AS revoked_at",
        {"id": key_id, "now": now},
    )
    if not records:
        raise NotFoundError(f"no API key with id {key_id!r} (see `stakegraph apikey list`)")
    return _info(records[0])
