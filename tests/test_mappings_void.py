"""The served side of the mappings: VoID linksets with counts, the context, prefix map and SSSOM
files at stable URLs, and CURIEs for pages, all over the real build."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import rdflib
from flask import Flask, render_template_string
from rdflib import RDF, SKOS, Namespace

from kg.pipeline import Outcome
from kg.settings import Settings
from server import close_app, create_app
from server.prefixes import compact

VOID = Namespace("http://rdfs.org/ns/void#")
DCT = Namespace("http://purl.org/dc/terms/")
RDFS_SUBCLASS = rdflib.URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf")
BASE = "http://localhost/.well-known/void#"


@pytest.fixture(scope="module")
def app(build: Outcome, settings: Settings) -> Iterator[Flask]:
    app = create_app({"STORE_PATH": settings.dist / "current", "QUERY_TIMEOUT": 20})
    app.testing = True
    yield app
    close_app(app)


@pytest.fixture(scope="module")
def void(app: Flask) -> rdflib.Graph:
    response = app.test_client().get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200, response.text
    return rdflib.Graph().parse(data=response.data, format="turtle")


def linkset(void: rdflib.Graph, prefix: str) -> rdflib.URIRef:
    node = rdflib.URIRef(f"{BASE}links-{prefix}")
    assert (node, RDF.type, VOID.Linkset) in void, prefix
    return node


def test_one_linkset_per_target_vocabulary_with_its_count(void: rdflib.Graph, build: Outcome) -> None:
    assert build.mappings is not None
    for prefix, count in build.mappings.counts()["by_vocabulary"].items():
        node = linkset(void, prefix)
        assert int(void.value(node, VOID.triples)) == count, prefix
        assert (rdflib.URIRef(BASE + "dataset"), VOID.subset, node) in void


def test_a_linkset_names_its_predicates_and_targets(void: rdflib.Graph) -> None:
    ncit = linkset(void, "NCIT")
    target = rdflib.URIRef("https://bioregistry.io/registry/ncit")
    assert void.value(ncit, VOID.objectsTarget) == target
    assert {rdflib.URIRef(BASE + "dataset"), target} <= set(void.objects(ncit, VOID.target))
    assert str(void.value(target, VOID.uriSpace)) == "http://purl.obolibrary.org/obo/NCIT_"
    assert SKOS.exactMatch in set(void.objects(ncit, VOID.linkPredicate))
    parts = {void.value(part, VOID.linkPredicate): int(void.value(part, VOID.triples))
             for part in void.objects(ncit, VOID.subset)}
    assert sum(parts.values()) == int(void.value(ncit, VOID.triples))
    assert set(parts) == set(void.objects(ncit, VOID.linkPredicate))


def test_the_ontology_alignments_are_linksets_too(void: rdflib.Graph) -> None:
    iao = linkset(void, "IAO")
    assert set(void.objects(iao, VOID.linkPredicate)) == {RDFS_SUBCLASS}
    assert int(void.value(linkset(void, "UO"), VOID.triples)) >= 5  # units: skos:exactMatch UO


@pytest.mark.parametrize(("path", "mimetype"), [
    ("/context.jsonld", "application/ld+json"),
    ("/prefixes.json", "application/json"),
    ("/mappings.sssom.tsv", "text/tab-separated-values"),
])
def test_linked_data_files_are_served_as_built(app: Flask, settings: Settings, path: str, mimetype: str) -> None:
    client = app.test_client()
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.data == (settings.dist / path.lstrip("/")).read_bytes()
    again = client.get(path, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_pages_get_curies_from_the_served_prefix_map(app: Flask) -> None:
    with app.test_request_context():
        assert compact("http://purl.obolibrary.org/obo/NCIT_C62528") == "NCIT:C62528"
        assert compact("https://w3id.org/immunall/agent/blinatumomab") == "immunall:agent/blinatumomab"
        assert compact("urn:x") == "urn:x"
        assert render_template_string("{{ iri | curie }}", iri="http://id.nlm.nih.gov/mesh/D054198") == "mesh:D054198"
