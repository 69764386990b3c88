"""shapes/mappings.ttl: a valid mapping node conforms; each kind of broken one is caught."""

from __future__ import annotations

import pytest
from rdflib import Graph

from kg.settings import Settings
from kg.validate import load_shapes, validate_graph

PREFIXES = """
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix sssom: <https://w3id.org/sssom/> .
@prefix semapv: <https://w3id.org/semapv/vocab/> .
@prefix NCIT: <http://purl.obolibrary.org/obo/NCIT_> .
@prefix agent: <https://w3id.org/immunall/agent/> .
@prefix mapping: <https://w3id.org/immunall/mapping/> .
"""
LINK = "agent:blinatumomab skos:exactMatch NCIT:C62528 .\n"
NODE = """
mapping:m a owl:Axiom ; owl:annotatedSource agent:blinatumomab ; owl:annotatedProperty skos:exactMatch ;
    owl:annotatedTarget NCIT:C62528 ; sssom:mapping_justification semapv:ManualMappingCuration ;
    sssom:confidence "0.95"^^xsd:double ; sssom:author_label "ImmunALL curators" ; dcterms:source "NCIt" .
"""

CASES = {
    "valid": (LINK + NODE, None),
    "link-without-node": (LINK, "no mapping node"),
    "node-without-link": (NODE, "does not state"),
    "unknown-justification": (LINK + NODE.replace("semapv:ManualMappingCuration", "semapv:Guessing"),
                              "mapping_justification"),
    "confidence-above-one": (LINK + NODE.replace('"0.95"', '"1.5"'), "confidence"),
    "no-source": (LINK + NODE.replace(' ; dcterms:source "NCIt"', ""), "source"),
    "not-a-skos-match": (LINK.replace("skos:exactMatch", "owl:sameAs")
                         + NODE.replace("skos:exactMatch", "owl:sameAs"), "annotatedProperty"),
}


@pytest.fixture(scope="module")
def shapes(settings: Settings) -> Graph:
    return load_shapes(settings.shapes)


@pytest.mark.parametrize("case", sorted(CASES))
def test_mapping_shape(shapes: Graph, case: str) -> None:
    data, expected = CASES[case]
    report = validate_graph(Graph().parse(data=PREFIXES + data, format="turtle"), shapes)
    if expected is None:
        assert report.conforms, report.lines()
    else:
        assert not report.conforms
        assert any(expected in line for line in report.lines()), report.lines()
