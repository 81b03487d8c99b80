"""Fixtures of the picture tests: the scratch project of ``plot_graph.py``."""

from __future__ import annotations

import pytest
from plot_graph import PlotGraph, build_plot_graph
from stakegraph.schema.graphdb import GraphDB


@pytest.fixture
def plot_graph(db: GraphDB, scratch: str) -> PlotGraph:
    """The scratch project of ``plot_graph.py``, deleted after the test."""
    return build_plot_graph(db, scratch)
