"""The web pages: browsing the graph in a browser, with the same IRIs a linked-data client follows.

Blueprints, one module per family of routes:
  home.py        /, /classes, /downloads, /downloads/<name>
  entity.py      /<kind>/<id>, /ontology, /ontology/<Term>, /graph/<name> (HTML and RDF twins)
  search.py      /search, /search.json (index: names.py; readable names of hits: readable.py)
  query_page.py  /query
  charts.py      /charts, /charts/response-rates, /charts/adverse-events, /charts/neighbourhood.svg
  compare.py     /compare (.csv, .json): figures across studies, filtered and sorted, a chart per unit
  assets.py      /static, gzipped
Shared parts: data.py (named queries through the backend, cached per data version), model.py (labels,
types, class and property hierarchy, publications), present.py (links with labels, numbers),
figures.py (n-ary figures with evidence), disagreements.py (curated disagreements as cards),
overview.py (the overview at the top of an entity page), views.py (what an entity page shows).
"""

from __future__ import annotations

import contextlib
import threading

from flask import Flask, Response, render_template, request
from werkzeug.exceptions import NotFound

from server.errors import EndpointError
from server.http import error_response
from server.negotiation import HTML, Format, best_match
from server.pages import assets, charts, compare, data, entity, home, links, model, names, present, query_page, search

PLAIN = Format("text/plain", ("text",))

# Scripts and styles come only from this app (the vendored YASGUI editor included); no inline script
# or style element, on every page.
CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

NAV = (
    ("home.index", "Home"),
    ("search.search", "Search"),
    ("entity.ontology", "Ontology"),
    ("query_page.query", "Query"),
    ("charts.index", "Charts"),
    ("compare.table", "Compare"),
    ("home.disagreements", "Disagreements"),
    ("home.downloads", "Downloads"),
)


def wants_html() -> bool:
    return best_match(request.headers.get("Accept"), (HTML, PLAIN)) is HTML


def _missing(error: entity.Missing) -> Response:
    if wants_html():
        return entity.not_found_page(error.iri, error.words)
    response = Response(f"Not Found: the graph says nothing about <{error.iri}>.\n", status=404,
                        mimetype="text/plain")
    response.headers["Cache-Control"] = "no-store"
    return response


def _not_found(error: NotFound) -> Response:
    if request.path.startswith(("/sparql", "/.well-known", "/static")) or not wants_html():
        return error_response(error)
    words = request.path.strip("/").split("/")[-1].replace("-", " ").replace("_", " ")
    return entity.not_found_page(None, words)


PAGE_BLUEPRINTS = frozenset({"home", "entity", "search", "query_page", "charts", "compare"})


def _page_error(error: EndpointError) -> Response:
    """A failure behind a page (time limit, no store) as a page for browsers; /sparql keeps its
    plain-text refusals."""
    if request.blueprint not in PAGE_BLUEPRINTS or not wants_html():
        return error_response(error)
    body = render_template("error.html", status=error.status, message=str(error))
    response = Response(body, status=error.status, content_type=HTML.content_type, headers=dict(error.headers))
    response.headers["Cache-Control"] = "no-store"
    return response


SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Content-Security-Policy", CSP),
    ("X-Frame-Options", "DENY"),
)


def _security(response: Response) -> Response:
    for name, value in SECURITY_HEADERS:
        response.headers.setdefault(name, value)
    return response


def init_app(app: Flask) -> None:
    app.extensions[data.CACHE] = data.Cache(int(app.config["PAGE_CACHE_ENTRIES"]))
    app.extensions[data.MODELS] = data.Models()
    for blueprint in (home.bp, entity.bp, search.bp, query_page.bp, charts.bp, compare.bp):
        app.register_blueprint(blueprint)
    app.register_error_handler(EndpointError, _page_error)
    app.register_error_handler(entity.Missing, _missing)
    app.register_error_handler(NotFound, _not_found)
    app.after_request(_security)
    assets.init_app(app)
    app.jinja_env.globals.update(nav=NAV, local_path=links.local_path, publication=present.publication,
                                 passage_text=present.passage_text)
    app.jinja_env.filters["number"] = present.number
    app.jinja_env.filters["filesize"] = _filesize
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    if app.config["PREWARM"]:
        threading.Thread(target=_warm_models, args=(app,), name="pages-warm", daemon=True).start()


def _warm_models(app: Flask) -> None:
    """Build the whole-graph models (ontology, publications, search index) in the background, so
    the first search after a start does not wait seconds for the index of a large graph."""
    with app.app_context(), contextlib.suppress(Exception):  # a page reports a missing store itself
        model.ontology()
        model.publications()
        names.index()


def _filesize(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"
