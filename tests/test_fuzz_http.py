"""Property-based fuzzing (hypothesis) of the HTTP surface over the small fixture store: query
strings, protocol parameters, headers, IRIs and page paths. Whatever comes in: no 500, no traceback,
every refusal a plain message with its status, the security headers on every answer, and nothing
reflected into HTML unescaped. Bounded: a fixed number of examples per property, no shrinking
database, a few seconds each.
"""

from __future__ import annotations

import re
import time
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.federation import service_endpoints
from server.sparql_text import complexity_problem, service_targets, sketch

pytest_plugins = ["tests.server_fixtures"]

FUZZ = settings(max_examples=120, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
SPARQL_STATUSES = {200, 304, 400, 403, 406, 413, 415, 503}
PAGE_STATUSES = {200, 304, 400, 403, 404, 406, 413, 503}
MARKER = "<x-fuzz>"
FRAGMENTS = [
    "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "{", "}", "(", ")", "[", "]", ".", ";", ",", "*",
    "?s", "?p", "?o", "$x", "<https://w3id.org/immunall/agent/blinatumomab>", "<http://x/>", "<>", "a",
    "FILTER", "OPTIONAL", "UNION", "MINUS", "GRAPH", "SERVICE", "SILENT", "VALUES", "BIND", "AS", "LIMIT",
    "OFFSET", "ORDER BY", "GROUP BY", "HAVING", "COUNT(*)", "DISTINCT", "REDUCED", "FROM", "NAMED",
    "PREFIX ia: <https://w3id.org/immunall/ontology/>", "ia:Antigen", "BASE <http://b/>", '"x"', "'y'",
    '"""z"""', "1", "-2.5e3", "true", "@en", "^^<http://www.w3.org/2001/XMLSchema#int>", "|", "/", "^",
    "+", "?", "!", "&&", "||", "=", "!=", "REGEX", "STR", "LANG", "EXISTS", "NOT", "IN", "#c\n", "\\u0041",
    "INSERT", "DELETE", "DATA", "LOAD", "CLEAR", "DROP", "ALL", "WITH", "USING", "_:b", "[]", "()", "\n",
]
IDENT_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r")
HEADER_TEXT = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255), max_size=80)
KINDS = ["trial", "agent", "antigen", "result", "passage", "publication", "adverse-event", "disease",
         "ontology", "graph", "study", "nope", "static", "downloads", "charts", "search", "sparql"]


@pytest.fixture(scope="module")
def fuzz_client(make_app):
    app = make_app(QUERY_TIMEOUT=2, QUERY_WORKERS=2)
    return app.test_client()


def assert_sane(response, statuses: set[int]) -> str:
    body = response.get_data(as_text=True)
    assert response.status_code in statuses, (response.status_code, body[:300])
    assert "Traceback" not in body and 'File "/' not in body, body[:500]
    headers = response.headers
    assert headers.get("X-Content-Type-Options") == "nosniff"
    assert "default-src 'self'" in headers.get("Content-Security-Policy", "")
    assert headers.get("Referrer-Policy")
    if response.status_code >= 400 and response.mimetype == "text/plain" and response.request.method != "HEAD":
        assert body.strip(), "an error without a message"
    return body


def assert_escaped(body: str, mimetype: str) -> None:
    if mimetype in ("text/html", "image/svg+xml"):
        assert MARKER not in body, "fuzzed markup reflected unescaped"


sparql_texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(FRAGMENTS), max_size=40).map(" ".join),
    st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join),
)


@FUZZ
@given(query=sparql_texts, accept=st.one_of(st.none(), HEADER_TEXT, st.sampled_from([
    "application/sparql-results+json", "text/csv", "text/turtle", "*/*", "text/html", "image/png"])),
    transport=st.sampled_from(["GET", "FORM", "DIRECT"]))
def test_any_query_text_by_any_transport(fuzz_client, query: str, accept: str | None, transport: str) -> None:
    headers = {"Accept": accept} if accept is not None else {}
    if transport == "GET":
        response = fuzz_client.get("/sparql", query_string={"query": query}, headers=headers)
    elif transport == "FORM":
        response = fuzz_client.post("/sparql", data={"query": query}, headers=headers)
    else:
        response = fuzz_client.post("/sparql", data=query.encode("utf-8", "surrogatepass"),
                                    content_type="application/sparql-query", headers=headers)
    assert_sane(response, SPARQL_STATUSES)


PARAM_NAMES = ["query", "update", "default-graph-uri", "named-graph-uri", "using-graph-uri", "format", "x",
               "query[]", "", "QUERY", "using-named-graph-uri"]


@FUZZ
@given(params=st.lists(st.tuples(st.sampled_from(PARAM_NAMES), st.text(max_size=60)), max_size=6),
       method=st.sampled_from(["GET", "POST", "HEAD", "OPTIONS"]),
       content_type=st.one_of(st.none(), HEADER_TEXT, st.sampled_from([
           "application/x-www-form-urlencoded", "application/sparql-query", "application/sparql-update",
           "multipart/form-data; boundary=zz", "application/sparql-query; charset=latin1"])),
       body=st.binary(max_size=200))
def test_any_parameters_method_and_body(fuzz_client, params, method: str, content_type, body: bytes) -> None:
    url = "/sparql?" + "&".join(f"{quote(k)}={quote(v)}" for k, v in params)
    kwargs = {"data": body} if method == "POST" else {}
    if content_type is not None and method == "POST":
        kwargs["content_type"] = content_type
    response = fuzz_client.open(url, method=method, **kwargs)
    assert_sane(response, SPARQL_STATUSES | {405})


@FUZZ
@given(headers=st.dictionaries(st.sampled_from([
    "Accept", "Accept-Encoding", "If-None-Match", "If-Modified-Since", "Content-Type", "Origin",
    "Access-Control-Request-Headers", "Range", "X-Forwarded-For", "Host", "Accept-Language"]),
    HEADER_TEXT, max_size=6),
    path=st.sampled_from(["/sparql?query=ASK%20%7B%7D", "/sparql", "/.well-known/void", "/", "/search?q=cd",
                          "/downloads/build.json", "/context.jsonld", "/agent/blinatumomab", "/query",
                          "/static/css/site.css", "/openapi.json"]))
def test_any_headers_on_any_route(fuzz_client, headers: dict[str, str], path: str) -> None:
    headers.setdefault("Host", "localhost")
    if not headers["Host"].strip() or any(c in headers["Host"] for c in "/\\?# @"):
        headers["Host"] = "localhost"
    response = fuzz_client.get(path, headers=headers)
    assert_sane(response, PAGE_STATUSES | {412, 416})


@FUZZ
@given(kind=st.sampled_from(KINDS), ident=st.text(alphabet=IDENT_CHARS, min_size=1, max_size=40),
       suffix=st.sampled_from(["", ".ttl", ".jsonld", ".nt", ".rdf", ".html", ".svg", "%00", "/.."]),
       accept=st.sampled_from(["text/html", "text/turtle", "*/*", "application/json", "text/plain"]))
def test_any_iri_path(fuzz_client, kind: str, ident: str, suffix: str, accept: str) -> None:
    path = f"/{kind}/{quote(ident + MARKER, safe='')}{suffix}"
    response = fuzz_client.get(path, headers={"Accept": accept})
    body = assert_sane(response, PAGE_STATUSES)
    assert_escaped(body, response.mimetype)


@FUZZ
@given(route=st.sampled_from(["/search", "/search.json", "/query", "/charts", "/charts/neighbourhood.svg",
                              "/charts/response-rates", "/ontology", "/.well-known/void", "/sparql"]),
       name=st.sampled_from(["q", "limit", "query", "example", "iri", "path", "scope", "format"]),
       value=st.text(alphabet=IDENT_CHARS, max_size=60))
def test_any_page_parameter_is_answered_and_escaped(fuzz_client, route: str, name: str, value: str) -> None:
    response = fuzz_client.get(route, query_string={name: value + MARKER}, headers={"Accept": "text/html"})
    body = assert_sane(response, PAGE_STATUSES)
    assert_escaped(body, response.mimetype)


@settings(max_examples=400, deadline=None, database=None, derandomize=True)
@given(text=st.one_of(st.text(max_size=400), sparql_texts))
def test_the_query_glance_never_raises(text: str) -> None:
    shape = sketch(text)
    assert shape.form in {None, "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "UPDATE"}
    service_targets(text)
    complexity_problem(text)
    try:
        service_endpoints(text)
    except Exception as error:  # only the allow-list's own refusal may come out
        assert type(error).__name__ == "Refused", repr(error)


@pytest.mark.parametrize("text", [
    '"""' + "a\n" * 200_000, "'''" + "\\'" * 200_000, '"' + "\\" * 400_000, "<" + "a" * 400_000,
    "#" * 400_000, "?" * 400_000, "\\u" * 200_000, "{" * 400_000, ("'" * 3 + '"' * 3) * 60_000,
    "PREFIX a: <x> " * 30_000, "SERVICE " * 50_000,
])
def test_the_query_glance_is_linear_on_pathological_text(text: str) -> None:
    """The web process itself reads the text before the killable query process sees it."""
    started = time.monotonic()
    sketch(text)
    complexity_problem(text)
    service_targets(text)
    assert time.monotonic() - started < 5.0


def test_the_marker_is_really_markup() -> None:
    assert re.fullmatch(r"<[a-z-]+>", MARKER)
