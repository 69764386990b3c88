"""/search: find an entity by any name people use for it.

Labels, synonyms (brand and code names, acronyms, abbreviations, alternative labels), registry
ids (ia:nctId and the other ia:registryId sub-properties) and DOIs, all read by one query
(queries/pages/names.rq) once per data version. Ranking: exact name first (case, spaces and
hyphens ignored), then names starting with the query, then a word starting with it, then the
query anywhere, then all its words anywhere; within each, the kinds people look for (trials,
agents, antigens, adverse events) before figures and passages. Each hit says which name matched.
HTML for people, JSON (`/search.json`, `?format=json` or Accept) for the autocomplete and clients.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Blueprint, Response, jsonify, render_template, request

from server import render
from server.negotiation import HTML, Format
from server.pages import data, model
from server.pages.present import Ref, ref

bp = Blueprint("search", __name__)

JSON_FORMAT = Format("application/json", ("json",))
OFFERS = (HTML, JSON_FORMAT)
MAX_QUERY = 200
DEFAULT_LIMIT = 50
IA = model.IA

MATCHES = ("exact", "prefix", "word", "substring", "words")

# Kinds people look for come first; figures, passages and references last.
KIND_RANK = (
    (IA + "ClinicalStudy", 0), (IA + "Intervention", 0), (IA + "Antigen", 0), (IA + "AdverseEvent", 0),
    (IA + "Disease", 1), (IA + "MolecularEntity", 1), (IA + "CARConstruct", 2), (IA + "Organization", 2),
    (IA + "RegulatoryApproval", 2), (IA + "RiskFactor", 2), (IA + "RelapsePhenotype", 2),
    (model.OWL + "Class", 3), (IA + "ValueConcept", 3), (IA + "Publication", 4), (IA + "StudyArm", 5),
    (IA + "Disagreement", 5), (IA + "OutcomeResult", 6), (IA + "AdverseEventObservation", 6),
    (IA + "Population", 7), (IA + "BibliographicReference", 8), (IA + "Passage", 8),
)
PROPERTY_RANK = {
    model.RDFS + "label": 0, IA + "brandName": 1, IA + "codeName": 1, IA + "acronym": 1, IA + "nctId": 1,
    model.SKOS + "prefLabel": 1, IA + "abbreviation": 2, model.SKOS + "altLabel": 2,
}


def normalise(text: str) -> str:
    return " ".join(text.casefold().split())


def compact(text: str) -> str:
    """Letters and digits only: 'tisa-cel' and 'Tisa cel' both become 'tisacel'."""
    return re.sub(r"[\W_]+", "", text.casefold())


@dataclass(frozen=True)
class Name:
    iri: str
    text: str
    property: str
    norm: str
    flat: str


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


def _index() -> list[Name]:
    names = {
        (row["s"].value, row["name"].value, row["p"].value)
        for row in _names()
    }
    return [Name(s, text, p, normalise(text), compact(text)) for s, text, p in sorted(names)]


def index() -> list[Name]:
    return data.cached("search:index", _index)


def _names() -> list[data.Row]:
    """Every name: one whole-graph query, with the longer STATS_TIMEOUT and no row cap."""
    return data.select_counts("names")


def _match(name: Name, query: str, flat: str, words: list[str]) -> int | None:
    if name.norm == query or (flat and name.flat == flat):
        return 0
    if name.norm.startswith(query) or (flat and name.flat.startswith(flat)):
        return 1
    if re.search(r"(?<![\w])" + re.escape(query), name.norm):
        return 2
    if query in name.norm or (len(flat) >= 3 and flat in name.flat):
        return 3
    if len(words) > 1 and all(w in name.norm for w in words):
        return 4
    return None


def _kind_rank(iri: str) -> tuple[int, str]:
    """(rank, kind name) of an IRI, remembered for the data version (the same IRIs recur)."""
    known: dict[str, tuple[int, str]] = data.cached("search:kinds", dict)
    if iri not in known:
        known[iri] = _compute_kind_rank(iri)
    return known[iri]


def _compute_kind_rank(iri: str) -> tuple[int, str]:
    onto = model.ontology()
    classes = model.types_of(iri)
    specific = onto.most_specific(classes)
    kind = model.label(specific[0]) if specific else ("class" if onto.is_class(iri) else "")
    if not kind and iri in onto.properties:
        kind = "property"
    rank = 5
    for cls, value in KIND_RANK:
        if cls in classes or onto.is_a(classes, cls):
            rank = value
            break
    else:
        if onto.is_class(iri):
            rank = 3
        elif iri in onto.properties:
            rank = 5
    return rank, kind


def find(query: str, limit: int = DEFAULT_LIMIT) -> list[Hit]:
    """The best hit per entity, best first (remembered per data version: autocomplete repeats)."""
    query = normalise(query)[:MAX_QUERY]
    if not query:
        return []
    return data.cached(f"search:{limit}:{query}", lambda: _find(query, limit))


def _find(query: str, limit: int) -> list[Hit]:
    flat = compact(query)
    words = query.split()
    best: dict[str, tuple[tuple, Name, int]] = {}
    for name in index():
        level = _match(name, query, flat, words)
        if level is None:
            continue
        score = (level, PROPERTY_RANK.get(name.property, 3), len(name.text), name.text.casefold())
        if name.iri not in best or score < best[name.iri][0]:
            best[name.iri] = (score, name, level)
    hits: list[Hit] = []
    model.prefetch([*best, *(name.property for _, name, _ in best.values())])
    for iri, (score, name, level) in best.items():
        rank, kind = _kind_rank(iri)
        full = (level, rank, *score[1:], model.label(iri).casefold())
        hits.append(Hit(ref(iri), name.text, ref(name.property), MATCHES[level], kind, full))
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
