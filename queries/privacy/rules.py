"""What counts as personal data, and how an erased person is named (docs/privacy.md says why)."""

from __future__ import annotations

import hashlib
import uuid

from stakegraph.schema.combined import Model
from stakegraph.schema.model import TIE_TYPES, Label, Rel

PSEUDONYM_PREFIX = "Erased person "

# Free text written about the relationship, which may quote or describe the person; the
# structured properties beside them (weights, dates, levels, scores) stay for the statistics.
TIE_FREE_TEXT: tuple[str, ...] = ("evidence",)
ASSESSMENT_FREE_TEXT: tuple[str, ...] = ("note",)
FREE_TEXT: dict[Rel, tuple[str, ...]] = {
    **{tie: TIE_FREE_TEXT for tie in TIE_TYPES},
    Rel.ASSESSED: ASSESSMENT_FREE_TEXT,
}


def personal_stakeholder_properties(model: Model) -> tuple[str, ...]:
    """Returns the stakeholder properties ``model`` marks as personal data (declared ones
    included)."""
    return model.personal(Label.STAKEHOLDER)


def tie_text(model: Model) -> tuple[str, ...]:
    """Returns what an erasure removes from a person's ties: the free text, and the tie
    properties ``model`` marks as personal."""
    personal = {name for tie in TIE_TYPES for name in model.personal(tie)}
    return TIE_FREE_TEXT + tuple(sorted(personal - set(TIE_FREE_TEXT)))


def assessment_text(model: Model) -> tuple[str, ...]:
    """Returns what an erasure removes from a person's assessments: the free text, and the
    assessment properties ``model`` marks as personal."""
    personal = set(model.personal(Rel.ASSESSED)) - set(ASSESSMENT_FREE_TEXT)
    return ASSESSMENT_FREE_TEXT + tuple(sorted(personal))


def pseudonym(ident: str) -> str:
    """Returns the stable name an erased person gets: the same id always gives the same one,
    so re-running an erasure changes nothing and pictures stay comparable over time."""
    digest = hashlib.sha256(ident.encode("utf-8")).hexdigest()[:10]
    return f"{PSEUDONYM_PREFIX}{digest}"


def audit_id(subject: str, action: str) -> str:
    """Returns a fresh AuditEvent id; it starts with the subject id so events sort and are
    found by subject, and ends with a random part so two events never collide."""
    return f"{subject}|{action}|{uuid.uuid4().hex}"
