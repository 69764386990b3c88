"""Curated disagreements as cards: the subject, each claim side by side with its review, passage and
reference, the classification (ia:disagreementKind) and the curator's note.

A claim is a fact node (a figure, an approval, a threshold) or a typed ia:Claim (a property of the
subject with a term or a value). The classification is shown with its definition, so a difference
between two data cuts reads as what it is, not as a contradiction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from server.pages import figures, model
from server.pages.data import Term
from server.pages.figures import Citation, Evidence, Figure
from server.pages.present import Ref, ref

IA = model.IA
# Kinds whose claims are not expected to agree: the card says so instead of warning.
EXPLAINED = {IA + "DifferentReport", IA + "DifferentPopulation", IA + "RoundingOrUnits", IA + "NamingOrSpelling"}


@dataclass
class Claim:
    node: Ref
    says: str  # what the claim states: a figure's value, a claimed term or quantity
    about: str = ""  # of what: the measure, timepoint and group of a figure, the property of a claim
    figure: Figure | None = None
    printed: str | None = None
    report: Ref | None = None
    evidence: list[Evidence] = field(default_factory=list)
    primary: list[Citation] = field(default_factory=list)
    outside: str | None = None  # a claim no passage states: where it comes from

    @property
    def reviews(self) -> str:
        return ", ".join(sorted({e.review_short for e in self.evidence})) or "outside the reviews"


@dataclass
class Disagreement:
    node: Ref
    anchor: str
    kind: Ref | None
    kind_definition: str | None
    misprint: bool
    aspect: str | None
    notes: list[str]
    concerns: list[Ref]
    claims: list[Claim]
    printed: str | None
    likely: str | None
    evidence: list[Evidence]

    @property
    def explained(self) -> bool:
        """The kind explains the difference (another data cut, population, rounding, name)."""
        return self.kind is not None and self.kind.iri in EXPLAINED


def concerning(nodes: Iterable[str]) -> list[Disagreement]:
    """The disagreements (misprints among them) that concern any of `nodes` or have one as a claim."""
    return describe([row["disagreement"].value for row in figures.select_nodes("disagreements", "nodes", nodes)])


def _first(props: dict[str, list[Term]], prop: str) -> Term | None:
    values = props.get(prop) or []
    return min(values, key=lambda t: t.value) if values else None


def _claim_says(props: dict[str, list[Term]]) -> tuple[str, str]:
    """(`phase II`, `phase`), (`6–8 weeks`, ``): what an ia:Claim states, and of what."""
    prop = _first(props, IA + "claimProperty")
    term = _first(props, IA + "claimedTerm")
    row = {name: found for name, p in (("value", "value"), ("valueUpper", "valueUpper"),
                                       ("valueRelation", "valueRelation"), ("unit", "unit"))
           if (found := _first(props, IA + p)) is not None}
    if term is not None:
        said = model.label(term.value)
    elif "value" in row:
        said = figures.value_text(row)[1].strip()
    else:
        printed = _first(props, IA + "printedValue")
        said = printed.value if printed else model.label(IA + "Claim")
    return said, model.label(prop.value) if prop is not None else ""


def describe(found: list[str]) -> list[Disagreement]:
    """The given ia:Disagreement nodes as cards, with their claims read as figures where they are."""
    if not found:
        return []
    rows = figures.select_nodes("statements", "nodes", found)
    statements: dict[str, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        statements[row["s"].value][row["p"].value].append(row["o"])
    claims = sorted({t.value for node in found for t in statements[node].get(IA + "hasClaim", []) if t.is_iri})
    claim_rows = figures.select_nodes("statements", "nodes", claims)
    for row in claim_rows:
        statements[row["s"].value][row["p"].value].append(row["o"])
    model.prefetch(t.value for row in rows + claim_rows for t in (row["p"], row["o"]) if t.is_iri)
    results, observations = figures.load(claims, statements=claim_rows)
    as_figure = {f.node.iri: f for f in results + observations}
    proofs = figures.evidence([*found, *claims])
    kinds = sorted({t.value for node in found for t in statements[node].get(IA + "disagreementKind", [])})
    defined = {row["s"].value: row["o"].value for row in figures.select_nodes("statements", "nodes", kinds)
               if row["p"].value == model.IAO + "0000115"}
    out = []
    for node in sorted(found):
        props = statements[node]
        anchor = node.rsplit("/", 1)[-1]
        kind = _first(props, IA + "disagreementKind")
        out.append(Disagreement(
            node=ref(node), anchor=anchor,
            kind=ref(kind.value) if kind else None,
            kind_definition=defined.get(kind.value) if kind else None,
            misprint=IA + "Misprint" in {t.value for t in props.get(model.RDF + "type", [])},
            aspect=(t.value if (t := _first(props, IA + "aspect")) else None),
            notes=[t.value for p in (IA + "curatorNote", model.RDFS + "comment") for t in props.get(p, [])],
            concerns=[ref(t.value) for t in props.get(IA + "concerns", []) if t.is_iri],
            claims=[_claim(c, statements[c], as_figure.get(c), proofs, anchor)
                    for c in sorted(t.value for t in props.get(IA + "hasClaim", []) if t.is_iri)],
            printed=(t.value if (t := _first(props, IA + "printedValue")) else None),
            likely=(t.value if (t := _first(props, IA + "likelyMeant")) else None),
            evidence=proofs.get(node, ([], []))[0],
        ))
    return out


def _claim(node: str, props: dict[str, list[Term]], figure: Figure | None,
           proofs: dict[str, tuple[list[Evidence], list[Citation]]], anchor: str) -> Claim:
    evidence, primary = proofs.get(node, ([], []))
    printed = _first(props, IA + "printedValue")
    report = _first(props, IA + "fromReport")
    outside = _first(props, IA + "outsideKnowledge")
    source = _first(props, model.DCT + "source")
    if figure is not None:
        figure.disagreement = anchor
        what = f"{figure.what.label} ({figure.grade.label})" if figure.grade else figure.what.label
        says, about = figure.value_text, ", ".join(x for x in (what, figure.timepoint_text, figure.group) if x)
    elif IA + "Claim" in {t.value for t in props.get(model.RDF + "type", [])}:
        says, about = _claim_says(props)
    else:
        says, about = model.label(node), ""
    return Claim(
        node=ref(node), says=says, about=about, figure=figure,
        printed=printed.value if printed and printed.value not in says else None,
        report=ref(report.value) if report else (figure.report if figure else None),
        evidence=evidence, primary=primary,
        outside=(model.label(outside.value) + (f": {source.value}" if source else "")) if outside else None)


__all__ = ["Claim", "Disagreement", "concerning", "describe"]
