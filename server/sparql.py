"""/sparql: the SPARQL 1.1 Protocol query operation, read-only.

GET ?query=, POST form-encoded, POST application/sparql-query. No query: the service
description (or a small HTML page for a browser). Updates are refused, SERVICE runs only to the
endpoints on the allow-list (server/federation.py), the time limit stops the query process, the
row cap is announced in headers.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from werkzeug.datastructures import MultiDict

from server import describe, render
from server.errors import ReadOnly, TooLarge
from server.evaluate import QueryJob
from server.federation import check_services
from server.http import conditional, etag_for
from server.negotiation import (
    DESCRIPTION,
    GRAPH,
    JSON,
    SOLUTIONS,
    TURTLE,
    Format,
    best_match,
    offers_for,
)
from server.protocol import FORM, Operation, check_utf8, read_operation
from server.sparql_text import sketch
from server.store import get_backend

bp = Blueprint("sparql", __name__)


def _check_size() -> None:
    limit = int(current_app.config["MAX_REQUEST_BYTES"])
    if len(request.query_string) > limit or (request.content_length or 0) > limit:
        raise TooLarge(f"The request is larger than the {limit} bytes this endpoint accepts.")


def _read() -> Operation:
    is_form = request.mimetype == FORM
    check_utf8(request.query_string, "query string")
    if is_form:
        check_utf8(request.get_data(cache=True), "form body")
    body = b"" if is_form else request.get_data(cache=True)
    form = request.form if is_form else MultiDict()
    return read_operation(
        request.method, request.mimetype, request.mimetype_params, request.args, form, body
    )


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint():
    """Answer a query, or describe the service when there is none."""
    _check_size()
    operation = _read()
    if operation.query is None:
        return render.description(
            DESCRIPTION, describe.service_description, "service-description", _html
        )
    shape = sketch(operation.query)
    if shape.is_update:
        raise ReadOnly("This request sent an update where a query belongs.")
    allow = tuple(current_app.config["SERVICE_ALLOW"])
    check_services(operation.query, allow, parse=False)  # early; the full check runs with the query
    solutions, graph = _formats(shape.form)
    backend = get_backend()
    generation = backend.generation()
    max_rows = int(current_app.config["MAX_RESULT_ROWS"])
    etag = etag_for(
        generation,
        operation.query,
        "|".join(operation.default_graphs),
        "|".join(operation.named_graphs),
        solutions.media_type,
        graph.media_type,
        str(max_rows),
    )
    not_modified = conditional(generation, etag)
    if not_modified is not None:
        return not_modified
    protocol = operation.protocol_dataset
    job = QueryJob(
        query=operation.query,
        solutions_media_type=solutions.media_type,
        graph_media_type=graph.media_type,
        max_rows=max_rows,
        timeout=float(current_app.config["QUERY_TIMEOUT"]),
        base_iri=request.base_url,
        default_graphs=operation.default_graphs if protocol else None,
        named_graphs=operation.named_graphs if protocol else None,
        query_names_dataset=shape.has_dataset_clause,
        form=shape.form,
        service_allow=allow,
    )
    return render.answer(backend.run(job), (solutions, graph), generation, etag)


def _formats(form: str | None) -> tuple[Format, Format]:
    """The results format and the graph format the answer may use.

    The query's own kind must have an acceptable format (else 406); the other kind falls back
    to its default, since the engine decides the kind only when it parses (an unrecognised
    form is most likely a syntax error, reported as such).
    """
    chosen = render.negotiate(offers_for(form)) if form else None
    accept, param = request.headers.get("Accept"), render.format_param()
    solutions = chosen if chosen in SOLUTIONS else best_match(accept, SOLUTIONS, param) or JSON
    graph = chosen if chosen in GRAPH else best_match(accept, GRAPH, param) or TURTLE
    return solutions, graph


def _html(site: describe.Site) -> str:
    return render_template("sparql.html", site=site, formats=DESCRIPTION[:-1])
