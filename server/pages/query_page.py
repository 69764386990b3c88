"""/query: write SPARQL, or run a competency question in one click; results with labels.

The page works without JavaScript: a form sends the query (GET, so the URL is the shareable
link; POST for very long queries) and the server renders the results as a table, IRIs shown by
their labels and linked to their pages. With JavaScript, the vendored YASGUI editor (SPARQL
highlighting, its own result views) replaces the text area and queries this app's /sparql.
The gallery is the competency questions of questions (server/examples.py).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request, url_for

from server.admission import client_of
from server.errors import EndpointError
from server.examples import Example, load_all
from server.negotiation import JSON, NTRIPLES
from server.pages import data, model
from server.pages.present import Ref, Text, ref, value
from server.query import job_for
from server.store import get_backend

bp = Blueprint("query_page", __name__)

SHOWN_ROWS = 1000
DEFAULT_QUERY = """PREFIX ia: <https://w3id.org/immunall/ontology/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT ?trial ?agent WHERE {
  ?trial ia:evaluatesAgent ?agent .
}
LIMIT 20
"""


@dataclass
class Results:
    variables: list[str] = field(default_factory=list)
    rows: list[list[Ref | Text | None]] = field(default_factory=list)
    boolean: bool | None = None
    total: int = 0
    truncated: bool = False
    error: str | None = None
    status: int = 200


HEADER = re.compile(r"^#\s*(title|description|expect):.*\n?", re.MULTILINE)


def editable(example: Example) -> str:
    """The example's query without its header lines (the page shows title and description)."""
    return HEADER.sub("", example.query).lstrip("\n")


def examples() -> list[Example]:
    folder = Path(current_app.config["EXAMPLE_QUERIES"])
    return data.cached(f"examples:{folder}", lambda: load_all(folder) if folder.is_dir() else [])


def run(text: str) -> Results:
    """Run a query as /sparql would (the same reader and checks, server/query.py, the same per-client
    admission); failures become a message, never an exception page."""
    config = current_app.config
    try:
        job = job_for(text, config, (JSON.media_type, NTRIPLES.media_type),
                      base_iri=url_for("sparql.endpoint", _external=True),
                      max_rows=min(SHOWN_ROWS, int(config["MAX_RESULT_ROWS"])))
        answer = get_backend().run(job, client_of(request.environ, config["TRUSTED_PROXIES"]))
    except EndpointError as error:
        return Results(error=str(error), status=error.status)
    out = Results(truncated=answer.truncated, total=answer.count or 0)
    if answer.media_type.startswith("application/sparql-results+json"):
        body = json.loads(answer.body)
        if "boolean" in body:
            out.boolean = bool(body["boolean"])
            return out
        out.variables = list(body["head"].get("vars", []))
        for parsed in data.parse_solutions(answer.body):
            out.rows.append([value(parsed[v]) if v in parsed else None for v in out.variables])
        out.total = len(out.rows)
        return out
    out.variables = ["subject", "predicate", "object"]
    for quad in ox.parse(answer.body, ox.RdfFormat.N_TRIPLES):
        out.rows.append([_node(quad.subject), _node(quad.predicate), _node(quad.object)])
    out.total = len(out.rows)
    return out


def _node(term: object) -> Ref | Text:
    if isinstance(term, ox.NamedNode):
        return ref(term.value)
    if isinstance(term, ox.Literal):
        return Text(term.value, term.language, model.label(term.datatype.value) if term.datatype else None)
    return Text(str(term))


@bp.route("/query", methods=["GET", "POST", "HEAD"])
def query() -> Response:
    """The editor, the gallery, and the results of the query in the request."""
    gallery = examples()
    slug = request.values.get("example")
    chosen = next((e for e in gallery if e.slug == slug), None) if slug else None
    text = request.values.get("query")
    if chosen is not None and not text:
        text = editable(chosen)
    limit = int(current_app.config["MAX_REQUEST_BYTES"])
    results: Results | None = None
    if text is not None and text.strip():
        results = Results(error=f"The query is longer than {limit} bytes.", status=413) \
            if len(text.encode("utf-8")) > limit else run(text)
    share = url_for("query_page.query", example=chosen.slug, _external=True) if chosen and \
        text == editable(chosen) else (url_for("query_page.query", query=text, _external=True) if text else None)
    body = render_template("query.html", gallery=gallery, chosen=chosen, text=text or DEFAULT_QUERY,
                           results=results, share=share, ran=text is not None and bool(text.strip()),
                           endpoint=url_for("sparql.endpoint", _external=True))
    response = Response(body, status=results.status if results else 200, content_type="text/html; charset=utf-8")
    response.headers["Cache-Control"] = "no-cache" if request.method == "POST" else "public, max-age=60"
    return response
