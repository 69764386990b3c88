"""Writes server/api/openapi.json, the OpenAPI 3.0 description of the HTTP surface (run after a
route changes: `python -m server.api.build_openapi`; tests/test_openapi.py checks the file is
current and that every route of the app is in it). Kept as Python so the repeated parts (the
errors, the format parameter) are written once.
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).resolve().parent / "openapi.json"
TEXT = {"text/plain": {"schema": {"type": "string"}}}
HTML = {"text/html": {"schema": {"type": "string"}}}
RDF = {t: {"schema": {"type": "string"}} for t in (
    "text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml")}
RESULTS = {t: {"schema": {"type": "string"}} for t in (
    "application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values")}
ERRORS = {
    "304": "Not modified (If-None-Match / If-Modified-Since matched)",
    "400": "Malformed query or parameter; the message says what",
    "403": "An update: the endpoint is read-only",
    "404": "Not in the graph, or no such file",
    "405": "Method not allowed",
    "406": "No acceptable format",
    "413": "Request larger than MAX_REQUEST_BYTES",
    "415": "Unsupported content type",
    "503": "Time or memory limit hit, or no store built yet (Retry-After)",
}


def errors(*codes: str, html: bool = False) -> dict:
    content = {**TEXT, **HTML} if html else TEXT
    return {code: {"description": ERRORS[code], **({} if code == "304" else {"content": content})}
            for code in codes}


def param(name: str, where: str = "query", schema: dict | None = None, required: bool = False,
          description: str = "") -> dict:
    out = {"name": name, "in": where, "required": required or where == "path",
           "schema": schema or {"type": "string"}}
    if description:
        out["description"] = description
    return out


FORMAT = param("format", description="Format name or media type; wins over Accept")
SPARQL_PARAMS = [
    param("query", description="SPARQL 1.1 query; without it, the service description"),
    param("default-graph-uri", schema={"type": "array", "items": {"type": "string"}}),
    param("named-graph-uri", schema={"type": "array", "items": {"type": "string"}}),
    FORMAT,
]
SPARQL_RESPONSES = {
    "200": {"description": "Query results (SELECT/ASK), an RDF graph (CONSTRUCT/DESCRIBE) or the service "
                           "description", "content": {**RESULTS, **RDF, **HTML}},
    **errors("304", "400", "403", "406", "413", "415", "503"),
}


def page(summary: str, params: list | None = None, content: dict | None = None, codes=("304", "404", "406", "503"),
         post: bool = False) -> dict:
    op = {"summary": summary, "parameters": params or [],
          "responses": {"200": {"description": "OK", "content": content or HTML}, **errors(*codes, html=True)}}
    item = {"get": op}
    if post:
        item["post"] = {**op, "parameters": [], "requestBody": {"content": {
            "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {
                "query": {"type": "string"}}}}}}}
    return item


COMPARE_PARAMS = [param(name) for name in ("measure", "event", "antigen", "agent", "class", "line", "review", "grade",
                                           "months", "kind", "sort", "order")]
COMPARE_CONTENT = {**HTML, "application/json": {"schema": {"type": "object"}}, "text/csv": {"schema": {
    "type": "string"}}}


def spec() -> dict:
    paths = {
        "/sparql": {
            "get": {"summary": "SPARQL 1.1 Protocol query operation (read-only)", "parameters": SPARQL_PARAMS,
                    "responses": SPARQL_RESPONSES},
            "post": {"summary": "Query by POST: form-encoded or application/sparql-query",
                     "parameters": [FORMAT],
                     "requestBody": {"required": True, "content": {
                         "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {
                             "query": {"type": "string"},
                             "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                             "named-graph-uri": {"type": "array", "items": {"type": "string"}}}}},
                         "application/sparql-query": {"schema": {"type": "string"}}}},
                     "responses": SPARQL_RESPONSES},
        },
        "/.well-known/void": page("VoID description of the dataset", [FORMAT], RDF, ("304", "406", "503")),
        "/context.jsonld": page("JSON-LD 1.1 context", [], {"application/ld+json": {"schema": {"type": "object"}}},
                                ("304", "404", "503")),
        "/prefixes.json": page("Prefix map (curies extended prefix map)", [],
                               {"application/json": {"schema": {"type": "array"}}}, ("304", "404", "503")),
        "/mappings.sssom.tsv": page("SSSOM mapping set", [], {"text/tab-separated-values": {"schema": {
            "type": "string"}}}, ("304", "404", "503")),
        "/openapi.json": page("This description", [], {"application/json": {"schema": {"type": "object"}}}, ("304",)),
        "/": page("Home"),
        "/{kind}/{ident}": page("An instance IRI: HTML page or RDF twin (suffix .ttl .jsonld .nt .rdf .html)",
                                [param("kind", "path"), param("ident", "path"), FORMAT], {**HTML, **RDF}),
        "/ontology": page("The ontology: browser or the whole ontology graph", [FORMAT], {**HTML, **RDF}),
        "/ontology.{ext}": page("The ontology by suffix", [param("ext", "path", {
            "type": "string", "enum": ["ttl", "jsonld", "nt", "rdf", "html"]})], {**HTML, **RDF}),
        "/ontology/{term}": page("A class, property or individual of the vocabulary",
                                 [param("term", "path"), FORMAT], {**HTML, **RDF}),
        "/graph/{name}": page("A named graph", [param("name", "path")]),
        "/classes": page("Every class with its member count"),
        "/disagreements": page("Where the two reviews differ: one card per curated disagreement"),
        "/compare": page("Figures across studies, filtered and sorted: HTML, CSV or JSON by Accept or format",
                         COMPARE_PARAMS + [FORMAT], COMPARE_CONTENT, ("304", "400", "406", "503")),
        "/compare.{ext}": page("Figures across studies by suffix", [param("ext", "path", {
            "type": "string", "enum": ["csv", "json", "html"]}), *COMPARE_PARAMS], COMPARE_CONTENT,
            ("304", "400", "404", "503")),
        "/downloads": page("The dumps of the live generation"),
        "/downloads/{name}": page("One dump, by its fixed name", [param("name", "path", {"type": "string", "enum": [
            "immunall.nq", "immunall.trig", "immunall.ttl", "immunall.jsonld", "ontology.owl", "ontology.ttl",
            "build.json", "mappings.sssom.tsv", "prefixes.json", "context.jsonld"]})], {"*/*": {"schema": {
                "type": "string"}}}),
        "/search": page("Search by any name", [param("q"), param("limit", schema={"type": "integer"}), FORMAT],
                        {**HTML, "application/json": {"schema": {"type": "object"}}}),
        "/search.json": page("Search, JSON", [param("q"), param("limit", schema={"type": "integer"})],
                             {"application/json": {"schema": {"type": "object"}}}),
        "/query": page("Query editor, gallery and server-rendered results",
                       [param("query"), param("example")], codes=("304", "400", "403", "404", "406", "413", "503"),
                       post=True),
        "/charts": page("Both charts", [param("scope", schema={"type": "string", "enum": ["car-t", "all"]})]),
        "/charts/response-rates": page("Response rates by target antigen", [param("scope")]),
        "/charts/response-rates.svg": page("Response rates as SVG", [param("scope")],
                                           {"image/svg+xml": {"schema": {"type": "string"}}}),
        "/charts/adverse-events": page("CRS and ICANS per product", [param("scope")]),
        "/charts/adverse-events.svg": page("CRS and ICANS as SVG", [param("scope")],
                                           {"image/svg+xml": {"schema": {"type": "string"}}}),
        "/charts/neighbourhood.svg": page("The neighbourhood of an entity", [param("iri"), param("path")],
                                          {"image/svg+xml": {"schema": {"type": "string"}}}),
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "ImmunALL", "version": "1",
                 "description": "Read-only SPARQL 1.1 endpoint and linked-data pages of the ImmunALL knowledge "
                                "graph. Every error is text/plain (HTML for browsers on pages) with the reason."},
        "paths": paths,
    }


def render() -> str:
    return json.dumps(spec(), indent=1, sort_keys=True) + "\n"


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
