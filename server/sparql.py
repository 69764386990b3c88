"""/sparql: the SPARQL 1.1 Protocol query operation, read-only.

GET ?query=, POST form-encoded, POST application/sparql-query. No query: the service
description (or a small HTML page for a browser). Updates are refused, SERVICE runs only to the
endpoints on the allow-list (server/federation.py), the time limit stops the query process, the
row cap is announced in headers.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app, render_template, request
from werkzeug import Request
from werkzeug.datastructures import MultiDict
from werkzeug.sansio.utils import get_current_url

from server import describe, render
from server.admission import client_of
from server.errors import TooLarge
from server.evaluate import QueryJob
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
from server.query import job_for
from server.store import Backend, Generation, get_backend

bp = Blueprint("sparql", __name__)


@dataclass(frozen=True)
class Prepared:
    """A query request read and checked, ready to run."""

    job: QueryJob
    formats: tuple[Format, Format]  # the results format and the graph format the answer may use
    generation: Generation
    etag: str | None


def _check_size(req: Request, limit: int) -> None:
    if len(req.query_string) > limit or (req.content_length or 0) > limit:
        raise TooLarge(f"The request is larger than the {limit} bytes this endpoint accepts.")


def _read(req: Request) -> Operation:
    is_form = req.mimetype == FORM
    check_utf8(req.query_string, "query string")
    if is_form:
        check_utf8(req.get_data(cache=True), "form body")
    body = b"" if is_form else req.get_data(cache=True)
    form = req.form if is_form else MultiDict()
    return read_operation(req.method, req.mimetype, req.mimetype_params, req.args, form, body)


def prepare(req: Request, config: Mapping[str, Any], backend: Backend) -> Prepared | None:
    """The checked query job of `req`, or None when it asks for the service description.

    Raises EndpointError (400, 403, 413) or NotAcceptable (406) for requests that are not one.
    """
    _check_size(req, int(config["MAX_REQUEST_BYTES"]))
    operation = _read(req)
    if operation.query is None:
        return None
    chosen: list[Format] = []

    def formats(form: str | None) -> tuple[str, str]:
        chosen.extend(_formats(form, req))
        return chosen[0].media_type, chosen[1].media_type

    protocol = operation.protocol_dataset
    job = job_for(
        operation.query, config, formats,
        base_iri=_base_url(req.scheme, req.host, req.root_path, req.path),
        default_graphs=operation.default_graphs if protocol else None,
        named_graphs=operation.named_graphs if protocol else None,
    )
    generation = backend.generation()
    etag = etag_for(generation, operation.query, "|".join(operation.default_graphs),
                    "|".join(operation.named_graphs), job.solutions_media_type, job.graph_media_type,
                    str(job.max_rows))
    return Prepared(job, (chosen[0], chosen[1]), generation, etag)


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint():
    """Answer a query, or describe the service when there is none."""
    backend = get_backend()
    prepared = prepare(request, current_app.config, backend)
    if prepared is None:
        return render.description(
            DESCRIPTION, describe.service_description, "service-description", _html
        )
    not_modified = conditional(prepared.generation, prepared.etag)
    if not_modified is not None:
        return not_modified
    answer = backend.run(prepared.job, client_of(request.environ, current_app.config["TRUSTED_PROXIES"]))
    return render.answer(answer, prepared.formats, prepared.generation, prepared.etag)


@functools.lru_cache(maxsize=256)
def _base_url(scheme: str, host: str, root_path: str, path: str) -> str:
    """`req.base_url` (relative IRIs in a query resolve against it), memoised: it is the same few
    values on every request and werkzeug rebuilds it character by character."""
    return get_current_url(scheme, host, root_path, path)


def _formats(form: str | None, req: Request) -> tuple[Format, Format]:
    """The results format and the graph format the answer may use.

    The query's own kind must have an acceptable format (else 406); the other kind falls back
    to its default, since the engine decides the kind only when it parses (an unrecognised
    form is most likely a syntax error, reported as such).
    """
    chosen = render.negotiate(offers_for(form), req) if form else None
    accept, param = req.headers.get("Accept"), render.format_param(req)
    solutions = chosen if chosen in SOLUTIONS else best_match(accept, SOLUTIONS, param) or JSON
    graph = chosen if chosen in GRAPH else best_match(accept, GRAPH, param) or TURTLE
    return solutions, graph


def _html(site: describe.Site) -> str:
    return render_template("sparql.html", site=site, formats=DESCRIPTION[:-1])
