"""The analytics' Cypher text: the `.cypher` files of the query library (``queries/``)."""

from __future__ import annotations

from stakegraph.queries.library import get_query


def cypher(name: str) -> str:
    """Returns the text of the library query ``name`` (header comments included; Neo4j skips
    them), so `analyse` runs exactly what `stakegraph query` and Neo4j Browser run."""
    return get_query(name).text
