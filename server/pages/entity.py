"""Dereferenceable IRIs: /<kind>/<id>, /ontology/<Term>, /ontology and /graph/<name>.

One URL per IRI, several representations: HTML for browsers; Turtle, JSON-LD, N-Triples and
RDF/XML by Accept, by a suffix (.ttl .jsonld .nt .rdf, also .html) or by `?format=`. Every answer
names the other forms in a `Link: <...>; rel="alternate"` header. The RDF is a bounded
description of the IRI (queries/pages/describe.rq); the ontology IRI gives the whole ontology; a
named graph IRI its VoID description and, when small, its statements (graphs.py).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, abort, render_template, request

from immunall.generation import GRAPH_NAMES
from server import render
from server.http import TRUNCATED, cacheable, conditional, etag_for
from server.negotiation import HTML, JSONLD, NTRIPLES, RDFXML, TURTLE, Format
from server.pages import charts, data, graphs, links, model, search
from server.pages.present import ref
from server.pages.views import entity_view
from server.results import Answer
from server.store import get_backend

bp = Blueprint("entity", __name__)

OFFERS: tuple[Format, ...] = (HTML, TURTLE, JSONLD, NTRIPLES, RDFXML)
SUFFIXES: dict[str, Format] = {".ttl": TURTLE, ".jsonld": JSONLD, ".nt": NTRIPLES, ".rdf": RDFXML,
                               ".html": HTML}
SUFFIX_OF = {fmt.media_type: suffix for suffix, fmt in SUFFIXES.items() if fmt is not HTML}


class Missing(Exception):
    """An IRI under the base that the graph does not mention; answered with a 404 page."""

    def __init__(self, iri: str, words: str) -> None:
        super().__init__(iri)
        self.iri = iri
        self.words = words


def split_suffix(ident: str) -> tuple[str, Format | None]:
    for suffix, fmt in SUFFIXES.items():
        if ident.endswith(suffix) and len(ident) > len(suffix):
            return ident[: -len(suffix)], fmt
    return ident, None


def alternates(path: str, served: Format) -> str:
    """Link header: the same resource in each other form, by suffix."""
    root = request.host_url.rstrip("/") + request.script_root
    forms = [f'<{root}{path}>; rel="alternate"; type="text/html"'] if served is not HTML else []
    forms += [
        f'<{root}{path}{SUFFIX_OF[fmt.media_type]}>; rel="alternate"; type="{fmt.media_type}"'
        for fmt in OFFERS if fmt is not HTML and fmt is not served
    ]
    return ", ".join(forms)


def _choose(suffix_format: Format | None) -> Format:
    return suffix_format or render.negotiate(OFFERS)


def _exists(iri: str) -> bool:
    try:
        this = data.iri(iri)
    except ValueError:  # a path that makes no IRI (`<`, spaces, ...) names nothing in the graph
        return False
    # the page's own statements (cached for the page) answer for almost every IRI in one round trip
    return bool(data.select("entity-out", this=this)) or data.ask("exists", this=this)


def _answer(path: str, iri: str, chosen: Format, html: Callable[[], str], rdf: Callable[[Format], Answer]) -> Response:
    generation = get_backend().generation()
    etag = etag_for(generation, "page", iri, chosen.media_type, request.url_root)
    not_modified = conditional(generation, etag)
    if not_modified is not None:
        not_modified.headers["Link"] = alternates(path, chosen)
        return not_modified
    if chosen is HTML:
        response = Response(html(), content_type=HTML.content_type)
    else:
        answer = rdf(chosen)
        response = Response(answer.body, content_type=chosen.content_type)
        if answer.truncated:  # MAX_RESULT_ROWS cut the description; say so as /sparql does
            response.headers[TRUNCATED] = "true"
            response.headers["Warning"] = (
                f'199 immunall "Description truncated to {answer.count} statements (MAX_RESULT_ROWS); '
                'query /sparql for the rest"'
            )
    response.vary.add("Accept")
    response.headers["Link"] = alternates(path, chosen)
    return cacheable(response, generation, etag)


def resource(path: str, ident_words: str) -> Response:
    """The page or RDF of the IRI at `path` (which may end in a format suffix)."""
    iri = links.iri_for(path)
    suffix_format: Format | None = None
    if not _exists(iri):
        bare, suffix_format = split_suffix(path)
        if suffix_format is None or not _exists(links.iri_for(bare)):
            raise Missing(iri, ident_words)
        path, iri = bare, links.iri_for(bare)
    chosen = _choose(suffix_format)

    def html() -> str:
        view = entity_view(iri)
        if view is None:
            raise Missing(iri, ident_words)
        return render_template("entity.html", view=view, path=path, graph=charts.neighbourhood(view))

    return _answer(path, iri, chosen, html, lambda fmt: data.construct("describe", fmt.media_type, this=data.iri(iri)))


@bp.route("/<kind>/<ident>", methods=["GET", "HEAD"])
def instance(kind: str, ident: str) -> Response:
    """An instance IRI such as /trial/NCT02435849 or /agent/tisagenlecleucel."""
    if kind not in links.INSTANCE_KINDS:
        raise Missing(links.iri_for(f"/{kind}/{ident}"), split_suffix(ident)[0])
    return resource(f"/{kind}/{ident}", split_suffix(ident)[0])


@bp.route("/ontology/<term>", methods=["GET", "HEAD"])
def term(term: str) -> Response:
    """A class, property or named individual of the vocabulary."""
    return resource(f"/ontology/{term}", model.humanise(split_suffix(term)[0]))


@bp.route("/ontology", methods=["GET", "HEAD"])
@bp.route("/ontology.<ext>", methods=["GET", "HEAD"])
def ontology(ext: str | None = None) -> Response:
    """The ontology: its browser for people, the whole ontology graph for clients."""
    if ext is not None and f".{ext}" not in SUFFIXES:
        abort(404)
    chosen = _choose(SUFFIXES[f".{ext}"] if ext else None)
    iri = links.iri_for("/ontology")
    graph = data.iri(links.iri_for("/graph/ontology"))

    def html() -> str:
        from server.pages import home

        return render_template("ontology.html", **data.cached("ontology-browser", lambda: home.ontology_browser(iri)))

    return _answer("/ontology", iri, chosen, html,
                   lambda fmt: data.construct("graph-document", fmt.media_type, graph=graph))


@bp.route("/graph/<name>", methods=["GET", "HEAD"])
def named_graph(name: str) -> Response:
    """A named graph of the store: its description (VoID, SD) and, when small, its statements."""
    bare, suffix_format = split_suffix(name)
    if bare not in GRAPH_NAMES:
        raise Missing(links.iri_for(f"/graph/{name}"), bare)
    path, iri = f"/graph/{bare}", links.iri_for(f"/graph/{bare}")
    chosen = _choose(suffix_format)
    graph = data.cached(f"graph:{iri}", lambda: graphs.info(bare, iri))

    def html() -> str:
        query = data.bind(data.load_query("link-graph"), {"graph": data.iri(iri)})
        classes = [(ref(cls), members) for cls, members in graph.classes]
        return render_template("graph.html", graph=graph, classes=classes, query=query, path=path,
                               suffixes=SUFFIX_OF)

    return _answer(path, iri, chosen, html,
                   lambda fmt: data.cached(f"graph-rdf:{fmt.media_type}:{request.url_root}:{iri}",
                                           lambda: graphs.rdf(graph, fmt)))


def not_found_page(iri: str | None, words: str) -> Response:
    """404 with search suggestions for the words of the missing id."""
    suggestions = search.find(words, limit=8) if words else []
    body = render_template("not_found.html", iri=iri, words=words, suggestions=suggestions)
    response = Response(body, status=404, content_type=HTML.content_type)
    response.headers["Cache-Control"] = "no-store"
    return response


__all__ = ["Missing", "bp", "not_found_page", "resource"]
