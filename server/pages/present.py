"""Shared rendering: terms as links with labels, literals and numbers as people read them.

Every page turns IRIs into `Ref`s here, so a link always carries a label (never a raw IRI where
one exists) and points at the local page for IRIs under the public base.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask import has_request_context, request

from server.pages import data, links, model
from server.pages.data import Term


@dataclass(frozen=True)
class Ref:
    """A link to a resource: where it goes and what to call it."""

    iri: str
    label: str
    href: str
    local: bool
    curie: str

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class Text:
    """A literal for display: its text, language and a readable datatype."""

    text: str
    lang: str | None = None
    datatype: str | None = None
    link: str | None = None  # an external address the literal names (DOI, registry id)


natural = model.natural


def ref(iri: str) -> Ref:
    """The link to `iri`, made once per data version (and script root, public base)."""
    memo = data.per_request("immunall_refs", _memo)
    found = memo.get(iri) if memo is not None else None
    if found is None:
        found = Ref(iri, model.label(iri), links.href(iri), links.is_local(iri), model.curie(iri))
        if memo is not None:
            memo[iri] = found
    return found  # type: ignore[return-value]


def _memo() -> dict[str, object] | None:
    if not has_request_context():
        return None
    return model.known_refs(request.script_root, links.public_base())


def number(value: Decimal | str | int | float | None) -> str:
    """63, 41.7, 0.003: no exponent, no trailing zeros."""
    if value is None:
        return ""
    try:
        dec = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = format(dec.normalize(), "f")
    return text


EXTERNAL_IDS = {
    model.IA + "nctId": "https://clinicaltrials.gov/study/{}",
    model.IA + "isrctnId": "https://www.isrctn.com/{}",
    model.IA + "chictrId": "https://www.chictr.org.cn/searchprojen.html?regno={}",
    model.IA + "doi": "https://doi.org/{}",
}


def literal(term: Term, predicate: str | None = None) -> Text:
    number_value = term.number
    text = number(number_value) if number_value is not None else term.value
    datatype = None
    if term.datatype and term.datatype != model.XSD + "string" and number_value is None:
        datatype = model.label(term.datatype)
    link = EXTERNAL_IDS[predicate].format(term.value) if predicate in EXTERNAL_IDS else None
    return Text(text, term.lang, datatype, link)


def value(term: Term, predicate: str | None = None) -> Ref | Text:
    """An object or subject for display: a Ref for an IRI, Text for a literal or blank node."""
    if term.is_iri:
        return ref(term.value)
    if term.kind == "bnode":
        return Text("(an anonymous node: an OWL axiom or list)")
    return literal(term, predicate)


# ---- evidence at hand: citation lines and passage text, for the templates ------------------------

PASSAGE_CHARS = 300  # the excerpt shown beside a figure; the passage page shows more


def publication(iri: str) -> model.Publication | None:
    """The bibliographic record of `iri` (authors, title, journal, year, DOI), if it is a publication."""
    return model.publications().get(iri)


def passage_text(review: str, start: int, end: int) -> str | None:
    """A short excerpt of the passage where the review's licence allows it (CC BY), else None."""
    from server.pages.views import excerpt  # views imports this module

    text = excerpt(model.publication(review), start, end)
    if text is None or len(text) <= PASSAGE_CHARS:
        return text
    return text[:PASSAGE_CHARS].rsplit(" ", 1)[0] + " …"
