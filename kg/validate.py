"""SHACL validation with pySHACL, plus the SPARQL quality checks in ontology/checks/.

Runs on the union of ontology, asserted, inferred and provenance graphs with inference
'none': the reasoner has already materialised what matters, and RDFS inference would cost
about ten times as much.

pySHACL has no time limit, and a SPARQL-based constraint can run for ever on the wrong data, so
with a `timeout` the validation runs in forked child processes (they inherit the graphs, nothing is
copied or serialized; the same code on the same data gives the same report) that are killed when
the time passes (immunall/deadline.py, as for HermiT). Several children split the shapes between them
(kg/shape_split.py) to use more than one core.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import time
import traceback
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import RDF, Graph, Namespace
from rdflib.plugins.sparql.sparql import Query

from immunall.deadline import kill_after
from kg.bound_query import prepare_bound
from kg.checks import run_violation_queries
from kg.shape_split import split

SH = Namespace("http://www.w3.org/ns/shacl#")


class ValidatorError(Exception):
    """The validator failed or did not finish within its time limit."""


@dataclass
class Violation:
    focus: str
    path: str
    message: str
    shape: str
    severity: str

    def __str__(self) -> str:
        return f"{self.severity}: {self.focus} {self.path}: {self.message} [{self.shape}]"

    def key(self) -> tuple[str, str, str, str, str]:
        return (self.focus, self.path, self.message, self.shape, self.severity)


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
    """A graph that parses each SPARQL text once, ordered for the variables bound with it.

    pySHACL runs a SPARQL-based constraint once per focus node with the same text and a
    different `$this` binding; rdflib would parse the text on every call, which was most of the
    validation time (24 of 26 s on the full graph), and would order its patterns as if `$this`
    were unbound (kg/bound_query.py). Results are the same: rdflib parses a string query into this
    prepared form before evaluating it with the bindings. pySHACL passes the arguments by position.
    """

    def __init__(self) -> None:
        super().__init__()
        self._prepared: dict[tuple[str, frozenset[str]], Query] = {}

    def query(self, query_object, processor="sparql", result="sparql", initNs=None,  # type: ignore[override]  # noqa: N803
              initBindings=None, use_store_provided=True, **kwargs):  # noqa: N803
        if isinstance(query_object, str) and not initNs:
            key = (query_object, frozenset(str(name) for name in initBindings or ()))
            prepared = self._prepared.get(key)
            if prepared is None:
                prepared = self._prepared[key] = prepare_bound(*key)
            query_object = prepared
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)


def load_shapes(folder: Path) -> Graph:
    shapes = Graph()
    for path in sorted(folder.glob("*.ttl")):
        shapes.parse(path, format="turtle")
    return shapes


def validate_graph(data: Graph, shapes: Graph, ontology: Graph | None = None,
                   checks: Path | None = None, timeout: float | None = None, workers: int = 1) -> Report:
    """SHACL and the quality checks; with `timeout` (seconds), in child processes that are stopped
    when the time passes (ValidatorError). With `workers` > 1 the targeted shapes are split among
    that many children (kg/shape_split.py), the quality checks run in the first."""
    if timeout is None:
        return _validate(data, shapes, ontology, checks)
    parts = split(shapes, data, workers)
    reports = _validate_in_children(data, parts, ontology, checks, timeout)
    return merge(reports)


def merge(reports: list[Report]) -> Report:
    """One report from the reports of disjoint sets of shapes."""
    violations = sorted((v for r in reports for v in r.violations), key=Violation.key)
    return Report(conforms=all(r.conforms for r in reports), violations=violations,
                  checks=[c for r in reports for c in r.checks])


def _validate_in_children(data: Graph, parts: list[Graph], ontology: Graph | None, checks: Path | None,
                          timeout: float) -> list[Report]:
    context = multiprocessing.get_context("fork")  # the children share the graphs as they are
    deadline = time.monotonic() + timeout
    running: dict[Connection, tuple[int, BaseProcess]] = {}
    reports: dict[int, Report] = {}
    try:
        for index, part in enumerate(parts):
            receive, send = context.Pipe(duplex=False)
            child = context.Process(target=_child, daemon=True,
                                    args=(send, data, part, ontology, checks if index == 0 else None))
            child.start()
            send.close()
            running[receive] = (index, child)
        def kill_all() -> None:
            for _, child in list(running.values()):
                child.kill()

        with kill_after(deadline - time.monotonic(), kill_all) as guard:
            while running:
                ready = wait(list(running))
                if guard.fired:
                    raise ValidatorError(f"pySHACL did not finish within {timeout:g} s and was stopped "
                                         "(IMMUNALL_VALIDATOR_TIMEOUT)")
                for receive in ready:
                    assert isinstance(receive, Connection)
                    index, child = running.pop(receive)
                    reports[index] = _receive(receive, child)
    finally:
        for receive, (_, child) in running.items():
            receive.close()
            if child.is_alive():
                child.kill()
            child.join(5)
    return [reports[i] for i in range(len(parts))]


def _receive(receive: Connection, child: BaseProcess) -> Report:
    """The report a child sent, or ValidatorError for its error or its silent end."""
    try:
        kind, value = receive.recv()
    except EOFError:
        child.join(5)
        raise ValidatorError(f"the validator process ended without a report (exit {child.exitcode})") from None
    finally:
        receive.close()
    child.join(5)
    if kind == "error":
        raise ValidatorError(f"pySHACL failed: {value}")
    return value


def _die_with_parent() -> None:
    """Linux: SIGKILL this process when the build that forked it dies (even by SIGKILL)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _child(send: Connection, data: Graph, shapes: Graph, ontology: Graph | None, checks: Path | None) -> None:
    parent = os.getppid()
    _die_with_parent()
    if os.getppid() != parent:  # the parent died before the death signal was armed
        os._exit(1)
    try:
        message: tuple[str, object] = ("report", _validate(data, shapes, ontology, checks))
    except Exception as error:  # noqa: BLE001 - any failure is reported to the parent
        message = ("error", f"{type(error).__name__}: {error}\n{traceback.format_exc(limit=5)}")
    send.send(message)
    send.close()


def _validate(data: Graph, shapes: Graph, ontology: Graph | None, checks: Path | None) -> Report:
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
    violations.sort(key=Violation.key)
    check_results = run_violation_queries(checks, data) if checks else []
    failed_checks = any(rows for _, rows in check_results)
    errors = [v for v in violations if v.severity == "Violation"]
    return Report(conforms=not errors and not failed_checks,
                  violations=violations, checks=check_results)
