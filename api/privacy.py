"""Personal-data rights in the API, for admins only: the audit trail (`auditEvents`), and the
`exportPerson` / `erasePerson` mutations. They run the same steps as `stakegraph person`
(`stakegraph.queries.privacy.steps`) in one write transaction, audit event included."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import strawberry
from stakegraph.api.auth import Role
from stakegraph.api.context import Context, require
from stakegraph.api.gateway import Gateway, Tx
from stakegraph.api.pagination import Connection, connection, window
from stakegraph.api.validation import clean_id
from stakegraph.queries.privacy.steps import (
    AuditPage,
    Erasure,
    Steps,
    audit_steps,
    erase_steps,
    export_steps,
)
from strawberry import Info
from strawberry.scalars import JSON


@strawberry.type(description="A personal-data export or erasure: who did it, when, what, and "
                 "about which stakeholder id.")
class AuditEvent:
    id: strawberry.ID
    action: str
    subject: strawberry.ID
    actor: str | None
    via: str | None
    at: datetime | None
    summary: str | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> AuditEvent:
        """Returns the event of a JSON-ready AuditEvent property map."""
        at = row.get("at")
        return cls(
            id=strawberry.ID(row["id"]),
            action=row["action"],
            subject=strawberry.ID(row["subject"]),
            actor=row.get("actor"),
            via=row.get("via"),
            at=datetime.fromisoformat(at) if isinstance(at, str) else None,
            summary=row.get("summary"),
        )


@strawberry.type(description="What an erasure removed, and the engagement history it kept.")
class PersonErasure:
    id: strawberry.ID
    pseudonym: str
    removed: list[str] = strawberry.field(description="personal properties removed")
    renamed: bool
    ties: int
    ties_cleared: int = strawberry.field(description="ties whose free text was removed")
    assessments: int
    assessments_cleared: int = strawberry.field(description="assessments whose note was removed")
    participations: int
    memberships: int
    scores: int
    audit_event: AuditEvent

    @classmethod
    def from_erasure(cls, done: Erasure) -> PersonErasure:
        """Returns the GraphQL view of an Erasure."""
        return cls(
            id=strawberry.ID(done.subject),
            pseudonym=done.pseudonym,
            removed=done.removed,
            renamed=done.renamed,
            ties=done.ties,
            ties_cleared=done.ties_cleared,
            assessments=done.assessments,
            assessments_cleared=done.assessments_cleared,
            participations=done.participations,
            memberships=done.memberships,
            scores=done.scores,
            audit_event=AuditEvent.from_row(done.audit_event),
        )


async def _write(context: Context, make: Callable[[], Steps]) -> Any:
    async def work(tx: Tx) -> Any:
        steps = make()
        try:
            step = next(steps)
            while True:
                step = steps.send(await tx.run(step.text, **step.params))
        except StopIteration as done:
            return done.value

    return await context.gateway.write(work)


async def _read(gateway: Gateway, steps: Steps) -> Any:
    try:
        step = next(steps)
        while True:
            step = steps.send(await gateway.read(step.text, step.params))
    except StopIteration as done:
        return done.value


def _actor(context: Context) -> str:
    return context.principal.subject


@strawberry.type
class PrivacyQuery:
    @strawberry.field(description="The audit trail of personal-data exports and erasures, "
                      "newest first (admin only).")
    async def audit_events(
        self,
        info: Info,
        subject: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[AuditEvent]:
        context = require(info, Role.ADMIN)
        offset, limit = window(first, after, context.settings.api_max_page_size)
        ident = None if subject is None else clean_id("subject", subject)
        page: AuditPage = await _read(context.gateway, audit_steps(ident, offset, limit))
        return connection([AuditEvent.from_row(e) for e in page.events], page.total, offset)


@strawberry.type
class PrivacyMutation:
    @strawberry.mutation(description="Everything held on a person as one JSON document; the "
                         "export is recorded in the audit trail (admin only).")
    async def export_person(self, info: Info, id: strawberry.ID) -> JSON:
        context = require(info, Role.ADMIN)
        ident = clean_id("id", id)
        document: JSON = await _write(
            context, lambda: export_steps(ident, _actor(context), "api", context.model)
        )
        return document

    @strawberry.mutation(description="Erases a person's personal data and keeps their "
                         "anonymised engagement history; recorded in the audit trail; running "
                         "it again is harmless (admin only).")
    async def erase_person(self, info: Info, id: strawberry.ID) -> PersonErasure:
        context = require(info, Role.ADMIN)
        ident = clean_id("id", id)
        done: Erasure = await _write(
            context, lambda: erase_steps(ident, _actor(context), "api", context.model)
        )
        return PersonErasure.from_erasure(done)
