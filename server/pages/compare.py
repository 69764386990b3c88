"""Comparison views: one table of figures across studies (/compare), filtered and sorted, as HTML,
CSV and JSON (Accept, a `.csv`/`.json` suffix or `?format=`), with a chart per unit.

    /compare?antigen=CD19&measure=CR&class=CARTCellProduct&months=36&sort=value&order=desc

A figure's agents are its arm's interventions, else its study's agents (figures.py), so the
chemotherapy arm of a blinatumomab trial is listed under chemotherapy. Timepoints are compared in
months (ia:timepointMonths: 3 years = 36 months). Rows of one mode (the chosen measures or events)
are read once per data version; filters and sorting work on them.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from flask import Blueprint, Response, abort, render_template, request, url_for

from immunall.kinds import SEGMENTS
from server import render
from server.http import cacheable, conditional, etag_for
from server.negotiation import HTML, Format
from server.pages import data, figures, links, model
from server.pages.figures import Figure
from server.pages.present import number
from server.store import get_backend

bp = Blueprint("compare", __name__)
IA = model.IA
JSON_FORMAT = Format("application/json", ("json",))
CSV_FORMAT = Format("text/csv", ("csv",))
OFFERS = (HTML, JSON_FORMAT, CSV_FORMAT)
SUFFIXES = {"json": JSON_FORMAT, "csv": CSV_FORMAT, "html": HTML}
MAX_ROWS = figures.MAX_FIGURES * 4  # figures read per mode; the page says when there are more


def _instance(segment: str) -> Callable[[str], str]:
    return lambda ident: links.iri_for(f"/{SEGMENTS[segment]}/{ident}")


def _term(name: str) -> str:
    return IA + name


# The filters: query parameter -> (label, IRI of a value). Several values of one parameter are alternatives.
FILTERS: dict[str, tuple[str, Callable[[str], str]]] = {
    "measure": ("Measure", _term),
    "event": ("Adverse event", _instance("ae")),
    "antigen": ("Target antigen", _instance("antigen")),
    "agent": ("Product or agent", _instance("agent")),
    "class": ("Kind of agent", _term),
    "line": ("Line of therapy or setting", _term),
    "review": ("Review", _instance("publication")),
    "grade": ("Grade", _term),
}
SORTS = {"study": "study", "agent": "product or agent", "what": "measure or event", "value": "value",
         "timepoint": "timepoint", "n": "N", "group": "arm, cohort, report", "review": "review"}


@dataclass
class Row:
    figure: Figure
    n: int | None
    n_words: str
    antigens: set[str]
    classes: set[str]
    lines: set[str]
    reviews: set[str]

    @property
    def agent_text(self) -> str:
        return ", ".join(a.label for a in self.figure.agents)


@dataclass
class Option:
    value: str
    label: str
    selected: bool


@dataclass
class Chart:
    unit: str
    title: str
    width: int
    height: int
    left: int
    plot: int
    bars: list[dict]
    ticks: list[tuple[float, str]]
    axis_y: float


@dataclass
class Table:
    events: bool
    rows: list[Row]
    total: int
    capped: bool
    chosen: dict[str, list[str]]
    options: dict[str, list[Option]]
    sort: str
    order: str
    months: list[Option] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)

    @property
    def title(self) -> str:
        words = [label for name, values in self.chosen.items() if name in FILTERS
                 for label in (o.label for o in self.options.get(name, []) if o.value in values)]
        return "Figures across studies" + (f": {', '.join(words)}" if words else "")


# ---- reading the rows of one mode ------------------------------------------------------------------

def _mode_rows(whats: tuple[str, ...], events: bool) -> tuple[list[Row], bool]:
    if not whats:
        cls = IA + ("AdverseEvent" if events else "OutcomeMeasure")
        whats = tuple(row["member"].value for row in data.select("members", **{"class": data.iri(cls)}))
    nodes = [row["node"].value for row in data.select("compare-figures", whats=[data.iri(w) for w in whats],
                                                       limit=MAX_ROWS + 1)]
    results, observations = figures.load(nodes[:MAX_ROWS], limit=None)
    found = observations if events else results
    agents = sorted({a.iri for f in found for a in f.agents})
    antigens: dict[str, set[str]] = defaultdict(set)
    for row in figures.select_nodes("agent-antigens", "agents", agents):
        antigens[row["agent"].value].add(row["antigen"].value)
    lines: dict[str, set[str]] = defaultdict(set)
    for row in figures.select_nodes("study-lines", "studies", {f.study.iri for f in found}):
        lines[row["study"].value].add(row["line"].value)
    onto = model.ontology()
    model.prefetch([*agents, *(a for found_ in antigens.values() for a in found_),
                    *(x for found_ in lines.values() for x in found_)])
    rows = []
    for fig in found:
        classes = {c for a in fig.agents for t in model.types_of(a.iri) if t.startswith(IA)
                   for c in (t, *onto.ancestors(t)) if c.startswith(IA)}
        rows.append(Row(fig, fig.n, fig.n_words, {x for a in fig.agents for x in antigens.get(a.iri, ())}, classes,
                        lines.get(fig.study.iri, set()), set(fig.reviews)))
    return rows, len(nodes) > MAX_ROWS


def rows_of(whats: tuple[str, ...], events: bool) -> tuple[list[Row], bool]:
    key = f"compare:{'events' if events else 'results'}:{' '.join(whats)}"
    return data.cached(key, lambda: _mode_rows(whats, events))


# ---- filters, sorting, options ----------------------------------------------------------------------

def _chosen() -> dict[str, list[str]]:
    chosen = {name: [v for v in request.args.getlist(name) if v] for name in FILTERS}
    for name, values in chosen.items():
        for text in values:
            try:
                data.iri(FILTERS[name][1](text))
            except ValueError:
                abort(400, description=f"{name}={text!r} names nothing: give the id at the end of its page's address")
    chosen["months"] = [v for v in request.args.getlist("months") if v]
    chosen["kind"] = ["events"] if request.args.get("kind") == "events" or chosen["event"] else []
    return {name: values for name, values in chosen.items() if values}


def _months(text: str) -> Decimal:
    try:
        return Decimal(text).quantize(Decimal("0.1"))
    except InvalidOperation:
        abort(400, description=f"months must be a number, not {text!r}")


def _keep(row: Row, iris: dict[str, set[str]], months: set[Decimal]) -> bool:
    fig = row.figure
    tests = {
        "antigen": row.antigens, "agent": {a.iri for a in fig.agents}, "class": row.classes, "line": row.lines,
        "review": row.reviews, "grade": {fig.grade.iri} if fig.grade else set(),
    }
    for name, wanted in iris.items():
        if name in tests and not wanted & tests[name]:
            return False
    return not months or fig.timepoint_months in months


def _sort_key(sort: str) -> Callable[[Row], tuple]:
    last = Decimal(10**9)

    def key(row: Row) -> tuple:
        fig = row.figure
        named = {
            "study": (fig.study.label.casefold(),), "agent": (row.agent_text.casefold(),),
            "what": (fig.what.label.casefold(), fig.grade.label if fig.grade else ""),
            "value": (fig.value if fig.value is not None else -last,),
            "timepoint": (fig.timepoint_months if fig.timepoint_months is not None else last, fig.timepoint_text),
            "n": (row.n if row.n is not None else -1,), "group": (fig.group.casefold(),),
            "review": (fig.review_names,),
        }
        return named[sort] + (fig.study.label.casefold(), fig.what.label.casefold(), fig.node.iri)

    return key


def _options(rows: list[Row], chosen: dict[str, list[str]], events: bool) -> dict[str, list[Option]]:
    """The values each filter can take among the rows of the mode, as (local id, label) choices."""
    values: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        fig = row.figure
        values["event" if events else "measure"].add(fig.what.iri)
        values["antigen"] |= row.antigens
        values["agent"] |= {a.iri for a in fig.agents}
        values["class"] |= {c for c in row.classes if model.ontology().is_a([c], IA + "Intervention")}
        values["line"] |= row.lines
        values["review"] |= row.reviews
        if fig.grade:
            values["grade"].add(fig.grade.iri)
    out: dict[str, list[Option]] = {}
    for name, iris in values.items():
        model.prefetch(iris)
        picked = set(chosen.get(name, []))
        out[name] = sorted((Option(model.local_name(i), model.label(i), model.local_name(i) in picked) for i in iris),
                           key=lambda o: model.natural(o.label))
    return out


def table() -> Table:
    chosen = _chosen()
    events = bool(chosen.get("kind"))
    whats = tuple(sorted(FILTERS["event" if events else "measure"][1](v) for v in chosen.get(
        "event" if events else "measure", [])))
    rows, capped = rows_of(whats, events)
    iris = {name: {FILTERS[name][1](v) for v in values} for name, values in chosen.items() if name in FILTERS}
    months = {_months(v) for v in chosen.get("months", [])}
    kept = [row for row in rows if _keep(row, iris, months)]
    sort = request.args.get("sort", "what")
    sort = sort if sort in SORTS else "what"
    order = "desc" if request.args.get("order") == "desc" else "asc"
    kept.sort(key=_sort_key(sort), reverse=order == "desc")
    found = Table(events, kept, len(rows), capped, chosen, _options(rows, chosen, events), sort, order)
    found.months = sorted((Option(number(m), number(m), number(m) in chosen.get("months", []))
                           for m in {r.figure.timepoint_months for r in rows if r.figure.timepoint_months is not None}),
                          key=lambda o: Decimal(o.value))
    found.charts = charts(kept)
    return found


# ---- charts: one per unit, bars labelled by product and study --------------------------------------

ROW, LEFT, PLOT, RIGHT, TOP = 52, 12, 560, 110, 44  # each bar under its two lines of label
CHART_BARS = 60  # a chart draws the first rows of the table; the table has them all
HTML_ROWS = 150  # rows on the page; the CSV and JSON twins have every row


def _unit_name(unit: str | None) -> str:
    return "%" if unit in (None, figures.PERCENT) else model.label(unit)


def charts(rows: list[Row]) -> list[Chart]:
    by_unit: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if row.figure.value is not None:
            by_unit[row.figure.unit or figures.PERCENT].append(row)
    out = []
    for unit, members in sorted(by_unit.items(), key=lambda item: -len(item[1])):
        members = members[:CHART_BARS]
        top = Decimal(100) if unit == figures.PERCENT else max(r.figure.value or Decimal(0) for r in members)
        top = top if top > 0 else Decimal(1)
        scale = PLOT / float(top)
        bars = []
        for index, row in enumerate(members):
            fig = row.figure
            product = row.agent_text or "agent not stated"
            bars.append({
                "y": TOP + index * ROW, "width": max(1.0, min(float(fig.value or 0), float(top)) * scale),
                "label": f"{product} · {fig.study.label}",
                "sublabel": " · ".join(x for x in (fig.what.label, fig.grade.label if fig.grade else "",
                                                    fig.timepoint_text, fig.group, fig.review_names) if x),
                "value": fig.value_text, "href": fig.node.href,
                "title": f"{product}, {fig.study.label}: {fig.title} (from {fig.review_names or 'no review'})",
            })
        steps = [top * Decimal(i) / 4 for i in range(5)]
        name = _unit_name(unit)
        ticks = [(LEFT + float(s) * scale, f"{number(s.quantize(Decimal('0.1')))}{'%' if name == '%' else ''}")
                 for s in steps]
        axis = TOP + len(members) * ROW
        out.append(Chart(name, f"Figures in {'percent' if name == '%' else name}", LEFT + PLOT + RIGHT,
                         axis + 40, LEFT, PLOT, bars, ticks, axis))
    return out


# ---- twins --------------------------------------------------------------------------------------------

def as_records(found: Table) -> list[dict]:
    out = []
    for row in found.rows:
        fig = row.figure
        out.append({
            "figure": fig.node.iri, "study": fig.study.iri, "study_label": fig.study.label,
            "agents": [a.iri for a in fig.agents], "agent_labels": [a.label for a in fig.agents],
            "agent_from": fig.agent_level,
            "what": fig.what.iri, "what_label": fig.what.label,
            "grade": fig.grade.iri if fig.grade else None,
            "value": str(fig.value) if fig.value is not None else None, "value_text": fig.value_text,
            "unit": fig.unit, "timepoint": fig.timepoint_text or None,
            "timepoint_months": number(fig.timepoint_months) if fig.timepoint_months is not None else None,
            "arm": fig.arm.iri if fig.arm else None, "cohort": fig.cohort.iri if fig.cohort else None,
            "subgroup": fig.subgroup, "report": fig.report.iri if fig.report else None,
            "n": row.n, "n_counts": row.n_words or None,
            "reviews": sorted(row.reviews),
            "evidence": [{"passage": e.passage.iri, "review": e.review.iri, "section": e.section,
                          "start": e.start, "end": e.end,
                          "references": [c.publication.iri for c in e.citations if c.publication]}
                         for e in fig.evidence],
        })
    return out


CSV_COLUMNS = ("figure", "study", "study_label", "agent_labels", "agent_from", "what_label", "grade", "value",
               "value_text", "unit", "timepoint", "timepoint_months", "arm", "cohort", "subgroup", "report", "n",
               "n_counts", "reviews", "passages")


def as_csv(found: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for record in as_records(found):
        record = dict(record, agent_labels="; ".join(record["agent_labels"]), reviews="; ".join(record["reviews"]),
                      passages="; ".join(e["passage"] for e in record["evidence"]))
        writer.writerow(["" if record.get(c) is None else record[c] for c in CSV_COLUMNS])
    return out.getvalue()


def link(**params: str | list[str]) -> str:
    """/compare with the given filters (what entity pages link to)."""
    return url_for("compare.table", **params)


def sort_link(found: Table, column: str) -> str:
    order = "desc" if found.sort == column and found.order == "asc" else "asc"
    return url_for("compare.table", **{**found.chosen, "sort": column, "order": order})


def twin_link(found: Table, suffix: str) -> str:
    return url_for("compare.table_as", ext=suffix, **found.chosen, sort=found.sort, order=found.order)


@bp.route("/compare", methods=["GET", "HEAD"], endpoint="table")
def table_route() -> Response:
    """The table as HTML, or its JSON or CSV twin by Accept or ?format=."""
    return _answer(render.negotiate(OFFERS))


@bp.route("/compare.<ext>", methods=["GET", "HEAD"])
def table_as(ext: str) -> Response:
    """The same table by suffix: .json, .csv (or .html)."""
    if ext not in SUFFIXES:
        abort(404)
    return _answer(SUFFIXES[ext])


def _answer(chosen: Format) -> Response:
    generation = get_backend().generation()
    etag = etag_for(generation, "compare", chosen.media_type, request.query_string.decode())
    not_modified = conditional(generation, etag)
    if not_modified is not None:
        return not_modified
    found = table()
    if chosen is JSON_FORMAT:
        body = json.dumps({"filters": found.chosen, "sort": found.sort, "order": found.order,
                           "count": len(found.rows), "rows": as_records(found)}, ensure_ascii=False)
    elif chosen is CSV_FORMAT:
        body = as_csv(found)
    else:
        body = render_template("compare.html", table=found, filters=FILTERS, sort_link=sort_link,
                               twin_link=twin_link, html_rows=HTML_ROWS, sorts=SORTS.items())
    response = Response(body, content_type=chosen.content_type)
    response.vary.add("Accept")
    root = request.host_url.rstrip("/") + request.script_root
    response.headers["Link"] = ", ".join(
        f'<{root}/compare.{ext}?{request.query_string.decode()}>; rel="alternate"; type="{fmt.media_type}"'
        for ext, fmt in SUFFIXES.items() if fmt is not chosen and ext != "html")
    return cacheable(response, generation, etag)


__all__ = ["Row", "Table", "bp", "link", "rows_of", "table"]
