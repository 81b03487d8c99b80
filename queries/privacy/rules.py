"""What counts as personal data, and how an erased person is named (docs/privacy.md says why)."""

from __future__ import annotations

import hashlib
import uuid

from stakegraph.schema.model import TIE_TYPES, Label, Rel, personal_properties

PSEUDONYM_PREFIX = "Erased person "

# Free text written about the relationship, which may quote or describe the person; the
# structured properties beside them (weights, dates, levels, scores) stay for the statistics.
TIE_FREE_TEXT: tuple[str, ...] = ("evidence",)
ASSESSMENT_FREE_TEXT: tuple[str, ...] = ("note",)
FREE_TEXT: dict[Rel, tuple[str, ...]] = {
    **{tie: TIE_FREE_TEXT for tie in TIE_TYPES},
    Rel.ASSESSED: ASSESSMENT_FREE_TEXT,
}


def personal_stakeholder_properties() -> tuple[str, ...]:
    """Returns the stakeholder properties the model marks as personal data."""
    return personal_properties()[Label.STAKEHOLDER]


def pseudonym(ident: str) -> str:
    """Returns the stable name an erased person gets: the same id always gives the same one,
    so re-running an erasure changes nothing and pictures stay comparable over time."""
    digest = hashlib.sha256(ident.encode("utf-8")).hexdigest()[:10]
    return f"{PSEUDONYM_PREFIX}{digest}"


def audit_id(subject: str, action: str) -> str:
    """Returns a fresh AuditEvent id; it starts with the subject id so events sort and are
    found by subject, and ends with a random part so two events never collide."""
    return f"{subject}|{action}|{uuid.uuid4().hex}"
