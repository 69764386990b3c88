"""The SPARQL quality checks in ontology/checks/ (ODK habit: a row returned is a failure): each one
fires on the mistake it names and stays quiet on the curated graph (the build passes them)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef

from kg.checks import run_violation_queries

ROOT = Path(__file__).resolve().parents[1]
CHECKS = ROOT / "ontology" / "checks"
IA = Namespace("https://w3id.org/immunall/ontology/")
IAO_DEFINITION = URIRef("http://purl.obolibrary.org/obo/IAO_0000115")
AGENT = Namespace("https://w3id.org/immunall/agent/")


def _mistakes() -> dict[str, Graph]:
    duplicate = Graph()
    for ident, label in (("one", "Blinatumomab"), ("two", "blinatumomab")):
        duplicate.add((AGENT[ident], RDF.type, IA.TherapeuticAgent))
        duplicate.add((AGENT[ident], RDFS.label, Literal(label, lang="en")))
    two_labels = Graph()
    two_labels.add((AGENT.x, RDFS.label, Literal("Kymriah", lang="en")))
    two_labels.add((AGENT.x, RDFS.label, Literal("tisagenlecleucel", lang="en")))
    undefined = Graph()
    undefined.add((IA.Undefined, RDF.type, OWL.Class))
    iri_label = Graph()
    iri_label.add((AGENT.y, RDFS.label, Literal("https://w3id.org/immunall/agent/y")))
    return {"duplicate-name-violation": duplicate, "multiple-labels-violation": two_labels,
            "missing-definition-violation": undefined, "iri-as-label-violation": iri_label}


def test_every_check_has_a_mistake_it_catches():
    assert {path.stem for path in CHECKS.glob("*-violation.rq")} == set(_mistakes())


@pytest.mark.parametrize("name", sorted(_mistakes()))
def test_each_check_fires_on_its_mistake_and_no_other_does(name):
    results = dict(run_violation_queries(CHECKS, _mistakes()[name]))
    assert results[name], f"{name} missed its mistake"
    assert not any(rows for other, rows in results.items() if other != name)


def test_the_same_names_in_different_kinds_or_languages_are_allowed():
    graph = Graph()
    graph.add((AGENT.cd19, RDF.type, IA.TherapeuticAgent))
    graph.add((AGENT.cd19, RDFS.label, Literal("CD19", lang="en")))
    antigen = URIRef("https://w3id.org/immunall/antigen/CD19")
    graph.add((antigen, RDF.type, IA.Antigen))
    graph.add((antigen, RDFS.label, Literal("CD19", lang="en")))
    graph.add((antigen, RDFS.label, Literal("CD19-Antigen", lang="de")))
    graph.add((IA.Defined, RDF.type, OWL.Class))
    graph.add((IA.Defined, IAO_DEFINITION, Literal("a class with a definition")))
    assert not any(rows for _, rows in run_violation_queries(CHECKS, graph))
