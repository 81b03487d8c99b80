"""The personal-data actions as plain logic: each is a generator that yields the statements to
run (library queries with bound parameters) and receives their rows, so the CLI's sync driver
and the API's async gateway run exactly the same steps in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Generator, Mapping
from dataclasses import dataclass
from typing import Any

from stakegraph.queries.library import bind, get_query, jsonable, native
from stakegraph.queries.privacy.errors import NotAPersonError, UnknownPersonError
from stakegraph.queries.privacy.rules import (
    assessment_text,
    audit_id,
    personal_stakeholder_properties,
    pseudonym,
    tie_text,
)
from stakegraph.schema import change_feed
from stakegraph.schema.combined import Model
from stakegraph.schema.graphdb import RecordData

EXPORT_FORMAT = "stakegraph-person-export/1"
_SECTIONS = ("memberships", "ties", "assessments", "participations", "scores", "audit_events")


@dataclass(frozen=True)
class Statement:
    """One library query with its checked parameters."""

    text: str
    params: dict[str, Any]


Steps = Generator[Statement, list[RecordData], Any]


def statement(name: str, params: Mapping[str, object]) -> Statement:
    """Returns the library query ``name`` with ``params`` bound by the library's own checks."""
    query = get_query(name)
    return Statement(query.text, dict(bind(query, params)))


@dataclass(frozen=True)
class Erasure:
    """What one erasure did: the personal properties it removed, whether the name changed,
    how many relationships lost free text, and the engagement history it kept."""

    subject: str
    pseudonym: str
    removed: list[str]
    renamed: bool
    ties: int
    ties_cleared: int
    assessments: int
    assessments_cleared: int
    participations: int
    memberships: int
    scores: int
    audit_event: dict[str, Any]

    @property
    def changed(self) -> bool:
        """Returns True when anything personal was still there to erase."""
        return bool(self.removed or self.renamed or self.ties_cleared or self.assessments_cleared)


@dataclass(frozen=True)
class AuditPage:
    """One page of the audit trail (newest first) and the number of events in all."""

    total: int
    events: list[dict[str, Any]]


def _check_person(rows: list[RecordData], ident: str) -> None:
    if not rows:
        raise UnknownPersonError(ident)
    if not rows[0]["person"]:
        raise NotAPersonError(ident, rows[0]["kind"])


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _record(action: str, subject: str, actor: str, via: str, at: dt.datetime,
            summary: str) -> Statement:
    return statement(
        "privacy_audit_record",
        {
            "audit_id": audit_id(subject, action),
            "action": action,
            "subject": subject,
            "actor": actor,
            "via": via,
            "at": at.isoformat(),
            "summary": summary,
        },
    )


def export_document(row: RecordData, subject: str, at: dt.datetime) -> dict[str, Any]:
    """Returns the JSON-ready export of a person from the row of ``privacy_person_export``."""
    plain = jsonable(native(row))
    return {
        "format": EXPORT_FORMAT,
        "subject": subject,
        "exported_at": at.isoformat(),
        "person": {"labels": sorted(plain["labels"]), "properties": plain["properties"]},
        **{section: plain[section] for section in _SECTIONS},
    }


def export_summary(document: Mapping[str, Any], model: Model) -> str:
    """Returns what an export held, as counts and property names (never their values)."""
    props = document["person"]["properties"]
    personal = [p for p in personal_stakeholder_properties(model) if p in props]
    counts = ", ".join(f"{len(document[s])} {s.replace('_', ' ')}" for s in _SECTIONS)
    shown = ", ".join(personal) or "none"
    return f"exported {len(props)} properties (personal: {shown}); {counts}"


def erase_summary(row: RecordData) -> str:
    """Returns what an erasure removed and kept, as counts and property names."""
    removed = ", ".join(row["removed"]) or "none"
    name = "name pseudonymised" if row["renamed"] else "name already pseudonymised"
    return (
        f"removed personal properties: {removed}; {name}; free text removed from "
        f"{row['ties_cleared']} of {row['ties']} ties and {row['assessments_cleared']} of "
        f"{row['assessments']} assessments; kept {row['ties']} ties, {row['participations']} "
        f"participations, {row['memberships']} memberships, {row['assessments']} assessments, "
        f"{row['scores']} scores"
    )


def export_steps(ident: str, actor: str, via: str, model: Model) -> Steps:
    """Yields the statements of a person export; returns the export document. The audit event
    is written in the same transaction, so no export leaves without its record."""
    _check_person((yield statement("privacy_subject", {"id": ident})), ident)
    rows = yield statement("privacy_person_export", {"id": ident})
    at = _now()
    document = export_document(rows[0], ident, at)
    yield _record("export", ident, actor, via, at, export_summary(document, model))
    return document


def erase_steps(ident: str, actor: str, via: str, model: Model) -> Steps:
    """Yields the statements of an erasure of what ``model`` marks as personal; returns the
    Erasure (with its audit event)."""
    _check_person((yield statement("privacy_subject", {"id": ident})), ident)
    name = pseudonym(ident)
    rows = yield statement(
        "privacy_person_erase",
        {
            "id": ident,
            "pseudonym": name,
            "personal": list(personal_stakeholder_properties(model)),
            "tie_text": list(tie_text(model)),
            "assessment_text": list(assessment_text(model)),
        },
    )
    row = rows[0]
    erased = change_feed.change("stakeholders", "updated", [ident],
                                fields=[*row["removed"], "name"], via=via, actor=actor)
    events = yield _record("erase", ident, actor, via, _now(), erase_summary(row))
    # The change feed last: its counter stays locked from here to the commit.
    yield Statement(change_feed.RECORD, {"events": [erased]})
    event = jsonable(native(events[0]["event"]))
    return Erasure(
        subject=ident,
        pseudonym=name,
        removed=list(row["removed"]),
        renamed=bool(row["renamed"]),
        ties=row["ties"],
        ties_cleared=row["ties_cleared"],
        assessments=row["assessments"],
        assessments_cleared=row["assessments_cleared"],
        participations=row["participations"],
        memberships=row["memberships"],
        scores=row["scores"],
        audit_event=event,
    )


def audit_steps(subject: str | None, skip: int, limit: int) -> Steps:
    """Yields the statement of one page of the audit trail; returns the AuditPage."""
    rows = yield statement(
        "privacy_audit_events", {"subject": subject, "skip": skip, "limit": limit}
    )
    row = rows[0]
    return AuditPage(total=row["total"], events=jsonable(native(row["page"])))
