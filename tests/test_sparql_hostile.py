"""Hostile input to /sparql: every answer is bounded in time, has the right status and a clear
text/plain message, never a traceback; no update of any spelling, by any transport, changes the data.

The cheap-query-during-a-runaway guarantee is in tests/test_sparql_limits.py; SERVICE refusals
that send nothing are in tests/test_federation.py.
"""

from __future__ import annotations

import json
import time
from urllib.parse import quote

import pytest

pytest_plugins = ["tests.server_fixtures"]

TIMEOUT = 2  # the app's query time limit in this module
BOUND = TIMEOUT + 4.0  # every answer, however hostile the query, comes within this
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture(scope="module")
def hostile_app(make_app):
    app = make_app(QUERY_TIMEOUT=TIMEOUT, QUERY_WORKERS=2)
    yield app


@pytest.fixture()
def hc(hostile_app):
    return hostile_app.test_client()


def check(response, statuses: set[int], text: str | None = None) -> None:
    body = response.get_data(as_text=True)
    assert response.status_code in statuses, (response.status_code, body[:300])
    assert response.status_code != 500
    assert "Traceback" not in body and 'File "' not in body
    if response.status_code >= 400:
        assert response.mimetype == "text/plain", response.mimetype
        assert len(body.strip()) > 10  # a message, not an empty refusal
    if text is not None:
        assert text in body, body[:300]


def timed(client, method: str, query: str, **kwargs):
    started = time.monotonic()
    if method == "GET":
        response = client.get("/sparql", query_string={"query": query}, **kwargs)
    elif method == "FORM":
        response = client.post("/sparql", data={"query": query}, **kwargs)
    else:
        response = client.post("/sparql", data=query.encode("utf-8"), content_type="application/sparql-query",
                               **kwargs)
    seconds = time.monotonic() - started
    assert seconds < BOUND, f"{seconds:.1f} s for {query[:100]!r}"
    return response


RUNAWAYS = {
    "cross product of all triples, counted": (
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"),
    "cross product ordered": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } ORDER BY DESC(?l) ?a",
    "closures of negated paths, joined": (
        "SELECT (COUNT(*) AS ?n) WHERE { ?a (!<http://x/>)* ?b . ?c (^!<http://x/>|!<http://x/>)+ ?d . "
        "?e (!<http://x/>)* ?f . ?g ?h ?i }"),
    "cyclic path both ways, counted": (
        "SELECT (COUNT(*) AS ?n) WHERE { ?a (!<http://x/>|^!<http://x/>)* ?b . ?b (!<http://x/>)* ?c . "
        "?c ?p ?o . ?x ?y ?z . ?u ?v ?w }"),
    "huge offset over a cross product": (
        "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } OFFSET 1000000000000"),
    "a thousand joined patterns": "SELECT * WHERE { " + "?s ?p ?o . " * 1000 + "}",
}


@pytest.mark.parametrize("name", sorted(RUNAWAYS))
def test_a_runaway_query_is_stopped_with_a_clear_503(hc, name: str) -> None:
    response = timed(hc, "GET", RUNAWAYS[name])
    check(response, {503}, "time limit")
    assert response.headers.get("Retry-After")
    check(hc.get("/sparql", query_string={"query": "ASK {}"}), {200})  # the pool serves on


def test_a_huge_answer_is_cut_at_the_row_cap_and_says_so(make_app) -> None:
    client = make_app(QUERY_TIMEOUT=TIMEOUT, MAX_RESULT_ROWS=500).test_client()
    response = timed(client, "GET", "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    check(response, {200})
    assert response.headers["X-ImmunALL-Truncated"] == "true"
    assert response.headers["X-ImmunALL-Rows"] == "500"
    assert len(json.loads(response.data)["results"]["bindings"]) == 500
    graph = timed(client, "GET", "CONSTRUCT { ?a ?b ?f } WHERE { ?a ?b ?c . ?d ?e ?f }")
    check(graph, {200})
    assert graph.headers["X-ImmunALL-Truncated"] == "true"


@pytest.mark.parametrize(("query", "statuses", "text"), [
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 99999999999999999999999", {400}, "limit"),
    ("SELECT * WHERE { ?s ?p ?o } OFFSET 99999999999999999999999", {400}, "offset"),
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 18446744073709551615", {200}, None),
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 1 OFFSET 9223372036854775807", {200}, None),
    ("SELECT * WHERE { ?s ?p ?o } LIMIT -1", {400}, "Malformed query"),
    ("SELECT * WHERE " + "{" * 5000 + "}" * 5000, {400}, "levels deep"),
    ("SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }", {400}, "levels deep"),
    ("SELECT * WHERE { ?s ?p " + "[ ?p " * 3000 + "1" + "]" * 3000 + "}", {400}, "levels deep"),
    ("SELECT * WHERE { " + " UNION ".join(["{?s ?p ?o}"] * 20000) + "}", {400}, "terms"),
    ("SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o } " * 20000 + "}", {400}, "terms"),
    ("SELECT * WHERE { FILTER(" + "+".join(["1"] * 40000) + ") }", {200, 503}, None),
    ("SELECT * WHERE { FILTER(" + "!" * 60000 + "true) }", {200}, None),
    ("SELECT * WHERE { VALUES ?x { " + " ".join(f"<http://x/{i}>" for i in range(30000)) + " } ?x ?p ?o }",
     {200}, None),
    ("SELECT * WHERE { " + "?s ?p ?o . " * 20000 + "}", {400, 503}, None),
    ("#" + "x" * 900_000 + "\nASK {}", {200}, None),
    ('SELECT * WHERE { ?s ?p ?o FILTER REGEX(STR(?o), "(a+)+$") }', {200}, None),
    ('SELECT * WHERE { ?s ?p ?o FILTER REGEX(STR(?o), "(") }', {200, 400}, None),
    ("SELECT * WHERE { ?s ?p \x00 }", {400}, "Malformed query"),
    ("BASE <::::> SELECT * { ?s ?p ?o }", {400}, "Malformed query"),
    ('SELECT * { ?s ?p "x"@xx-1234567890123 }', {400}, "Malformed query"),
    ("\ufeffSELECT * { ?s ?p ?o } LIMIT 1", {200, 400}, None),
    ("", {400}, "Malformed query"),
    ("   ", {400}, "Malformed query"),
])
@pytest.mark.parametrize("method", ["GET", "FORM", "DIRECT"])
def test_hostile_query_text_gets_a_bounded_clear_answer(hc, method: str, query: str, statuses: set[int],
                                                         text: str | None) -> None:
    if method == "GET" and len(quote(query)) > 1_048_576:
        statuses = statuses | {413}
    check(timed(hc, method, query), statuses, text if method != "GET" or len(quote(query)) <= 1_048_576 else None)


def test_text_over_the_size_limit_is_413_by_every_transport(hc) -> None:
    query = "#" + "x" * 1_100_000 + "\nASK {}"
    for method in ("GET", "FORM", "DIRECT"):
        check(timed(hc, method, query), {413}, "larger than")


UPDATES = [
    "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
    "DELETE DATA { <http://e/a> <http://e/b> <http://e/c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "INSERT { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "WITH <http://e/g> DELETE { ?s ?p ?o } INSERT { ?o ?p ?s } WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } USING <http://e/g> WHERE { ?s ?p ?o }",
    "LOAD <http://127.0.0.1:9/data.ttl>",
    "LOAD SILENT <file:///etc/passwd> INTO GRAPH <http://e/g>",
    "CLEAR ALL", "CLEAR DEFAULT", "CLEAR NAMED", "CLEAR SILENT GRAPH <https://w3id.org/immunall/graph/asserted>",
    "DROP ALL", "DROP GRAPH <https://w3id.org/immunall/graph/asserted>", "DROP SILENT DEFAULT",
    "CREATE GRAPH <http://e/g>",
    "ADD DEFAULT TO <http://e/g>", "MOVE DEFAULT TO <http://e/g>", "COPY <http://e/a> TO DEFAULT",
    "insert data { <http://e/a> <http://e/b> <http://e/c> }",
    "PREFIX e: <http://e/> INSERT DATA { e:a e:b e:c }",
    "BASE <http://e/> PREFIX : <x#> DROP ALL",
    "# a comment first\nCLEAR ALL",
    "\ufeffDROP ALL",
    "DROP ALL ; INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
    "SELECT * {} ; DROP ALL",
]


@pytest.mark.parametrize("transport", ["GET query", "GET update", "POST form query", "POST form update",
                                       "POST direct query", "POST direct update", "POST using-graph-uri"])
def test_no_update_of_any_spelling_by_any_transport_changes_the_data(hc, build_info, transport: str) -> None:
    for update in UPDATES:
        if transport == "GET query":
            response = hc.get("/sparql", query_string={"query": update})
        elif transport == "GET update":
            response = hc.get("/sparql", query_string={"update": update})
        elif transport == "POST form query":
            response = hc.post("/sparql", data={"query": update})
        elif transport == "POST form update":
            response = hc.post("/sparql", data={"update": update})
        elif transport == "POST direct query":
            response = hc.post("/sparql", data=update.encode(), content_type="application/sparql-query")
        elif transport == "POST direct update":
            response = hc.post("/sparql", data=update.encode(), content_type="application/sparql-update")
        else:
            response = hc.post("/sparql", data={"query": "ASK {}", "using-graph-uri": "http://e/g"})
        # A query-shaped text with an update after it is a syntax error, not an update.
        statuses = {400, 403} if update.startswith("SELECT") else {403}
        check(response, statuses)
        if response.status_code == 403:
            assert "read-only" in response.get_data(as_text=True)
    count = hc.get("/sparql", query_string={"query": COUNT})
    check(count, {200})
    assert int(json.loads(count.data)["results"]["bindings"][0]["n"]["value"]) == build_info["triples"]


@pytest.mark.parametrize(("how", "kwargs"), [
    ("direct body", {"data": b"SELECT * { ?s ?p \xff\xfe }", "content_type": "application/sparql-query"}),
    ("direct body, overlong", {"data": b"ASK { \xc0\xaf }", "content_type": "application/sparql-query"}),
    ("direct body, surrogate", {"data": b"ASK { \xed\xa0\x80 }", "content_type": "application/sparql-query"}),
    ("form body", {"data": b"query=ASK%20%7B%FF%7D", "content_type": "application/x-www-form-urlencoded"}),
    ("raw form body", {"data": b"query=ASK {\xff}", "content_type": "application/x-www-form-urlencoded"}),
    ("latin-1 charset", {"data": "ASK {}".encode("latin-1"),
                         "content_type": "application/sparql-query; charset=iso-8859-1"}),
])
def test_invalid_utf8_in_a_body_is_a_400(hc, how: str, kwargs: dict) -> None:
    check(hc.post("/sparql", **kwargs), {400})


@pytest.mark.parametrize("raw", ["%FF%FE", "ASK%20%7B%C0%AF%7D", "ASK%20%7B%ED%A0%80%7D"])
def test_invalid_utf8_in_the_query_string_is_a_400(hc, raw: str) -> None:
    check(hc.get(f"/sparql?query={raw}"), {400}, "not valid UTF-8")
    check(hc.post(f"/sparql?default-graph-uri={raw}", data={"query": "ASK {}"}), {400}, "not valid UTF-8")


@pytest.mark.parametrize("raw", ["%00", "%", "%%", "%zz", "&&&", "query", "query=&query"])
def test_odd_query_strings_are_answered_plainly(hc, raw: str) -> None:
    check(hc.get(f"/sparql?query={raw}"), {200, 400})


ACCEPTS = [
    ";;;,,q=abc/*;q=2", "text/html;q=nan, */*;q=-1", "\x00\x7f", "*/*;q=0", "application/*;q=1e9",
    ", ".join(["a/b"] * 5000), "application/sparql-results+json;q=0.5;q=0.9", "text", "/", "*/json",
    "application/sparql-results+json; charset=utf-16", "APPLICATION/SPARQL-RESULTS+XML", "*/*;q=0.0001",
    "text/csv;q=1;level=1, text/csv;q=0", "image/png", "",
]


@pytest.mark.parametrize("accept", ACCEPTS)
def test_malformed_accept_headers_get_an_answer_or_406(hc, accept: str) -> None:
    for query in ("ASK {}", "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", None):
        response = hc.get("/sparql", query_string={"query": query} if query else {}, headers={"Accept": accept})
        check(response, {200, 406})
        if response.status_code == 406:
            assert "format" in response.get_data(as_text=True)


@pytest.mark.parametrize(("params", "text"), [
    ({"default-graph-uri": "not an iri <>"}, "default-graph-uri must be an absolute IRI"),
    ({"named-graph-uri": " "}, "named-graph-uri must be an absolute IRI"),
    ({"default-graph-uri": "relative/graph"}, "absolute IRI"),
    ({"format": "../../etc/passwd"}, "format"),
    ({"format": "\x00"}, "format"),
])
def test_bad_parameters_are_refused_by_name(hc, params: dict, text: str) -> None:
    check(hc.get("/sparql", query_string={"query": "ASK {}", **params}), {400, 406}, text)


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "TRACE", "PROPFIND"])
def test_other_methods_are_405(hc, method: str) -> None:
    check(hc.open("/sparql", method=method, data="DROP ALL"), {405})


@pytest.mark.parametrize("content_type", ["multipart/form-data; boundary=x", "application/json", "text/plain",
                                          "application/sparql-query; charset=\x00", "application/x-www-form-urlencoded;"
                                          " charset=utf-16"])
def test_other_post_bodies_are_refused(hc, content_type: str) -> None:
    check(hc.post("/sparql", data=b"query=ASK%20%7B%7D", content_type=content_type), {200, 400, 415})


LONG_FEDERATED = ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } FILTER("
                  + "+".join(["1"] * 40000) + ") }")


def test_a_long_federated_query_is_refused_at_once_when_its_endpoint_is_not_allowed(hc) -> None:
    """The web process reads SERVICE with its linear lexer only; rdflib's slow parser (15 s for
    10 000 terms, all of it holding the web worker's GIL) never runs there."""
    started = time.monotonic()
    check(hc.post("/sparql", data={"query": LONG_FEDERATED}), {400}, "allow-list")
    assert time.monotonic() - started < 1.5


def test_a_long_federated_query_to_an_allowed_endpoint_is_checked_under_the_time_limit(make_app) -> None:
    client = make_app(QUERY_TIMEOUT=TIMEOUT, SERVICE_ALLOW=["http://127.0.0.1:9/sparql"]).test_client()
    response = timed(client, "FORM", LONG_FEDERATED)
    check(response, {400, 503})
