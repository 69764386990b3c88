"""The competency questions: every example query runs on the built graph and gives the answer the
reviews state (the `# expect:` header of each .rq file)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import pyoxigraph as ox
import pytest

from kg.pipeline import Outcome
from kg.settings import Settings
from server.examples import Example, load_all

EXAMPLES = load_all()


def _norm(value: object) -> str:
    text = str(value)
    try:
        return format(Decimal(text).normalize(), "f")
    except InvalidOperation:
        return text


def _rows(store: ox.Store, example: Example) -> list[dict[str, str]] | bool:
    result = store.query(example.query, use_default_graph_as_union=True)
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    names = [v.value for v in result.variables]
    return [{n: _norm(row[n].value) for n in names if row[n] is not None} for row in result]


def _matches(expected: dict[str, object], row: dict[str, str]) -> bool:
    return all(row.get(k) == _norm(v) for k, v in expected.items())


@pytest.fixture(scope="module")
def store(build: Outcome, settings: Settings) -> ox.Store:
    return ox.Store.read_only(str(settings.dist / "current" / "oxigraph"))


def test_there_are_at_least_thirty_questions_with_titles_and_answers() -> None:
    assert len(EXAMPLES) >= 30, f"only {len(EXAMPLES)} competency questions"
    for example in EXAMPLES:
        assert example.title and example.description and example.expect, example.slug


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.slug for e in EXAMPLES])
def test_competency_question(example: Example, store: ox.Store) -> None:
    rows = _rows(store, example)
    expect = example.expect
    if "ask" in expect:
        assert rows is expect["ask"]
        return
    assert isinstance(rows, list)
    for wanted in expect.get("contains", []):
        assert any(_matches(wanted, row) for row in rows), f"{wanted} not in {rows}"
    if "exact" in expect:
        wanted_rows = [{k: _norm(v) for k, v in w.items()} for w in expect["exact"]]
        got = [{k: row.get(k) for k in wanted_rows[0]} for row in rows] if wanted_rows else rows
        assert sorted(map(str, got)) == sorted(map(str, wanted_rows))
    assert len(rows) >= expect.get("min_rows", 1)
