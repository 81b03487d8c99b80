"""PageRank and betweenness on Neo4j Graph Data Science, when the server has it.

The projection mirrors ``projection``: the same scope, tie types and weights (an undirected tie is
projected in both directions; GDS keeps parallel ties, which its weighted algorithms add up as
igraph's summed arcs do).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from neo4j.exceptions import ClientError
from stakegraph.queries.analytics.errors import AnalyticsError
from stakegraph.queries.analytics.projection import Scope
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import UNDIRECTED_TIES, Label, Rel

GDS_METRICS = ("pagerank", "betweenness")

# Node and relationship queries GDS runs itself; their $parameters come from the `parameters`
# map of gds.graph.project.cypher, never from string building.
_NODES = f"""
MATCH (s:{Label.STAKEHOLDER})
WHERE ($project IS NULL AND s.id STARTS WITH $prefix)
   OR EXISTS {{ (s)-[:{Rel.ASSESSED}]->(:{Label.PROJECT} {{id: $project}}) }}
   OR EXISTS {{ (s)-[:{Rel.PARTICIPATED_IN}]->(:{Label.ACTIVITY})
               -[:{Rel.FOR_PROJECT}]->(:{Label.PROJECT} {{id: $project}}) }}
RETURN id(s) AS id
"""
_RELS = f"""
MATCH (s:{Label.STAKEHOLDER})-[t]->(o:{Label.STAKEHOLDER})
WHERE type(t) IN $tie_types AND id(s) IN $node_ids AND id(o) IN $node_ids
WITH s, o, t, CASE WHEN $weighted THEN coalesce(t.weight, 1.0) ELSE 1.0 END AS w
UNWIND CASE WHEN type(t) IN $undirected THEN [[s, o], [o, s]] ELSE [[s, o]] END AS pair
RETURN id(pair[0]) AS source, id(pair[1]) AS target, w AS weight
"""

_PROJECT = """
CALL gds.graph.project.cypher($name, $nodes, $rels, {parameters: $params})
YIELD nodeCount, relationshipCount
RETURN nodeCount, relationshipCount
"""
_STREAM = {
    "pagerank": "CALL gds.pageRank.stream($name, {dampingFactor: $damping, "
    "relationshipWeightProperty: $weight_property}) YIELD nodeId, score "
    "RETURN gds.util.asNode(nodeId).id AS id, score",
    "betweenness": "CALL gds.betweenness.stream($name, {relationshipWeightProperty: "
    "$weight_property}) YIELD nodeId, score RETURN gds.util.asNode(nodeId).id AS id, score",
}


def gds_version(db: GraphDB) -> str | None:
    """Returns the server's Graph Data Science version, or None when it has no GDS."""
    try:
        records = db.read("RETURN gds.version() AS version")
    except ClientError:
        return None
    return str(records[0]["version"])


def require_gds(db: GraphDB) -> str:
    """Returns the GDS version; raises AnalyticsError when the server has none."""
    version = gds_version(db)
    if version is None:
        raise AnalyticsError(
            "--engine gds needs Neo4j Graph Data Science, which this server does not have "
            "(gds.version() is unknown); use --engine igraph"
        )
    return version


def gds_scores(
    db: GraphDB,
    metric: str,
    scope: Scope,
    tie_types: Sequence[Rel],
    weighted: bool,
    damping: float = 0.85,
) -> dict[str, float]:
    """Returns stakeholder id -> score of ``metric`` computed by GDS on a temporary projection."""
    if metric not in GDS_METRICS:
        raise AnalyticsError(f"--engine gds runs {', '.join(GDS_METRICS)}, not {metric}")
    require_gds(db)
    name = f"stakegraph-{uuid.uuid4().hex}"
    node_ids = db.read(_NODES, {"project": scope.project, "prefix": scope.prefix})
    params: dict[str, Any] = {
        "project": scope.project,
        "prefix": scope.prefix,
        "tie_types": [t.value for t in tie_types],
        "undirected": [t.value for t in UNDIRECTED_TIES],
        "weighted": weighted,
        "node_ids": [r["id"] for r in node_ids],
    }
    with db.session() as session:
        session.run(_PROJECT, name=name, nodes=_NODES, rels=_RELS, params=params).consume()
        try:
            # Betweenness treats the weight as a length, as our igraph path metrics do (1/w).
            result = session.run(
                _STREAM[metric],
                name=name,
                damping=damping,
                weight_property="weight" if weighted and metric == "pagerank" else None,
            )
            return {r["id"]: float(r["score"]) for r in result}
        finally:
            session.run("CALL gds.graph.drop($name, false) YIELD graphName", name=name).consume()
