"""The graph model in code: every node label, relationship type and property stakegraph writes.

Everything that builds Cypher takes labels and relationship types from here, never from user
input, so this module is also the whitelist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Label(StrEnum):
    """Node labels."""

    STAKEHOLDER = "Stakeholder"
    PERSON = "Person"
    GROUP = "Group"
    ORGANISATION = "Organisation"
    PROJECT = "Project"
    ACTIVITY = "EngagementActivity"
    STRATEGY = "Strategy"
    OUTCOME = "Outcome"
    OBJECTIVE = "Objective"
    CONCEPT = "Concept"
    AUDIT = "AuditEvent"
    ANALYTICS_RUN = "AnalyticsRun"
    # API keys of the GraphQL API (hashed); kept out of NODES: not part of the domain model.
    API_KEY = "ApiKey"


class Rel(StrEnum):
    """Relationship types."""

    MEMBER_OF = "MEMBER_OF"
    PART_OF = "PART_OF"
    ASSESSED = "ASSESSED"
    INFLUENCES = "INFLUENCES"
    TRUSTS = "TRUSTS"
    COLLABORATES_WITH = "COLLABORATES_WITH"
    REFERRED = "REFERRED"
    PARTICIPATED_IN = "PARTICIPATED_IN"
    FOR_PROJECT = "FOR_PROJECT"
    APPLIED = "APPLIED"
    PURSUED = "PURSUED"
    CONTRIBUTED_TO = "CONTRIBUTED_TO"
    OBSERVED = "OBSERVED"
    BROADER = "BROADER"
    SCORED = "SCORED"


class Kind(StrEnum):
    """The kinds of stakeholder; each is also an extra label on the Stakeholder node."""

    PERSON = "person"
    GROUP = "group"
    ORGANISATION = "organisation"

    @property
    def label(self) -> Label:
        """Returns the extra node label of this kind."""
        return {
            Kind.PERSON: Label.PERSON,
            Kind.GROUP: Label.GROUP,
            Kind.ORGANISATION: Label.ORGANISATION,
        }[self]


# Ties between stakeholders, the edges of the network analytics.
TIE_TYPES: tuple[Rel, ...] = (Rel.INFLUENCES, Rel.TRUSTS, Rel.COLLABORATES_WITH, Rel.REFERRED)
# Ties whose direction carries no meaning; analytics treat them as undirected.
UNDIRECTED_TIES: frozenset[Rel] = frozenset({Rel.COLLABORATES_WITH})


class PropType(StrEnum):
    """Property value types, as stored in Neo4j."""

    STRING = "string"
    INTEGER = "integer"
    FLOAT = "float"
    BOOLEAN = "boolean"
    DATE = "date"


@dataclass(frozen=True)
class Prop:
    """One property: its type, whether it must be present, whether it is personal data, and the
    vocabulary scheme its values must come from (if any)."""

    name: str
    type: PropType = PropType.STRING
    required: bool = False
    personal: bool = False
    scheme: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    doc: str = ""


@dataclass(frozen=True)
class NodeSpec:
    """A node label with its properties. ``id`` is always present and unique."""

    label: Label
    doc: str
    props: tuple[Prop, ...]
    extra_labels: tuple[Label, ...] = ()
    name_indexed: bool = True

    def prop(self, name: str) -> Prop:
        """Returns the property called ``name``."""
        for p in self.props:
            if p.name == name:
                return p
        raise KeyError(f"{self.label} has no property {name!r}")


@dataclass(frozen=True)
class RelSpec:
    """A relationship type: its endpoints, properties, and what makes one instance distinct.

    ``identity`` lists the properties that, with the two endpoints, identify one relationship;
    an empty tuple means at most one relationship of this type between two nodes.
    """

    type: Rel
    start: Label
    end: Label
    doc: str
    props: tuple[Prop, ...] = ()
    identity: tuple[str, ...] = ()
    history: bool = False
    end_alternatives: tuple[Label, ...] = field(default=())


SCALE_MIN = 1
SCALE_MAX = 10
# Interest and impact are scored 1..10; a score above the midpoint counts as "high".
HIGH_THRESHOLD = 6

_ID = Prop("id", required=True, doc="stable identifier, unique per label")
_NAME = Prop("name", required=True, doc="display name")

NODES: tuple[NodeSpec, ...] = (
    NodeSpec(
        Label.STAKEHOLDER,
        "A person, group or organisation with a stake; its kind is an extra label.",
        (
            _ID,
            _NAME,
            Prop("kind", required=True, doc="person, group or organisation"),
            Prop("sector", scheme="sector"),
            Prop("societal", PropType.BOOLEAN, doc="patients, public or carers"),
            Prop("seldom_heard", PropType.BOOLEAN, doc="belongs to a seldom-heard group"),
            Prop("country"),
            Prop("role", scheme="cfir_role", doc="role in the implementation (CFIR 2.0)"),
            Prop("email", personal=True),
            Prop("phone", personal=True),
            Prop("notes", personal=True, doc="free text about the stakeholder"),
        ),
        extra_labels=(Label.PERSON, Label.GROUP, Label.ORGANISATION),
    ),
    NodeSpec(
        Label.PROJECT,
        "A study, programme or implementation effort.",
        (
            _ID,
            _NAME,
            Prop("description"),
            Prop("stage", scheme="lifecycle_stage", doc="current life-cycle stage"),
            Prop("phase", scheme="implementation_phase", doc="current implementation phase"),
            Prop("start_date", PropType.DATE),
            Prop("end_date", PropType.DATE),
            Prop("next_review", PropType.DATE, doc="next stakeholder-map review"),
            Prop("engagement_strategy", PropType.BOOLEAN, doc="has a written engagement strategy"),
            Prop("inclusion_strategy", PropType.BOOLEAN, doc="has an inclusion strategy"),
            Prop("coproduction_strategy", PropType.BOOLEAN, doc="has a co-production strategy"),
        ),
    ),
    NodeSpec(
        Label.ACTIVITY,
        "A meeting, workshop, focus group, training... with the spectrum level it reached.",
        (
            _ID,
            _NAME,
            Prop("type", required=True, scheme="activity_type"),
            Prop("date", PropType.DATE, required=True),
            Prop("mode", scheme="engagement_mode"),
            Prop("duration_minutes", PropType.INTEGER, minimum=0, maximum=100_000),
            Prop("stage", scheme="lifecycle_stage", required=True),
            Prop("level", scheme="spectrum_level", required=True),
            Prop("notes"),
        ),
    ),
    NodeSpec(
        Label.STRATEGY,
        "An implementation strategy: the ERIC compilation ships as vocabulary; custom allowed.",
        (_ID, _NAME, Prop("cluster", scheme="eric_cluster"), Prop("definition"), Prop("source")),
    ),
    NodeSpec(
        Label.OUTCOME,
        "An implementation or engagement outcome (Proctor's eight and I-STEM ship; custom too).",
        (_ID, _NAME, Prop("definition"), Prop("source")),
    ),
    NodeSpec(
        Label.OBJECTIVE,
        "An engagement objective (I-STEM ships; custom allowed).",
        (_ID, _NAME, Prop("definition"), Prop("source")),
    ),
    NodeSpec(
        Label.CONCEPT,
        "A term of a shipped vocabulary (SKOS-like): id is 'scheme:code'.",
        (
            _ID,
            Prop("scheme", required=True),
            Prop("code", required=True),
            Prop("name", required=True),
            Prop("definition"),
            Prop("order", PropType.INTEGER),
        ),
    ),
    NodeSpec(
        Label.AUDIT,
        "A record of a personal-data export or erasure: who, when, what.",
        (
            _ID,
            Prop("action", required=True),
            Prop("subject", required=True),
            Prop("actor"),
            Prop("at", PropType.DATE),
            Prop("via", doc="cli or api"),
            Prop("summary", doc="what was exported or erased: counts and property names"),
        ),
        name_indexed=False,
    ),
    NodeSpec(
        Label.ANALYTICS_RUN,
        "One run of a network metric (`stakegraph analyse --write`): when, how, with which "
        "parameters; its SCORED relationships keep every stakeholder's value from that run.",
        (
            Prop("id", required=True, doc="derived: scope/metric/timestamp"),
            Prop("metric", required=True, doc="pagerank, betweenness, degree, ..."),
            Prop("computed_at", required=True, doc="UTC timestamp, ISO 8601"),
            Prop("method", required=True, doc="engine and algorithm, e.g. igraph PRPACK"),
            Prop("params_json", required=True, doc="scope, tie types, weighting, parameters"),
            Prop("nodes", PropType.INTEGER, doc="stakeholders in the projection"),
            Prop("edges", PropType.INTEGER, doc="arcs in the projection"),
            Prop("complete", PropType.BOOLEAN, doc="false until every score is written"),
        ),
        name_indexed=False,
    ),
)

_TIE_PROPS = (
    Prop("weight", PropType.FLOAT, minimum=0.0, maximum=1_000_000.0, doc="strength, default 1"),
    Prop("date", PropType.DATE, doc="when the tie was observed"),
    Prop("evidence", doc="how we know"),
)

RELATIONSHIPS: tuple[RelSpec, ...] = (
    RelSpec(
        Rel.MEMBER_OF,
        Label.PERSON,
        Label.STAKEHOLDER,
        "A person belongs to a group or an organisation.",
        (Prop("role"), Prop("since", PropType.DATE)),
    ),
    RelSpec(
        Rel.PART_OF,
        Label.ORGANISATION,
        Label.ORGANISATION,
        "An organisation (or group) is part of a parent organisation.",
    ),
    RelSpec(
        Rel.ASSESSED,
        Label.STAKEHOLDER,
        Label.PROJECT,
        "A dated assessment of a stakeholder's stake in a project; history is kept, latest wins.",
        (
            Prop("id", required=True, doc="derived: stakeholder|project|date|assessor"),
            Prop("date", PropType.DATE, required=True),
            Prop("assessor", required=True, doc="who or which method made the judgement"),
            Prop("method", doc="how: workshop, interview, desk review, ..."),
            Prop("category", scheme="nine_cs", doc="the 9 C category"),
            Prop("interest", PropType.INTEGER, required=True, minimum=SCALE_MIN, maximum=SCALE_MAX),
            Prop("impact", PropType.INTEGER, required=True, minimum=SCALE_MIN, maximum=SCALE_MAX),
            Prop("influence", PropType.INTEGER, minimum=SCALE_MIN, maximum=SCALE_MAX),
            Prop("quadrant", scheme="quadrant", doc="derived from interest and impact on write"),
            Prop("attitude", scheme="attitude", doc="current attitude"),
            Prop("desired_attitude", scheme="attitude"),
            Prop(
                "contact_every_days",
                PropType.INTEGER,
                minimum=1,
                maximum=3650,
                doc="planned contact frequency",
            ),
            Prop("note"),
        ),
        identity=("id",),
        history=True,
    ),
    RelSpec(
        Rel.INFLUENCES,
        Label.STAKEHOLDER,
        Label.STAKEHOLDER,
        "Source influences target (directed, weighted).",
        _TIE_PROPS,
    ),
    RelSpec(Rel.TRUSTS, Label.STAKEHOLDER, Label.STAKEHOLDER, "Source trusts target.", _TIE_PROPS),
    RelSpec(
        Rel.COLLABORATES_WITH,
        Label.STAKEHOLDER,
        Label.STAKEHOLDER,
        "The two work together (undirected in analytics).",
        _TIE_PROPS,
    ),
    RelSpec(
        Rel.REFERRED,
        Label.STAKEHOLDER,
        Label.STAKEHOLDER,
        "Source pointed us to target (snowball identification).",
        _TIE_PROPS,
    ),
    RelSpec(
        Rel.PARTICIPATED_IN,
        Label.STAKEHOLDER,
        Label.ACTIVITY,
        "A stakeholder took part in an activity.",
        (Prop("role"),),
    ),
    RelSpec(Rel.FOR_PROJECT, Label.ACTIVITY, Label.PROJECT, "The project an activity belongs to."),
    RelSpec(
        Rel.APPLIED,
        Label.ACTIVITY,
        Label.STRATEGY,
        "An activity applied an implementation strategy.",
        (Prop("note"),),
    ),
    RelSpec(
        Rel.PURSUED, Label.ACTIVITY, Label.OBJECTIVE, "An activity pursued an engagement objective."
    ),
    RelSpec(
        Rel.CONTRIBUTED_TO,
        Label.ACTIVITY,
        Label.OUTCOME,
        "An activity contributed to an outcome.",
        (Prop("evidence"),),
    ),
    RelSpec(
        Rel.OBSERVED,
        Label.PROJECT,
        Label.OUTCOME,
        "An outcome observed for a project at a date, with a value; history is kept.",
        (
            Prop("id", required=True, doc="derived: project|outcome|date"),
            Prop("date", PropType.DATE, required=True),
            Prop("value", PropType.FLOAT, required=True, minimum=-1e9, maximum=1e9),
            Prop("evidence"),
        ),
        identity=("id",),
        history=True,
    ),
    RelSpec(
        Rel.BROADER,
        Label.CONCEPT,
        Label.CONCEPT,
        "A vocabulary term's broader term (an ERIC strategy's cluster).",
    ),
    RelSpec(
        Rel.SCORED,
        Label.ANALYTICS_RUN,
        Label.STAKEHOLDER,
        "A metric run's score of a stakeholder; one property per score column (e.g. pagerank, "
        "or in_degree/out_degree/degree). Runs are never overwritten: the latest is current.",
        history=True,
    ),
)


def node_spec(label: Label) -> NodeSpec:
    """Returns the spec of a node label."""
    for spec in NODES:
        if spec.label == label:
            return spec
    raise KeyError(label)


def rel_spec(rel: Rel) -> RelSpec:
    """Returns the spec of a relationship type."""
    for spec in RELATIONSHIPS:
        if spec.type == rel:
            return spec
    raise KeyError(rel)


def personal_properties() -> dict[Label, tuple[str, ...]]:
    """Returns, per label, the properties that are personal data."""
    return {
        spec.label: tuple(p.name for p in spec.props if p.personal)
        for spec in NODES
        if any(p.personal for p in spec.props)
    }


def quadrant(interest: int, impact: int) -> str:
    """Returns the interest/impact quadrant code (q1..q4) of a pair of 1..10 scores."""
    high_interest = interest >= HIGH_THRESHOLD
    high_impact = impact >= HIGH_THRESHOLD
    if high_impact:
        return "q4" if high_interest else "q3"
    return "q2" if high_interest else "q1"
