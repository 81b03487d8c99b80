"""The shipped graph model in code: every node label, relationship type and property stakegraph
writes, with the documentation every layer shows for them.

Everything that builds Cypher takes labels and relationship types from here, never from user
input, so this module is also the whitelist. The loader's columns, the GraphQL types, inputs and
filters, the exports and the docs are derived from these declarations (plus an organisation's
declared extensions, `stakegraph.schema.extensions`, combined in `stakegraph.schema.combined`):
adding a property here is the one change a new shipped property needs.
"""

from __future__ import annotations

import builtins
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
    # An analysis started through the API, run in its own process (see queries/analytics/jobs.py).
    ANALYSIS_JOB = "AnalysisJob"
    # The declared extensions of the model, one node per version (see schema/extensions.py),
    # and one node per declared property of the version in force, for Cypher to read.
    MODEL_EXTENSION = "ModelExtension"
    DECLARED_PROPERTY = "DeclaredProperty"
    # The change feed: one Change per change committed, numbered in commit order by the one
    # ChangeFeed counter (see schema/change_feed.py).
    CHANGE = "Change"
    CHANGE_FEED = "ChangeFeed"
    # GraphQL documents an admin registered as trusted (see api/trusted.py).
    TRUSTED_DOCUMENT = "TrustedDocument"
    # API keys of the GraphQL API (hashed); kept out of NODES: not part of the domain model.
    API_KEY = "ApiKey"
    # The graph's own records, also kept out of NODES: the model version it was written with
    # and, while a backup, restore or migration holds writers back, the maintenance gate
    # (schema/version.py); one node per migration applied to it (schema/migrations.py).
    META = "StakegraphMeta"
    MIGRATION = "Migration"


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


# The version of this model as the graph records it (`StakegraphMeta {id: 'model'}`): a graph
# written with an older one is migrated forward by `stakegraph schema apply`; every change to
# stored data that older code would misread bumps it, with its migration in schema/migrations.py.
# 1: the releases before versions were recorded; 2: vocabulary terms carry `origin`.
MODEL_VERSION = 2

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
    vocabulary scheme its values must come from (if any).

    ``many``: a list of values (of ``scheme``'s terms). ``kinds``: on a stakeholder, only these
    kinds have it (empty: all). ``enum``: the closed set of values (its members' values).
    ``default``: what an absent value reads as. ``custom``: declared by an organisation, not
    shipped. ``filterable``: lists can be filtered on it (equality for terms, booleans and
    text; ranges for numbers and dates); personal data never is. ``derived``: stakegraph works
    it out when writing (an assessment's id and quadrant), so no file or input gives it.
    """

    name: str
    type: PropType = PropType.STRING
    required: bool = False
    personal: bool = False
    scheme: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    doc: str = ""
    many: bool = False
    kinds: tuple[Kind, ...] = ()
    enum: builtins.type[StrEnum] | None = None
    default: float | None = None
    custom: bool = False
    filterable: bool | None = None
    derived: bool = False

    def can_filter(self) -> bool:
        """Returns whether lists can be filtered on this property: never personal data, ids
        or names (lists have their own id and name-search filters); as declared where said;
        otherwise terms, closed sets, booleans, numbers and dates."""
        if self.personal or self.name in ("id", "name"):
            return False
        if self.filterable is not None:
            return self.filterable
        return (self.scheme is not None or self.enum is not None
                or self.type is not PropType.STRING)


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

_ID = Prop("id", required=True, doc="Stable identifier, unique per label.")
_NAME = Prop("name", required=True, doc="Display name.")
_DEFINITION = Prop("definition", doc="What it means, in a sentence or two.")
_SOURCE = Prop("source", derived=True,
               doc="Where it comes from: the vocabulary's title, or 'custom'.")

NODES: tuple[NodeSpec, ...] = (
    NodeSpec(
        Label.STAKEHOLDER,
        "A person, group or organisation with a stake; its kind is an extra label.",
        (
            _ID,
            _NAME,
            Prop("kind", required=True, enum=Kind, doc="Person, group or organisation."),
            Prop("sector", scheme="sector", doc="Code of the `sector` vocabulary."),
            Prop("societal", PropType.BOOLEAN, doc="Patients, public or carers."),
            Prop("seldom_heard", PropType.BOOLEAN, doc="Belongs to a seldom-heard group."),
            Prop("country", filterable=True, doc="The country it is based in."),
            Prop("role", scheme="cfir_role",
                 doc="Role in the implementation: code of `cfir_role` (CFIR 2.0)."),
            Prop("email", personal=True, doc="Email address (personal data)."),
            Prop("phone", personal=True, doc="Telephone number (personal data)."),
            Prop("notes", personal=True, doc="Free text about the stakeholder (personal data)."),
        ),
        extra_labels=(Label.PERSON, Label.GROUP, Label.ORGANISATION),
    ),
    NodeSpec(
        Label.PROJECT,
        "A study, programme or implementation effort.",
        (
            _ID,
            _NAME,
            Prop("description", doc="What the project is about."),
            Prop("stage", scheme="lifecycle_stage",
                 doc="Current life-cycle stage: code of `lifecycle_stage`."),
            Prop("phase", scheme="implementation_phase",
                 doc="Current implementation phase: code of `implementation_phase`."),
            Prop("start_date", PropType.DATE, doc="When the project started."),
            Prop("end_date", PropType.DATE, doc="When the project ends or ended."),
            Prop("next_review", PropType.DATE, doc="Next review of the stakeholder map."),
            Prop("engagement_strategy", PropType.BOOLEAN,
                 doc="Has a written engagement strategy."),
            Prop("inclusion_strategy", PropType.BOOLEAN, doc="Has an inclusion strategy."),
            Prop("coproduction_strategy", PropType.BOOLEAN,
                 doc="Has a co-production strategy."),
        ),
    ),
    NodeSpec(
        Label.ACTIVITY,
        "A meeting, workshop, focus group, training... with the spectrum level it reached.",
        (
            _ID,
            _NAME,
            Prop("type", required=True, scheme="activity_type",
                 doc="What kind of activity: code of `activity_type`."),
            Prop("date", PropType.DATE, required=True, doc="When it took place."),
            Prop("mode", scheme="engagement_mode",
                 doc="How it took place: code of `engagement_mode`."),
            Prop("duration_minutes", PropType.INTEGER, minimum=0, maximum=100_000,
                 doc="How long it lasted, in minutes."),
            Prop("stage", scheme="lifecycle_stage", required=True,
                 doc="The project's life-cycle stage at the time: code of `lifecycle_stage`."),
            Prop("level", scheme="spectrum_level", required=True,
                 doc="The deepest level of the spectrum it reached: code of `spectrum_level`."),
            Prop("notes", doc="Free text about the activity."),
        ),
    ),
    NodeSpec(
        Label.STRATEGY,
        "An implementation strategy: the ERIC compilation ships as vocabulary; custom allowed.",
        (_ID, _NAME,
         Prop("cluster", scheme="eric_cluster", doc="ERIC cluster: code of `eric_cluster`."),
         _DEFINITION, _SOURCE),
    ),
    NodeSpec(
        Label.OUTCOME,
        "An implementation or engagement outcome (Proctor's eight and I-STEM ship; custom too).",
        (_ID, _NAME, _DEFINITION, _SOURCE),
    ),
    NodeSpec(
        Label.OBJECTIVE,
        "An engagement objective (I-STEM ships; custom allowed).",
        (_ID, _NAME, _DEFINITION, _SOURCE),
    ),
    NodeSpec(
        Label.CONCEPT,
        "A term of a vocabulary (SKOS-like): id is 'scheme:code'.",
        (
            _ID,
            Prop("scheme", required=True, filterable=True, doc="The vocabulary it belongs to."),
            Prop("code", required=True, doc="Its code in the vocabulary."),
            Prop("name", required=True, doc="Its label."),
            _DEFINITION,
            Prop("order", PropType.INTEGER, filterable=False,
                 doc="Its place in the vocabulary's order."),
            Prop("source", doc="The vocabulary's title."),
            Prop("origin", filterable=True,
                 doc="shipped (with stakegraph) or declared (by this organisation)."),
        ),
    ),
    NodeSpec(
        Label.AUDIT,
        "A record of a personal-data export or erasure, or of a model change: who, when, what.",
        (
            _ID,
            Prop("action", required=True, doc="export, erase or model-change."),
            Prop("subject", required=True, doc="Whom or what it concerns (an id)."),
            Prop("actor", doc="Who did it."),
            Prop("at", PropType.DATE, doc="When."),
            Prop("via", doc="cli or api."),
            Prop("summary", doc="What was exported, erased or changed: counts and names."),
        ),
        name_indexed=False,
    ),
    NodeSpec(
        Label.ANALYTICS_RUN,
        "One run of a network metric (`stakegraph analyse --write`): when, how, with which "
        "parameters; its SCORED relationships keep every stakeholder's value from that run.",
        (
            Prop("id", required=True, doc="Derived: scope/metric/timestamp."),
            Prop("metric", required=True, doc="pagerank, betweenness, degree, ..."),
            Prop("computed_at", required=True, doc="UTC timestamp, ISO 8601."),
            Prop("method", required=True, doc="Engine and algorithm, e.g. igraph PRPACK."),
            Prop("params_json", required=True, doc="Scope, tie types, weighting, parameters."),
            Prop("nodes", PropType.INTEGER, doc="Stakeholders in the projection."),
            Prop("edges", PropType.INTEGER, doc="Arcs in the projection."),
            Prop("complete", PropType.BOOLEAN, doc="False until every score is written."),
        ),
        name_indexed=False,
    ),
    NodeSpec(
        Label.ANALYSIS_JOB,
        "An analysis started through the API and run in a process of its own: its state and "
        "progress while it runs, then the AnalyticsRun it wrote or why it failed.",
        (
            Prop("id", required=True, doc="'job-' and a random hex string."),
            Prop("scope", required=True, doc="The project analysed ('graph': all of it)."),
            Prop("active_scope", doc="The scope while queued or running (unique: one job per "
                 "scope at a time); removed when it ends."),
            Prop("metric", required=True, doc="pagerank, betweenness, degree, ..."),
            Prop("params_json", required=True, doc="The request: tie types, weighting, engine "
                 "and the metric's parameters."),
            Prop("state", required=True, doc="queued, running, succeeded or failed."),
            Prop("phase", doc="What it is doing: waiting, computing, writing scores, done."),
            Prop("progress", PropType.FLOAT, doc="From 0 to 1."),
            Prop("requested_by", doc="The API key or token subject that started it."),
            Prop("requested_at", required=True, doc="UTC timestamp, ISO 8601."),
            Prop("started_at", doc="When its process took it (UTC, ISO 8601)."),
            Prop("finished_at", doc="When it succeeded or failed (UTC, ISO 8601)."),
            Prop("heartbeat_at", doc="Its process's last sign of life (UTC, ISO 8601)."),
            Prop("host", doc="The machine its process runs on."),
            Prop("pid", PropType.INTEGER, doc="Its process id on that machine."),
            Prop("run_id", doc="The AnalyticsRun it wrote."),
            Prop("error", doc="Why it failed."),
        ),
        name_indexed=False,
    ),
    NodeSpec(
        Label.MODEL_EXTENSION,
        "One version of an organisation's declared extensions of the model (custom "
        "properties and terms); the highest version is the one in force.",
        (
            Prop("id", required=True, doc="'v' and the version number."),
            Prop("version", PropType.INTEGER, required=True, doc="1, 2, 3... in order."),
            Prop("declaration", required=True, doc="The declaration, as canonical JSON."),
            Prop("sha256", required=True, doc="Hash of the declaration."),
            Prop("applied_at", required=True, doc="UTC timestamp, ISO 8601."),
            Prop("applied_by", doc="Who applied it."),
        ),
        name_indexed=False,
    ),
    NodeSpec(
        Label.DECLARED_PROPERTY,
        "A property an organisation declared, as the declaration in force has it (rewritten "
        "with every change), so that Cypher and Neo4j Browser can read the model.",
        (
            Prop("id", required=True, doc="owner.name, e.g. Stakeholder.local_authority."),
            Prop("owner", required=True, doc="The label or relationship type it sits on."),
            Prop("name", required=True, doc="The property's name."),
            Prop("type", required=True, doc="text, integer, number, date, boolean, term, terms."),
            Prop("scheme", doc="The vocabulary of a term or terms property."),
            Prop("kinds", doc="The kinds of stakeholder that have it (empty: all)."),
            Prop("required", PropType.BOOLEAN, doc="Every row must give a value."),
            Prop("personal", PropType.BOOLEAN, doc="Personal data."),
            Prop("description", doc="What it means."),
        ),
        name_indexed=False,
    ),
    NodeSpec(
        Label.CHANGE,
        "One committed change (a mutation, a load batch, an erasure), numbered in commit "
        "order; API subscriptions follow the feed. Pruned by age.",
        (
            Prop("id", required=True, doc="The sequence number as text."),
            Prop("seq", PropType.INTEGER, required=True, doc="Position in commit order."),
            Prop("at", required=True, doc="When it was committed (a date-time)."),
            Prop("entity", required=True,
                 doc="What changed, by loader table: stakeholders, ties, assessments..."),
            Prop("op", required=True, doc="created, updated, deleted or loaded."),
            Prop("ids", required=True, doc="The ids of the nodes changed (a relationship: its "
                 "ends)."),
            Prop("projects", doc="The projects the change belongs to, where it has any."),
            Prop("fields", doc="The properties set (none for a delete)."),
            Prop("via", doc="api, cli or load."),
            Prop("actor", doc="Who made it, where known."),
        ),
        name_indexed=False,
    ),
    NodeSpec(
        Label.CHANGE_FEED,
        "The change feed's counter: the last sequence number given out.",
        (Prop("id", required=True, doc="'feed'."),
         Prop("last", PropType.INTEGER, required=True, doc="The last sequence number.")),
        name_indexed=False,
    ),
    NodeSpec(
        Label.TRUSTED_DOCUMENT,
        "A GraphQL document an admin registered as trusted: in trusted-documents mode the API "
        "runs only these (and a manifest file's).",
        (
            Prop("id", required=True, doc="sha256: and the SHA-256 of the exact text."),
            Prop("document", required=True, doc="The document's text."),
            Prop("operations", doc="The names of its operations."),
            Prop("registered_at", required=True, doc="When it was registered (a date-time)."),
            Prop("registered_by", doc="Who registered it."),
        ),
        name_indexed=False,
    ),
)

_TIE_PROPS = (
    Prop("weight", PropType.FLOAT, minimum=0.0, maximum=1_000_000.0, default=1.0,
         doc="Strength of the tie (above 0; 1 when not given)."),
    Prop("date", PropType.DATE, doc="When the tie was observed."),
    Prop("evidence", doc="How we know."),
)

RELATIONSHIPS: tuple[RelSpec, ...] = (
    RelSpec(
        Rel.MEMBER_OF,
        Label.PERSON,
        Label.STAKEHOLDER,
        "A person belongs to a group or an organisation.",
        (Prop("role", doc="The person's role there."),
         Prop("since", PropType.DATE, doc="Since when.")),
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
            Prop("id", required=True, derived=True,
                 doc="Derived: stakeholder|project|date|assessor."),
            Prop("date", PropType.DATE, required=True, doc="When the judgement was made."),
            Prop("assessor", required=True, doc="Who or which method made the judgement."),
            Prop("method", doc="How: workshop, interview, desk review, ..."),
            Prop("category", scheme="nine_cs", doc="The 9 C category: code of `nine_cs`."),
            Prop("interest", PropType.INTEGER, required=True, minimum=SCALE_MIN,
                 maximum=SCALE_MAX, doc="Interest in the project, 1 to 10."),
            Prop("impact", PropType.INTEGER, required=True, minimum=SCALE_MIN,
                 maximum=SCALE_MAX, doc="How much the project affects them, 1 to 10."),
            Prop("influence", PropType.INTEGER, minimum=SCALE_MIN, maximum=SCALE_MAX,
                 doc="Influence over the project, 1 to 10."),
            Prop("quadrant", scheme="quadrant", derived=True,
                 doc="q1..q4, derived from interest and impact when written."),
            Prop("attitude", scheme="attitude", doc="Current attitude: code of `attitude`."),
            Prop("desired_attitude", scheme="attitude",
                 doc="The attitude the project works towards: code of `attitude`."),
            Prop(
                "contact_every_days",
                PropType.INTEGER,
                minimum=1,
                maximum=3650,
                doc="Planned contact frequency, in days.",
            ),
            Prop("note", doc="Free text about the judgement."),
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
        (Prop("role", doc="Their part in it."),),
    ),
    RelSpec(Rel.FOR_PROJECT, Label.ACTIVITY, Label.PROJECT, "The project an activity belongs to."),
    RelSpec(
        Rel.APPLIED,
        Label.ACTIVITY,
        Label.STRATEGY,
        "An activity applied an implementation strategy.",
        (Prop("note", doc="How the strategy was applied."),),
    ),
    RelSpec(
        Rel.PURSUED, Label.ACTIVITY, Label.OBJECTIVE, "An activity pursued an engagement objective."
    ),
    RelSpec(
        Rel.CONTRIBUTED_TO,
        Label.ACTIVITY,
        Label.OUTCOME,
        "An activity contributed to an outcome.",
        (Prop("evidence", doc="How we know it contributed."),),
    ),
    RelSpec(
        Rel.OBSERVED,
        Label.PROJECT,
        Label.OUTCOME,
        "An outcome observed for a project at a date, with a value; history is kept.",
        (
            Prop("id", required=True, derived=True, doc="Derived: project|outcome|date."),
            Prop("date", PropType.DATE, required=True, doc="When it was observed."),
            Prop("value", PropType.FLOAT, required=True, minimum=-1e9, maximum=1e9,
                 doc="The observed value."),
            Prop("evidence", doc="Where the value comes from."),
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
