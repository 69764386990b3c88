"""/search: find an entity by any name people use for it, even misspelt.

Labels, synonyms (brand and code names, acronyms, abbreviations, alternative labels), registry
ids (ia:nctId and the other ia:registryId sub-properties), DOIs, the authors and titles of
publications (which also find the studies they report) and, for each figure, its study, measure
and timepoint, read once per data version into a sorted index (names.py) that answers a query
by bisection. Ranking: exact name first (case, spaces and hyphens ignored), then names starting
with the query, then a word starting with it, then the query anywhere, then all its words
anywhere, then names with a close spelling of each word (rapidfuzz); within each, the kinds
people look for (trials, agents, antigens, adverse events) before figures and passages.
Each hit is named for people (a figure by its study, measure, value, timepoint and review; a
passage by its review, section and characters; a record labelled with an internal id by what
it is about), says what kind of thing it is and which name matched; hits that would read
the same (kind and name) are shown once. HTML for people, JSON (`/search.json`, `?format=json`
or Accept) for the autocomplete and clients.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, jsonify, render_template, request

from server import render
from server.negotiation import HTML, Format
from server.pages import data, model, names
from server.pages.present import Ref, ref
from server.pages.readable import names_for

bp = Blueprint("search", __name__)

JSON_FORMAT = Format("application/json", ("json",))
OFFERS = (HTML, JSON_FORMAT)
MAX_QUERY = 200
DEFAULT_LIMIT = 50
IA = model.IA

MATCHES = ("exact", "prefix", "word", "substring", "words", "close spelling")
NOTE_CHARS = 60
normalise, index = names.normalise, names.index


@dataclass
class Hit:
    ref: Ref
    name: str  # what the hit is called for people (never an internal id)
    matched: str
    why: str  # the name property that matched, or how the name relates ("authors of a report")
    why_iri: str | None
    through: Ref | None  # the related record the matched name belongs to
    match: str
    kind: str
    score: tuple

    @property
    def note(self) -> str:
        """Why this hit, for people: `code name “CTL019”`, `authors of a report (Maude et al. 2018) “Maude,
        S.L.; …”`; empty when what matched is the name shown, or the label (an id) it stands for."""
        if self.matched in (self.name, self.ref.label):
            return ""  # the name shown, or the label a readable name replaced
        text = self.matched if len(self.matched) <= NOTE_CHARS else self.matched[:NOTE_CHARS].rsplit(" ", 1)[0] + " …"
        return f"{self.why}{f' ({self.through.label})' if self.through else ''} “{text}”"

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "iri": self.ref.iri,
            "url": self.ref.href,
            "label": self.name,
            "type": self.kind,
            "matched": self.matched,
            "matchedProperty": self.why,
            "matchedPropertyIri": self.why_iri,
            "match": self.match,
            "note": self.note,
        }
        if self.through is not None:
            out["through"] = {"label": self.through.label, "url": self.through.href}
        return out


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
    model.prefetch([*(iri for iri, _ in best), *(found.property_of(c.entry) for _, c in best),
                    *(found.via_of(c.entry) for _, c in best if found.via_of(c.entry))])
    readable = names_for([iri for iri, _ in best])
    hits: list[Hit] = []
    for iri, candidate in best:
        level = candidate.key[0]
        prop, via = found.property_of(candidate.entry), found.via_of(candidate.entry)
        is_property = prop.startswith(("http://", "https://"))
        hits.append(Hit(ref(iri), readable.get(iri) or model.label(iri), found.text(candidate.entry),
                        model.label(prop) if is_property else prop, prop if is_property else None,
                        ref(via) if via else None, MATCHES[level], _kind(iri),
                        (*candidate.key, model.label(iri).casefold())))
    hits.sort(key=lambda hit: hit.score)
    shown: set[tuple[str, str]] = set()
    unique = []
    for hit in hits:
        if (hit.kind, hit.name) not in shown:
            shown.add((hit.kind, hit.name))
            unique.append(hit)
    return unique[:limit]


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
