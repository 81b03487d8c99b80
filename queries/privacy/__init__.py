"""Personal-data rights: export everything held on a person, erase their personal data while
keeping anonymised engagement history, and the audit trail of both (see docs/privacy.md)."""

from stakegraph.queries.privacy.actions import audit_events, erase_person, export_person
from stakegraph.queries.privacy.errors import NotAPersonError, PrivacyError, UnknownPersonError
from stakegraph.queries.privacy.steps import AuditPage, Erasure

__all__ = [
    "AuditPage",
    "Erasure",
    "NotAPersonError",
    "PrivacyError",
    "UnknownPersonError",
    "audit_events",
    "erase_person",
    "export_person",
]
