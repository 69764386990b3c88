"""Every IRI under the base dereferences: HTML for browsers, RDF for clients (Accept, suffix or
`format`), the other forms announced in Link headers, and a 404 page with suggestions."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS

from tests.html_helpers import BROWSER, text_of

pytest_plugins = ["tests.page_fixtures"]

BASE = "https://w3id.org/immunall/"
IA = Namespace(BASE + "ontology/")
OA = Namespace("http://www.w3.org/ns/oa#")
PROV = Namespace("http://www.w3.org/ns/prov#")
ELIANA = URIRef(BASE + "trial/NCT02435849")
TISA = URIRef(BASE + "agent/tisagenlecleucel")
OS_3Y = URIRef(BASE + "result/eliana-a25-os-3y")

RDF_FORMATS = [
    ("text/turtle", ".ttl", "turtle", "turtle"),
    ("application/ld+json", ".jsonld", "jsonld", "json-ld"),
    ("application/n-triples", ".nt", "ntriples", "nt"),
    ("application/rdf+xml", ".rdf", "rdfxml", "xml"),
]


def parse(body: bytes, syntax: str) -> Graph:
    return Graph().parse(data=body, format=syntax)


def test_a_browser_gets_the_html_page(pages: FlaskClient) -> None:
    response = pages.get("/trial/NCT02435849", headers=BROWSER)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "<h1 id=\"entity-title\">ELIANA</h1>" in response.text
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize(("media_type", "suffix", "name", "syntax"), RDF_FORMATS)
def test_every_rdf_format_by_accept_suffix_and_parameter(
    pages: FlaskClient, media_type: str, suffix: str, name: str, syntax: str
) -> None:
    answers = [
        pages.get("/trial/NCT02435849", headers={"Accept": media_type}),
        pages.get(f"/trial/NCT02435849{suffix}", headers=BROWSER),
        pages.get(f"/trial/NCT02435849?format={name}", headers=BROWSER),
    ]
    for response in answers:
        assert response.status_code == 200, response.text
        assert response.mimetype == media_type
        graph = parse(response.data, syntax)
        assert (ELIANA, IA.evaluatesAgent, TISA) in graph  # outgoing
        assert (OS_3Y, IA.resultOf, ELIANA) in graph  # incoming
        assert (TISA, RDFS.label, Literal("tisagenlecleucel", lang="en")) in graph  # neighbours' labels
        assert (ELIANA, PROV.wasDerivedFrom, None) in graph


def test_link_header_names_every_other_form(pages: FlaskClient) -> None:
    html_links = pages.get("/agent/tisagenlecleucel", headers=BROWSER).headers["Link"]
    for media_type, suffix, _, _ in RDF_FORMATS:
        assert f'/agent/tisagenlecleucel{suffix}>; rel="alternate"; type="{media_type}"' in html_links
    assert 'type="text/html"' not in html_links
    turtle_links = pages.get("/agent/tisagenlecleucel.ttl").headers["Link"]
    assert '/agent/tisagenlecleucel>; rel="alternate"; type="text/html"' in turtle_links
    assert 'type="text/turtle"' not in turtle_links


def test_an_nary_node_comes_with_its_passage(pages: FlaskClient) -> None:
    graph = parse(pages.get("/result/eliana-a25-os-3y.ttl").data, "turtle")
    passage = graph.value(OS_3Y, PROV.wasDerivedFrom)
    assert passage == URIRef(BASE + "passage/arkarattanakul2025-7514-7634")
    assert graph.value(passage, OA.start).toPython() == 7514
    assert graph.value(passage, OA.end).toPython() == 7634
    assert graph.value(passage, IA.inDocument) == URIRef(BASE + "publication/arkarattanakul2025")
    assert (OS_3Y, PROV.hadPrimarySource, URIRef(BASE + "publication/laetsch2023")) in graph
    assert graph.value(OS_3Y, IA.value).toPython() == 63


def test_the_parts_of_a_record_come_with_it(pages: FlaskClient) -> None:
    graph = parse(pages.get("/trial/NCT02435849.nt").data, "nt")
    population = URIRef(str(ELIANA) + "#population")
    assert (ELIANA, IA.studiesPopulation, population) in graph
    assert (population, IA.maxAge, None) in graph


def test_ontology_terms_and_the_ontology_dereference(pages: FlaskClient) -> None:
    term = parse(pages.get("/ontology/OutcomeResult", headers={"Accept": "text/turtle"}).data, "turtle")
    assert (IA.OutcomeResult, RDFS.label, None) in term
    assert (None, RDF.type, IA.OutcomeResult) in term  # its members point to it
    whole = pages.get("/ontology", headers={"Accept": "text/turtle"})
    assert whole.status_code == 200
    ontology = parse(whole.data, "turtle")
    assert (URIRef(BASE + "ontology"), RDF.type, URIRef("http://www.w3.org/2002/07/owl#Ontology")) in ontology
    assert len(ontology) > 1000
    assert pages.get("/ontology.rdf").mimetype == "application/rdf+xml"
    page = pages.get("/ontology", headers=BROWSER)
    assert page.mimetype == "text/html" and "outcome result" in page.text


def test_an_identifier_with_a_dot_is_not_taken_for_a_suffix(pages: FlaskClient) -> None:
    response = pages.get("/arm/NCT02101853.lr-chemo", headers=BROWSER)
    assert response.status_code == 200
    assert "LR, chemotherapy alone" in response.text


def test_unknown_iris_get_a_404_page_with_suggestions(pages: FlaskClient) -> None:
    response = pages.get("/trial/ELIANA", headers=BROWSER)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "https://w3id.org/immunall/trial/ELIANA" in response.text
    assert 'href="/trial/NCT02435849"' in response.text  # "did you mean" ELIANA
    unknown_kind = pages.get("/nonsense/tisagenlecleucel", headers=BROWSER)
    assert unknown_kind.status_code == 404 and 'href="/agent/tisagenlecleucel"' in unknown_kind.text
    for_client = pages.get("/trial/ELIANA", headers={"Accept": "text/turtle"})
    assert for_client.status_code == 404 and for_client.mimetype == "text/plain"
    assert pages.get("/nothing-here", headers=BROWSER).status_code == 404


def test_an_unknown_format_is_406(pages: FlaskClient) -> None:
    assert pages.get("/trial/NCT02435849", headers={"Accept": "image/png"}).status_code == 406


def test_revalidation_with_etag(pages: FlaskClient) -> None:
    first = pages.get("/antigen/CD19", headers=BROWSER)
    etag = first.headers["ETag"]
    again = pages.get("/antigen/CD19", headers={**BROWSER, "If-None-Match": etag})
    assert again.status_code == 304
    turtle = pages.get("/antigen/CD19", headers={"Accept": "text/turtle", "If-None-Match": etag})
    assert turtle.status_code == 200  # another representation, another validator


def test_security_headers(pages: FlaskClient) -> None:
    response = pages.get("/", headers=BROWSER)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "<script>" not in response.text  # no inline script anywhere


def test_named_graphs_dereference(pages: FlaskClient) -> None:
    response = pages.get("/graph/provenance", headers=BROWSER)
    assert response.status_code == 200
    assert "statements" in text_of(response.text)


def test_links_point_to_local_pages_not_the_public_base(pages: FlaskClient) -> None:
    markup = pages.get("/agent/tisagenlecleucel", headers=BROWSER).text
    assert 'href="/trial/NCT02435849"' in markup
    assert 'href="https://w3id.org/immunall/' not in markup


def test_one_iri_of_every_kind_dereferences(pages: FlaskClient, pages_app) -> None:  # type: ignore[no-untyped-def]
    """For each path segment under the base the data uses, one IRI gives a page and Turtle."""
    from server.pages import data

    query = """SELECT ?kind (MIN(STR(?s)) AS ?example) WHERE {
      ?s ?p ?o . FILTER(isIRI(?s) && STRSTARTS(STR(?s), "https://w3id.org/immunall/") && !CONTAINS(STR(?s), "#"))
      BIND(STRBEFORE(STRAFTER(STR(?s), "https://w3id.org/immunall/"), "/") AS ?kind)
    } GROUP BY ?kind"""
    with pages_app.test_request_context():
        examples = {row["kind"].value: row["example"].value for row in data.run_text(query)}
    assert {"trial", "agent", "antigen", "result", "passage", "publication", "ontology"} <= set(examples)
    for kind, iri in examples.items():
        path = iri.removeprefix(BASE.rstrip("/"))
        page = pages.get(path, headers=BROWSER)
        assert page.status_code == 200, (kind, path)
        turtle = pages.get(path, headers={"Accept": "text/turtle"})
        assert (URIRef(iri), None, None) in parse(turtle.data, "turtle"), (kind, path)


def test_the_public_base_is_configurable(pages_app) -> None:  # type: ignore[no-untyped-def]
    from server.pages import links

    with pages_app.test_request_context():
        assert links.local_path("https://w3id.org/immunall/trial/X") == "/trial/X"
        assert links.local_path("https://example.org/elsewhere") is None
        pages_app.config["PUBLIC_BASE"] = "http://kg.example/immunall"
        try:
            assert links.local_path("http://kg.example/immunall/agent/y") == "/agent/y"
            assert links.iri_for("/agent/y") == "http://kg.example/immunall/agent/y"
        finally:
            pages_app.config["PUBLIC_BASE"] = BASE
