"""Shared fixtures: one real build of the curated facts per test session, in a temporary dist.

The build is the real pipeline (HermiT, pySHACL, pyoxigraph); tests read its outputs.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from rdflib import Dataset, Graph

from kg.pipeline import Outcome, run
from kg.settings import Settings, get_settings

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    dist = tmp_path_factory.mktemp("dist")
    return dataclasses.replace(get_settings(), dist=dist)


@pytest.fixture(scope="session")
def build(settings: Settings) -> Outcome:
    return run(settings, load=True)


@pytest.fixture(scope="session")
def dataset(build: Outcome, settings: Settings) -> Dataset:
    ds = Dataset()
    ds.parse(settings.dist / "immunall.nq", format="nquads")
    return ds


@pytest.fixture(scope="session")
def ontology(settings: Settings) -> Graph:
    return Graph().parse(settings.ontology, format="turtle")


@pytest.fixture
def facts_copy(tmp_path: Path, settings: Settings) -> Path:
    """A private copy of the curated facts that a test may break."""
    target = tmp_path / "facts"
    shutil.copytree(settings.facts, target)
    return target
