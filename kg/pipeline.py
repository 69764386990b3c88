"""The build, step by step: facts -> RDF -> reasoning -> validation -> dumps and store.

Each step is timed and reported through a callback, so the CLI can show progress and the
benchmark can show where the time goes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from rdflib import Graph

from kg.build import Built, build_graphs
from kg.corpus import Corpus
from kg.facts import load_facts
from kg.load import Generation, switch, write_generation
from kg.reason import Reasoned, run_hermit
from kg.schema import KINDS
from kg.settings import Settings
from kg.validate import PreparedQueryGraph, Report, load_shapes, validate_graph

Progress = Callable[[str], None]


class NotConforming(Exception):
    """The data built, but it does not conform to the shapes or the quality checks."""

    def __init__(self, report: Report):
        self.report = report
        super().__init__(f"{len(report.lines())} validation problem(s)")


@dataclass
class Outcome:
    built: Built | None = None
    reasoned: Reasoned | None = None
    report: Report | None = None
    generation: Generation | None = None
    timings: dict[str, float] = field(default_factory=dict)


@contextmanager
def _step(outcome: Outcome, name: str, progress: Progress) -> Iterator[None]:
    progress(f"{name} ...")
    start = time.perf_counter()
    yield
    outcome.timings[name] = time.perf_counter() - start
    progress(f"{name} done in {outcome.timings[name]:.2f} s")


def run(settings: Settings, *, load: bool = True, progress: Progress = lambda _: None) -> Outcome:
    """Build, reason and validate; with `load`, also write a generation and switch to it.

    Raises FactError (input), ReasonerError (reasoner), NotConforming (validation).
    """
    outcome = Outcome()
    with _step(outcome, "parse", progress):
        ontology = Graph().parse(settings.ontology, format="turtle")
        facts = load_facts(settings.facts, KINDS)
        corpus = Corpus(settings.corpus)
        outcome.built = build_graphs(ontology, facts, corpus)
    with _step(outcome, "reason", progress):
        outcome.reasoned = run_hermit(ontology, outcome.built.asserted, settings.reasoner_timeout)
    layers = {
        "ontology": ontology,
        "asserted": outcome.built.asserted,
        "inferred": outcome.reasoned.inferred,
        "provenance": outcome.built.provenance,
    }
    with _step(outcome, "validate", progress):
        union = PreparedQueryGraph()
        for graph in layers.values():
            union += graph
        outcome.report = validate_graph(union, load_shapes(settings.shapes), checks=settings.checks)
    if not outcome.report.conforms:
        raise NotConforming(outcome.report)
    if load:
        with _step(outcome, "load", progress):
            outcome.generation = write_generation(settings.stores, layers, ontology)
            switch(settings.dist, outcome.generation)
    return outcome
