"""Faster validation gives the same report: shapes split between processes, and SPARQL constraints
prepared with `$this` counted as bound (kg/shape_split.py, kg/bound_query.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyshacl import validate as shacl_validate
from rdflib import RDF, Graph, URIRef, Variable

from kg.bound_query import order_patterns
from kg.shape_split import TARGETS, split, targeted
from kg.validate import SH, load_shapes, validate_graph

ROOT = Path(__file__).resolve().parents[1]
INVALID = sorted((Path(__file__).resolve().parent / "data" / "invalid").glob("*.ttl"))


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(ROOT / "shapes")


@pytest.fixture(scope="module")
def broken(shapes: Graph) -> Graph:
    """The ontology with every invalid fixture: every node shape has something to report."""
    data = Graph().parse(ROOT / "ontology" / "immunall.ttl", format="turtle")
    for path in INVALID:
        data.parse(path, format="turtle")
    return data


def _plain_rdflib(data: Graph, shapes: Graph) -> list[tuple[str, ...]]:
    """pySHACL's report on a plain rdflib graph (rdflib parses and orders every query itself)."""
    plain = Graph()
    plain += data
    _, report, _ = shacl_validate(plain, shacl_graph=shapes, inference="none", advanced=True,
                                  allow_warnings=True, abort_on_first=False, inplace=True)
    rows = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        def get(p: URIRef, result: object = result) -> str:
            value = report.value(result, p)  # type: ignore[arg-type]
            return str(value) if value is not None else ""
        rows.append((get(SH.focusNode), get(SH.resultPath), get(SH.resultMessage), get(SH.sourceShape),
                     get(SH.resultSeverity).rsplit("#", 1)[-1]))
    return sorted(rows)


def test_prepared_queries_report_what_plain_rdflib_reports(broken: Graph, shapes: Graph) -> None:
    report = validate_graph(broken, shapes)
    assert len(report.violations) > len(INVALID)
    assert [v.key() for v in report.violations] == _plain_rdflib(broken, shapes)


def test_two_processes_report_what_one_does(broken: Graph, shapes: Graph) -> None:
    """Split between two processes, the report on every invalid fixture at once is the same report
    (tests/test_shapes.py checks the fixtures one by one against the whole set of shapes)."""
    whole = validate_graph(broken, shapes)
    halves = validate_graph(broken, shapes, timeout=120, workers=2)
    assert not whole.conforms
    assert halves == whole


def test_the_parts_partition_the_targeted_shapes(broken: Graph, shapes: Graph) -> None:
    parts = split(shapes, broken, 2)
    assert len(parts) == 2
    owned = [set(targeted(part)) for part in parts]
    assert owned[0] and owned[1] and not owned[0] & owned[1]
    assert owned[0] | owned[1] == set(targeted(shapes))
    for part in parts:  # everything but the other part's targets is kept
        assert {t for t in shapes if t[1] not in TARGETS} <= set(part)


def test_a_shape_that_is_a_class_is_not_split(broken: Graph, shapes: Graph) -> None:
    implicit = Graph()
    implicit += shapes
    implicit.add((targeted(shapes)[0], RDF.type, URIRef("http://www.w3.org/2000/01/rdf-schema#Class")))
    assert split(implicit, broken, 2) == [implicit]


def test_patterns_start_from_the_bound_variable() -> None:
    this, passage, doc = Variable("this"), Variable("passage"), Variable("doc")
    rdf_type, derived, in_doc = RDF.type, URIRef("urn:derivedFrom"), URIRef("urn:inDocument")
    patterns = [(passage, rdf_type, URIRef("urn:Passage")), (passage, in_doc, doc), (this, derived, passage)]
    assert order_patterns(patterns, {this}) == [patterns[2], patterns[0], patterns[1]]
    assert order_patterns(patterns, set()) == patterns
