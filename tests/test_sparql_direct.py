"""server/direct.py answers quick /sparql queries without Flask: the same status, headers and body as
the Flask view, request by request, and everything else is left to the view."""

from __future__ import annotations

import gzip
from urllib.parse import urlencode

import pytest

from server import close_app, create_app
from server.store import get_backend

pytest_plugins = ["tests.server_fixtures"]

LOOKUP = ("SELECT ?label WHERE { <https://w3id.org/immunall/trial/NCT02435849> "
          "<http://www.w3.org/2000/01/rdf-schema#label> ?label }")
MANY = "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?s LIMIT 200"
ASK = "ASK { <https://w3id.org/immunall/trial/NCT02435849> ?p ?o }"
TRIAL = "<https://w3id.org/immunall/trial/NCT02435849>"
CONSTRUCT = f"CONSTRUCT {{ {TRIAL} ?p ?o }} WHERE {{ {TRIAL} ?p ?o }}"
DESCRIBE = "DESCRIBE <https://w3id.org/immunall/agent/tisagenlecleucel>"
RELATIVE = "SELECT ?x WHERE { BIND(<relative> AS ?x) }"
ASSERTED = "https://w3id.org/immunall/graph/asserted"

# (method, query-string parameters, headers, body)
REQUESTS = [
    ("GET", {"query": LOOKUP}, {"Accept": "application/sparql-results+json"}, None),
    ("GET", {"query": LOOKUP}, {"Accept": "application/sparql-results+xml"}, None),
    ("GET", {"query": LOOKUP}, {"Accept": "text/csv"}, None),
    ("GET", {"query": LOOKUP, "format": "tsv"}, {}, None),
    ("GET", {"query": LOOKUP}, {}, None),
    ("GET", {"query": MANY}, {"Accept": "application/sparql-results+json", "Accept-Encoding": "gzip"}, None),
    ("GET", {"query": MANY}, {"Accept": "application/sparql-results+json", "Accept-Encoding": "gzip;q=0"}, None),
    ("GET", {"query": MANY}, {"Accept": "text/csv", "Accept-Encoding": "br, gzip"}, None),
    ("GET", {"query": ASK}, {"Accept": "application/sparql-results+xml"}, None),
    ("GET", {"query": CONSTRUCT}, {"Accept": "text/turtle"}, None),
    ("GET", {"query": CONSTRUCT}, {"Accept": "application/n-triples", "Accept-Encoding": "gzip"}, None),
    ("GET", {"query": DESCRIBE}, {"Accept": "application/ld+json"}, None),
    ("GET", {"query": DESCRIBE, "format": "rdfxml"}, {}, None),
    ("GET", {"query": CONSTRUCT}, {"Accept": "application/sparql-results+json"}, None),  # a stand-in
    ("GET", {"query": RELATIVE}, {"Accept": "application/sparql-results+json"}, None),
    ("GET", {"query": LOOKUP, "default-graph-uri": ASSERTED}, {"Accept": "application/sparql-results+json"}, None),
    ("HEAD", {"query": MANY}, {"Accept": "application/sparql-results+json", "Accept-Encoding": "gzip"}, None),
    ("POST", {}, {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/csv"},
     urlencode({"query": LOOKUP}).encode()),
    ("POST", {}, {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
     LOOKUP.encode()),
]


@pytest.fixture(scope="module")
def apps(generation):
    """The same configuration with and without the direct path (INPROCESS_MS 0 turns it off)."""
    direct = create_app({"STORE_PATH": generation, "RESPONSE_CACHE_MB": 0, "INPROCESS_MS": 1000})
    flask_only = create_app({"STORE_PATH": generation, "RESPONSE_CACHE_MB": 0, "INPROCESS_MS": 0})
    yield direct, flask_only
    close_app(direct)
    close_app(flask_only)


def _send(app, method, params, headers, body):
    return app.test_client().open("/sparql", method=method, query_string=params, headers=headers, data=body)


def _comparable(response) -> tuple:
    headers = sorted((name.lower(), value) for name, value in response.headers if name.lower() != "date")
    return response.status, headers, response.get_data()


@pytest.mark.parametrize(("method", "params", "headers", "body"), REQUESTS,
                         ids=[f"{r[0]}-{i}" for i, r in enumerate(REQUESTS)])
def test_the_direct_answer_equals_the_views(apps, method, params, headers, body):
    direct, flask_only = apps
    with direct.app_context():
        lane = get_backend().lane
    _send(direct, method, params, headers, body)  # first time: learned through a query process
    before, answered_directly = lane.answered, direct.wsgi_app.answered
    fast = _send(direct, method, params, headers, body)
    assert lane.answered == before + 1, "the second identical request ran in-process"
    assert direct.wsgi_app.answered == answered_directly + 1, "... and was answered without Flask"
    slow = _send(flask_only, method, params, headers, body)
    assert _comparable(fast) == _comparable(slow)
    assert fast.status_code == 200


def test_a_gzipped_answer_is_the_same_answer(apps):
    direct, _ = apps
    headers = {"Accept": "application/sparql-results+json", "Accept-Encoding": "gzip"}
    _send(direct, "GET", {"query": MANY}, headers, None)
    zipped = _send(direct, "GET", {"query": MANY}, headers, None)
    plain = _send(direct, "GET", {"query": MANY}, {"Accept": "application/sparql-results+json"}, None)
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.get_data()) == plain.get_data()


@pytest.mark.parametrize(("params", "headers", "status"), [
    ({"query": "SELECT * WHERE { ?s ?p }"}, {}, 400),  # syntax: the parser's message, from the view
    ({"query": LOOKUP}, {"Accept": "image/png"}, 406),
    ({"update": "DROP ALL"}, {}, 403),
    ({"query": LOOKUP, "default-graph-uri": "not an iri"}, {}, 400),
    ({}, {"Accept": "text/turtle"}, 200),  # the service description
    ({"query": LOOKUP}, {"If-None-Match": "*"}, 304),
])
def test_refusals_and_other_requests_are_left_to_the_view(apps, params, headers, status):
    direct, flask_only = apps
    for _ in range(2):  # the second time, too: nothing learned changes who answers
        answered_directly = direct.wsgi_app.answered
        fast = _send(direct, "GET", params, headers, None)
        slow = _send(flask_only, "GET", params, headers, None)
        assert direct.wsgi_app.answered == answered_directly
        assert fast.status_code == slow.status_code == status
        assert _comparable(fast) == _comparable(slow)


def test_a_form_post_left_to_the_view_keeps_its_body(apps):
    """A POST the direct path reads and then passes on (not yet learned) must reach the view whole."""
    direct, _ = apps
    query = LOOKUP + " # a form post not seen before"
    response = _send(direct, "POST", {}, {"Content-Type": "application/x-www-form-urlencoded",
                                          "Accept": "application/sparql-results+json"},
                     urlencode({"query": query}).encode())
    assert response.status_code == 200
    assert response.get_json()["results"]["bindings"][0]["label"]["value"] == "ELIANA"
