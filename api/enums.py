"""The GraphQL enums of the model's closed sets, made from the model's own enums (never retyped):
the kinds of stakeholder and the tie types, plus the direction a tie list follows."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry
from stakegraph.schema.model import TIE_TYPES, Kind

StakeholderKind: Any = strawberry.enum(
    Enum("StakeholderKind", {k.name: k.value for k in Kind}),  # type: ignore[call-overload]
    description="The kinds of stakeholder.",
)
TieType: Any = strawberry.enum(
    Enum("TieType", {t.name: t.value for t in TIE_TYPES}),  # type: ignore[call-overload]
    description="Ties between stakeholders.",
)


@strawberry.enum(description="Which ties: where the stakeholder is source, target, or either.")
class TieDirection(Enum):
    OUT = "OUT"
    IN = "IN"
    BOTH = "BOTH"


def graphql_enum(model_enum: type[Enum]) -> type[Enum]:
    """Returns the GraphQL enum of one of the model's enums."""
    if model_enum is Kind:
        chosen: type[Enum] = StakeholderKind
        return chosen
    raise KeyError(model_enum)
