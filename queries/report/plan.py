"""What a report reads: the library calls it needs, as data, so the CLI (through a `GraphDB`) and
the API (through its async gateway) run exactly the same queries with the same parameters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from stakegraph.schema.combined import Model
from stakegraph.schema.model import Label

# Rows by the key of the call that read them.
Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class ReportRequest:
    """One report: a project as of ``at``, moves since ``since``, and whether the reader may see
    personal data (contact details of overdue stakeholders)."""

    project: str
    at: date
    since: date | None = None
    include_personal: bool = False
    key_players: int = 5
    hops: int = 2


@dataclass(frozen=True)
class QueryCall:
    """One run of a library query: the key its rows are kept under, the query, its parameters."""

    key: str
    query: str
    params: Mapping[str, Any]


@dataclass
class ReportData:
    """The rows of every call of a report, by key, and the model the report is read under."""

    request: ReportRequest
    model: Model
    rows: dict[str, Rows] = field(default_factory=dict)

    def get(self, key: str) -> Rows:
        """Returns the rows read under ``key`` (empty when the call was not made)."""
        return self.rows.get(key, [])


def calls(request: ReportRequest) -> list[QueryCall]:
    """Returns the library calls of the report's first round (everything but contact details)."""
    project, at = request.project, request.at
    scoped = {"project": project, "at": at}
    plan = [
        QueryCall("project", "plot_project", {"project": project}),
        QueryCall("headline", "report_headline", scoped),
        QueryCall("by_kind", "deepest_level", {**scoped, "by": "kind"}),
        QueryCall("by_sector", "deepest_level", {**scoped, "by": "sector"}),
        QueryCall("by_category", "stakeholders_by_category", scoped),
        QueryCall("activities", "report_activities", scoped),
        QueryCall("quadrants", "quadrants", scoped),
        QueryCall("network_nodes", "plot_network_stakeholders", scoped),
        QueryCall("network_ties", "plot_network_ties", {"project": project}),
        QueryCall("projection", "analytics_project_projection", {"project": project}),
        QueryCall("coverage", "coverage", scoped),
        QueryCall("neglected", "neglected_high_impact", scoped),
        QueryCall("overdue", "overdue_contacts", scoped),
        QueryCall("readiness", "readiness_checklist", scoped),
        QueryCall("q3_reach", "q3_reach", {**scoped, "hops": request.hops}),
        QueryCall("pathways", "pathways", scoped),
        QueryCall("strategies", "strategies_before_outcome_change", {"project": project}),
        QueryCall("observations", "report_observations", scoped),
    ]
    if request.since is not None:
        plan += [
            QueryCall("earlier", "quadrants", {"project": project, "at": request.since}),
            QueryCall("movement", "matrix_movement",
                      {"project": project, "from": request.since, "to": at}),
        ]
    return plan


def follow_up(data: ReportData) -> list[QueryCall]:
    """Returns the calls that depend on the first round: the personal properties (as the model
    declares them) of the overdue stakeholders, only when the reader may see personal data."""
    personal = list(data.model.personal(Label.STAKEHOLDER))
    ids = [str(r["id"]) for r in data.get("overdue")]
    if not (data.request.include_personal and personal and ids):
        return []
    return [QueryCall("contacts", "report_contacts", {"ids": ids, "properties": personal})]
