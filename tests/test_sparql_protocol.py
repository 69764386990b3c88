"""The SPARQL 1.1 Protocol query operation: methods, encodings, dataset, refusals."""

from __future__ import annotations

import json

import pytest
import rdflib

from kg.ids import GRAPH
from server.sparql_text import sketch

pytest_plugins = ["tests.server_fixtures"]

IA = "https://w3id.org/immunall/"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def bindings(response) -> list[dict]:
    assert response.status_code == 200, response.text
    return json.loads(response.data)["results"]["bindings"]


def count(response) -> int:
    return int(bindings(response)[0]["n"]["value"])


def boolean(response) -> bool:
    assert response.status_code == 200, response.text
    return json.loads(response.data)["boolean"]


def test_get(client, build_info):
    assert count(client.get("/sparql", query_string={"query": COUNT})) == build_info["triples"]


def test_post_form(client, build_info):
    response = client.post("/sparql", data={"query": COUNT})
    assert count(response) == build_info["triples"]


def test_post_direct(client, build_info):
    response = client.post(
        "/sparql", data=COUNT.encode(), content_type="application/sparql-query"
    )
    assert count(response) == build_info["triples"]


def test_post_direct_with_utf8_charset(client):
    query = 'ASK { ?s ?p "Dosed by\\tweight;\\nsee \\"Table 2\\" — µg/m²" }'
    response = client.post(
        "/sparql", data=query.encode(), content_type="application/sparql-query; charset=UTF-8"
    )
    assert boolean(response) is True


def test_head_has_headers_and_no_body(client):
    response = client.head("/sparql", query_string={"query": COUNT})
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-results+json"
    assert response.data == b""


def test_default_graph_is_union_of_named_graphs(client, build_info):
    for name, graph in GRAPH.items():
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        assert count(client.get("/sparql", query_string={"query": query})) == build_info[
            "graphs"
        ][str(graph)], name
    query = "ASK { <https://w3id.org/immunall/agent/tisagenlecleucel> a ?type ; ?p ?o }"
    assert boolean(client.get("/sparql", query_string={"query": query}))


@pytest.mark.parametrize("name", sorted(GRAPH))
def test_each_named_graph_is_reachable_with_graph(client, name):
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    graphs = {row["g"]["value"] for row in bindings(client.get("/sparql", query_string={
        "query": query}))}
    assert str(GRAPH[name]) in graphs
    ask = f"ASK {{ GRAPH <{GRAPH[name]}> {{ ?s ?p ?o }} }}"
    assert boolean(client.get("/sparql", query_string={"query": ask}))


def test_query_from_clause_is_respected(client, build_info):
    query = f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH['inferred']}> WHERE {{ ?s ?p ?o }}"
    expected = build_info["graphs"][str(GRAPH["inferred"])]
    assert count(client.get("/sparql", query_string={"query": query})) == expected


def test_query_from_named_alone_leaves_default_graph_empty(client):
    query = f"SELECT (COUNT(*) AS ?n) FROM NAMED <{GRAPH['inferred']}> WHERE {{ ?s ?p ?o }}"
    assert count(client.get("/sparql", query_string={"query": query})) == 0


def test_default_graph_uri(client, build_info):
    response = client.get("/sparql", query_string={
        "query": COUNT, "default-graph-uri": str(GRAPH["provenance"])})
    assert count(response) == build_info["graphs"][str(GRAPH["provenance"])]


def test_default_graph_uri_several_are_merged(client, build_info):
    graphs = [str(GRAPH["provenance"]), str(GRAPH["inferred"])]
    response = client.get("/sparql", query_string=[("query", COUNT)] + [
        ("default-graph-uri", graph) for graph in graphs])
    assert count(response) == sum(build_info["graphs"][graph] for graph in graphs)


def test_default_graph_uri_overrides_from(client, build_info):
    query = f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH['asserted']}> WHERE {{ ?s ?p ?o }}"
    response = client.post("/sparql", data={
        "query": query, "default-graph-uri": str(GRAPH["ontology"])})
    assert count(response) == build_info["graphs"][str(GRAPH["ontology"])]


def test_named_graph_uri_limits_graph_and_empties_default(client):
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = client.get("/sparql", query_string={
        "query": query, "named-graph-uri": str(GRAPH["inferred"])})
    assert [row["g"]["value"] for row in bindings(response)] == [str(GRAPH["inferred"])]
    response = client.get("/sparql", query_string={
        "query": COUNT, "named-graph-uri": str(GRAPH["inferred"])})
    assert count(response) == 0


def test_relative_iris_resolve_against_the_endpoint(client):
    response = client.post("/sparql", data="CONSTRUCT { <s> <p> 1 } WHERE {}",
                           content_type="application/sparql-query")
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.data, format="turtle")
    assert (rdflib.URIRef("http://localhost/s"), rdflib.URIRef("http://localhost/p"),
            rdflib.Literal(1)) in graph


UPDATES = [
    "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "LOAD <http://example.org/data.ttl>",
    "CLEAR ALL",
    "DROP GRAPH <https://w3id.org/immunall/graph/asserted>",
    "PREFIX ex: <http://example.org/>\nWITH ex:g DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
]


@pytest.mark.parametrize("update", UPDATES)
@pytest.mark.parametrize("how", ["get-update", "form-update", "direct-update", "as-query-get",
                                 "as-query-form", "as-query-direct"])
def test_updates_are_refused_as_read_only(client, build_info, update, how):
    if how == "get-update":
        response = client.get("/sparql", query_string={"update": update})
    elif how == "form-update":
        response = client.post("/sparql", data={"update": update})
    elif how == "direct-update":
        response = client.post("/sparql", data=update.encode(),
                               content_type="application/sparql-update")
    elif how == "as-query-get":
        response = client.get("/sparql", query_string={"query": update})
    elif how == "as-query-form":
        response = client.post("/sparql", data={"query": update})
    else:
        response = client.post("/sparql", data=update.encode(),
                               content_type="application/sparql-query")
    assert response.status_code == 403
    assert response.mimetype == "text/plain"
    assert "read-only" in response.text
    # and nothing changed
    assert count(client.get("/sparql", query_string={"query": COUNT})) == build_info["triples"]


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("SELECT * WHERE { ?s ?p }", "error at 1:"),
        ("ASK {", "error at 1:"),
        ("SELEKT * { ?s ?p ?o }", "error at 1:"),
        ("PREFIX ia: <https://w3id.org/immunall/ontology/> SELECT * { ?s nope:x ?o }",
         "Prefix not found"),
    ],
)
def test_malformed_query_is_400_with_parser_message(client, query, fragment):
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert "Malformed query" in response.text
    assert fragment in response.text


def test_two_queries_are_400(client):
    response = client.get("/sparql", query_string=[("query", "ASK {}"), ("query", "ASK {}")])
    assert response.status_code == 400
    assert "Exactly one" in response.text


def test_wrong_content_type_is_415(client):
    response = client.post("/sparql", data=b"ASK {}", content_type="text/plain")
    assert response.status_code == 415
    assert "application/sparql-query" in response.text


def test_body_without_content_type_is_refused(client):
    response = client.post("/sparql", data=b"query=ASK%20%7B%7D",
                           headers={"Content-Type": ""})
    assert 400 <= response.status_code < 500


def test_non_utf8_direct_post_is_400(client):
    response = client.post("/sparql", data="ASK {}".encode("utf-16"),
                           content_type="application/sparql-query; charset=UTF-16")
    assert response.status_code == 400
    response = client.post("/sparql", data=b"ASK { ?s ?p \"\xff\" }",
                           content_type="application/sparql-query")
    assert response.status_code == 400


def test_other_methods_are_405(client):
    for method in ("put", "delete", "patch"):
        response = getattr(client, method)("/sparql", query_string={"query": "ASK {}"})
        assert response.status_code == 405
        assert "GET" in response.headers["Allow"]


def test_service_is_refused(client):
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 400
    assert "SERVICE" in response.text


def test_large_request_is_413(make_app):
    app = make_app(MAX_REQUEST_BYTES=2000)
    client = app.test_client()
    padding = "#" + "x" * 3000 + "\n"
    response = client.get("/sparql", query_string={"query": padding + "ASK {}"})
    assert response.status_code == 413
    response = client.post("/sparql", data={"query": padding + "ASK {}"})
    assert response.status_code == 413
    response = client.post("/sparql", data=(padding + "ASK {}").encode(),
                           content_type="application/sparql-query")
    assert response.status_code == 413
    assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200


@pytest.mark.parametrize(
    ("text", "form", "has_from", "service"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT", False, False),
        ("select * from <g> where { ?s ?p ?o }", "SELECT", True, False),
        ("PREFIX from: <http://x/> SELECT * { ?s from:p 'FROM' } # FROM <g>", "SELECT", False,
         False),
        ("SELECT ?from { ?s <from> ?from }", "SELECT", False, False),
        ("SELECT * { { SELECT ?s { ?s ?p ?o } } }", "SELECT", False, False),
        ('SELECT ("""a { FROM""" AS ?x) {}', "SELECT", False, False),
        ("BASE <http://x/> PREFIX : <y#> CONSTRUCT { ?s ?p ?o } FROM NAMED <g> WHERE {}",
         "CONSTRUCT", True, False),
        ("DESCRIBE <x>", "DESCRIBE", False, False),
        ("\ufeffASK {}", "ASK", False, False),
        ("ASK { SERVICE <http://x> { ?s ?p ?o } }", "ASK", False, True),
        ("PREFIX dc: <http://purl.org/dc/terms/> INSERT DATA { <a> dc:title 'x' }", "UPDATE",
         False, False),
        ("CLEAR SILENT GRAPH <g> ; INSERT DATA {}", "UPDATE", False, False),
        ("with <g> delete { ?s ?p ?o } where { ?s ?p ?o }", "UPDATE", False, False),
        ("garbage", None, False, False),
        ("", None, False, False),
    ],
)
def test_sketch(text, form, has_from, service):
    shape = sketch(text)
    assert (shape.form, shape.has_dataset_clause, shape.uses_service) == (form, has_from, service)
