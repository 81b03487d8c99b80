"""Trusted documents: operations registered ahead of time, and a mode that runs only those.

A document is known by the SHA-256 of its exact text (``sha256:<hex>``). Documents come from a
manifest file (``STAKEGRAPH_API_TRUSTED_DOCUMENTS_FILE``: ``{hash: document}``, or Apollo's
persisted query manifest), read at worker start, or are registered by an admin
(``registerTrustedDocument``, or ``stakegraph documents add``) as ``TrustedDocument`` nodes, so
every worker and host shares them. A client may send ``documentId`` (or Apollo's
``extensions.persistedQuery.sha256Hash``) instead of the text, in any mode.

With ``STAKEGRAPH_API_TRUSTED_DOCUMENTS=true`` only registered documents run; any other text is
refused with ``UNTRUSTED_DOCUMENT`` before it is parsed (by the HTTP view, and for operations
over WebSocket by `stakegraph.api.app.TrustedWebSocketHandler`).
``STAKEGRAPH_API_TRUSTED_EXEMPT`` may exempt admins (``admin``) and requests of the API's own
GraphiQL page (``graphiql``: a same-origin browser request from ``/graphql``, as the browser
marks it with ``Sec-Fetch-Site`` and ``Referer``; a client outside a browser can forge those
headers, so this is for development and staging servers).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import strawberry
from graphql import GraphQLError, OperationDefinitionNode, parse
from stakegraph.api.auth import Principal, Role
from stakegraph.api.context import require
from stakegraph.api.errors import ApiError, ErrorCode, invalid
from stakegraph.api.gateway import Gateway
from stakegraph.schema.errors import NotFoundError, SetupError
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import Label
from stakegraph.schema.version import write_query
from strawberry import Info

from stakegraph.settings import Settings

_HEX = re.compile(r"^[0-9a-f]{64}$")
# A registered document is at most this long (the request body limit bounds the rest).
MAX_DOCUMENT = 100_000

_LOOKUP = (f"MATCH (d:{Label.TRUSTED_DOCUMENT} {{id: $id}}) RETURN d.document AS document")
_REGISTER = (
    f"MERGE (d:{Label.TRUSTED_DOCUMENT} {{id: $id}}) "
    "ON CREATE SET d.document = $document, d.operations = $operations, "
    "d.registered_at = $now, d.registered_by = $actor "
    "RETURN d.id AS id, d.operations AS operations, d.registered_at AS registered_at, "
    "d.registered_by AS registered_by"
)
_LIST = (
    f"MATCH (d:{Label.TRUSTED_DOCUMENT}) RETURN d.id AS id, d.operations AS operations, "
    "d.registered_at AS registered_at, d.registered_by AS registered_by "
    "ORDER BY d.registered_at, d.id"
)
_REMOVE = (f"MATCH (d:{Label.TRUSTED_DOCUMENT} {{id: $id}}) DETACH DELETE d "
           "RETURN count(*) AS removed")


def document_id(text: str) -> str:
    """Returns the id of a document: ``sha256:`` and the hex SHA-256 of its UTF-8 text."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def normalise_id(raw: object) -> str:
    """Returns a client's document id as ``sha256:<hex>`` (a bare hex hash is accepted);
    raises UNTRUSTED_DOCUMENT for anything else."""
    text = raw.strip().lower() if isinstance(raw, str) else ""
    text = text.removeprefix("sha256:")
    if not _HEX.match(text):
        raise ApiError(ErrorCode.UNTRUSTED_DOCUMENT,
                       "documentId must be sha256:<64 hex digits>", field="documentId")
    return "sha256:" + text


def operations_of(document: str) -> list[str]:
    """Returns the names of a document's operations (``-`` for an anonymous one); raises
    VALIDATION when the text is no GraphQL document."""
    if len(document) > MAX_DOCUMENT:
        raise invalid("document", f"at most {MAX_DOCUMENT} characters")
    try:
        parsed = parse(document)
    except GraphQLError as exc:
        raise invalid("document", f"not a GraphQL document: {exc.message}") from None
    names = [d.name.value if d.name else "-" for d in parsed.definitions
             if isinstance(d, OperationDefinitionNode)]
    if not names:
        raise invalid("document", "holds no operation")
    return names


def read_manifest(path: Path) -> dict[str, str]:
    """Returns the documents of a manifest file by id; raises SETUP naming the file when it
    cannot be read or an id is not the hash of its document."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SetupError(f"trusted documents file {path}: cannot be read: {exc}") from exc
    pairs: list[tuple[object, object]]
    if isinstance(raw, dict) and isinstance(raw.get("operations"), list):
        # Apollo's persisted query manifest: {"format": ..., "operations": [{id, body}]}.
        pairs = [(op.get("id"), op.get("body")) for op in raw["operations"]
                 if isinstance(op, dict)]
    elif isinstance(raw, dict):
        pairs = list(raw.items())
    else:
        raise SetupError(f"trusted documents file {path}: expected a JSON object")
    out: dict[str, str] = {}
    for key, document in pairs:
        if not isinstance(document, str):
            raise SetupError(f"trusted documents file {path}: {key!r} has no document text")
        try:
            ident = normalise_id(key)
        except ApiError:
            raise SetupError(f"trusted documents file {path}: {key!r} is no sha256 hash") from None
        if document_id(document) != ident:
            raise SetupError(f"trusted documents file {path}: {key} is not the SHA-256 of its "
                             "document")
        out[ident] = document
    return out


def from_graphiql(headers: Mapping[str, str]) -> bool:
    """Returns True when a browser marks the request as made by this server's own page at
    ``/graphql`` (GraphiQL)."""
    if headers.get("sec-fetch-site") != "same-origin":
        return False
    return urlsplit(headers.get("referer") or "").path.rstrip("/") == "/graphql"


class TrustedDocuments:
    """The documents a worker knows (the manifest's, and the graph's as looked up), and the
    mode's rules."""

    def __init__(self, settings: Settings) -> None:
        self.enforced = settings.api_trusted_documents
        self.exempt = settings.trusted_exempt
        self.manifest = (read_manifest(settings.api_trusted_documents_file)
                         if settings.api_trusted_documents_file else {})
        self.ttl_s = settings.api_key_cache_s
        self._cache: dict[str, tuple[float, str | None]] = {}

    async def document(self, ident: str, gateway: Gateway) -> str | None:
        """Returns the registered document of ``ident`` (None when there is none)."""
        found = self.manifest.get(ident)
        if found is not None:
            return found
        now = time.monotonic()
        hit = self._cache.get(ident)
        if hit is not None and now - hit[0] < self.ttl_s:
            return hit[1]
        rows = await gateway.read(_LOOKUP, {"id": ident})
        document = rows[0]["document"] if rows else None
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[ident] = (now, document)
        return document

    def exempts(self, principal: Principal, graphiql: bool) -> bool:
        """Returns True when this caller may send any document."""
        if "admin" in self.exempt and principal.allows(Role.ADMIN):
            return True
        return "graphiql" in self.exempt and graphiql

    async def check_text(self, text: str, principal: Principal, graphiql: bool,
                         gateway: Gateway) -> None:
        """Returns nothing when ``text`` may run; raises UNTRUSTED_DOCUMENT when the mode is on,
        the caller is not exempt and the text is not registered."""
        if not self.enforced or self.exempts(principal, graphiql):
            return
        ident = document_id(text)
        if await self.document(ident, gateway) != text:
            raise ApiError(
                ErrorCode.UNTRUSTED_DOCUMENT,
                "this server runs only registered documents: send a registered documentId, "
                "or ask an admin to register this one", documentId=ident)

    async def by_id(self, raw: object, gateway: Gateway) -> str:
        """Returns the document a client named by id; raises UNTRUSTED_DOCUMENT when unknown."""
        ident = normalise_id(raw)
        document = await self.document(ident, gateway)
        if document is None:
            raise ApiError(ErrorCode.UNTRUSTED_DOCUMENT, f"no trusted document {ident}",
                           documentId=ident)
        return document


# --- registration: GraphQL fields (admin) and the CLI's synchronous functions ---------------


@strawberry.type(description="A registered (trusted) document.")
class TrustedDocument:
    id: strawberry.ID = strawberry.field(description="sha256:<hex> of the exact text.")
    operations: list[str] = strawberry.field(description="Its operations' names.")
    registered_at: str
    registered_by: str

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> TrustedDocument:
        """Returns the GraphQL object of a stored document's row."""
        return cls(id=strawberry.ID(row["id"]), operations=list(row["operations"] or []),
                   registered_at=str(row["registered_at"]),
                   registered_by=str(row["registered_by"]))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@strawberry.type
class TrustedDocumentQuery:
    @strawberry.field(description="The documents registered in the graph (admin only; a "
                      "manifest file's are not listed).")
    async def trusted_documents(self, info: Info) -> list[TrustedDocument]:
        context = require(info, Role.ADMIN)
        return [TrustedDocument.from_row(r) for r in await context.gateway.read(_LIST)]


@strawberry.type
class TrustedDocumentMutation:
    @strawberry.mutation(description="Registers a document as trusted (admin only); clients "
                         "then send it, or its id, in trusted-documents mode. Registering it "
                         "again changes nothing.")
    async def register_trusted_document(self, info: Info, document: str) -> TrustedDocument:
        context = require(info, Role.ADMIN)
        operations = operations_of(document)
        params = {"id": document_id(document), "document": document,
                  "operations": operations, "now": _now(), "actor": context.principal.subject}

        async def work(tx: Any) -> list[dict[str, Any]]:
            rows: list[dict[str, Any]] = await tx.run(_REGISTER, **params)
            return rows

        return TrustedDocument.from_row((await context.gateway.write(work))[0])

    @strawberry.mutation(description="Removes a registered document (admin only); workers stop "
                         "running it within the key cache time.")
    async def remove_trusted_document(self, info: Info, id: strawberry.ID) -> bool:
        context = require(info, Role.ADMIN)
        try:
            ident = normalise_id(id)
        except ApiError:
            raise invalid("id", "expected sha256:<64 hex digits>") from None

        async def work(tx: Any) -> int:
            rows = await tx.run(_REMOVE, id=ident)
            return int(rows[0]["removed"])

        if not await context.gateway.write(work):
            raise NotFoundError(f"no trusted document {ident}", id=ident)
        return True


def register_documents(db: GraphDB, documents: Iterable[str], actor: str
                       ) -> list[dict[str, Any]]:
    """Returns the stored rows of ``documents`` after registering each (idempotent)."""
    out = []
    for document in documents:
        operations = operations_of(document)
        # Through the gate like every stakegraph write (`stakegraph documents add`).
        rows = write_query(db, _REGISTER, {"id": document_id(document), "document": document,
                                           "operations": operations, "now": _now(),
                                           "actor": actor})
        out.append(rows[0].data())
    return out


def list_documents(db: GraphDB) -> list[dict[str, Any]]:
    """Returns the documents registered in the graph, oldest first."""
    return [r.data() for r in db.read(_LIST)]


def remove_document(db: GraphDB, raw_id: str) -> str:
    """Returns the id of the document removed; raises NOT_FOUND when none has it."""
    ident = normalise_id(raw_id)
    removed = write_query(db, _REMOVE, {"id": ident})[0]["removed"]
    if not removed:
        raise NotFoundError(f"no trusted document {ident} (see `stakegraph documents list`)")
    return ident
