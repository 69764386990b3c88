"""SHACL validation with pySHACL, plus the SPARQL quality checks in ontology/checks/.

Runs on the union of ontology, asserted, inferred and provenance graphs with inference
'none': the reasoner has already materialised what matters, and RDFS inference would cost
about ten times as much.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import RDF, Graph, Namespace
from rdflib.plugins.sparql import prepareQuery

from kg.checks import run_violation_queries

SH = Namespace("http://www.w3.org/ns/shacl#")


@dataclass
class Violation:
    focus: str
    path: str
    message: str
    shape: str
    severity: str

    def __str__(self) -> str:
        return f"{self.severity}: {self.focus} {self.path}: {self.message} [{self.shape}]"


@dataclass
class Report:
    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    checks: list[tuple[str, list[str]]] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [str(v) for v in self.violations]
        for name, rows in self.checks:
            out += [f"check {name}: {row}" for row in rows]
        return out


class PreparedQueryGraph(Graph):
    """A graph that parses each SPARQL text once.

    pySHACL runs a SPARQL-based constraint once per focus node with the same text and a
    different `$this` binding; rdflib would parse the text on every call, which was most of the
    validation time (24 of 26 s on the full graph). Results are the same: rdflib parses a string
    query into exactly this prepared form before evaluating it with the bindings.
    """

    def __init__(self) -> None:
        super().__init__()
        self._prepared: dict[str, object] = {}

    def query(self, query_object, *args, **kwargs):  # type: ignore[override]
        if isinstance(query_object, str) and not kwargs.get("initNs"):
            prepared = self._prepared.get(query_object)
            if prepared is None:
                prepared = self._prepared[query_object] = prepareQuery(query_object)
            query_object = prepared
        return super().query(query_object, *args, **kwargs)


def load_shapes(folder: Path) -> Graph:
    shapes = Graph()
    for path in sorted(folder.glob("*.ttl")):
        shapes.parse(path, format="turtle")
    return shapes


def validate_graph(data: Graph, shapes: Graph, ontology: Graph | None = None,
                   checks: Path | None = None) -> Report:
    if not isinstance(data, PreparedQueryGraph):
        graph = PreparedQueryGraph()
        graph += data
        data = graph
    conforms, report_graph, _ = shacl_validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none",
        advanced=True, allow_warnings=True, abort_on_first=False, inplace=True,
    )
    violations = []
    for result in report_graph.subjects(RDF.type, SH.ValidationResult):
        def get(p: object, result: object = result) -> str:
            value = report_graph.value(result, p)  # type: ignore[arg-type]
            return str(value) if value is not None else ""
        violations.append(Violation(
            focus=get(SH.focusNode), path=get(SH.resultPath), message=get(SH.resultMessage),
            shape=get(SH.sourceShape), severity=get(SH.resultSeverity).rsplit("#", 1)[-1],
        ))
    violations.sort(key=lambda v: (v.focus, v.path, v.message))
    check_results = run_violation_queries(checks, data) if checks else []
    failed_checks = any(rows for _, rows in check_results)
    errors = [v for v in violations if v.severity == "Violation"]
    return Report(conforms=not errors and not failed_checks,
                  violations=violations, checks=check_results)
