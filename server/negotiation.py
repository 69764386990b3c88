"""Content negotiation as data: format tables and one pure best-match function.

Each table lists what the endpoint can send for one kind of answer, in the server's order of
preference (the first is the default when the client states none). The format objects are
pyoxigraph's own, so the serializer and the advertised media type cannot drift apart.

Stand-ins: some clients (roqet, older Jena and Sesame tools) send one Accept header for every
query, naming only SPARQL results formats, even for CONSTRUCT and DESCRIBE, whose answer is a
graph. Virtuoso, Fuseki and GraphDB answer such a request with the nearest RDF syntax rather than
406: RDF/XML for `application/sparql-results+xml`, JSON-LD for `application/sparql-results+json`.
This endpoint does the same, but only when nothing the client named is available, so a client
that also names a real RDF type (at any q above 0) still gets it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pyoxigraph import QueryResultsFormat, RdfFormat


@dataclass(frozen=True)
class Format:
    """One representation: the media type sent, other types that select it, and its names."""

    media_type: str
    names: tuple[str, ...]  # values of the `format` request parameter that pick it
    aliases: tuple[str, ...] = ()
    syntax: QueryResultsFormat | RdfFormat | None = None  # None: an HTML page
    # Media types that select this format only when no offer matches what the client asked for
    # (see the module docstring: results types asked of a graph query).
    stand_ins: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        """The Content-Type header value; text formats say their charset."""
        if self.media_type.startswith("text/"):
            return f"{self.media_type}; charset=utf-8"
        return self.media_type

    @property
    def all_media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)


def _bare(media_type: str) -> str:
    return media_type.split(";", 1)[0].strip().lower()


def _results(syntax: QueryResultsFormat, names: tuple[str, ...], aliases=()) -> Format:
    return Format(_bare(syntax.media_type), names, tuple(aliases), syntax)


def _rdf(syntax: RdfFormat, names: tuple[str, ...], aliases=(), stand_ins=()) -> Format:
    return Format(_bare(syntax.media_type), names, tuple(aliases), syntax, tuple(stand_ins))


JSON = _results(QueryResultsFormat.JSON, ("json", "srj"), ("application/json",))
XML = _results(QueryResultsFormat.XML, ("xml", "srx"), ("application/xml", "text/xml"))
CSV = _results(QueryResultsFormat.CSV, ("csv",))
TSV = _results(QueryResultsFormat.TSV, ("tsv",))

# Turtle is valid N3, so a client asking for N3 (SPARQLWrapper's N3 mode) gets Turtle.
TURTLE = _rdf(
    RdfFormat.TURTLE,
    ("turtle", "ttl", "n3"),
    ("application/x-turtle", "application/turtle", "text/n3", "text/rdf+n3"),
)
NTRIPLES = _rdf(RdfFormat.N_TRIPLES, ("ntriples", "nt", "n-triples"), ("text/plain",))
JSONLD = _rdf(
    RdfFormat.JSON_LD,
    ("jsonld", "json-ld", "json"),
    ("application/json",),
    stand_ins=(_bare(QueryResultsFormat.JSON.media_type),),
)
RDFXML = _rdf(
    RdfFormat.RDF_XML,
    ("rdfxml", "rdf", "xml"),
    ("application/xml", "text/xml"),
    stand_ins=(_bare(QueryResultsFormat.XML.media_type),),
)

HTML = Format("text/html", ("html",), ("application/xhtml+xml",))

# What can answer each kind of request, best first.
SOLUTIONS: tuple[Format, ...] = (JSON, XML, CSV, TSV)
BOOLEAN: tuple[Format, ...] = (JSON, XML, CSV, TSV)  # CSV/TSV: pyoxigraph writes true/false
GRAPH: tuple[Format, ...] = (TURTLE, NTRIPLES, JSONLD, RDFXML)
DESCRIPTION: tuple[Format, ...] = (*GRAPH, HTML)  # service description, VoID

# The W3C format IRI of each syntax; pyoxigraph names JSON-LD with a non-standard IRI.
_IRI_FIXES = {"https://www.w3.org/ns/formats/data/JSON-LD": "http://www.w3.org/ns/formats/JSON-LD"}


def format_iri(fmt: Format) -> str:
    """The http://www.w3.org/ns/formats/ IRI used in sd:resultFormat."""
    assert fmt.syntax is not None
    return _IRI_FIXES.get(fmt.syntax.iri, fmt.syntax.iri)


@dataclass(frozen=True)
class _Range:
    type: str
    subtype: str
    q: float

    def specificity(self, media_type: str) -> int:
        """2 exact, 1 type/*, 0 */*; -1 if this range does not cover `media_type`."""
        main, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != main:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else -1


def _parse_accept(header: str) -> list[_Range]:
    ranges: list[_Range] = []
    for item in header.split(","):
        parts = [part.strip() for part in item.split(";")]
        main, slash, sub = parts[0].lower().partition("/")
        if not slash or not main or not sub:
            continue  # junk such as "*" or "" is ignored rather than refused
        q = 1.0
        for param in parts[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(1.0, max(0.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append(_Range(main, sub, q))
    return ranges


def _quality(ranges: list[_Range], media_type: str) -> tuple[float, int]:
    """The q of the most specific range covering `media_type` (RFC 9110 12.5.1)."""
    best_spec, best_q = -1, 0.0
    for accepted in ranges:
        spec = accepted.specificity(media_type)
        if spec < 0:
            continue
        if spec > best_spec or (spec == best_spec and accepted.q > best_q):
            best_spec, best_q = spec, accepted.q
    return best_q, best_spec


def best_match(
    accept: str | None, offers: Sequence[Format], format_param: str | Sequence[str] | None = None
) -> Format | None:
    """The offer the client prefers, or None (answer 406); see `_best_match`.

    Memoised: clients send the same few Accept headers over and over, and each answer is a pure
    function of them."""
    wanted = (format_param,) if isinstance(format_param, str) else tuple(format_param or ())
    return _best_match(accept, tuple(offers), wanted)


@functools.lru_cache(maxsize=1024)
def _best_match(accept: str | None, offers: tuple[Format, ...], format_param: tuple[str, ...]) -> Format | None:
    """The offer the client prefers, or None (answer 406).

    `format` parameters (names such as `json`, or media types) override Accept, because
    browsers and simple clients cannot set headers; the first value naming an offer wins
    (SPARQLWrapper sends both `rdf+xml` and `application/rdf+xml`). Without Accept the first
    offer wins. Among equal q-values the more specific range wins, then the server's order.
    Only when nothing matches are the offers' stand-ins tried (a SPARQL results type asked of a
    graph query gets the nearest RDF syntax, as other servers do), by the same rules.
    """
    wanted = [value.strip().lower() for value in format_param if value and value.strip()]
    if wanted:
        named = _named(wanted, offers, lambda offer: (*offer.names, *offer.all_media_types))
        return named or _named(wanted, offers, _stand_ins)
    if not accept or not accept.strip():
        return offers[0] if offers else None
    ranges = _parse_accept(accept)
    return _preferred(ranges, offers, _media_types) or _preferred(ranges, offers, _stand_ins, exact=True)


def _named(
    wanted: list[str], offers: Sequence[Format], names_of: Callable[[Format], tuple[str, ...]]
) -> Format | None:
    """The first offer that the first value naming any offer names (format parameters)."""
    for value in wanted:
        for offer in offers:
            if value in names_of(offer) or _bare(value) in names_of(offer):
                return offer
    return None


def _media_types(offer: Format) -> tuple[str, ...]:
    return offer.all_media_types


def _stand_ins(offer: Format) -> tuple[str, ...]:
    return offer.stand_ins


def _preferred(
    ranges: list[_Range],
    offers: Sequence[Format],
    types_of: Callable[[Format], tuple[str, ...]],
    exact: bool = False,
) -> Format | None:
    """The offer whose types (as `types_of` lists them) the ranges rate highest.

    `exact`: only a range naming the type counts (a wildcard already had its chance at the
    offer's real types, and must not pick a stand-in).
    """
    best: tuple[float, int, int] | None = None
    chosen: Format | None = None
    for position, offer in enumerate(offers):
        for media_type in types_of(offer):
            q, spec = _quality(ranges, media_type)
            if q <= 0 or (exact and spec < 2):
                continue
            score = (q, spec, -position)
            if best is None or score > best:
                best, chosen = score, offer
    return chosen


def offers_for(form: str | None) -> tuple[Format, ...]:
    """What may answer a query of this form; an unrecognised form may be either kind."""
    if form in {"CONSTRUCT", "DESCRIBE"}:
        return GRAPH
    if form == "ASK":
        return BOOLEAN
    if form == "SELECT":
        return SOLUTIONS
    return (*SOLUTIONS, *GRAPH)
