"""/search: find an entity by any name people use for it.

Labels, synonyms (brand and code names, acronyms, abbreviations, alternative labels), registry
ids (ia:nctId and the other ia:registryId sub-properties) and DOIs, read once per data version
into a sorted index (names.py) that answers a query by bisection. Ranking: exact name first (case, spaces and
hyphens ignored), then names starting with the query, then a word starting with it, then the
query anywhere, then all its words anywhere; within each, the kinds people look for (trials,
agents, antigens, adverse events) before figures and passages. Each hit says which name matched.
HTML for people, JSON (`/search.json`, `?format=json` or Accept) for the autocomplete and clients.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, jsonify, render_template, request

from server import render
from server.negotiation import HTML, Format
from server.pages import data, model, names
from server.pages.present import Ref, ref

bp = Blueprint("search", __name__)

JSON_FORMAT = Format("application/json", ("json",))
OFFERS = (HTML, JSON_FORMAT)
MAX_QUERY = 200
DEFAULT_LIMIT = 50
IA = model.IA

MATCHES = ("exact", "prefix", "word", "substring", "words")
normalise, index = names.normalise, names.index


@dataclass
class Hit:
    ref: Ref
    matched: str
    via: Ref
    match: str
    kind: str
    score: tuple

    def as_json(self) -> dict[str, str]:
        return {
            "iri": self.ref.iri,
            "url": self.ref.href,
            "label": self.ref.label,
            "type": self.kind,
            "matched": self.matched,
            "matchedProperty": self.via.label,
            "matchedPropertyIri": self.via.iri,
            "match": self.match,
        }


def _kind(iri: str) -> str:
    """What an IRI is, for a hit: its most specific class, or class / property."""
    onto = model.ontology()
    specific = onto.most_specific(model.types_of(iri))
    if specific:
        return model.label(specific[0])
    if onto.is_class(iri):
        return "class"
    return "property" if iri in onto.properties else ""


def find(query: str, limit: int = DEFAULT_LIMIT) -> list[Hit]:
    """The best hit per entity, best first (remembered per data version: autocomplete repeats)."""
    query = normalise(query)[:MAX_QUERY]
    if not query:
        return []
    return data.cached(f"search:{limit}:{query}", lambda: _find(query, limit))


def _find(query: str, limit: int) -> list[Hit]:
    found = index()
    best = found.find(query, limit)
    model.prefetch([*(iri for iri, _ in best), *(found.property_of(c.entry) for _, c in best)])
    hits: list[Hit] = []
    for iri, candidate in best:
        level = candidate.key[0]
        prop = found.property_of(candidate.entry)
        hits.append(Hit(ref(iri), found.text(candidate.entry), ref(prop), MATCHES[level], _kind(iri),
                        (*candidate.key, model.label(iri).casefold())))
    hits.sort(key=lambda hit: hit.score)
    return hits[:limit]


def _limit() -> int:
    try:
        return max(1, min(200, int(request.args.get("limit", DEFAULT_LIMIT))))
    except ValueError:
        return DEFAULT_LIMIT


@bp.route("/search", methods=["GET", "HEAD"])
def search() -> Response:
    """Results as HTML, or JSON by Accept or ?format=json."""
    return _answer(render.negotiate(OFFERS))


@bp.route("/search.json", methods=["GET", "HEAD"])
def search_json() -> Response:
    """The JSON twin of /search (the autocomplete uses it)."""
    return _answer(JSON_FORMAT)


def _answer(chosen: Format) -> Response:
    query = request.args.get("q", "")
    hits = find(query, _limit())
    if chosen is JSON_FORMAT:
        response = jsonify({"query": query, "count": len(hits), "results": [h.as_json() for h in hits]})
    else:
        response = Response(render_template("search.html", query=query, hits=hits), content_type=HTML.content_type)
        response.headers["Link"] = (
            f'<{request.host_url.rstrip("/")}{request.script_root}/search.json?{request.query_string.decode()}>;'
            ' rel="alternate"; type="application/json"'
        )
    response.vary.add("Accept")
    response.headers["Cache-Control"] = f"public, max-age={60}"
    return response
