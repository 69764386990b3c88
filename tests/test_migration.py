"""Every number of the graph before the evidence model v2 is still there, with its study and measure.

tests/data/migration/numbers-before.tsv lists each numeric literal of the asserted graph as it was
(node, predicate, value, study, measure or event). After the migration a number is found when
- the same node still carries the same predicate and value (most figures keep their IRI), or
- a p-value (and its comparator and sides) moved from a result to the comparison of that result, or
- an arm that was really a report or a cohort moved to /report/ or /cohort/ with its counts, or
- a dose unit (a string before) is now a term: the dose itself is unchanged;
and a result or observation keeps the study and the measure or event it had.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from kg.ids import BASE, IA
from kg.pipeline import Outcome

BEFORE = Path(__file__).resolve().parent / "data" / "migration" / "numbers-before.tsv"
MOVED_TO_COMPARISON = {"pValue", "pValueSides"}


def _rows() -> list[dict[str, str]]:
    lines = [line for line in BEFORE.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


@pytest.fixture(scope="module")
def asserted(build: Outcome) -> Graph:
    return build.built.asserted


def _values(graph: Graph, node: URIRef, predicate: URIRef) -> set[Decimal]:
    return {Decimal(str(o)) for o in graph.objects(node, predicate)}


def _candidates(node: str) -> list[URIRef]:
    """The node's IRI now: itself, or (an arm that was a report or cohort) its new kind."""
    iri = [URIRef(BASE + node)]
    if node.startswith("arm/"):
        rest = node[len("arm/"):]
        iri += [URIRef(f"{BASE}report/{rest}"), URIRef(f"{BASE}cohort/{rest}")]
    return iri


def test_every_number_is_still_there(asserted: Graph) -> None:
    missing = []
    for row in _rows():
        predicate, value = IA[row["predicate"]], Decimal(row["value"])
        found = any(value in _values(asserted, node, predicate) for node in _candidates(row["node"]))
        if not found and row["predicate"] in MOVED_TO_COMPARISON:
            result = URIRef(BASE + row["node"])
            found = any(value in _values(asserted, comparison, predicate)
                        for comparison in asserted.subjects(IA.comparesResult, result))
        if not found and "#population" in row["node"] and row["node"].startswith("arm/"):
            rest = row["node"][len("arm/"):]
            found = any(value in _values(asserted, URIRef(f"{BASE}{kind}/{rest}"), predicate)
                        for kind in ("report", "cohort"))
        if not found:
            missing.append(row)
    assert not missing, f"{len(missing)} numbers lost, first: {missing[:5]}"


def test_figures_keep_study_and_measure(asserted: Graph) -> None:
    changed = []
    for row in _rows():
        if not row["study"]:
            continue
        node = URIRef(BASE + row["node"])
        studies = {str(o)[len(BASE):] for o in asserted.objects(node, IA.resultOf)} | \
                  {str(o)[len(BASE):] for o in asserted.objects(node, IA.observationOf)}
        whats = {str(o).rsplit("/", 1)[1] for p in (IA.measure, IA.event) for o in asserted.objects(node, p)}
        if row["study"] not in studies or (row["measure_or_event"] and row["measure_or_event"] not in whats):
            changed.append((row["node"], row["study"], row["measure_or_event"], studies, whats))
    assert not changed, changed[:5]


def test_the_count_is_the_same_or_larger(asserted: Graph) -> None:
    before = len(_rows())
    after = sum(1 for _, _, o in asserted if getattr(o, "datatype", None) is not None
                and str(o.datatype).endswith(("#decimal", "#integer")))
    assert after >= before
