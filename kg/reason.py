"""HermiT through owlready2: consistency, then inferred types and property values.

owlready2 runs HermiT with no time limit, so reasoning happens in a child process (its own
process group, Java included) that the build kills when `reasoner_timeout` passes
(immunall/deadline.py).
The build starts HermiT (`Reasoning`) and does other work until it needs the result; a result
cached for the same input (kg/reason_cache.py) skips the JVM.
HermiT rejects xsd:date literals and OWL 2 has no such datatype, so they are left out of what
the reasoner sees; provenance is left out too (it entails nothing).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef

from immunall.deadline import kill_after, kill_group
from kg import reason_cache
from kg.ids import BASE, IA


class ReasonerError(Exception):
    """The reasoner failed, timed out, or found the ontology with the data inconsistent."""


@dataclass
class Reasoned:
    inferred: Graph
    direct: int  # triples HermiT inferred, before adding superclass closure


UNSUPPORTED = {XSD.date, XSD.dateTime, XSD.gYear, XSD.time, XSD.duration}


def reasoner_input(ontology: Graph, asserted: Graph | None = None) -> Graph:
    """What HermiT needs to see, and no more (its time grows with the ABox):

    - the ontology's axioms, without annotation values (labels, definitions) and without
      literals of datatypes OWL 2 lacks (xsd:date);
    - the facts' types and object-property links. Data values and annotations entail nothing:
      no class expression of the ontology restricts a data property. Bibliographic records
      (publications, reference-list entries) appear in no class expression either. SHACL checks
      all of these on the full graph.
    """
    annotation = set(ontology.subjects(RDF.type, OWL.AnnotationProperty))
    object_properties = set(ontology.subjects(RDF.type, OWL.ObjectProperty))
    out = Graph()
    for s, p, o in ontology:
        if p in annotation or (isinstance(o, Literal) and o.datatype in UNSUPPORTED):
            continue
        out.add((s, p, o))
    if asserted is None:
        return out
    bibliographic = {s for cls in (IA.Publication, IA.BibliographicReference)
                     for s in asserted.subjects(RDF.type, cls)}
    for s, p, o in asserted:
        if s in bibliographic:
            continue
        if p == RDF.type or p in object_properties:
            out.add((s, p, o))
    return out


# HermiT runs for seconds, not hours: the C1 compiler alone starts fast and the C2 compiler's work
# never pays back (a quarter less CPU); one GC thread leaves the other core to the build.
JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
HOW = f"hermit classify -c -I -Y; keep v1; {JVM_OPTIONS}"  # part of the cache key


class Reasoning:
    """HermiT running in its child process (or a cached result), so the build can work meanwhile."""

    def __init__(self, ontology: Graph, asserted: Graph, timeout: float, cache: Path | None = None) -> None:
        self.ontology, self.asserted, self.timeout, self.cache = ontology, asserted, timeout, cache
        self.source = reasoner_input(ontology, asserted)
        self.key = reason_cache.input_key(self.source, HOW) if cache is not None else ""
        self.cached = reason_cache.read(cache, self.key)
        self.proc: subprocess.Popen[bytes] | None = None
        if self.cached is not None:
            return
        self.tmp = tempfile.TemporaryDirectory(prefix="immunall-reason-")
        given = Path(self.tmp.name) / "input.owl"
        self.source.serialize(given, format="xml")
        self.deadline = time.monotonic() + timeout
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kg.reason_worker", str(given), str(Path(self.tmp.name) / "output.nt")],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
                 "IMMUNALL_REASON_PARENT": str(os.getpid()), "JAVA_TOOL_OPTIONS": JVM_OPTIONS},
        )

    def result(self) -> Reasoned:
        """Wait for HermiT (within the timeout counted from its start); the entailed triples that
        were not asserted. Raises ReasonerError."""
        inferred = Graph().parse(data=self.cached, format="nt") if self.cached is not None else self._run()
        direct = len(inferred)
        add_type_closure(self.ontology, self.source, inferred)
        return Reasoned(inferred, direct)

    def stop(self) -> None:
        """Kill HermiT if it still runs (the build failed elsewhere)."""
        if self.proc is not None and self.proc.poll() is None:
            kill_group(self.proc.pid)()
            self.proc.wait()
        if self.proc is not None:
            self.tmp.cleanup()

    def _run(self) -> Graph:
        assert self.proc is not None
        with kill_after(self.deadline - time.monotonic(), kill_group(self.proc.pid)) as guard:
            _, err = self.proc.communicate()
        if guard.fired:
            self.stop()
            raise ReasonerError(f"HermiT did not finish within {self.timeout:g} s and was stopped")
        try:
            message = err.decode("utf-8", "replace").strip()
            if self.proc.returncode == 3:
                suspects = diagnose(self.ontology, self.asserted)
                detail = "\n  ".join(suspects) if suspects else "no simple cause found"
                raise ReasonerError(f"the ontology with the data is inconsistent:\n  {detail}")
            if self.proc.returncode != 0:
                raise ReasonerError(f"HermiT failed (exit {self.proc.returncode}): {message[-2000:]}")
            entailed = Graph().parse(Path(self.tmp.name) / "output.nt", format="nt")
        finally:
            self.tmp.cleanup()
        inferred = Graph()
        for s, p, o in entailed:
            if (s, p, o) in self.source or not keep(s, p, o):
                continue
            inferred.add((s, p, o))
        reason_cache.write(self.cache, self.key, inferred.serialize(format="nt", encoding="utf-8"))
        return inferred


def run_hermit(ontology: Graph, asserted: Graph, timeout: float, cache: Path | None = None) -> Reasoned:
    """Reason over ontology + asserted facts; return the entailed triples that were not asserted."""
    reasoning = Reasoning(ontology, asserted, timeout, cache)
    try:
        return reasoning.result()
    finally:
        reasoning.stop()


def keep(s: object, p: object, o: object) -> bool:
    """Entailments worth publishing: types and object property values of ImmunALL individuals."""
    if not (isinstance(s, URIRef) and str(s).startswith(BASE)) or str(s).startswith(str(IA)):
        return False
    if p == RDF.type:
        return isinstance(o, URIRef) and str(o).startswith(str(IA))
    return str(p).startswith(str(IA)) and isinstance(o, URIRef)


def add_type_closure(ontology: Graph, source: Graph, inferred: Graph) -> None:
    """Every superclass type of every instance, so `?x a ia:TherapeuticAgent` finds them all."""
    supers: dict[URIRef, set[URIRef]] = {}
    for cls in ontology.subjects(RDF.type, OWL.Class):
        if isinstance(cls, URIRef):
            supers[cls] = {c for c in ontology.transitive_objects(cls, RDFS.subClassOf)
                           if isinstance(c, URIRef) and c != cls}
    typed = [(s, o) for g in (source, inferred) for s, o in g.subject_objects(RDF.type)
             if isinstance(s, URIRef) and str(s).startswith(BASE) and not str(s).startswith(str(IA))]
    for s, cls in typed:
        for sup in supers.get(cls, ()):  # type: ignore[arg-type]
            if (s, RDF.type, sup) not in source:
                inferred.add((s, RDF.type, sup))


def diagnose(ontology: Graph, asserted: Graph) -> list[str]:
    """Name the individuals behind an inconsistency, for the two usual causes: an individual in
    disjoint classes, and a functional property with two different values."""
    from kg.checks import disjoint_violations, functional_violations  # local: only on failure

    return disjoint_violations(ontology, asserted) + functional_violations(ontology, asserted)
