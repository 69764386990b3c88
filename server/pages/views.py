"""What an entity page shows, gathered from the graph: `entity_view(iri)` -> `EntityView`.

The generic part (label, types in their hierarchy, definition, synonyms, identifiers, mappings,
every outgoing and incoming statement grouped by property) is the same for every IRI; sections
for the kinds people come for (trials, agents, antigens, adverse events, figures, passages,
classes, properties, disagreements) are added by the kind's function.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from flask import current_app, url_for

from server.pages import data, disagreements, figures, model, overview
from server.pages.data import Term
from server.pages.disagreements import Disagreement
from server.pages.figures import Evidence, Figure
from server.pages.present import Ref, Text, natural, ref, value

IA = model.IA
SHOWN_PER_GROUP = 50
HUB_FIGURES = 100  # figures on a page that gathers them from many studies or nodes; a link gives all
EXCERPT_CHARS = 700

DEFINITIONS = (model.IAO + "0000115", model.SKOS + "definition", model.DCT + "description",
               model.RDFS + "comment")
MAPPINGS = (model.SKOS + "exactMatch", model.SKOS + "closeMatch", model.SKOS + "broadMatch",
            model.SKOS + "narrowMatch", model.SKOS + "relatedMatch", model.OWL + "sameAs",
            model.RDFS + "seeAlso")
IDENTIFIERS = (model.DCT + "identifier", IA + "doi", model.SKOS + "notation", IA + "registryId")
SYNONYM_TOP = (model.SKOS + "altLabel", model.SKOS + "prefLabel", model.SKOS + "hiddenLabel")
FIRST_PROPERTIES = (model.RDF + "type", model.RDFS + "label")


@dataclass
class Statement:
    value: Ref | Text
    inferred: bool = False
    provenance: bool = False


@dataclass
class Group:
    property: Ref
    statements: list[Statement]
    total: int
    more: str | None = None


@dataclass
class Named:
    property: Ref
    value: Ref | Text


@dataclass
class Part:
    """A node whose IRI extends the entity's with a fragment (#population, #step1)."""

    anchor: str
    ref: Ref
    groups: list[Group]


@dataclass
class Study:
    ref: Ref
    via: list[Ref]
    results: int = 0
    observations: int = 0


@dataclass
class EntityView:
    iri: str
    label: str
    ref: Ref
    types: list[list[Ref]] = field(default_factory=list)
    definition: str | None = None
    synonyms: list[Named] = field(default_factory=list)
    identifiers: list[Named] = field(default_factory=list)
    mappings: list[Named] = field(default_factory=list)
    outgoing: list[Group] = field(default_factory=list)
    incoming: list[Group] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)
    sources: list[Evidence] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)
    results: list[Figure] = field(default_factory=list)
    observations: list[Figure] = field(default_factory=list)
    figures_heading: str = "Figures"
    figures_note: str | None = None
    figures_more: str | None = None  # a query for all the figures when the page shows the first
    disagreements: list[Disagreement] = field(default_factory=list)
    studies: list[Study] = field(default_factory=list)
    agents: list[tuple[Ref, str]] = field(default_factory=list)
    members: list[Ref] = field(default_factory=list)
    member_count: int = 0
    subclasses: list[tuple[Ref, int]] = field(default_factory=list)
    property_info: dict[str, list[Ref]] = field(default_factory=dict)
    property_uses: int | None = None
    passage: dict[str, object] = field(default_factory=dict)
    products: list[Ref] = field(default_factory=list)
    overview: overview.Overview | None = None
    comparators: list[Figure] = field(default_factory=list)  # figures of arms without the page's agent
    show_agents: bool = False  # an agent column in the figure tables (pages gathering many agents)

    @property
    def has_figures(self) -> bool:
        return bool(self.results or self.observations)

    def incoming_link(self, prop: str) -> str | None:
        """The query behind the "all N" link of an incoming property."""
        return next((group.more for group in self.incoming if group.property.iri == prop), None)

    @property
    def is_study(self) -> bool:
        return IA + "ClinicalStudy" in self.kinds


def query_link(text: str) -> str:
    return url_for("query_page.query", query=text)


def _is_inferred(graph: Term | None) -> bool:
    return graph is not None and graph.value.endswith("/graph/inferred")


def _is_provenance(graph: Term | None) -> bool:
    return graph is not None and graph.value.endswith("/graph/provenance")


def _group_key(prop: str) -> tuple[int, str]:
    return (FIRST_PROPERTIES.index(prop) if prop in FIRST_PROPERTIES else len(FIRST_PROPERTIES),
            model.label(prop).casefold())


def _sort_value(item: Statement) -> str:
    return (item.value.label if isinstance(item.value, Ref) else item.value.text).casefold()


Rows = list[tuple[str, Term, Term | None]]


def shown_rows(rows: Rows) -> Rows:
    """The rows a page shows: every row of a property with at most SHOWN_PER_GROUP values, the
    first SHOWN_PER_GROUP values (by IRI) of a larger one, so a hub's labels are not all fetched."""
    values: dict[str, set[str]] = defaultdict(set)
    for prop, term, _ in rows:
        values[prop].add(term.value)
    keep = {prop: set(sorted(found)[:SHOWN_PER_GROUP]) for prop, found in values.items()
            if len(found) > SHOWN_PER_GROUP}
    return [row for row in rows if row[0] not in keep or row[1].value in keep[row[0]]]


def _groups(rows: Rows, more: dict[str, str] | None = None, totals: dict[str, int] | None = None) -> list[Group]:
    """(property, value, graph) rows grouped by property, values deduplicated across graphs;
    `totals` gives the number of values of a property when `rows` holds only the first ones."""
    found: dict[str, dict[tuple[str, str], Statement]] = defaultdict(dict)
    for prop, term, graph in rows:
        key = (term.kind, term.value + "@" + (term.lang or "") + "^" + (term.datatype or ""))
        known = found[prop].get(key)
        if known is None:
            found[prop][key] = Statement(value(term, prop), _is_inferred(graph), _is_provenance(graph))
        elif not _is_inferred(graph):
            known.inferred = False
    groups = []
    for prop in sorted(found, key=_group_key):
        statements = sorted(found[prop].values(), key=_sort_value)
        total = max(len(statements), (totals or {}).get(prop, 0))
        link = (more or {}).get(prop) if total > SHOWN_PER_GROUP else None
        groups.append(Group(ref(prop), statements[:SHOWN_PER_GROUP], total, link))
    return groups


def _ancestors_of_property(prop: str, onto: model.Ontology) -> set[str]:
    seen: set[str] = set()
    frontier = [prop]
    while frontier:
        current = frontier.pop()
        for parent in onto.properties.get(current, model.PropertyInfo(current)).parents:
            if parent not in seen:
                seen.add(parent)
                frontier.append(parent)
    return seen


def _header(view: EntityView, out_rows: list[tuple[str, Term, Term | None]], onto: model.Ontology) -> None:
    types = {term.value for prop, term, _ in out_rows if prop == model.RDF + "type" and term.is_iri}
    view.kinds = types | {a for t in types for a in onto.ancestors(t)}
    view.types = [[ref(c) for c in onto.path(t)] for t in onto.most_specific(types)]
    for prop in DEFINITIONS:
        texts = [term.value for p, term, _ in out_rows if p == prop and term.is_literal]
        if texts:
            view.definition = texts[0]
            break
    seen: set[tuple[str, str]] = set()
    for prop, term, _ in out_rows:
        if (prop, term.value) in seen:
            continue
        seen.add((prop, term.value))
        parents = _ancestors_of_property(prop, onto) | {prop}
        if term.is_literal and parents & set(SYNONYM_TOP) and prop != model.RDFS + "label":
            view.synonyms.append(Named(ref(prop), value(term, prop)))
        elif term.is_literal and parents & set(IDENTIFIERS):
            view.identifiers.append(Named(ref(prop), value(term, prop)))
        elif prop in MAPPINGS and term.is_iri:
            view.mappings.append(Named(ref(prop), value(term, prop)))
    view.synonyms.sort(key=lambda n: (n.property.label, str(n.value.text if isinstance(n.value, Text) else n.value)))


def entity_view(iri: str) -> EntityView | None:
    """Everything the page of `iri` shows, or None when the graph does not mention it."""
    return data.cached(f"view:{iri}", lambda: _build(iri))


def _build(iri: str) -> EntityView | None:
    this = data.iri(iri)
    out = data.select("entity-out", this=this)
    in_rows, in_totals = incoming(iri)
    if not out and not in_rows and not data.ask("exists", this=this):
        return None
    onto = model.ontology()
    out_rows = [(r["p"].value, r["o"], r.get("g")) for r in out]
    out_shown, in_shown = shown_rows(out_rows), shown_rows(in_rows)
    model.prefetch([iri, *(p for p, _, _ in out_rows + in_rows),
                    *(t.value for _, t, _ in out_shown + in_shown if t.is_iri)])
    view = EntityView(iri, model.label(iri), ref(iri))
    _header(view, out_rows, onto)
    view.outgoing = _groups(out_shown, None, _value_counts(out_rows))
    more = {prop: query_link(data.bind(data.load_query("link-subjects"), {"property": data.iri(prop), "this": this}))
            for prop in in_totals}
    view.incoming = _groups(in_shown, more, in_totals)
    _parts(view, out_rows)
    found = figures.evidence([iri])
    view.sources = found.get(iri, ([], []))[0]
    incoming_subjects = {term.value for _, term, _ in in_rows if term.is_iri}
    for kind, build in KIND_SECTIONS:
        if kind in view.kinds:
            build(view, onto, incoming_subjects)
            break
    else:
        _referring_figures(view, incoming_subjects)
    if not view.disagreements:
        view.disagreements = disagreements.concerning(
            [iri] + [f.node.iri for f in view.results + view.observations][:400])
    view.overview = _overview(view, out_rows, in_rows)
    claims = {c.node.iri: d.anchor for d in view.disagreements for c in d.claims}
    for fig in view.results + view.observations:
        fig.disagreement = claims.get(fig.node.iri)
    return view


def _overview(view: EntityView, out_rows: Rows, in_rows: Rows) -> overview.Overview | None:
    """The overview of a study, agent, antigen, adverse event or measure (overview.py)."""
    props: dict[str, list[Term]] = defaultdict(list)
    for prop, term, _ in out_rows:
        if term not in props[prop]:
            props[prop].append(term)
    pointing: dict[str, list[str]] = defaultdict(list)
    for prop, term, _ in in_rows:
        if term.is_iri and term.value not in pointing[prop]:
            pointing[prop].append(term.value)
    if IA + "ClinicalStudy" in view.kinds:
        found = overview.study(view, props)
        overview.findings(found, pointing)
        return found
    if IA + "Intervention" in view.kinds:
        return overview.agent(view, props, pointing)
    if IA + "Antigen" in view.kinds:
        return overview.antigen(view, props)
    if IA + "AdverseEvent" in view.kinds:
        return overview.adverse_event(view, props, pointing)
    if IA + "OutcomeMeasure" in view.kinds:
        return overview.measure(view)
    return None


def incoming(iri: str) -> tuple[Rows, dict[str, int]]:
    """The first statements pointing at `iri` (queries/pages/entity-in.rq) and, per property, how
    many subjects point at it in all."""
    rows: Rows = []
    totals: dict[str, int] = {}
    for row in data.select("entity-in", this=data.iri(iri)):
        if "count" in row:
            totals[row["p"].value] = int(row["count"].value)
        elif "s" in row:
            rows.append((row["p"].value, row["s"], row.get("g")))
    return rows, totals


def _value_counts(rows: Rows) -> dict[str, int]:
    values: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for prop, term, _ in rows:
        values[prop].add((term.kind, term.value))
    return {prop: len(found) for prop, found in values.items()}


def _parts(view: EntityView, out_rows: list[tuple[str, Term, Term | None]]) -> None:
    prefix = view.iri + "#"
    parts = sorted({t.value for _, t, _ in out_rows if t.is_iri and t.value.startswith(prefix)})
    if not parts:
        return
    rows: dict[str, list[tuple[str, Term, Term | None]]] = defaultdict(list)
    found = figures.select_nodes("statements", "nodes", parts)
    model.prefetch(t.value for row in found for t in (row["p"], row["o"]) if t.is_iri)
    for row in found:
        rows[row["s"].value].append((row["p"].value, row["o"], None))
    view.parts = [Part(p[len(prefix):], ref(p), _groups(rows[p])) for p in parts]


# ---- sections by kind ---------------------------------------------------------------------------

def _set_figures(view: EntityView, results: list[Figure], observations: list[Figure]) -> None:
    view.results, view.observations = results, observations


def _study(view: EntityView, onto: model.Ontology, incoming: set[str]) -> None:
    results, observations = figures.of_studies([view.iri])
    _set_figures(view, results, observations)
    view.figures_heading = "Results"


def _studies_of(interventions: list[str]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for row in figures.select_nodes("studies-of-interventions", "interventions", interventions):
        found[row["study"].value].add(row["intervention"].value)
    return found


MAX_STUDIES = 200  # a hub (an antigen most agents target) lists the first, in IRI order, and says so


def _with_studies(view: EntityView, studies: dict[str, set[str]]) -> None:
    notes = []
    if len(studies) > MAX_STUDIES:
        notes.append(f"The first {MAX_STUDIES} of {len(studies)} studies.")
        studies = {s: studies[s] for s in sorted(studies)[:MAX_STUDIES]}
    model.prefetch([*studies, *(v for via in studies.values() for v in via)])
    counts = figures.counts(studies)
    results, observations = figures.of_studies(list(studies), HUB_FIGURES)
    _set_figures(view, results, observations)
    total = sum(sum(found) for found in counts.values())
    if total > len(results) + len(observations):
        notes.append(f"The first {len(results) + len(observations)} of {total} figures of these studies.")
        view.figures_more = query_link(data.bind(data.load_query("link-figures"),
                                                 {"studies": [data.iri(s) for s in sorted(studies)]}))
    view.figures_note = " ".join(notes) or None
    view.studies = sorted(
        (Study(ref(s), [ref(v) for v in sorted(via) if v != view.iri], *counts[s]) for s, via in studies.items()),
        key=lambda s: s.ref.label.casefold())


def _intervention(view: EntityView, onto: model.Ontology, incoming: set[str]) -> None:
    _with_studies(view, _studies_of([view.iri]))
    view.figures_heading = "Results of its trials"
    view.comparators = [f for f in view.results + view.observations if f.is_comparator_for(view.iri)]
    view.results = [f for f in view.results if not f.is_comparator_for(view.iri)]
    view.observations = [f for f in view.observations if not f.is_comparator_for(view.iri)]


def _antigen(view: EntityView, onto: model.Ontology, incoming: set[str]) -> None:
    agents: dict[str, set[str]] = defaultdict(set)
    for row in data.select("agents-of-antigen", this=data.iri(view.iri)):
        agents[row["agent"].value].add(row["how"].value)
    model.prefetch(agents)
    view.agents = sorted(((ref(a), ", ".join(sorted(h))) for a, h in agents.items()),
                         key=lambda item: item[0].label.casefold())
    if agents:
        _with_studies(view, _studies_of(list(agents)))
        view.figures_heading = "Results of trials of these agents"
        view.show_agents = True


def _adverse_event(view: EntityView, onto: model.Ontology, incoming_subjects: set[str]) -> None:
    rows, totals = incoming(view.iri)
    nodes = sorted({term.value for prop, term, _ in rows if prop == IA + "event"})
    _, observations = figures.load(nodes[:HUB_FIGURES])
    _set_figures(view, [], observations)
    view.figures_heading = "Incidence in studies"
    view.show_agents = True
    total = totals.get(IA + "event", len(nodes))
    if total > min(len(nodes), HUB_FIGURES):
        view.figures_note = f"The first {min(len(nodes), HUB_FIGURES)} of {total} figures of this event."
        view.figures_more = view.incoming_link(IA + "event")


def _figure_node(view: EntityView, onto: model.Ontology, incoming: set[str]) -> None:
    results, observations = figures.load([view.iri])
    view.results, view.observations = results, observations
    view.figures_heading = "The figure"
    if results or observations:
        view.label = (results + observations)[0].title


def _passage(view: EntityView, onto: model.Ontology, incoming: set[str]) -> None:
    facts: dict[str, list[Term]] = defaultdict(list)
    for group_row in data.select("entity-out", this=data.iri(view.iri)):
        facts[group_row["p"].value].append(group_row["o"])
    document = next((t.value for t in facts.get(IA + "inDocument", []) if t.is_iri), None)
    start = next((int(t.value) for t in facts.get(model.OA + "start", [])), None)
    end = next((int(t.value) for t in facts.get(model.OA + "end", [])), None)
    pub = model.publication(document) if document else None
    view.passage = {
        "document": ref(document) if document else None,
        "short": pub.short if pub else None,
        "licence": pub.license if pub else None,
        "section": next((t.value for t in facts.get(IA + "section", [])), None),
        "start": start,
        "end": end,
        "length": (end - start) if start is not None and end is not None else None,
        "excerpt": excerpt(pub, start, end) if pub and start is not None and end is not None else None,
    }
    _referring_figures(view, incoming)
    view.figures_heading = "Figures stated in this passage"


def _class(view: EntityView, onto: model.Ontology, incoming: set[str]) -> None:
    members = [row["member"].value for row in data.select("members", **{"class": data.iri(view.iri)})]
    model.prefetch(members)
    view.member_count = onto.counts.get(view.iri, len(members))
    view.members = sorted((ref(m) for m in members), key=lambda r: natural(r.label))
    view.subclasses = [(ref(c), onto.counts.get(c, 0)) for c in onto.subclasses(view.iri)]
    view.property_info = {
        "Properties with this domain": [ref(p.iri) for p in onto.properties.values() if view.iri in p.domain],
        "Properties with this range": [ref(p.iri) for p in onto.properties.values() if view.iri in p.range],
    }
    for key in view.property_info:
        view.property_info[key].sort(key=lambda r: r.label.casefold())


def _property(view: EntityView, onto: model.Ontology, incoming: set[str]) -> None:
    info = onto.properties.get(view.iri)
    if info is None:
        return
    view.property_info = {
        "Domain": [ref(c) for c in sorted(info.domain, key=model.label)],
        "Range": [ref(c) for c in sorted(info.range, key=model.label)],
        "Subproperty of": [ref(c) for c in sorted(info.parents, key=model.label)],
        "Inverse": [ref(c) for c in sorted(info.inverse, key=model.label)],
        "Subproperties": [ref(p.iri) for p in sorted(onto.properties.values(), key=lambda p: model.label(p.iri))
                          if view.iri in p.parents],
    }
    view.property_uses = onto.uses.get(view.iri, 0)
    if info.definition and not view.definition:
        view.definition = info.definition


def _disagreement(view: EntityView, onto: model.Ontology, incoming: set[str]) -> None:
    view.disagreements = disagreements.describe([view.iri])


def _generation(view: EntityView, onto: model.Ontology, incoming: set[str]) -> None:
    view.products = sorted((ref(row["product"].value) for row in data.select("car-generations")
                            if row["generation"].value == view.iri and "product" in row),
                           key=lambda r: r.label.casefold())
    _referring_figures(view, incoming)


def _referring_figures(view: EntityView, incoming: set[str]) -> None:
    model.prefetch(incoming)
    nodes = [s for s in incoming
             if {IA + "OutcomeResult", IA + "AdverseEventObservation"} & model.types_of(s)]
    if nodes:
        results, observations = figures.load(sorted(nodes)[:HUB_FIGURES])
        _set_figures(view, results, observations)
        view.figures_heading = "Figures that refer to this"
        if len(nodes) > HUB_FIGURES:
            view.figures_note = f"The first {HUB_FIGURES} of {len(nodes)} figures."


# Most specific first: the first kind the entity belongs to decides its sections.
KIND_SECTIONS = (
    (IA + "OutcomeResult", _figure_node),
    (IA + "AdverseEventObservation", _figure_node),
    (IA + "Disagreement", _disagreement),
    (IA + "ClinicalStudy", _study),
    (IA + "Intervention", _intervention),
    (IA + "Antigen", _antigen),
    (IA + "AdverseEvent", _adverse_event),
    (IA + "Passage", _passage),
    (IA + "CARGeneration", _generation),
    (model.OWL + "Class", _class),
    (model.OWL + "ObjectProperty", _property),
    (model.OWL + "DatatypeProperty", _property),
    (model.OWL + "AnnotationProperty", _property),
)


# ---- excerpts of openly licensed reviews ---------------------------------------------------------

@lru_cache(maxsize=8)
def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def excerpt(pub: model.Publication, start: int, end: int) -> str | None:
    """The passage's text, at most EXCERPT_CHARS, only for a CC BY review whose file is at hand."""
    if not pub.open_licence or not pub.source_file:
        return None
    folder = current_app.config.get("CORPUS_PATH")
    if not folder:
        return None
    root = Path(folder).resolve()
    path = (root / pub.source_file).resolve()
    if root not in path.parents:
        return None  # a file name in the data never leads outside the corpus folder
    text = _read(path)
    if text is None or not 0 <= start < end <= len(text):
        return None
    snippet = " ".join(text[start:end].split())
    return snippet if len(snippet) <= EXCERPT_CHARS else snippet[:EXCERPT_CHARS].rsplit(" ", 1)[0] + " …"


def search_link(text: str) -> str:
    return url_for("search.search", **{"q": text})


__all__ = ["EntityView", "entity_view", "excerpt", "query_link", "search_link"]
