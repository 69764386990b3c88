"""The build, step by step: facts -> RDF -> reasoning -> validation -> dumps and store.

Each step is timed and reported through a callback, so the CLI can show progress and the
benchmark can show where the time goes.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from rdflib import Graph

from immunall.kinds import FOLDERS as KINDS
from kg import prefixes
from kg.build import Built, build_graphs
from kg.corpus import Corpus
from kg.facts import FactSet, load_facts
from kg.faults import checkpoint
from kg.load import Generation, canonical, switch, write_generation
from kg.mapping_checks import check_all
from kg.mapping_rdf import mapping_graph
from kg.mappings import FOLDER as MAPPINGS
from kg.mappings import MappingSet, ontology_alignments, resolve
from kg.reason import Reasoned, Reasoning
from kg.reference import read_reference
from kg.settings import Settings
from kg.sssom import sssom_tsv
from kg.validate import PreparedQueryGraph, Report, load_shapes, validate_graph

Progress = Callable[[str], None]
VALIDATORS = min(2, os.cpu_count() or 1)  # processes pySHACL's shapes are split between


class NotConforming(Exception):
    """The data built, but it does not conform to the shapes or the quality checks."""

    def __init__(self, report: Report):
        self.report = report
        super().__init__(f"{len(report.lines())} validation problem(s)")


@dataclass
class Outcome:
    built: Built | None = None
    mappings: MappingSet | None = None
    reasoned: Reasoned | None = None
    report: Report | None = None
    generation: Generation | None = None
    timings: dict[str, float] = field(default_factory=dict)  # per step, and `total` (wall): link overlaps reason


@contextmanager
def _step(outcome: Outcome, name: str, progress: Progress, overlaps: str = "") -> Iterator[None]:
    progress(f"{name} ...")
    checkpoint(name)
    start = time.perf_counter()
    yield
    outcome.timings[name] = time.perf_counter() - start
    note = f" (while {overlaps} ran)" if overlaps else ""
    progress(f"{name} done in {outcome.timings[name]:.2f} s{note}")


def link(settings: Settings, ontology: Graph, facts: FactSet, built: Built) -> MappingSet:
    """The mappings to other vocabularies, checked; raises FactError naming the crosswalk line."""
    result = resolve(settings.facts / MAPPINGS, read_reference(settings.reference), facts, built, ontology)
    check_all(result, built)
    return result


def linked_data_files(result: MappingSet, ontology: Graph) -> Callable[[str], dict[str, bytes]]:
    """The files beside the dumps for linked-data consumers: SSSOM, the prefix map, the context."""
    def files(version: str) -> dict[str, bytes]:
        everything = result.mappings + ontology_alignments(ontology)
        return {
            "mappings.sssom.tsv": sssom_tsv(everything, version).encode("utf-8"),
            "prefixes.json": (json.dumps(prefixes.extended_prefix_map(), indent=2) + "\n").encode("utf-8"),
            "context.jsonld": (json.dumps(prefixes.jsonld_context(), indent=2) + "\n").encode("utf-8"),
        }
    return files


def run(settings: Settings, *, load: bool = True, progress: Progress = lambda _: None) -> Outcome:
    """Build, reason and validate; with `load`, also write a generation and switch to it.

    HermiT runs in its own process from the end of parse; link and the preparation of the
    validation (shapes, the union of the layers that do not depend on the reasoner) run meanwhile
    on the other core, so `reason` and `link` overlap and `total` is the wall time of the build.
    Raises FactError (input), ReasonerError (reasoner), ValidatorError (validator failed or timed out),
    NotConforming (validation).
    """
    started = time.perf_counter()
    outcome = Outcome()
    with _step(outcome, "parse", progress):
        ontology = Graph().parse(settings.ontology, format="turtle")
        facts = load_facts(settings.facts, KINDS)
        corpus = Corpus(settings.corpus)
        outcome.built = build_graphs(ontology, facts, corpus)
    progress("reason ... (in its own process, while link and the validation's preparation run)")
    checkpoint("reason")
    reason_started = time.perf_counter()
    reasoning = Reasoning(ontology, outcome.built.asserted, settings.reasoner_timeout, settings.reasoner_cache)
    try:
        if reasoning.cached is not None:
            progress("reason: HermiT's result for this exact input is cached; no JVM")
        with _step(outcome, "link", progress, overlaps="reason"):
            outcome.mappings = link(settings, ontology, facts, outcome.built)
            mappings = mapping_graph(outcome.mappings.mappings)
            counts = outcome.mappings.counts()
            progress(f"{counts['links']} links to other vocabularies; left out: {counts['labels_without_entity']} "
                     f"labels without an entity yet, {counts['rows_skipped']} rows skipped, "
                     f"{counts['rows_not_reviewed']} rows not reviewed, {counts['trials_not_in_graph']} trials "
                     "not in the graph (`immunall mappings` lists them)")
            shapes = load_shapes(settings.shapes)
            published = canonical(ontology)  # stable blank-node labels: same data, same version
            union = PreparedQueryGraph()
            for graph in (published, outcome.built.asserted, outcome.built.provenance, mappings):
                union += graph
        outcome.reasoned = reasoning.result()
    finally:
        reasoning.stop()
    outcome.timings["reason"] = time.perf_counter() - reason_started
    progress(f"reason done in {outcome.timings['reason']:.2f} s (wall, from its start; link ran meanwhile)")
    layers = {
        "ontology": published,
        "asserted": outcome.built.asserted,
        "inferred": outcome.reasoned.inferred,
        "provenance": outcome.built.provenance,
        "mappings": mappings,
    }
    with _step(outcome, "validate", progress):
        union += outcome.reasoned.inferred  # now the union of all five layers
        outcome.report = validate_graph(union, shapes, checks=settings.checks,
                                        timeout=settings.validator_timeout, workers=VALIDATORS)
    if not outcome.report.conforms:
        raise NotConforming(outcome.report)
    if load:
        with _step(outcome, "load", progress):
            outcome.generation = write_generation(settings.stores, layers, published,
                                                  linked_data_files(outcome.mappings, ontology))
            switch(settings.dist, outcome.generation)
    outcome.timings["total"] = time.perf_counter() - started
    progress(f"build done in {outcome.timings['total']:.2f} s wall (link ran while reason ran: "
             "their times overlap, do not add them)")
    return outcome
