"""Pictures drawn on the server as SVG, readable without JavaScript.

(a) response rates (CR, CR/CRi, CR/CRh, ORR, MRD-negative CR) across CAR T trials grouped by
target antigen, with timepoints; (b) adverse-event incidence, any grade against grade >= 3, for
CRS and ICANS per product; (c) the neighbourhood of an entity as a radial graph. Geometry is
computed here; the templates (`_chart_*.svg`) only draw it, escaped by Jinja. Every bar and node
links to the page of the figure or entity it stands for, and every chart has a table twin.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from flask import Blueprint, Response, abort, render_template, request

from server.http import cacheable, conditional, etag_for
from server.negotiation import HTML
from server.pages import data, figures, links, model
from server.pages.figures import Figure
from server.pages.present import Text, number
from server.store import get_backend

bp = Blueprint("charts", __name__)
IA = model.IA
SVG_TYPE = "image/svg+xml; charset=utf-8"

# Okabe-Ito colours: distinguishable with colour-vision deficiencies.
MEASURE_COLOURS = {
    IA + "CR": "#0072B2", IA + "CRCRi": "#009E73", IA + "CRCRh": "#56B4E9", IA + "ORR": "#E69F00",
    IA + "MRDNegativeCR": "#CC79A7",
}
ANY_GRADE, SEVERE = "#8FB8DE", "#0B4F8A"
SCOPES = {"car-t": (IA + "CARTCellProduct", "CAR T-cell products"),
          "all": (IA + "TherapeuticAgent", "all therapeutic agents")}
AE_EVENTS = ("CRS", "ICANS")


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _short(text: str, size: int = 34) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


# ---- (a) response rates -------------------------------------------------------------------------

@dataclass
class Bar:
    y: float
    width: float
    label: str
    sublabel: str
    value_text: str
    href: str
    colour: str
    title: str
    ci: tuple[float, float] | None
    figure: Figure


@dataclass
class BarGroup:
    title: str
    y: float
    bars: list[Bar] = field(default_factory=list)


@dataclass
class BarChart:
    title: str
    desc: str
    width: int
    height: int
    left: int
    plot: int
    groups: list[BarGroup]
    ticks: list[tuple[float, str]]
    legend: list[tuple[str, str]]
    axis_y: float
    empty: bool


ROW, HEADER, LEFT, PLOT, RIGHT, TOP = 30, 34, 330, 380, 110, 40


def response_chart(scope: str) -> BarChart:
    agent_class, scope_name = SCOPES[scope]
    rows = data.select("chart-response", agentClass=data.iri(agent_class))
    antigens: dict[str, set[str]] = defaultdict(set)
    agents: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        antigens[row["result"].value].add(model.label(row["antigen"].value))
        agents[row["result"].value].add(model.label(row["agent"].value))
    results, _ = figures.load(antigens)
    grouped: dict[str, list[Figure]] = defaultdict(list)
    for fig in results:
        grouped[" + ".join(sorted(antigens[fig.node.iri]))].append(fig)
    groups: list[BarGroup] = []
    y = float(TOP)
    used: dict[str, str] = {}
    scale = PLOT / 100
    for antigen in sorted(grouped):
        group = BarGroup(f"Target antigen: {antigen}", y + 20)
        y += HEADER
        for fig in sorted(grouped[antigen], key=lambda f: (f.study.label, f.what.label,
                                                          f.timepoint_months or Decimal(0), f.review_names)):
            value = float(fig.value or 0)
            colour = MEASURE_COLOURS.get(fig.what.iri, "#555555")
            used[fig.what.iri] = colour
            when = fig.timepoint_text or "timepoint not stated"
            where = " · ".join(x for x in (fig.arm.label if fig.arm else "", fig.subgroup or "") if x)
            ci = _ci(fig, scale)
            group.bars.append(Bar(
                y=y, width=max(1.0, min(value, 100.0) * scale),
                label=_short(f"{fig.study.label} · {fig.what.label}", 44),
                sublabel=_short(" · ".join(x for x in (when, fig.review_names, where) if x), 56),
                value_text=fig.value_text,
                href=fig.node.href, colour=colour,
                title=(f"{fig.study.label}, {', '.join(sorted(agents[fig.node.iri]))}: {fig.what.label} "
                       f"{fig.value_text}, {when}{', ' + where if where else ''}; from {fig.review_names}"),
                ci=ci, figure=fig))
            y += ROW
        groups.append(group)
        y += 8
    legend = [(colour, model.label(iri)) for iri, colour in used.items()]
    height = int(y + 50)
    ticks = [(LEFT + t * scale, f"{t}%") for t in range(0, 101, 20)]
    return BarChart(
        title=f"Response rates across trials of {scope_name}, by target antigen",
        desc=(f"{_plural(len(results), 'response figure')} (CR, CR/CRi, CR/CRh, ORR, MRD-negative CR) from "
              f"{_plural(len({f.study.iri for f in results}), 'study', 'studies')}, each a bar on a 0-100% scale "
              "with its timepoint and the review that states it."),
        width=LEFT + PLOT + RIGHT, height=max(height, 140), left=LEFT, plot=PLOT, groups=groups,
        ticks=ticks, legend=legend, axis_y=y, empty=not results)


def _ci(fig: Figure, scale: float) -> tuple[float, float] | None:
    for detail in fig.details:
        if "CI " in detail:
            try:
                low, high = detail.split("CI ", 1)[1].split("–")
                return LEFT + float(low) * scale, LEFT + float(high) * scale
            except ValueError:
                return None
    return None


# ---- (b) adverse events ---------------------------------------------------------------------------

@dataclass
class AeBar:
    x: float
    y: float
    width: float
    colour: str
    value_text: str
    href: str
    title: str


@dataclass
class AeRow:
    y: float
    label: str
    sublabel: str
    bars: list[AeBar]


@dataclass
class AeChart:
    title: str
    desc: str
    width: int
    height: int
    panels: list[tuple[float, str, list[tuple[float, str]]]]
    rows: list[AeRow]
    legend: list[tuple[str, str]]
    axis_y: float
    empty: bool
    figures: list[Figure]


AE_LEFT, AE_PANEL, AE_GAP, AE_ROW = 300, 240, 130, 44


def adverse_event_chart(scope: str) -> AeChart:
    agent_class, scope_name = SCOPES[scope]
    events = [data.iri(links.iri_for(f"/adverse-event/{name}")) for name in AE_EVENTS]
    rows = data.select("chart-adverse-events", agentClass=data.iri(agent_class), events=events)
    products: dict[str, set[str]] = defaultdict(set)
    severe: dict[str, bool] = {}
    for row in rows:
        products[row["observation"].value].add(model.label(row["agent"].value))
        severe[row["observation"].value] = row["severe"].value == "true"
    _, observations = figures.load(products)
    # one row per product, study and review; one panel per event; two bars (any, severe) per cell
    cells: dict[tuple[str, str, str], dict[str, dict[bool, Figure]]] = defaultdict(lambda: defaultdict(dict))
    for fig in observations:
        key = (" + ".join(sorted(products[fig.node.iri])), fig.study.label, fig.review_names)
        cells[key][fig.what.iri].setdefault(severe.get(fig.node.iri, False), fig)
    panel_x = [AE_LEFT + i * (AE_PANEL + AE_GAP) for i in range(len(events))]
    scale = AE_PANEL / 100
    out_rows: list[AeRow] = []
    y = float(TOP + 20)
    for key in sorted(cells):
        product, study, review = key
        bars: list[AeBar] = []
        for index, event in enumerate(events):
            for offset, is_severe in ((0, False), (16, True)):
                fig = cells[key].get(event.value, {}).get(is_severe)
                if fig is None:
                    continue
                value = float(fig.value or 0)
                grade = fig.grade.label if fig.grade else ""
                bars.append(AeBar(
                    x=panel_x[index], y=y + offset, width=max(1.0, min(value, 100.0) * scale),
                    colour=SEVERE if is_severe else ANY_GRADE,
                    value_text=f"{fig.value_text} {grade}".strip(), href=fig.node.href,
                    title=f"{product} in {study}: {fig.what.label}, {grade}: {fig.value_text} (from {review})"))
        out_rows.append(AeRow(y, _short(product, 40), _short(f"{study} · {review}", 46), bars))
        y += AE_ROW
    panels = [(x, f"{name}: {_short(model.label(e.value), 30)}", [(x + t * scale, f"{t}%") for t in range(0, 101, 25)])
              for x, e, name in zip(panel_x, events, AE_EVENTS, strict=True)]
    return AeChart(
        title=f"CRS and ICANS incidence with {scope_name}: any grade and grade 3 or higher",
        desc=(f"{_plural(len(observations), 'adverse-event figure')} from "
              f"{_plural(len({f.study.iri for f in observations}), 'study', 'studies')}; for each product, study "
              "and review a light bar is the any-grade incidence and a dark bar the severe (grade 3 or higher, or "
              "grade 3 where so reported) incidence, on a 0-100% scale."),
        width=AE_LEFT + len(events) * (AE_PANEL + AE_GAP) + 60, height=int(max(y + 40, 150)),
        panels=panels, rows=out_rows, legend=[(ANY_GRADE, "any grade"), (SEVERE, "grade 3 or higher (severe)")],
        axis_y=y, empty=not observations, figures=observations)


# ---- (c) neighbourhood ------------------------------------------------------------------------------

KIND_COLOURS = (
    (IA + "ClinicalStudy", "#0072B2", "study"),
    (IA + "Intervention", "#E69F00", "intervention"),
    (IA + "Antigen", "#009E73", "antigen"),
    (IA + "AdverseEvent", "#D55E00", "adverse event"),
    (IA + "OutcomeResult", "#CC79A7", "figure"),
    (IA + "AdverseEventObservation", "#CC79A7", "figure"),
    (IA + "Passage", "#7F7F7F", "evidence"),
    (IA + "Publication", "#7F7F7F", "evidence"),
)
OTHER = ("#56B4E9", "other")
MAX_NEIGHBOURS = 24


@dataclass
class Node:
    x: float
    y: float
    label: str
    full: str
    sub: str
    href: str
    colour: str
    anchor: str
    lx: float
    ly: float


@dataclass
class Neighbourhood:
    title: str
    width: int
    height: int
    centre: Node
    nodes: list[Node]
    more: int
    legend: list[tuple[str, str]]


def _kind_colour(iri: str) -> tuple[str, str]:
    onto = model.ontology()
    classes = model.types_of(iri)
    for cls, colour, name in KIND_COLOURS:
        if onto.is_a(classes, cls):
            return colour, name
    return OTHER


SKIP = {model.RDFS + "label", model.RDF + "type"}
LOW = {model.PROV + "wasDerivedFrom", model.PROV + "hadPrimarySource", IA + "unit", IA + "statistic"}


GROUP_LIMIT = 3  # a property with more values than this is drawn as one node with a count


def _count_label(total: int, example: str) -> str:
    """`14 outcome results`: the count and the kind of the first member."""
    onto = model.ontology()
    specific = onto.most_specific(model.types_of(example), asserted_only=True)
    kind = model.label(specific[0]) if specific else "entitie"
    return f"{total} {kind}s"


def neighbourhood(view) -> Neighbourhood:
    """The IRIs linked to the entity of an EntityView, around it; crowded properties summarised."""
    candidates: list[tuple[int, str, str, str, str, str]] = []  # rank, sort, label, sub, href, kind-iri
    seen: set[str] = {view.iri}
    seen_groups: set[frozenset[str]] = set()
    for direction, groups in (("out", view.outgoing), ("in", view.incoming)):
        for group in groups:
            if group.property.iri in SKIP:
                continue
            targets = [s.value for s in group.statements if not isinstance(s.value, Text)]
            rank = 2 if group.property.iri in LOW else (0 if direction == "out" else 1)
            arrow = f"{group.property.label} →" if direction == "out" else f"← {group.property.label}"
            if len(targets) > GROUP_LIMIT:
                members = frozenset(t.iri for t in targets)
                if members in seen_groups:
                    continue  # the inverse of a property already drawn
                seen_groups.add(members)
                seen.update(members)
                candidates.append((rank + 1, group.property.label.casefold(), _count_label(group.total, targets[0].iri),
                                   arrow, view.ref.href + "#statements", targets[0].iri))
                continue
            for target in targets:
                if target.iri in seen:
                    continue
                seen.add(target.iri)
                candidates.append((rank, target.label.casefold(), target.label, arrow, target.href, target.iri))
    candidates.sort(key=lambda c: (c[0], c[1]))
    chosen = candidates[:MAX_NEIGHBOURS]
    width, height = 960, 620
    cx, cy = width / 2, height / 2 + 10
    radius = 230 if len(chosen) > 10 else 180
    nodes: list[Node] = []
    used: dict[str, str] = {}
    for index, (_, _, text, arrow, href, kind_iri) in enumerate(chosen):
        angle = -math.pi / 2 + 2 * math.pi * index / max(1, len(chosen))
        x, y = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
        cos, sin = math.cos(angle), math.sin(angle)
        anchor = "start" if cos > 0.3 else ("end" if cos < -0.3 else "middle")
        lx = x + 12 * cos + (0 if anchor == "middle" else (4 if anchor == "start" else -4))
        ly = y + (20 * sin if anchor == "middle" else 4) + (8 if anchor == "middle" and sin > 0 else 0)
        colour, kind = _kind_colour(kind_iri)
        used[kind] = colour
        nodes.append(Node(x, y, _short(text, 28), text, _short(arrow, 32), href, colour, anchor, lx, ly))
    colour, kind = _kind_colour(view.iri)
    used.setdefault(kind, colour)
    centre = Node(cx, cy, _short(view.label, 30), view.label, "", view.ref.href, colour, "middle", cx, cy + 34)
    more = max(0, len(candidates) - len(chosen))
    return Neighbourhood(f"Neighbourhood of {view.label}", width, height, centre, nodes, more,
                         sorted((c, k) for k, c in used.items()))


# ---- routes ------------------------------------------------------------------------------------------

def _scope() -> str:
    scope = request.args.get("scope", "car-t")
    if scope not in SCOPES:
        abort(404)
    return scope


def _respond(name: str, body, content_type: str = HTML.content_type) -> Response:
    generation = get_backend().generation()
    etag = etag_for(generation, "chart", name, request.query_string.decode())
    not_modified = conditional(generation, etag)
    if not_modified is not None:
        return not_modified
    return cacheable(Response(body(), content_type=content_type), generation, etag)


@bp.route("/charts", methods=["GET", "HEAD"])
def index() -> Response:
    """Both charts on one page."""
    scope = _scope()
    return _respond("index", lambda: render_template(
        "charts.html", scope=scope, scopes=SCOPES, response=_response_chart(scope), adverse=_adverse_chart(scope)))


def _response_chart(scope: str) -> BarChart:
    return data.cached(f"chart:response:{scope}", lambda: response_chart(scope))


def _adverse_chart(scope: str) -> AeChart:
    return data.cached(f"chart:ae:{scope}", lambda: adverse_event_chart(scope))


@bp.route("/charts/response-rates", methods=["GET", "HEAD"])
def response_rates() -> Response:
    """(a) as a page: the SVG inline and its data as a table."""
    scope = _scope()
    return _respond("response", lambda: render_template("chart_response.html", chart=_response_chart(scope),
                                                        scope=scope, scopes=SCOPES))


@bp.route("/charts/response-rates.svg", methods=["GET", "HEAD"])
def response_rates_svg() -> Response:
    scope = _scope()
    return _respond("response.svg", lambda: render_template("_chart_response.svg", chart=_response_chart(scope),
                                                            standalone=True), SVG_TYPE)


@bp.route("/charts/adverse-events", methods=["GET", "HEAD"])
def adverse_events() -> Response:
    """(b) as a page: the SVG inline and its data as a table."""
    scope = _scope()
    return _respond("ae", lambda: render_template("chart_adverse_events.html", chart=_adverse_chart(scope),
                                                  scope=scope, scopes=SCOPES))


@bp.route("/charts/adverse-events.svg", methods=["GET", "HEAD"])
def adverse_events_svg() -> Response:
    scope = _scope()
    return _respond("ae.svg", lambda: render_template("_chart_adverse_events.svg", chart=_adverse_chart(scope),
                                                      standalone=True), SVG_TYPE)


@bp.route("/charts/neighbourhood.svg", methods=["GET", "HEAD"])
def neighbourhood_svg() -> Response:
    """(c) for any IRI under the base: ?iri=<IRI> (or ?path=/trial/...)."""
    from server.pages.views import entity_view

    iri = request.args.get("iri") or links.iri_for(request.args.get("path", ""))
    if not links.is_local(iri):
        abort(404)
    try:
        view = entity_view(iri)
    except ValueError:
        abort(404)
    if view is None:
        abort(404)
    graph = neighbourhood(view)
    return _respond("nb:" + iri, lambda: render_template("_chart_neighbourhood.svg", graph=graph,
                                                         standalone=True), SVG_TYPE)


__all__ = ["bp", "neighbourhood", "number"]
