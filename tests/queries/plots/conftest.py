"""Fixtures of the picture tests: the scratch project of ``plot_graph.py``."""

from __future__ import annotations

import pytest
from neo4j import Driver
from plot_graph import PlotGraph, build_plot_graph


@pytest.fixture
def plot_graph(driver: Driver, database: str, scratch: str) -> PlotGraph:
    """The scratch project of ``plot_graph.py``, deleted after the test."""
    return build_plot_graph(driver, database, scratch)
