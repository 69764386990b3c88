"""Linked-data files at stable URLs: the JSON-LD context, the prefix map and the SSSOM mappings.

Each is the file the build wrote into the live store generation, so what a client fetches here
always matches the data the endpoint answers from (same ETag scheme as /sparql). The context and
the prefix map fall back to the computed map when the generation has none.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from flask import Blueprint, Response

from server import prefixes
from server.errors import EndpointError
from server.http import cacheable, conditional, etag_for
from server.store import get_backend

bp = Blueprint("downloads", __name__)


class NotFound(EndpointError):
    status = 404


def _send(name: str, mimetype: str, fallback: Callable[[Path | None], bytes] | None) -> Response:
    generation = get_backend().generation()
    path = generation.path / name if generation.path is not None else None
    if path is not None and path.is_file():
        body = path.read_bytes()
    elif fallback is not None:
        body = fallback(generation.path)
    else:
        raise NotFound(f"{name} is not in the data being served; rebuild the graph with `immunall build`.")
    etag = etag_for(generation, name)
    not_modified = conditional(generation, etag)
    if not_modified is not None:
        return not_modified
    return cacheable(Response(body, mimetype=mimetype), generation, etag)


def _json(value: object) -> bytes:
    return (json.dumps(value, indent=2) + "\n").encode("utf-8")


@bp.route("/context.jsonld", methods=["GET"])
def context() -> Response:
    """The JSON-LD 1.1 context of ImmunALL's prefixes and mapping terms."""
    from kg.prefixes import jsonld_context

    return _send("context.jsonld", "application/ld+json",
                 lambda generation: _json(jsonld_context(prefixes.prefix_map(generation))))


@bp.route("/prefixes.json", methods=["GET"])
def prefix_map() -> Response:
    """The prefix map as a curies extended prefix map (prefix, IRI base, synonyms, pattern)."""
    return _send("prefixes.json", "application/json", lambda generation: _json(prefixes.records(generation)))


@bp.route("/mappings.sssom.tsv", methods=["GET"])
def sssom() -> Response:
    """The SSSOM mapping set of the served data."""
    return _send("mappings.sssom.tsv", "text/tab-separated-values", None)
