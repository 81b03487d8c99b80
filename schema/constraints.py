"""Constraints and indexes of the graph, and the statements that create them idempotently.

Neo4j Community enforces uniqueness only; required properties and value types are enforced by
the loaders and the API before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass

from stakegraph.schema.model import NODES, Label, Rel

FULLTEXT_INDEX = "stakegraph_name_search"
FULLTEXT_LABELS: tuple[Label, ...] = (
    Label.STAKEHOLDER,
    Label.PROJECT,
    Label.ACTIVITY,
    Label.STRATEGY,
    Label.OUTCOME,
    Label.OBJECTIVE,
)


@dataclass(frozen=True)
class SchemaItem:
    """One constraint or index: its name, kind and the statement that creates it."""

    name: str
    category: str
    statement: str


def _snake(label: str) -> str:
    out = "".join("_" + c.lower() if c.isupper() else c for c in label)
    return out.lstrip("_")


def schema_items() -> list[SchemaItem]:
    """Returns every constraint and index stakegraph needs, in creation order."""
    items: list[SchemaItem] = []
    for spec in NODES:
        base = _snake(spec.label)
        items.append(
            SchemaItem(
                f"{base}_id_unique",
                "uniqueness",
                f"CREATE CONSTRAINT {base}_id_unique IF NOT EXISTS "
                f"FOR (n:{spec.label}) REQUIRE n.id IS UNIQUE",
            )
        )
        if spec.name_indexed:
            items.append(
                SchemaItem(
                    f"{base}_name",
                    "range index",
                    f"CREATE INDEX {base}_name IF NOT EXISTS FOR (n:{spec.label}) ON (n.name)",
                )
            )
    extra = [
        ("concept_scheme", f"FOR (n:{Label.CONCEPT}) ON (n.scheme)"),
        ("engagement_activity_date", f"FOR (n:{Label.ACTIVITY}) ON (n.date)"),
        ("stakeholder_sector", f"FOR (n:{Label.STAKEHOLDER}) ON (n.sector)"),
        ("assessed_id", f"FOR ()-[r:{Rel.ASSESSED}]-() ON (r.id)"),
        ("assessed_date", f"FOR ()-[r:{Rel.ASSESSED}]-() ON (r.date)"),
        ("observed_id", f"FOR ()-[r:{Rel.OBSERVED}]-() ON (r.id)"),
        ("change_seq", f"FOR (n:{Label.CHANGE}) ON (n.seq)"),
        ("change_at", f"FOR (n:{Label.CHANGE}) ON (n.at)"),
    ]
    for name, target in extra:
        items.append(SchemaItem(name, "range index", f"CREATE INDEX {name} IF NOT EXISTS {target}"))
    # One queued or running analysis per scope: two API workers starting the same one race, and
    # the constraint lets exactly one of them win.
    items.append(
        SchemaItem(
            "analysis_job_active_scope_unique",
            "uniqueness",
            "CREATE CONSTRAINT analysis_job_active_scope_unique IF NOT EXISTS "
            f"FOR (n:{Label.ANALYSIS_JOB}) REQUIRE n.active_scope IS UNIQUE",
        )
    )
    labels = "|".join(FULLTEXT_LABELS)
    items.append(
        SchemaItem(
            FULLTEXT_INDEX,
            "full-text index",
            f"CREATE FULLTEXT INDEX {FULLTEXT_INDEX} IF NOT EXISTS "
            f"FOR (n:{labels}) ON EACH [n.name]",
        )
    )
    return items
