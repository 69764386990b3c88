"""Content negotiation: the pure best-match function and the endpoint's answers to Accept."""

from __future__ import annotations

import pytest

from server.negotiation import (
    BOOLEAN,
    CSV,
    DESCRIPTION,
    GRAPH,
    HTML,
    JSON,
    JSONLD,
    NTRIPLES,
    RDFXML,
    SOLUTIONS,
    TSV,
    TURTLE,
    XML,
    best_match,
)

pytest_plugins = ["tests.server_fixtures"]

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"

SELECT = "SELECT ?s WHERE { ?s a ?c } LIMIT 2"
ASK = "ASK { ?s ?p ?o }"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3"


@pytest.mark.parametrize(
    ("accept", "offers", "param", "expected"),
    [
        (None, SOLUTIONS, None, JSON),
        ("", GRAPH, None, TURTLE),
        ("*/*", SOLUTIONS, None, JSON),
        ("*/*", GRAPH, None, TURTLE),
        ("application/sparql-results+xml", SOLUTIONS, None, XML),
        ("application/json", SOLUTIONS, None, JSON),
        ("application/json", GRAPH, None, JSONLD),
        ("text/csv", SOLUTIONS, None, CSV),
        ("text/tab-separated-values", SOLUTIONS, None, TSV),
        ("text/csv;q=0.5, text/tab-separated-values", SOLUTIONS, None, TSV),
        ("application/n-triples", GRAPH, None, NTRIPLES),
        ("text/plain", GRAPH, None, NTRIPLES),
        ("application/rdf+xml", GRAPH, None, RDFXML),
        ("application/xml", GRAPH, None, RDFXML),
        ("application/ld+json", GRAPH, None, JSONLD),
        ("text/*", GRAPH, None, TURTLE),
        ("text/*", SOLUTIONS, None, XML),  # text/xml
        ("text/*", (CSV, TSV), None, CSV),
        ("application/*", GRAPH, None, TURTLE),  # application/x-turtle
        ("application/*", (NTRIPLES, JSONLD), None, NTRIPLES),
        # the most specific range decides: text/csv is refused though */* would allow it
        ("*/*, text/csv;q=0", (CSV, TSV), None, TSV),
        ("*/*;q=0.1, application/sparql-results+xml;q=0.2", SOLUTIONS, None, XML),
        # equal q: the explicitly named type beats a wildcard, then the server's order
        ("*/*, text/csv", SOLUTIONS, None, CSV),
        ("text/csv, application/sparql-results+json", SOLUTIONS, None, JSON),
        (BROWSER, SOLUTIONS, None, XML),
        (BROWSER, DESCRIPTION, None, HTML),
        ("text/turtle;charset=utf-8;q=0.9, application/rdf+xml;q=0.8", GRAPH, None, TURTLE),
        ("application/sparql-results+json; q=0", SOLUTIONS, None, None),
        ("image/png", SOLUTIONS, None, None),
        ("image/png", GRAPH, None, None),
        ("nonsense, ;;, */*", SOLUTIONS, None, JSON),
        ("application/json;q=abc", SOLUTIONS, None, None),
        # the format parameter overrides Accept
        ("text/csv", SOLUTIONS, "json", JSON),
        ("image/png", SOLUTIONS, "tsv", TSV),
        (None, GRAPH, "ntriples", NTRIPLES),
        (None, GRAPH, "json", JSONLD),
        (None, GRAPH, "xml", RDFXML),
        (None, GRAPH, "rdfxml", RDFXML),
        (None, GRAPH, "jsonld", JSONLD),
        (None, GRAPH, "ttl", TURTLE),
        (None, SOLUTIONS, "application/sparql-results+xml", XML),
        (None, SOLUTIONS, "turtle", None),
        (None, BOOLEAN, "xml", XML),
        # stand-ins: a results type asked of a graph query gets the nearest RDF syntax (roqet)
        ("application/sparql-results+xml", GRAPH, None, RDFXML),
        ("application/sparql-results+json", GRAPH, None, JSONLD),
        ("application/sparql-results+xml;q=0.9, application/sparql-results+json", GRAPH, None,
         JSONLD),
        # ... but only when nothing the client named is available
        ("application/sparql-results+xml, text/turtle;q=0.1", GRAPH, None, TURTLE),
        ("application/sparql-results+xml, */*;q=0.1", GRAPH, None, TURTLE),
        ("application/sparql-results+xml;q=0", GRAPH, None, None),
        ("application/sparql-results+*", GRAPH, None, None),  # a stand-in must be named
        ("text/csv", GRAPH, None, None),  # CSV and TSV have no RDF counterpart
        (None, GRAPH, "application/sparql-results+xml", RDFXML),
        # results formats have no stand-ins: a graph type asked of SELECT is still refused
        ("application/rdf+xml", SOLUTIONS, None, None),
    ],
)
def test_best_match(accept, offers, param, expected):
    assert best_match(accept, offers, param) == expected


# (query, Accept, expected Content-Type without parameters)
ENDPOINT_CASES = [
    (SELECT, None, "application/sparql-results+json"),
    (SELECT, "application/sparql-results+json", "application/sparql-results+json"),
    (SELECT, "application/sparql-results+xml", "application/sparql-results+xml"),
    (SELECT, "text/csv", "text/csv"),
    (SELECT, "text/tab-separated-values", "text/tab-separated-values"),
    (SELECT, "application/json", "application/sparql-results+json"),
    (SELECT, BROWSER, "application/sparql-results+xml"),
    (ASK, None, "application/sparql-results+json"),
    (ASK, "application/sparql-results+xml", "application/sparql-results+xml"),
    (CONSTRUCT, None, "text/turtle"),
    (CONSTRUCT, "text/turtle", "text/turtle"),
    (CONSTRUCT, "application/n-triples", "application/n-triples"),
    (CONSTRUCT, "application/ld+json", "application/ld+json"),
    (CONSTRUCT, "application/rdf+xml", "application/rdf+xml"),
    (CONSTRUCT, "application/sparql-results+json, text/turtle;q=0.5", "text/turtle"),
    (CONSTRUCT, "application/sparql-results+xml", "application/rdf+xml"),
    (CONSTRUCT, "application/sparql-results+json", "application/ld+json"),
    ("DESCRIBE <https://w3id.org/immunall/agent/blinatumomab>", "application/sparql-results+xml",
     "application/rdf+xml"),
    ("DESCRIBE <https://w3id.org/immunall/agent/blinatumomab>", None, "text/turtle"),
]


@pytest.mark.parametrize(("query", "accept", "expected"), ENDPOINT_CASES)
def test_endpoint_answers_in_negotiated_format(client, query, accept, expected):
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", query_string={"query": query}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.mimetype == expected
    assert "Accept" in response.vary


@pytest.mark.parametrize(
    ("query", "param", "expected"),
    [
        (SELECT, "csv", "text/csv"),
        (SELECT, "tsv", "text/tab-separated-values"),
        (SELECT, "xml", "application/sparql-results+xml"),
        (CONSTRUCT, "ntriples", "application/n-triples"),
        (CONSTRUCT, "jsonld", "application/ld+json"),
        (CONSTRUCT, "rdfxml", "application/rdf+xml"),
    ],
)
def test_format_parameter_overrides_accept(client, query, param, expected):
    response = client.get(
        "/sparql", query_string={"query": query, "format": param}, headers={"Accept": "x/y"}
    )
    assert response.status_code == 200
    assert response.mimetype == expected


@pytest.mark.parametrize(
    ("query", "accept"),
    [(SELECT, "text/turtle"), (CONSTRUCT, "text/csv"), (ASK, "image/png")],
)
def test_nothing_acceptable_is_406(client, query, accept):
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
    assert response.status_code == 406
    assert response.mimetype == "text/plain"
    assert "available" in response.text


def test_unknown_format_parameter_is_406(client):
    response = client.get("/sparql", query_string={"query": SELECT, "format": "turtle"})
    assert response.status_code == 406


def test_csv_and_tsv_charset(client):
    response = client.get("/sparql", query_string={"query": SELECT, "format": "csv"})
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_format_parameter_first_known_value_wins():
    assert best_match(None, GRAPH, ["rdf+xml", "application/rdf+xml"]) == RDFXML
    assert best_match(None, GRAPH, ["n3"]) == TURTLE
    assert best_match("text/csv", SOLUTIONS, []) == CSV
