"""The validator's time limit (settings.validator_timeout): pySHACL runs in a child process that is
stopped when the time passes, with a clear error; within the limit its report is the in-process one."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from rdflib import Graph

from kg.validate import ValidatorError, load_shapes, validate_graph
from tests.procs import descendants

ROOT = Path(__file__).resolve().parents[1]
INVALID = sorted((Path(__file__).resolve().parent / "data" / "invalid").glob("*.ttl"))

# A SPARQL-based constraint that never finishes on any graph of a few thousand triples: the
# shape of a constraint gone wrong (a cross product over all triples, for every focus node).
HANGING_SHAPE = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:Endless a sh:NodeShape ;
  sh:targetSubjectsOf <http://www.w3.org/2000/01/rdf-schema#label> ;
  sh:sparql [ sh:message "never" ; sh:select \"\"\"
    SELECT $this WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . FILTER(STR(?c) = CONCAT(STR(?f), STR(?i), "x")) }
  \"\"\" ] .
"""


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ROOT / "ontology" / "immunall.ttl", format="turtle")


def test_a_validator_that_hangs_is_stopped_with_a_clear_error(ontology: Graph) -> None:
    shapes = Graph().parse(data=HANGING_SHAPE, format="turtle")
    before = descendants(os.getpid())
    started = time.monotonic()
    with pytest.raises(ValidatorError, match=r"pySHACL did not finish within 2 s and was stopped"):
        validate_graph(ontology, shapes, timeout=2)
    assert time.monotonic() - started < 6
    assert descendants(os.getpid()) <= before  # the child was killed and reaped, not left computing


def test_the_report_in_the_child_is_the_in_process_report(ontology: Graph) -> None:
    shapes = load_shapes(ROOT / "shapes")
    data = Graph()
    for path in INVALID[:12]:
        data.parse(path, format="turtle")
    data += ontology
    here = validate_graph(data, shapes)
    child = validate_graph(data, shapes, timeout=120)
    assert not here.conforms and here.violations
    assert child == here


def test_a_failing_validator_is_an_error_not_a_hang() -> None:
    broken = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <http://example.org/S> a sh:NodeShape ; sh:targetNode <http://example.org/x> ;
          sh:sparql [ sh:select "SELECT $this WHERE { this is not sparql }" ] .""", format="turtle")
    started = time.monotonic()
    with pytest.raises(ValidatorError, match="pySHACL failed"):
        validate_graph(Graph(), broken, timeout=60)
    assert time.monotonic() - started < 30
