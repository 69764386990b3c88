"""Shared rendering for the views: pick a format, build the site's URLs, wrap answers.

Kept apart from the routes so /sparql and /.well-known/void negotiate, describe themselves and
announce their alternates in exactly the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pyoxigraph as ox
from flask import Response, current_app, request, url_for
from werkzeug import Request

from server import describe
from server.errors import NotAcceptable
from server.http import ROWS, TRUNCATED, cacheable, conditional, etag_for
from server.negotiation import Format, best_match
from server.results import Answer
from server.stats import Stats
from server.store import Generation, get_backend

STATS = "immunall.stats"


def format_param(req: Request | None = None) -> list[str]:
    """Every `format` value, from the URL and a form body (of `req`, by default Flask's request)."""
    req = req or request
    return req.args.getlist("format") + req.form.getlist("format")


def negotiate(offers: Sequence[Format], req: Request | None = None) -> Format:
    """The client's preferred offer, or 406 naming what is available."""
    req = req or request
    chosen = best_match(req.headers.get("Accept"), offers, format_param(req))
    if chosen is None:
        available = ", ".join(fmt.media_type for fmt in offers)
        raise NotAcceptable(
            f"None of the requested formats is available here; try {available}"
            " (or the format parameter)."
        )
    return chosen


def site(generation: Generation) -> describe.Site:
    return describe.Site(
        endpoint=url_for("sparql.endpoint", _external=True),
        void=url_for("void.void", _external=True),
        version=generation.version,
        built=generation.built,
        service_allow=tuple(current_app.config["SERVICE_ALLOW"]),
    )


def stats() -> Stats:
    """The cached counts for the data being served."""
    return current_app.extensions[STATS].get(get_backend(), current_app.config)


def alternates(offers: Sequence[Format]) -> str:
    """A Link header listing the same resource in each format (by the format parameter)."""
    base = request.base_url
    return ", ".join(
        f'<{base}?format={fmt.names[0]}>; rel="alternate"; type="{fmt.media_type}"'
        for fmt in offers
    )


def description(
    offers: Sequence[Format],
    build: Callable[[describe.Site, Stats], list[ox.Triple]],
    name: str,
    html: Callable[[describe.Site], str] | None = None,
) -> Response:
    """A self-description (service description, VoID) in the negotiated format."""
    chosen = negotiate(offers)
    generation = get_backend().generation()
    etag = etag_for(generation, name, chosen.media_type, request.url_root)
    not_modified = conditional(generation, etag)
    if not_modified is not None:
        return not_modified
    where = site(generation)
    if chosen.syntax is None:
        assert html is not None
        response = Response(html(where), content_type=chosen.content_type)
    else:
        assert isinstance(chosen.syntax, ox.RdfFormat)
        body = describe.serialize(build(where, stats()), chosen.syntax)
        response = Response(body, content_type=chosen.content_type)
    response.vary.add("Accept")
    response.headers["Link"] = alternates(offers)
    return cacheable(response, generation, etag)


def answer(
    result: Answer, formats: Sequence[Format], generation: Generation, etag: str | None
) -> Response:
    """A query answer with its content type and, when the cap cut it, a plain warning."""
    response = Response(result.body, content_type=answer_content_type(result, formats))
    response.vary.add("Accept")
    response.headers.extend(answer_headers(result))
    return cacheable(response, generation, etag)


def answer_content_type(result: Answer, formats: Sequence[Format]) -> str:
    """The Content-Type of an answer: the negotiated format's, with its charset."""
    bare = result.media_type.split(";", 1)[0].strip()
    return next((fmt.content_type for fmt in formats if fmt.media_type == bare), result.media_type)


def answer_headers(result: Answer) -> list[tuple[str, str]]:
    """The row count and, when the cap cut the answer, a plain warning."""
    headers = []
    if result.count is not None:
        headers.append((ROWS, str(result.count)))
    if result.truncated:
        headers.append((TRUNCATED, "true"))
        headers.append(("Warning", f'199 immunall "Result truncated to the first {result.count} rows '
                                   '(MAX_RESULT_ROWS); page with LIMIT and OFFSET to get the rest"'))
    return headers
