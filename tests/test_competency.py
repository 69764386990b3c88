"""The competency questions: every example query runs on the built graph and gives the answer the
reviews state (the `# expect:` header of each .rq file; the check is tests/expectations.py)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.pipeline import Outcome
from kg.settings import Settings
from server.examples import Example, load_all
from tests.expectations import check, rows_of

EXAMPLES = load_all()


@pytest.fixture(scope="module")
def store(build: Outcome, settings: Settings) -> ox.Store:
    return ox.Store.read_only(str(settings.dist / "current" / "oxigraph"))


def test_there_are_at_least_thirty_questions_with_titles_and_answers() -> None:
    assert len(EXAMPLES) >= 30, f"only {len(EXAMPLES)} competency questions"
    for example in EXAMPLES:
        assert example.title and example.description and example.expect, example.slug


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.slug for e in EXAMPLES])
def test_competency_question(example: Example, store: ox.Store) -> None:
    check(example, rows_of(store.query(example.query, use_default_graph_as_union=True)))
