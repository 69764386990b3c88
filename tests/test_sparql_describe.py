"""The service description and the VoID description, parsed back as RDF."""

from __future__ import annotations

import pytest
import rdflib
from rdflib.namespace import RDF, RDFS, VOID, Namespace

from kg.ids import GRAPH
from server.examples import load_all

pytest_plugins = ["tests.server_fixtures"]
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SH = Namespace("http://www.w3.org/ns/shacl#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")

RDF_FORMATS = [
    ("text/turtle", "turtle"),
    ("application/n-triples", "nt"),
    ("application/rdf+xml", "xml"),
    ("application/ld+json", "json-ld"),
]


def parse(response, fmt: str) -> rdflib.Graph:
    assert response.status_code == 200, response.text
    return rdflib.Graph().parse(data=response.data, format=fmt)


@pytest.mark.parametrize(("accept", "fmt"), RDF_FORMATS)
def test_service_description(client, build_info, accept, fmt):
    graph = parse(client.get("/sparql", headers={"Accept": accept}), fmt)
    service = rdflib.URIRef("http://localhost/sparql")
    assert (service, RDF.type, SD.Service) in graph
    assert (service, SD.endpoint, service) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    formats = set(graph.objects(service, SD.resultFormat))
    assert {FORMATS.SPARQL_Results_JSON, FORMATS.SPARQL_Results_XML, FORMATS.SPARQL_Results_CSV,
            FORMATS.SPARQL_Results_TSV, FORMATS.Turtle, FORMATS["N-Triples"],
            FORMATS["JSON-LD"], FORMATS.RDF_XML} <= formats
    dataset = graph.value(service, SD.defaultDataset)
    default = graph.value(dataset, SD.defaultGraph)
    assert int(graph.value(default, VOID.triples)) == build_info["triples"]
    sizes = {}
    for named in graph.objects(dataset, SD.namedGraph):
        name = graph.value(named, SD.name)
        sizes[str(name)] = int(graph.value(graph.value(named, SD.graph), VOID.triples))
    assert sizes == build_info["graphs"]
    assert set(sizes) == {str(iri) for iri in GRAPH.values()}


def test_service_description_by_post_without_query(client):
    response = client.post("/sparql", headers={"Accept": "text/turtle"})
    assert (rdflib.URIRef("http://localhost/sparql"), RDF.type, SD.Service) in parse(
        response, "turtle")


def test_service_description_default_and_link_header(client):
    response = client.get("/sparql")
    assert response.mimetype == "text/turtle"
    assert 'rel="alternate"' in response.headers["Link"]
    assert "format=jsonld" in response.headers["Link"]


def test_browser_gets_a_small_html_page(client):
    response = client.get("/sparql", headers={
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "<form" in response.text and 'name="query"' in response.text
    assert "/.well-known/void" in response.text


@pytest.mark.parametrize(("accept", "fmt"), RDF_FORMATS)
def test_void(client, build_info, accept, fmt):
    graph = parse(client.get("/.well-known/void", headers={"Accept": accept}), fmt)
    datasets = set(graph.subjects(RDF.type, VOID.Dataset))
    top = rdflib.URIRef("http://localhost/.well-known/void#dataset")
    assert top in datasets
    assert graph.value(top, VOID.sparqlEndpoint) == rdflib.URIRef("http://localhost/sparql")
    assert int(graph.value(top, VOID.triples)) == build_info["triples"]
    for key in ("entities", "classes", "properties", "distinctSubjects", "distinctObjects"):
        assert int(graph.value(top, VOID[key])) > 0, key
    examples = set(graph.objects(top, VOID.exampleResource))
    assert rdflib.URIRef("https://w3id.org/immunall/agent/tisagenlecleucel") in examples
    subsets = {str(graph.value(subset, SD.name)): int(graph.value(subset, VOID.triples))
               for subset in graph.objects(top, VOID.subset) if (subset, RDF.type, VOID.Linkset) not in graph}
    assert subsets == build_info["graphs"]


def test_void_counts_are_right(client):
    graph = parse(client.get("/.well-known/void"), "turtle")
    top = rdflib.URIRef("http://localhost/.well-known/void#dataset")
    # fixture: 10 classes used with rdf:type (owl:Axiom for the mapping node); 18 distinct IRI
    # subjects; 19 subjects with the blank node
    assert int(graph.value(top, VOID.classes)) == 10
    assert int(graph.value(top, VOID.entities)) == 18
    assert int(graph.value(top, VOID.distinctSubjects)) == 19


def test_void_lists_example_queries(client):
    graph = parse(client.get("/.well-known/void"), "turtle")
    examples = set(graph.subjects(RDF.type, SH.SPARQLExecutable))
    labels = {str(graph.value(example, RDFS.label)) for example in examples}
    assert {e.slug for e in load_all()} == labels
    for example in examples:
        text = str(graph.value(example, SH.select))
        response = client.get("/sparql", query_string={"query": text})
        assert response.status_code == 200, (example, response.text)


def test_void_without_example_folder(make_app, tmp_path):
    client = make_app(EXAMPLE_QUERIES=tmp_path / "none").test_client()
    graph = parse(client.get("/.well-known/void"), "turtle")
    assert not set(graph.subjects(RDF.type, SH.SPARQLExecutable))


def test_void_is_cached_per_version(app, client):
    client.get("/.well-known/void")
    cache = app.extensions["immunall.stats"]
    stats = cache._stats
    client.get("/.well-known/void", headers={"Accept": "application/rdf+xml"})
    assert cache._stats is stats
