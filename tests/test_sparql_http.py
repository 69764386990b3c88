"""HTTP manners: CORS, gzip, validators and 304, caching, the row cap's warning."""

from __future__ import annotations

import gzip
import json
from datetime import timedelta

import rdflib
from werkzeug.http import http_date, parse_date

pytest_plugins = ["tests.server_fixtures"]

SELECT = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


def test_cors_on_answers_and_errors(client):
    ok = client.get("/sparql", query_string={"query": "ASK {}"},
                    headers={"Origin": "https://example.org"})
    assert ok.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-ImmunALL-Truncated" in ok.headers["Access-Control-Expose-Headers"]
    bad = client.get("/sparql", query_string={"query": "ASK {"})
    assert bad.status_code == 400
    assert bad.headers["Access-Control-Allow-Origin"] == "*"


def test_cors_preflight(client):
    response = client.options("/sparql", headers={
        "Origin": "https://example.org",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, accept",
    })
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "content-type" in response.headers["Access-Control-Allow-Headers"]
    assert int(response.headers["Access-Control-Max-Age"]) > 0
    void = client.options("/.well-known/void", headers={"Origin": "https://example.org"})
    assert void.headers["Access-Control-Allow-Origin"] == "*"


def test_gzip_when_accepted(client):
    plain = client.get("/sparql", query_string={"query": SELECT})
    assert "Content-Encoding" not in plain.headers
    assert "Accept-Encoding" in plain.vary
    zipped = client.get("/sparql", query_string={"query": SELECT},
                        headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert int(zipped.headers["Content-Length"]) == len(zipped.data) < len(plain.data)
    assert gzip.decompress(zipped.data) == plain.data


def test_no_gzip_when_refused_or_small(client):
    refused = client.get("/sparql", query_string={"query": SELECT},
                         headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers
    small = client.get("/sparql", query_string={"query": "ASK {}"},
                       headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in small.headers


def test_etag_and_if_none_match(client, build_info):
    first = client.get("/sparql", query_string={"query": SELECT})
    etag = first.headers["ETag"]
    assert etag.startswith('W/"') and build_info["version"][:20] in etag
    again = client.get("/sparql", query_string={"query": SELECT},
                       headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    other = client.get("/sparql", query_string={"query": SELECT},
                       headers={"If-None-Match": 'W/"something-else"'})
    assert other.status_code == 200


def test_etag_differs_by_representation(client):
    json_tag = client.get("/sparql", query_string={"query": SELECT}).headers["ETag"]
    csv_tag = client.get("/sparql", query_string={"query": SELECT, "format": "csv"}).headers[
        "ETag"]
    other_query = client.get("/sparql", query_string={"query": "ASK {}"}).headers["ETag"]
    assert len({json_tag, csv_tag, other_query}) == 3


def test_if_modified_since(client, build_info):
    first = client.get("/sparql", query_string={"query": SELECT})
    last_modified = parse_date(first.headers["Last-Modified"])
    assert last_modified == parse_date(http_date(
        parse_date(first.headers["Last-Modified"])))
    fresh = client.get("/sparql", query_string={"query": SELECT},
                       headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert fresh.status_code == 304
    stale = client.get("/sparql", query_string={"query": SELECT}, headers={
        "If-Modified-Since": http_date(last_modified - timedelta(days=1))})
    assert stale.status_code == 200


def test_post_is_never_304(client):
    first = client.get("/sparql", query_string={"query": SELECT})
    response = client.post("/sparql", data={"query": SELECT},
                           headers={"If-None-Match": first.headers["ETag"]})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"


def test_cache_control(client):
    ok = client.get("/sparql", query_string={"query": SELECT})
    assert ok.headers["Cache-Control"] == "public, max-age=60"
    error = client.get("/sparql", query_string={"query": "ASK {"})
    assert error.headers["Cache-Control"] == "no-store"


def test_service_description_is_conditional_too(client):
    first = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert first.status_code == 200
    again = client.get("/sparql", headers={"Accept": "text/turtle",
                                           "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_row_cap_on_select(make_app, build_info):
    client = make_app(MAX_RESULT_ROWS=5).test_client()
    response = client.get("/sparql", query_string={"query": SELECT})
    assert response.status_code == 200
    assert len(json.loads(response.data)["results"]["bindings"]) == 5
    assert response.headers["X-ImmunALL-Truncated"] == "true"
    assert response.headers["X-ImmunALL-Rows"] == "5"
    assert "truncated" in response.headers["Warning"]
    assert response.headers["Warning"].startswith("199 ")
    whole = client.get("/sparql", query_string={"query": SELECT + " LIMIT 5"})
    assert "X-ImmunALL-Truncated" not in whole.headers
    assert whole.headers["X-ImmunALL-Rows"] == "5"


def test_row_cap_in_every_result_format(make_app):
    client = make_app(MAX_RESULT_ROWS=3).test_client()
    for fmt, rows in (("csv", 4), ("tsv", 4)):
        response = client.get("/sparql", query_string={"query": SELECT, "format": fmt})
        assert response.headers["X-ImmunALL-Truncated"] == "true"
        assert len(response.text.strip().splitlines()) == rows  # header + 3
    xml = client.get("/sparql", query_string={"query": SELECT, "format": "xml"})
    assert xml.text.count("<result>") == 3


def test_row_cap_on_construct(make_app):
    client = make_app(MAX_RESULT_ROWS=4).test_client()
    response = client.get("/sparql", query_string={"query": CONSTRUCT, "format": "ntriples"})
    assert response.headers["X-ImmunALL-Truncated"] == "true"
    graph = rdflib.Graph().parse(data=response.data, format="nt")
    assert len(graph) == 4


def test_ask_has_no_row_headers(client):
    response = client.get("/sparql", query_string={"query": "ASK {}"})
    assert "X-ImmunALL-Rows" not in response.headers
    assert "X-ImmunALL-Truncated" not in response.headers
