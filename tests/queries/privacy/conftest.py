"""Fixtures of the personal-data tests: the seeded scratch graph."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from neo4j import Driver

# The seed module sits beside this file; make it importable under any pytest import mode.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from privacy_seed import seed


@pytest.fixture
def people(driver: Driver, database: str, scratch: str) -> str:
    """Seeds the scratch graph and returns its id prefix."""
    seed(driver, database, scratch)
    return scratch
