"""Why a personal-data action was refused; each message is one line for the person asking."""

from __future__ import annotations

from stakegraph.schema.errors import ErrorCode, StakegraphError


class PrivacyError(StakegraphError):
    """A personal-data export or erasure that cannot be done as asked."""


class UnknownPersonError(PrivacyError):
    """No stakeholder has the id."""

    code = ErrorCode.NOT_FOUND

    def __init__(self, ident: str) -> None:
        super().__init__(f"no stakeholder with id {ident!r}", id=ident)
        self.ident = ident


class NotAPersonError(PrivacyError):
    """The id names a group or organisation, which hold no personal data in the model."""

    def __init__(self, ident: str, kind: str | None) -> None:
        what = kind or "not a person"
        super().__init__(
            f"{ident!r} is a stakeholder of kind {what}: only persons have personal data to "
            "export or erase",
            id=ident,
        )
        self.ident = ident
        self.kind = kind
