"""stakegraph: a Neo4j knowledge graph of stakeholder engagement in implementation work.

The installed package holds the plumbing (settings, the Neo4j connection, the local Neo4j
launcher, the CLI) and, as subpackages, the repository's top-level folders: ``stakegraph.schema``,
``stakegraph.loaders``, ``stakegraph.queries`` and ``stakegraph.api``.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("stakegraph")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
