"""Figures with their evidence: outcome results and adverse-event observations as table rows.

Each n-ary node becomes a `Figure`: what was measured, in which study, report, arm, cohort or
subgroup and at which timepoint, the value as printed (relation, range, unit, CI, n), the agents it
is about (its arm's, else its study's), and its `Evidence`: the review, section or table, character
span, and the numbered references the review cites there. Where reviews differ is said by the
curated disagreements (disagreements.py), never guessed here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from server.pages import data, model
from server.pages.data import Row, Term
from server.pages.present import Ref, Text, number, ref, value

IA = model.IA
PERCENT = IA + "Percent"
MAX_FIGURES = 500  # per table; more are counted and left to the query page


@dataclass
class Citation:
    number: str | None
    publication: Ref | None
    short: str
    full: str


@dataclass
class Evidence:
    passage: Ref
    review: Ref
    review_short: str
    section: str
    start: int
    end: int
    citations: list[Citation] = field(default_factory=list)


@dataclass
class Figure:
    node: Ref
    kind: str  # "result" or "observation"
    study: Ref
    what: Ref  # the measure or the adverse event
    grade: Ref | None
    value: Decimal | None
    value_text: str
    timepoint_text: str
    timepoint_key: str | None
    timepoint_months: Decimal | None
    arm: Ref | None
    subgroup: str | None
    details: list[str]
    evidence: list[Evidence] = field(default_factory=list)
    primary: list[Citation] = field(default_factory=list)
    disagreement: str | None = None  # the anchor of a curated disagreement this figure is a claim of
    cohort: Ref | None = None
    report: Ref | None = None
    unit: str | None = None
    denominator: int | None = None
    agents: list[Ref] = field(default_factory=list)  # its arm's interventions, else its study's agents
    agent_level: str = ""  # "arm" or "study": where `agents` come from
    n: int | None = None  # its denominator, else the N of its cohort, arm, report or study
    n_words: str = ""  # what `n` counts: "denominator", "treated in <arm>", ...

    def is_comparator_for(self, agent: str) -> bool:
        """A figure of an arm that does not receive `agent` (the chemotherapy arm of a blinatumomab trial)."""
        return self.agent_level == "arm" and all(a.iri != agent for a in self.agents)

    @property
    def group(self) -> str:
        """Arm, cohort and subgroup in words ('' for the whole study)."""
        return " · ".join(x for x in (self.arm.label if self.arm else "", self.cohort.label if self.cohort else "",
                                      self.subgroup or "") if x)

    @property
    def reviews(self) -> frozenset[str]:
        return frozenset(e.review.iri for e in self.evidence)

    @property
    def title(self) -> str:
        """`ELIANA: overall survival 63%, 3 years`: what the figure says, in one line."""
        what = f"{self.what.label} ({self.grade.label})" if self.grade else self.what.label
        where = [x for x in (self.timepoint_text, self.group) if x]
        return f"{self.study.label}: {what} {self.value_text}" + (f", {', '.join(where)}" if where else "")

    @property
    def review_names(self) -> str:
        return ", ".join(sorted({e.review_short for e in self.evidence}))


def _iris(values: Iterable[str]) -> list:
    return [data.iri(v) for v in sorted(set(values))]


def _chunks(items: list[str], size: int = 200) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def select_nodes(name: str, param: str, nodes: Iterable[str], **params: data.Param) -> list[Row]:
    """`name`.rq run over `nodes` in chunks (VALUES lists stay small)."""
    rows: list[Row] = []
    for chunk in _chunks(sorted(set(nodes))):
        rows += data.select(name, **{param: _iris(chunk)}, **params)
    return rows


# ---- evidence -----------------------------------------------------------------------------------

def _citation(publication_iri: str | None, num: str | None) -> Citation:
    if publication_iri is None:
        return Citation(num, None, f"reference {num}" if num else "reference", "")
    pub = model.publication(publication_iri)
    return Citation(num, ref(publication_iri), pub.short, pub.citation)


Proof = tuple[list[Row], list[Row]]


def evidence_rows(nodes: Iterable[str]) -> Proof:
    """Rows of evidence.rq (node -> passage, node -> primary source) for `nodes`, and of
    passages.rq for the passages among them (each passage once, however many nodes cite it)."""
    links = select_nodes("evidence", "nodes", nodes)
    details = select_nodes("passages", "passages", {row["passage"].value for row in links if "passage" in row})
    return links, details


def evidence(nodes: Iterable[str], proof: Proof | None = None) -> dict[str, tuple[list[Evidence], list[Citation]]]:
    """Per node: its passages with their cited references, and primary sources not among those
    (from `proof`, evidence_rows(nodes), when the caller has read them and fetched their labels)."""
    if proof is None:
        proof = evidence_rows(nodes)
        model.prefetch(t.value for row in proof[0] + proof[1] for t in row.values() if t.is_iri)
    links, details = proof
    described: dict[str, Evidence] = {}
    for row in details:
        passage = row["passage"].value
        found = described.get(passage)
        if found is None:
            review = row["document"].value
            found = described[passage] = Evidence(
                ref(passage), ref(review), model.publication(review).short, row["section"].value,
                int(row["start"].value), int(row["end"].value))
        if "reference" in row:
            cited = row["cited"].value if "cited" in row else None
            num = row["number"].value if "number" in row else None
            if all(c.number != num or (c.publication and c.publication.iri) != cited for c in found.citations):
                found.citations.append(_citation(cited, num))
    for item in described.values():
        item.citations.sort(key=lambda c: int(c.number) if c.number and c.number.isdigit() else 0)
    passages: dict[str, dict[str, Evidence]] = defaultdict(dict)
    primaries: dict[str, set[str]] = defaultdict(set)
    for row in links:
        node = row["node"].value
        if "primary" in row:
            primaries[node].add(row["primary"].value)
        elif row["passage"].value in described:
            passages[node][row["passage"].value] = described[row["passage"].value]
    out: dict[str, tuple[list[Evidence], list[Citation]]] = {}
    for node in set(passages) | set(primaries):
        items = sorted(passages[node].values(), key=lambda e: (e.review_short, e.start))
        covered = {c.publication.iri for e in items for c in e.citations if c.publication}
        extra = [_citation(p, None) for p in sorted(primaries[node] - covered)]
        out[node] = (items, extra)
    return out


# ---- figures -------------------------------------------------------------------------------------

def _unit_text(unit: str | None, amount: Decimal | None) -> str:
    if unit is None or unit == PERCENT:
        return "%" if unit == PERCENT else ""
    name = model.label(unit)
    if amount is not None and amount != 1 and not name.endswith("s"):
        name += "s"
    return " " + name


def _timepoint(row: Row) -> tuple[str, str | None, Decimal | None]:
    """Display text, comparison key and months of a figure's timepoint."""
    label_text = row["timepointLabel"].value if "timepointLabel" in row else ""
    if "timepoint" not in row or row["timepoint"].number is None:
        return label_text, (f"label:{label_text.casefold()}" if label_text else None), None
    amount = row["timepoint"].number
    unit = row["timepointUnit"].value if "timepointUnit" in row else None
    text = f"{number(amount)}{_unit_text(unit, amount)}".strip()
    if label_text:
        text = label_text if text.casefold() in label_text.casefold() else f"{text} ({label_text})"
    if "timepointMonths" in row and row["timepointMonths"].number is not None:  # the build's normalisation
        months = row["timepointMonths"].number.quantize(Decimal("0.1"))
        return text, f"months:{months}", months
    return text, f"{number(amount)} {unit}", None


def value_text(row: Row) -> tuple[Decimal | None, str]:
    val = row["value"].number if "value" in row else None
    unit = row["unit"].value if "unit" in row else None
    if val is None:
        if "numerator" in row:
            count = row["numerator"].value
            of = f" of {row['denominator'].value}" if "denominator" in row else ""
            return None, f"{count}{of} patients"
        return None, "—"
    relation = model.label(row["valueRelation"].value) + " " if "valueRelation" in row else ""
    upper = row["valueUpper"].number if "valueUpper" in row else None
    unit_text = _unit_text(unit, upper if upper is not None else val)
    if upper is not None:
        return val, f"{relation}{number(val)}–{number(upper)}{unit_text}"
    return val, f"{relation}{number(val)}{unit_text}"


def _details(row: Row) -> list[str]:
    out: list[str] = []
    if "ciLower" in row and "ciUpper" in row:
        level = f"{number(row['ciLevel'].value)}% " if "ciLevel" in row else ""
        out.append(f"{level}CI {number(row['ciLower'].value)}–{number(row['ciUpper'].value)}")
    if "plusMinus" in row:
        out.append(f"± {number(row['plusMinus'].value)}")
    if "numerator" in row and "denominator" in row and "value" in row:
        out.append(f"{row['numerator'].value}/{row['denominator'].value}")
    elif "denominator" in row:
        label_text = f" ({row['denominatorLabel'].value})" if "denominatorLabel" in row else ""
        out.append(f"N = {row['denominator'].value}{label_text}")
    if "statistic" in row and row["statistic"].value not in (IA + "Rate", IA + "Count"):
        out.append(model.label(row["statistic"].value))
    if "gradingSystem" in row:
        out.append(model.label(row["gradingSystem"].value))
    if "printed" in row:
        out.append(f"printed as “{row['printed'].value}”")
    return out


def _figure(row: Row, kind: str) -> Figure:
    val, text = value_text(row)
    tp_text, tp_key, tp_months = _timepoint(row)
    what = row["measure"] if kind == "result" else row["event"]
    return Figure(
        node=ref(row["node"].value),
        kind=kind,
        study=ref(row["study"].value),
        what=ref(what.value),
        grade=ref(row["grade"].value) if "grade" in row else None,
        value=val,
        value_text=text,
        timepoint_text=tp_text,
        timepoint_key=tp_key,
        timepoint_months=tp_months,
        arm=ref(row["arm"].value) if "arm" in row else None,
        subgroup=row["subgroup"].value if "subgroup" in row else None,
        details=_details(row),
        cohort=ref(row["cohort"].value) if "cohort" in row else None,
        report=ref(row["report"].value) if "report" in row else None,
        unit=row["unit"].value if "unit" in row else None,
        denominator=int(row["denominator"].value) if "denominator" in row and row["denominator"].number is not None
        else None,
    )


def _sort_key(fig: Figure) -> tuple:
    months = fig.timepoint_months if fig.timepoint_months is not None else Decimal(10**6)
    return (fig.study.label.casefold(), fig.what.label.casefold(),
            fig.grade.label if fig.grade else "", fig.group, months, fig.timepoint_text, fig.review_names, fig.node.iri)


# The fields of a figure node. The nodes' statements are read with one index lookup per node
# (statements.rq) and the rows put together here, without a query of seventeen OPTIONALs, which
# the engine evaluates against every figure of the graph (a page of a 1M-triple graph spent
# 150-400 ms in them).
RESULT_FIELDS = {
    "study": IA + "resultOf", "measure": IA + "measure", "value": IA + "value", "valueUpper": IA + "valueUpper",
    "valueRelation": IA + "valueRelation", "unit": IA + "unit", "statistic": IA + "statistic",
    "timepoint": IA + "timepoint", "timepointUnit": IA + "timepointUnit", "timepointLabel": IA + "timepointLabel",
    "arm": IA + "forArm", "subgroup": IA + "subgroup", "ciLower": IA + "ciLower", "ciUpper": IA + "ciUpper",
    "ciLevel": IA + "ciLevel", "plusMinus": IA + "plusMinus", "numerator": IA + "numerator",
    "denominator": IA + "denominator", "denominatorLabel": IA + "denominatorLabel", "printed": IA + "printedValue",
    "cohort": IA + "forCohort", "report": IA + "fromReport", "timepointMonths": IA + "timepointMonths",
}
RESULT_REQUIRED = ("study", "measure", "value")
OBSERVATION_FIELDS = {
    "study": IA + "observationOf", "event": IA + "event", "grade": IA + "gradeQualifier", "value": IA + "value",
    "unit": IA + "unit", "numerator": IA + "numerator", "denominator": IA + "denominator", "arm": IA + "forArm",
    "subgroup": IA + "subgroup", "gradingSystem": IA + "gradingSystem", "timepointLabel": IA + "timepointLabel",
    "printed": IA + "printedValue", "cohort": IA + "forCohort", "report": IA + "fromReport",
    "timepoint": IA + "timepoint", "timepointUnit": IA + "timepointUnit", "timepointMonths": IA + "timepointMonths",
    "valueRelation": IA + "valueRelation",
}
OBSERVATION_REQUIRED = ("study", "event")


def _row(node: str, props: dict[str, list[Term]], fields: dict[str, str], required: tuple[str, ...]) -> Row | None:
    row: Row = {"node": Term(node, "uri")}
    for name, prop in fields.items():
        values = props.get(prop)
        if values:
            row[name] = min(values, key=lambda t: (t.kind, t.value))
    if any(name not in row for name in required):
        return None
    if ("ciLower" in row) != ("ciUpper" in row):  # the two bounds come together or not at all
        row.pop("ciLower", None)
        row.pop("ciUpper", None)
    return row


def figure_rows(nodes: list[str], found: list[Row]) -> tuple[list[Row], list[Row]]:
    """Rows of the outcome results and of the adverse-event observations among `nodes`, from
    `found`, their statements."""
    statements: dict[str, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
    wanted = set(nodes)
    for row in found:
        if row["s"].value in wanted:
            statements[row["s"].value][row["p"].value].append(row["o"])
    results, observations = [], []
    for node in sorted(statements):
        props = statements[node]
        kinds = {t.value for t in props.get(model.RDF + "type", [])}
        if IA + "OutcomeResult" in kinds and (row := _row(node, props, RESULT_FIELDS, RESULT_REQUIRED)):
            results.append(row)
        if IA + "AdverseEventObservation" in kinds and (
                row := _row(node, props, OBSERVATION_FIELDS, OBSERVATION_REQUIRED)):
            observations.append(row)
    return results, observations


LINKS = {model.PROV + "wasDerivedFrom": "passage", model.PROV + "hadPrimarySource": "primary"}


def load(nodes: Iterable[str], limit: int | None = MAX_FIGURES * 4,
         statements: list[Row] | None = None) -> tuple[list[Figure], list[Figure]]:
    """The outcome results and adverse-event observations among `nodes`, with evidence. Their
    statements (given, or read here) also give their labels and classes and the passages they
    derive from; the labels of everything else they and their evidence name are fetched together."""
    nodes = sorted(set(nodes))[:limit]
    if statements is None:
        statements = select_nodes("statements", "nodes", nodes)
    model.learn(statements)
    result_rows, observation_rows = figure_rows(nodes, statements)
    figure_nodes = {row["node"].value for row in result_rows + observation_rows}
    links = [{"node": row["s"], LINKS[row["p"].value]: row["o"]} for row in statements
             if row["s"].value in figure_nodes and row["p"].value in LINKS and row["o"].is_iri]
    details = select_nodes("passages", "passages", {row["passage"].value for row in links if "passage" in row})
    model.prefetch([*(t.value for row in result_rows + observation_rows for t in row.values() if t.is_iri),
                    *(t.value for row in links + details for t in row.values() if t.is_iri)])
    results = [_figure(row, "result") for row in result_rows]
    observations = [_figure(row, "observation") for row in observation_rows]
    results = list({f.node.iri: f for f in results}.values())
    observations = list({f.node.iri: f for f in observations}.values())
    found = evidence(figure_nodes, (links, details))
    agents = _agents(figure_nodes)
    sizes = _sizes({g.iri for f in results + observations for g in (f.arm, f.cohort, f.report, f.study) if g})
    for fig in results + observations:
        fig.evidence, fig.primary = found.get(fig.node.iri, ([], []))
        fig.agent_level, named = agents.get(fig.node.iri, ("", []))
        fig.agents = [ref(a) for a in named]
        fig.n, fig.n_words = _size(fig, sizes)
    results.sort(key=_sort_key)
    observations.sort(key=_sort_key)
    return results, observations


def _agents(nodes: Iterable[str]) -> dict[str, tuple[str, list[str]]]:
    """Per figure: "arm" and its arm's interventions, or "study" and its study's agents."""
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    rows = select_nodes("figure-agents", "nodes", nodes)
    model.prefetch(row["agent"].value for row in rows)
    for row in rows:
        found[row["node"].value][row["level"].value].add(row["agent"].value)
    out = {}
    for node, levels in found.items():
        level = "arm" if levels.get("arm") else "study"
        out[node] = (level, sorted(levels[level], key=model.by_label))
    return out


COUNT_ORDER = (IA + "evaluableCount", IA + "treatedCount", IA + "enrolledCount")
COUNT_WORDS = {IA + "evaluableCount": "evaluable", IA + "treatedCount": "treated", IA + "enrolledCount": "enrolled"}


def _sizes(groups: Iterable[str]) -> dict[str, dict[str, int]]:
    """The counts (evaluable, treated, enrolled) of each study, report, arm or cohort."""
    found: dict[str, dict[str, int]] = defaultdict(dict)
    for row in select_nodes("group-sizes", "groups", groups):
        found[row["group"].value][row["count"].value] = int(row["n"].value)
    return found


def _size(fig: Figure, sizes: dict[str, dict[str, int]]) -> tuple[int | None, str]:
    """N of a figure: its denominator, else the N of its cohort, arm, report or study."""
    if fig.denominator is not None:
        return fig.denominator, "denominator"
    if fig.subgroup and not fig.cohort:
        return None, ""  # a subgroup the review names in passing: the N of its arm or study is not its N
    for group in (fig.cohort, fig.arm, fig.report, None if fig.arm or fig.cohort else fig.study):
        if group is None:
            continue
        for count in COUNT_ORDER:
            if count in sizes.get(group.iri, {}):
                where = "" if group is fig.study else f" in {group.label}"
                return sizes[group.iri][count], COUNT_WORDS[count] + where
    return None, ""


def of_studies(studies: Iterable[str], limit: int = MAX_FIGURES * 4) -> tuple[list[Figure], list[Figure]]:
    """The figures of `studies`, the first `limit` of them (see `counts` for how many there are)."""
    statements = select_nodes("figure-statements", "studies", studies, limit=limit)
    nodes = sorted({row["s"].value for row in statements})[:limit]
    return load(nodes, limit, statements)


def counts(studies: Iterable[str]) -> dict[str, list[int]]:
    """[outcome results, adverse-event observations] of each study, counted by the engine."""
    found: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in select_nodes("figure-counts", "studies", studies):
        found[row["study"].value][0 if row["kind"].value == "result" else 1] += int(row["figures"].value)
    return found


__all__ = ["Evidence", "Figure", "Text", "counts", "evidence", "load", "of_studies", "value"]
