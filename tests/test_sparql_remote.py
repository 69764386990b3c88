"""The external-endpoint backend's handling of real servers' habits, against a scripted remote.

tests/test_virtuoso.py shows these against Virtuoso itself; this module keeps them checked
where Virtuoso is not installed: what ImmunALL sends (form-specific Accept, the pinned
dataset) and how it reads Virtuoso-style answers (ASK as bindings, X-SPARQL-MaxRows).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from flask import Flask, Response, request

from immunall.generation import GRAPH_BASE, GRAPH_NAMES
from server.remote import GRAPH_ACCEPT, RESULTS_ACCEPT

pytest_plugins = ["tests.server_fixtures"]

PINNED = [f"{GRAPH_BASE}{name}" for name in GRAPH_NAMES]
ASK_RETVAL = """{ "head": { "link": [], "vars": ["__ASK_RETVAL"] }, "results": { "bindings": [%s] } }"""
ONE = json.dumps({"__ASK_RETVAL": {"type": "typed-literal", "value": "1",
                                   "datatype": "http://www.w3.org/2001/XMLSchema#integer"}})
ROWS = json.dumps({"head": {"vars": ["s"]}, "results": {"bindings": [
    {"s": {"type": "uri", "value": f"http://example.org/{i}"}} for i in range(3)]}})


class Scripted:
    """A fake SPARQL endpoint: answers from a script, remembers what it was sent."""

    def __init__(self) -> None:
        self.seen: list[dict] = []
        self.app = Flask("scripted")
        self.app.add_url_rule("/sparql", "sparql", self.answer, methods=["POST"])

    def answer(self) -> Response:
        query = request.form["query"]
        self.seen.append({"accept": request.headers.get("Accept"), "query": query,
                          "default": request.form.getlist("default-graph-uri"),
                          "named": request.form.getlist("named-graph-uri")})
        if query.startswith("ASK"):
            body = ASK_RETVAL % (ONE if "true" in query else "")
            return Response(body, content_type="application/sparql-results+json")
        if query.startswith("CONSTRUCT"):
            return Response("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n",
                            content_type="application/n-triples; charset=UTF-8")
        if "busy" in query and sum("busy" in seen["query"] for seen in self.seen) < 3:
            return Response("Too many queries at once", status=429, headers={"Retry-After": "0.2"})
        if "always-busy" in query:
            return Response("Too many queries at once", status=429, headers={"Retry-After": "60"})
        headers = {"X-SPARQL-MaxRows": "3"} if "cut" in query else {}
        return Response(ROWS, content_type="application/sparql-results+json", headers=headers)


@pytest.fixture(scope="module")
def remote(start_server: Callable) -> Scripted:
    scripted = Scripted()
    scripted.server = start_server(scripted.app)
    return scripted


@pytest.fixture(scope="module")
def front(make_app, remote):
    return make_app(SPARQL_ENDPOINT=remote.server.endpoint).test_client()


@pytest.mark.parametrize(("query", "accept"), [("SELECT * { ?s ?p ?o }", RESULTS_ACCEPT),
                                               ("ASK { # true\n }", RESULTS_ACCEPT),
                                               ("CONSTRUCT WHERE { ?s ?p ?o }", GRAPH_ACCEPT)])
def test_accept_names_only_the_family_of_the_query_form(front, remote, query, accept):
    assert front.post("/sparql", data={"query": query}).status_code == 200
    assert remote.seen[-1]["accept"] == accept


def test_query_without_dataset_is_sent_with_the_pinned_graphs(front, remote):
    front.post("/sparql", data={"query": "SELECT * { ?s ?p ?o }"})
    assert remote.seen[-1]["default"] == PINNED and remote.seen[-1]["named"] == PINNED


def test_query_own_dataset_and_protocol_dataset_are_left_alone(front, remote):
    front.post("/sparql", data={"query": "SELECT * FROM <http://example.org/g> { ?s ?p ?o }"})
    assert remote.seen[-1]["default"] == [] and remote.seen[-1]["named"] == []
    front.post("/sparql", data={"query": "SELECT * { ?s ?p ?o }", "named-graph-uri": "http://example.org/n"})
    assert remote.seen[-1]["default"] == [] and remote.seen[-1]["named"] == ["http://example.org/n"]


def test_empty_graph_setting_sends_no_dataset(make_app, remote):
    front = make_app(SPARQL_ENDPOINT=remote.server.endpoint, SPARQL_ENDPOINT_GRAPHS=()).test_client()
    front.post("/sparql", data={"query": "SELECT * { ?s ?p ?o }"})
    assert remote.seen[-1]["default"] == [] and remote.seen[-1]["named"] == []


@pytest.mark.parametrize(("query", "expected"), [("ASK { # true\n }", True), ("ASK { # false\n }", False)])
def test_ask_answered_as_bindings_is_a_boolean(front, query, expected):
    response = front.post("/sparql", data={"query": query})
    assert json.loads(response.data) == {"head": {}, "boolean": expected}


def test_a_busy_remote_is_waited_out_as_its_retry_after_says(front, remote):
    """A remote ImmunALL (or WDQS) answers 429 with Retry-After over its per-client share: the
    backend waits as asked and tries again while the query's time allows."""
    answer = front.post("/sparql", data={"query": "SELECT * { ?s ?p ?o } # busy"})
    assert answer.status_code == 200 and len(json.loads(answer.data)["results"]["bindings"]) == 3
    assert sum("# busy" in seen["query"] for seen in remote.seen) == 3
    refused = front.post("/sparql", data={"query": "SELECT * { ?s ?p ?o } # always-busy"})
    assert refused.status_code == 502 and b"429" in refused.data  # a wait past the time limit is not made


def test_remote_row_limit_marks_the_answer_truncated(front):
    plain = front.post("/sparql", data={"query": "SELECT * { ?s ?p ?o }"})
    assert "X-ImmunALL-Truncated" not in plain.headers
    cut = front.post("/sparql", data={"query": "SELECT * { ?s ?p ?o } # cut"})
    assert cut.headers["X-ImmunALL-Truncated"] == "true" and cut.headers["X-ImmunALL-Rows"] == "3"


def test_graph_setting_from_the_environment(monkeypatch):
    from server.config import load

    monkeypatch.setenv("IMMUNALL_SPARQL_ENDPOINT_GRAPHS", "http://example.org/a, http://example.org/b")
    assert load()["SPARQL_ENDPOINT_GRAPHS"] == ("http://example.org/a", "http://example.org/b")
    assert load({"SPARQL_ENDPOINT_GRAPHS": "http://example.org/c"})["SPARQL_ENDPOINT_GRAPHS"] == (
        "http://example.org/c",)
