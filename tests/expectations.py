"""The competency questions' answer check, shared by every place that runs them.

`tests/test_competency.py` runs the questions on the embedded store, `tests/test_virtuoso.py`
through ImmunALL's /sparql in front of Virtuoso; both must judge an answer the same way, so the
normalisation (numbers compare by value: "81" == "81.0" == "8.1E1") and the `expect` forms of
server/examples.py live here once.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox

from server.examples import Example

Rows = list[dict[str, str]]


def normalise(value: object) -> str:
    """A binding's value as compared: numbers by value, everything else as its text."""
    text = str(value)
    try:
        return format(Decimal(text).normalize(), "f")
    except InvalidOperation:
        return text


def rows_of(result: ox.QuerySolutions | ox.QueryBoolean) -> Rows | bool:
    """A pyoxigraph answer as normalised rows (or the ASK boolean)."""
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    names = [v.value for v in result.variables]
    return [{n: normalise(row[n].value) for n in names if row[n] is not None} for row in result]


def rows_of_json(document: dict[str, Any]) -> Rows | bool:
    """A SPARQL 1.1 JSON results document as normalised rows (or the ASK boolean)."""
    if "boolean" in document:
        return bool(document["boolean"])
    return [
        {name: normalise(term["value"]) for name, term in binding.items()}
        for binding in document["results"]["bindings"]
    ]


def _matches(expected: dict[str, object], row: dict[str, str]) -> bool:
    return all(row.get(k) == normalise(v) for k, v in expected.items())


def check(example: Example, rows: Rows | bool) -> None:
    """Assert that `rows` is the answer `example`'s `# expect:` header describes."""
    expect = example.expect
    if "ask" in expect:
        assert rows is expect["ask"], f"{example.slug}: ASK gave {rows}"
        return
    assert isinstance(rows, list), f"{example.slug}: expected rows, got {rows!r}"
    for wanted in expect.get("contains", []):
        assert any(_matches(wanted, row) for row in rows), f"{example.slug}: {wanted} not in {rows}"
    if "exact" in expect:
        wanted_rows = [{k: normalise(v) for k, v in w.items()} for w in expect["exact"]]
        got = [{k: row.get(k) for k in wanted_rows[0]} for row in rows] if wanted_rows else rows
        assert sorted(map(str, got)) == sorted(map(str, wanted_rows)), example.slug
    assert len(rows) >= expect.get("min_rows", 1), f"{example.slug}: only {len(rows)} rows"
