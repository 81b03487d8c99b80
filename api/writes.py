"""The Cypher of the API's writes, made by builders from the model's labels and relationship
types (the whitelist) only; every value is a parameter. The mutations
(`stakegraph.api.mutations`) run these statements, never text of their own."""

from __future__ import annotations

from functools import cache

from stakegraph.api.reads import node_map
from stakegraph.schema.model import Kind, Label, Rel


def _hold(*names: str) -> str:
    """Returns the clause write-locking, until commit, the nodes bound to ``names`` that are not
    null (SET then REMOVE leaves nothing). A mutation locks what it checks before it writes:
    Neo4j reads are read-committed, so without the lock a concurrent delete or change could
    land between the check and the write."""
    return (f"FOREACH (held IN [x IN [{', '.join(names)}] WHERE x IS NOT NULL] | "
            "SET held._lock = true REMOVE held._lock) ")


# A relationship and both its ends, as the API's relationship types are built from.
REL_ROW = (
    "{{type: type(r), rel: properties(r), start: {s}, end: {e}}} AS row".format(
        s=node_map("s"), e=node_map("e")
    )
)


@cache
def missing_ids(label: Label) -> str:
    """Returns the statement listing which of ``$ids`` have no node of ``label`` (column
    ``missing``), write-locking those found."""
    return (f"UNWIND $ids AS id OPTIONAL MATCH (n:{label} {{id: id}}) "
            f"{_hold('n')}WITH id, n WHERE n IS NULL RETURN collect(id) AS missing")


@cache
def count_id(label: Label) -> str:
    """Returns the statement counting the nodes of ``label`` with id ``$id`` (column ``n``)."""
    return f"MATCH (n:{label} {{id: $id}}) RETURN count(n) AS n"


@cache
def create_node(labels: tuple[Label, ...]) -> str:
    """Returns the statement creating a node with ``labels`` and properties ``$props``, returning
    it as a map (column ``node``)."""
    return (f"CREATE (n:{':'.join(labels)}) SET n = $props "
            f"RETURN {node_map('n')} AS node")


@cache
def is_vocabulary(label: Label) -> str:
    """Returns the statement write-locking the node of ``label`` with id ``$id`` and telling
    whether it is a shipped vocabulary term (column ``vocabulary``, and its ``kind``; no row
    when there is no such node)."""
    return (f"MATCH (n:{label} {{id: $id}}) {_hold('n')}"
            f"RETURN n:{Label.CONCEPT} AS vocabulary, n.kind AS kind")


@cache
def update_node(label: Label) -> str:
    """Returns the statement setting ``$props`` on the node of ``label`` with id ``$id``
    (null values remove the property), returning it as a map."""
    return (f"MATCH (n:{label} {{id: $id}}) SET n += $props "
            f"RETURN {node_map('n')} AS node")


@cache
def relabel_stakeholder(kind: Kind) -> str:
    """Returns the statement giving the stakeholder ``$id`` the label of ``kind`` (and only
    it), returning it as a map."""
    others = ":".join(k.label for k in Kind)
    return (f"MATCH (n:{Label.STAKEHOLDER} {{id: $id}}) REMOVE n:{others} "
            f"SET n:{kind.label} RETURN {node_map('n')} AS node")


@cache
def delete_node(label: Label) -> str:
    """Returns the statement deleting the node of ``label`` with id ``$id`` and its
    relationships."""
    return f"MATCH (n:{label} {{id: $id}}) DETACH DELETE n"


@cache
def link_to_project() -> str:
    """Returns the statement linking activity ``$id`` to project ``$project``."""
    return (f"MATCH (a:{Label.ACTIVITY} {{id: $id}}), (p:{Label.PROJECT} {{id: $project}}) "
            f"CREATE (a)-[:{Rel.FOR_PROJECT}]->(p)")


@cache
def add_participants() -> str:
    """Returns the statement linking ``$rows`` (``{id, role}``) of stakeholders to activity
    ``$id``."""
    return (f"MATCH (a:{Label.ACTIVITY} {{id: $id}}) UNWIND $rows AS row "
            f"MATCH (s:{Label.STAKEHOLDER} {{id: row.id}}) "
            f"CREATE (s)-[r:{Rel.PARTICIPATED_IN}]->(a) SET r.role = row.role")


@cache
def add_links(rel: Rel, target: Label) -> str:
    """Returns the statement linking activity ``$id`` by ``rel`` to the ``$ids`` of
    ``target``."""
    return (f"MATCH (a:{Label.ACTIVITY} {{id: $id}}) UNWIND $ids AS target "
            f"MATCH (t:{target} {{id: target}}) CREATE (a)-[:{rel}]->(t)")


@cache
def lock_and_find_assessment() -> str:
    """Returns the statement that checks stakeholder ``$s`` and project ``$p`` exist (columns
    ``stakeholder``, ``project``), write-locks the stakeholder and counts its assessments
    ``$rid`` of the project (column ``n``): one round trip. The lock (held to commit)
    serialises concurrent assessments of one stakeholder, which could otherwise both find none
    and both create one. The project is not locked, so that assessments of one project do not
    queue behind each other: one deleted meanwhile makes `create_assessment` find no row."""
    return (f"OPTIONAL MATCH (s:{Label.STAKEHOLDER} {{id: $s}}) "
            f"OPTIONAL MATCH (e:{Label.PROJECT} {{id: $p}}) "
            f"{_hold('s')}WITH s, e OPTIONAL MATCH (s)-[r:{Rel.ASSESSED} {{id: $rid}}]->(e) "
            "RETURN s IS NOT NULL AS stakeholder, e IS NOT NULL AS project, count(r) AS n")


@cache
def create_assessment() -> str:
    """Returns the statement creating the assessment ``$props`` of stakeholder ``$s`` in
    project ``$p``, returning it with its ends (column ``row``; no row when an end is gone)."""
    return (f"MATCH (s:{Label.STAKEHOLDER} {{id: $s}}), (e:{Label.PROJECT} {{id: $p}}) "
            f"CREATE (s)-[r:{Rel.ASSESSED}]->(e) SET r = $props RETURN {REL_ROW}")


@cache
def merge_tie(rel: Rel) -> str:
    """Returns the statement adding (or updating) the ``rel`` tie from ``$s`` to ``$t`` with
    ``$props``, returning it with its ends (column ``row``) and whether this call created it
    (no row when an end is missing). ``created`` is marked by MERGE itself, which of two
    concurrent first ties lets only one create: no lock is taken beyond MERGE's own."""
    return (f"MATCH (s:{Label.STAKEHOLDER} {{id: $s}}), (e:{Label.STAKEHOLDER} {{id: $t}}) "
            f"MERGE (s)-[r:{rel}]->(e) ON CREATE SET r._created = true SET r += $props "
            "WITH s, e, r, r._created IS NOT NULL AS created REMOVE r._created "
            f"RETURN {REL_ROW}, created")


@cache
def project_of_activity() -> str:
    """Returns the statement giving the project ids of activity ``$id`` (column ``ids``)."""
    return (f"OPTIONAL MATCH (:{Label.ACTIVITY} {{id: $id}})-[:{Rel.FOR_PROJECT}]->"
            f"(p:{Label.PROJECT}) RETURN collect(p.id) AS ids")


@cache
def delete_tie(rel: Rel) -> str:
    """Returns the statement deleting the ``rel`` tie from ``$s`` to ``$t`` (column ``n``: how
    many). Both ends are locked first, so that of two concurrent removals one finds none."""
    return (f"MATCH (s:{Label.STAKEHOLDER} {{id: $s}}), (t:{Label.STAKEHOLDER} {{id: $t}}) "
            f"{_hold('s', 't')}WITH s, t OPTIONAL MATCH (s)-[r:{rel}]->(t) "
            "DELETE r RETURN count(r) AS n")
