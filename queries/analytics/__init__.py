"""Network analytics: project a scoped stakeholder network out of Neo4j into igraph (or into
Graph Data Science in the server: ``gds``, chosen by ``engine``), compute centralities,
communities, key players, reach, brokerage and the whole network's summary, and write scores back
with their provenance. See README.md for every metric's definition and normalisation.

The names below are loaded on first use, so importing the package (or its light ``metrics``
module) does not load igraph and numpy.
"""

import os
from importlib import import_module
from typing import TYPE_CHECKING, Any

# igraph's PageRank (PRPACK) runs on OpenMP threads that spin while they wait; on a busy machine
# that made a 10k-vertex PageRank 20x slower (1 s instead of 0.05 s). Passive waiting keeps the
# parallelism without the spinning; it must be set before igraph (libgomp) is first loaded, and
# every submodule import runs this package file first.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from stakegraph.queries.analytics.metrics import METRICS

if TYPE_CHECKING:
    from stakegraph.queries.analytics.errors import AnalyticsError
    from stakegraph.queries.analytics.network import Network, build_network
    from stakegraph.queries.analytics.projection import (
        Mode,
        Scope,
        parse_tie_types,
        project_network,
    )
    from stakegraph.queries.analytics.run import Request, Result, analyse, write_result

_HOME = {
    "AnalyticsError": "errors",
    "Network": "network",
    "build_network": "network",
    "Mode": "projection",
    "Scope": "projection",
    "parse_tie_types": "projection",
    "project_network": "projection",
    "Request": "run",
    "Result": "run",
    "analyse": "run",
    "write_result": "run",
}


def __getattr__(name: str) -> Any:
    """Returns a public name of the package, importing its module on first use."""
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{module}"), name)


__all__ = [
    "METRICS",
    "AnalyticsError",
    "Mode",
    "Network",
    "Request",
    "Result",
    "Scope",
    "analyse",
    "build_network",
    "parse_tie_types",
    "project_network",
    "write_result",
]
