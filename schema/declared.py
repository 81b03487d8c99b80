"""The declared extensions kept in the graph: one `ModelExtension` node per version, so every
CLI, API worker and host reads the same model.

`read_model` gives the model in force (the highest version; the shipped model when none is
declared). Writing a new version is `stakegraph.loaders.model_change`'s job: it checks what the
change does to stored values first.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from stakegraph.schema.combined import Model
from stakegraph.schema.errors import ErrorCode, StakegraphError
from stakegraph.schema.extensions import DeclarationInvalid, Extension, parse_declaration
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import Label

# The latest version, by number.
LATEST = (
    f"MATCH (e:{Label.MODEL_EXTENSION}) "
    "RETURN e.version AS version, e.declaration AS declaration, e.sha256 AS sha256, "
    "e.applied_at AS applied_at, e.applied_by AS applied_by "
    "ORDER BY e.version DESC LIMIT 1"
)
# Every version, oldest first (the history of the model).
HISTORY = (
    f"MATCH (e:{Label.MODEL_EXTENSION}) "
    "RETURN e.version AS version, e.sha256 AS sha256, e.applied_at AS applied_at, "
    "e.applied_by AS applied_by ORDER BY e.version"
)
# A new version; the uniqueness constraint on id makes two concurrent writers of the same
# version collide instead of both succeeding.
CREATE_VERSION = (
    f"CREATE (e:{Label.MODEL_EXTENSION} {{id: 'v' + toString($version), version: $version, "
    "declaration: $declaration, sha256: $sha256, applied_at: $applied_at, "
    "applied_by: $applied_by}) RETURN e.id AS id"
)


@dataclass(frozen=True)
class Version:
    """One applied version of the declaration."""

    version: int
    sha256: str
    applied_at: str
    applied_by: str | None


# Replaces the DeclaredProperty nodes by those of the declaration in force ($rows).
SYNC_DECLARED_PROPERTIES = (
    f"CALL () {{ MATCH (d:{Label.DECLARED_PROPERTY}) DETACH DELETE d }} "
    f"UNWIND $rows AS row CREATE (d:{Label.DECLARED_PROPERTY}) SET d = row"
)


def declared_property_rows(extension: Extension) -> list[dict[str, object]]:
    """Returns the DeclaredProperty node of every property ``extension`` declares."""
    rows: list[dict[str, object]] = []
    for p in extension.properties:
        owners = [str(p.target.label)] if p.target.label else [str(r) for r in p.target.rels]
        for owner in owners:
            rows.append({
                "id": f"{owner}.{p.name}", "owner": owner, "name": p.name,
                "type": p.type.value, "scheme": p.scheme,
                "kinds": [k.value for k in p.target.kinds], "required": p.required,
                "personal": p.personal, "description": p.description,
            })
    return rows


def digest(extension: Extension) -> str:
    """Returns the SHA-256 of an extension's canonical JSON."""
    return hashlib.sha256(extension.canonical_json().encode("utf-8")).hexdigest()


def model_from_record(version: int, declaration: str, sha256: str) -> Model:
    """Returns the model of a stored version; a declaration that no longer reads (edited by
    hand, or written by a newer stakegraph) is refused rather than silently misread."""
    if hashlib.sha256(declaration.encode("utf-8")).hexdigest() != sha256:
        raise StakegraphError(
            f"the model extension v{version} in the graph does not match its hash: it was "
            "changed outside stakegraph; apply the declaration again with `stakegraph schema "
            "extend FILE`", code=ErrorCode.CONFLICT)
    try:
        extension = parse_declaration(json.loads(declaration), f"model extension v{version}")
    except (DeclarationInvalid, json.JSONDecodeError) as exc:
        raise StakegraphError(
            f"the model extension v{version} in the graph cannot be read by this stakegraph "
            f"({exc}); upgrade stakegraph or apply a declaration it reads",
            code=ErrorCode.CONFLICT) from None
    return Model.extended(extension, version)


def read_model(db: GraphDB) -> Model:
    """Returns the model in force in the graph: the shipped model plus the latest declared
    extension (the shipped model alone when none was ever declared)."""
    records = db.read(LATEST)
    if not records:
        return Model.shipped()
    record = records[0]
    return model_from_record(record["version"], record["declaration"], record["sha256"])


def versions(db: GraphDB) -> list[Version]:
    """Returns every applied version of the declaration, oldest first."""
    return [Version(r["version"], r["sha256"], r["applied_at"], r["applied_by"])
            for r in db.read(HISTORY)]
