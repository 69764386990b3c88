"""The overview at the top of an entity page: what a clinician asks first, before the long sections.

Study: agents, design, phase, status, population and line of therapy, reports with their N and
follow-up, N by arm and cohort, headline results, comparisons, closure reasons and other findings.
Agent: kind, targets and construct, approvals, main trials with their headline figure. Antigen:
agents by kind. Adverse event: incidence range across studies by agent and grade, onset and other
profile figures, grading, management rules. Each links to the comparison table (compare.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from server.pages import compare, figures, model
from server.pages.data import Term
from server.pages.figures import Figure
from server.pages.present import Ref, Text, number, ref, value  # noqa: F401 - Text: an Item

IA = model.IA
Props = dict[str, list[Term]]
Item = Ref | Text | str

# The measures a headline shows, most telling first.
HEADLINE = tuple(IA + m for m in ("CR", "CRCRi", "CRCRh", "ORR", "MRDNegativeCR", "EFS", "OS", "DFS", "RFS",
                                  "LFS", "PFS"))
HEADLINE_FIGURES = 8
COMPARE_MEASURES = 6  # links to the comparison table, the measures with most figures first


@dataclass
class Group:
    kind: str  # "report", "arm" or "cohort"
    ref: Ref
    size: str
    details: list[Item] = field(default_factory=list)


@dataclass
class Incidence:
    agent: Ref
    grade: str
    low: Decimal
    high: Decimal
    studies: int
    figures: int
    href: str

    @property
    def range_text(self) -> str:
        return f"{number(self.low)}%" if self.low == self.high else f"{number(self.low)}–{number(self.high)}%"


@dataclass
class Trial:
    ref: Ref
    headline: Figure | None


@dataclass
class Overview:
    facts: list[tuple[str, list[Item]]] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    headline: list[Figure] = field(default_factory=list)
    trials: list[Trial] = field(default_factory=list)
    incidence: list[Incidence] = field(default_factory=list)
    compare: list[tuple[str, str]] = field(default_factory=list)  # (words, link)

    def add(self, name: str, items: Iterable[Item]) -> None:
        found = [i for i in items if i]
        if found:
            self.facts.append((name, found))


def props_of(nodes: Iterable[str]) -> dict[str, Props]:
    """Each node's outgoing statements, by property (queries/pages/statements.rq)."""
    found: dict[str, Props] = defaultdict(lambda: defaultdict(list))
    rows = figures.select_nodes("statements", "nodes", nodes)
    model.prefetch(t.value for row in rows for t in (row["p"], row["o"]) if t.is_iri)
    for row in rows:
        found[row["s"].value][row["p"].value].append(row["o"])
    return found


def _refs(props: Props, *names: str) -> list[Ref]:
    return sorted({ref(t.value) for name in names for t in props.get(IA + name, []) if t.is_iri},
                  key=lambda r: model.natural(r.label))


def _one(props: Props, name: str) -> Term | None:
    values = props.get(IA + name) or []
    return min(values, key=lambda t: t.value) if values else None


def _size(props: Props) -> str:
    parts = [f"{_one(props, c).value} {w}" for c, w in (("enrolledCount", "enrolled"), ("treatedCount", "treated"),
                                                         ("evaluableCount", "evaluable")) if _one(props, c)]
    return ", ".join(parts)


def _follow_up(props: Props) -> str:
    months = _one(props, "medianFollowUp")
    if months is None:
        return ""
    unit = _one(props, "followUpUnit")
    words = (model.label(unit.value) + ("" if Decimal(months.value) == 1 else "s")) if unit else ""
    return f"median follow-up {number(months.value)} {words}".strip()


def headline(found: list[Figure], limit: int = HEADLINE_FIGURES) -> list[Figure]:
    """The figures that answer "how did it do": response and survival of the whole study or an arm,
    one per measure and arm, the longest timepoint first."""
    ranked = sorted((f for f in found if f.what.iri in HEADLINE and f.value is not None and not f.subgroup),
                    key=lambda f: (HEADLINE.index(f.what.iri), f.cohort is not None, f.group,
                                   -(f.timepoint_months or 0), f.review_names))
    seen: set[tuple[str, str]] = set()
    out = []
    for fig in ranked:
        if (fig.what.iri, fig.group) not in seen:
            seen.add((fig.what.iri, fig.group))
            out.append(fig)
    return out[:limit]


def _compare_links(view, found: list[Figure], **params: str) -> list[tuple[str, str]]:
    """One link per measure (or event) the entity's figures have, most figures first, and one for all."""
    counts: dict[str, int] = defaultdict(int)
    for fig in found:
        counts[fig.what.iri] += 1
    key = "event" if found and found[0].kind == "observation" else "measure"
    ranked = sorted(counts, key=lambda w: (-counts[w], model.label(w)))[:COMPARE_MEASURES]
    links = [(model.label(w), compare.link(**params, **{key: model.local_name(w)})) for w in ranked]
    return links + [("all figures", compare.link(**params, **({"kind": "events"} if key == "event" else {})))]


# ---- by kind ------------------------------------------------------------------------------------------

def study(view, props: Props) -> Overview:
    out = Overview()
    onto = model.ontology()
    out.add("Agents", _refs(props, "evaluatesAgent"))
    design = [ref(c) for c in onto.most_specific({t.value for t in props.get(model.RDF + "type", [])},
                                                 asserted_only=True)]
    out.add("Design", design + _refs(props, "designFeature"))
    out.add("Phase", _refs(props, "phase"))
    out.add("Status", _refs(props, "status"))
    out.add("Registry", [value(t, p) for p in (IA + "nctId", IA + "isrctnId", IA + "chictrId", IA + "registryId",
                                                IA + "protocolId") for t in props.get(p, [])])
    out.add("Patients", [_size(props), _follow_up(props)])
    parts = {t.value for name in ("studiesPopulation", "hasReport", "hasArm", "hasCohort")
             for t in props.get(IA + name, []) if t.is_iri}
    found = props_of(parts)
    for population in (t.value for t in props.get(IA + "studiesPopulation", []) if t.is_iri):
        p = found[population]
        ages = _ages(p)
        out.add("Population", [*_refs(p, "hasDisease"), *_refs(p, "lineOfTherapy", "therapySetting"),
                               *_refs(p, "riskGroup"), *_refs(p, "ageGroup"), ages])
    for kind, name in (("report", "hasReport"), ("arm", "hasArm"), ("cohort", "hasCohort")):
        for node in sorted((t.value for t in props.get(IA + name, []) if t.is_iri), key=model.by_label):
            p = found[node]
            details: list[Item] = [*_refs(p, "hasIntervention"), *_refs(p, "reportedIn")]
            year = _one(p, "reportYear")
            details += [str(year.value) if year else "", _follow_up(p)]
            out.groups.append(Group(kind, ref(node), _size(p) or "N not stated", [d for d in details if d]))
    out.headline = headline(view.results)
    return out


def _ages(p: Props) -> str:
    low, high, unit = _one(p, "minAge"), _one(p, "maxAge"), _one(p, "ageUnit")
    if low is None and high is None:
        return ""
    words = model.label(unit.value) + "s" if unit else ""
    if low is not None and high is not None:
        return f"ages {number(low.value)}–{number(high.value)} {words}".strip()
    return f"ages {'from ' + number(low.value) if low else 'up to ' + number(high.value)} {words}".strip()


def findings(out: Overview, incoming: dict[str, list[str]]) -> None:
    """Qualitative findings (closure reasons, "not significant") and comparisons about the entity."""
    out.add("Comparisons", [ref(c) for c in sorted(incoming.get(IA + "comparisonOf", []), key=model.by_label)])
    out.add("Findings", [ref(f) for f in sorted(incoming.get(IA + "findingAbout", []), key=model.by_label)])


def agent(view, props: Props, incoming: dict[str, list[str]]) -> Overview:
    out = Overview()
    onto = model.ontology()
    out.add("Kind", [ref(c) for c in onto.most_specific({t.value for t in props.get(model.RDF + "type", [])},
                                                        asserted_only=True)])
    out.add("Targets", _refs(props, "targetsAntigen", "bindsAntigen"))
    out.add("Engages", _refs(props, "engagesEffectorAntigen"))
    constructs = [t.value for t in props.get(IA + "hasCARConstruct", []) if t.is_iri]
    for node, p in props_of(constructs).items():
        out.add("CAR construct", [ref(node), *_refs(p, "constructHasCostimulatoryDomain", "hasActivationDomain",
                                                     "carGeneration", "scFvOrigin", "vector", "cellSource")])
    approvals = props_of(incoming.get(IA + "approvedAgent", []))
    out.add("Approvals", [ref(a) for a in sorted(approvals, key=lambda a: (
        str(_one(approvals[a], "approvalYear").value) if _one(approvals[a], "approvalYear") else "", a))])
    by_study: dict[str, list[Figure]] = defaultdict(list)
    for fig in view.results:
        if not fig.is_comparator_for(view.iri):
            by_study[fig.study.iri].append(fig)
    out.trials = [Trial(s.ref, next(iter(headline(by_study.get(s.ref.iri, []), 1)), None)) for s in view.studies]
    out.trials.sort(key=lambda t: (t.headline is None, t.ref.label.casefold()))
    out.compare = _compare_links(view, view.results, agent=model.local_name(view.iri))
    return out


def antigen(view, props: Props) -> Overview:
    out = Overview()
    onto = model.ontology()
    out.add("Encoded by", _refs(props, "encodedBy"))
    kinds: dict[str, list[Ref]] = defaultdict(list)
    for agent_ref, _how in view.agents:
        specific = onto.most_specific(model.types_of(agent_ref.iri), asserted_only=True)
        kinds[model.label(specific[0]) if specific else "agent"].append(agent_ref)
    for kind in sorted(kinds, key=str.casefold):
        out.add(f"Agents: {kind}", kinds[kind])
    out.add("Studies", [f"{len(view.studies)} studies of these agents" if view.studies else ""])
    out.compare = _compare_links(view, view.results, antigen=model.local_name(view.iri))
    return out


def adverse_event(view, props: Props, incoming: dict[str, list[str]]) -> Overview:
    out = Overview()
    ident = model.local_name(view.iri)
    rows, _ = compare.rows_of((view.iri,), True)
    spans: dict[tuple[str, str], list[compare.Row]] = defaultdict(list)
    for row in rows:
        if row.figure.value is not None and row.figure.unit in (None, figures.PERCENT):
            for a in row.figure.agents or [ref(IA + "TherapeuticAgent")]:
                spans[(a.iri, row.figure.grade.label if row.figure.grade else "")].append(row)
    for (agent_iri, grade), members in spans.items():
        values = [r.figure.value for r in members if r.figure.value is not None]
        out.incidence.append(Incidence(
            ref(agent_iri), grade, min(values), max(values), len({r.figure.study.iri for r in members}),
            len(members), compare.link(event=ident, agent=model.local_name(agent_iri))))
    out.incidence.sort(key=lambda i: (i.agent.label.casefold(), i.grade))
    profiles = props_of(s for s in incoming.get(IA + "event", []) if IA + "AdverseEventProfile" in model.types_of(s))
    aspects: dict[str, list[Item]] = defaultdict(list)
    for _, p in sorted(profiles.items(), key=lambda item: model.label(item[0])):
        aspect = _one(p, "profileAspect")
        amount = _one(p, "value")
        if aspect is None or amount is None:
            continue
        row = {"value": amount, **{k: t for k in ("valueUpper", "valueRelation", "unit") if (t := _one(p, k))}}
        grade, context = _one(p, "gradeQualifier"), _one(p, "subgroup")
        words = [model.label(grade.value) if grade else "", context.value if context else ""]
        aspects[model.label(aspect.value).capitalize()].append(
            figures.value_text(row)[1].strip() + "".join(f" ({w})" for w in words if w))
    for name in sorted(aspects):
        out.add(name, aspects[name])
    out.add("Grading", _refs(props, "gradingSystem"))
    out.add("Management", [ref(r) for r in sorted(incoming.get(IA + "ruleForEvent", []), key=model.by_label)])
    out.add("Managed with", _refs(props, "managedWith"))
    out.compare = [("incidence across studies", compare.link(event=ident))]
    return out


def measure(view) -> Overview:
    out = Overview()
    out.compare = [("this measure across studies", compare.link(measure=model.local_name(view.iri)))]
    return out


__all__ = ["Overview", "adverse_event", "agent", "antigen", "findings", "headline", "measure", "props_of", "study"]
