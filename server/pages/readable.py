"""Readable names for records whose label does not say what they are, for search hits.

A figure is named by its study, measure, value, timepoint and review; a passage by its review,
section and characters; a reference by its review, number and the publication it cites; a record
whose label is only its id ("eliana-phase") by what it is about (search-describe.rq).
"""

from __future__ import annotations

import re
from collections import defaultdict

from server.pages import figures, model

IA = model.IA
FIGURES = frozenset({IA + "OutcomeResult", IA + "AdverseEventObservation"})
UNCLEAR = frozenset({IA + "Passage", IA + "BibliographicReference"})  # labelled with their document's id
INTERNAL_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")  # "eliana-phase", "a25-assoc-crs-bm-burden"


def internal_id(iri: str) -> bool:
    """Whether the label of `iri` is only its id, the last part of its IRI ("eliana-phase")."""
    text = model.label(iri)
    return bool(INTERNAL_ID.fullmatch(text)) and iri.rsplit("/", 1)[-1] == text


def names_for(iris: list[str]) -> dict[str, str]:
    """Readable names for the hits whose label does not say what they are: figures (study,
    measure, value, timepoint, review), passages (review, section, characters) and records
    labelled with an internal id (what they are about), references (review, number, publication)."""
    out: dict[str, str] = {}
    shown = [iri for iri in iris if FIGURES & model.types_of(iri)]
    if shown:
        results, observations = figures.load(shown)
        for fig in results + observations:
            out[fig.node.iri] = f"{fig.title} ({fig.review_names})" if fig.review_names else fig.title
    unclear = [iri for iri in iris if iri not in out and (UNCLEAR & model.types_of(iri) or internal_id(iri))]
    if not unclear:
        return out
    fields: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in figures.select_nodes("search-describe", "nodes", unclear):
        fields[row["node"].value][row["p"].value].append(row["o"].value)
    model.prefetch(o for found in fields.values() for p, values in found.items() if p != IA + "section"
                   for o in values if o.startswith("http"))
    for iri, found in fields.items():
        document, start, end = (found.get(IA + "inDocument"), found.get(model.OA + "start"),
                                found.get(model.OA + "end"))
        if document and start and end:
            section = f"{found[IA + 'section'][0]}, " if found.get(IA + "section") else ""
            out[iri] = f"{model.publication(document[0]).short}, {section}characters {start[0]}–{end[0]}"
            continue
        citing, number = found.get(IA + "citingDocument"), found.get(IA + "referenceNumber")
        if citing and number:
            cited = [model.publication(c).short for c in found.get(IA + "citedPublication", [])]
            out[iri] = f"{model.publication(citing[0]).short}, reference {number[0]}" + \
                (f": {', '.join(cited)}" if cited else "")
            continue
        about = found.get(IA + "aspect") or [model.label(o) for o in found.get(IA + "riskFactor", [])] or \
            [model.label(o) for o in found.get(IA + "concerns", [])]
        if about:
            out[iri] = "; ".join(sorted(about))
    return out
