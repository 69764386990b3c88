"""HermiT through owlready2: consistency, then inferred types and property values.

owlready2 runs HermiT with no time limit, so reasoning happens in a child process (its own
process group, Java included) that the build kills when `reasoner_timeout` passes.
HermiT rejects xsd:date literals and OWL 2 has no such datatype, so they are left out of what
the reasoner sees; provenance is left out too (it entails nothing).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef

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


def run_hermit(ontology: Graph, asserted: Graph, timeout: float) -> Reasoned:
    """Reason over ontology + asserted facts; return the entailed triples that were not asserted."""
    source = reasoner_input(ontology, asserted)
    with tempfile.TemporaryDirectory(prefix="immunall-reason-") as tmp:
        given, result = Path(tmp) / "input.owl", Path(tmp) / "output.nt"
        source.serialize(given, format="xml")
        proc = subprocess.Popen(
            [sys.executable, "-m", "kg.reason_worker", str(given), str(result)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
                 "IMMUNALL_REASON_PARENT": str(os.getpid())},
        )
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise ReasonerError(f"HermiT did not finish within {timeout:g} s and was stopped") from None
        message = err.decode("utf-8", "replace").strip()
        if proc.returncode == 3:
            suspects = diagnose(ontology, asserted)
            detail = "\n  ".join(suspects) if suspects else "no simple cause found"
            raise ReasonerError(f"the ontology with the data is inconsistent:\n  {detail}")
        if proc.returncode != 0:
            raise ReasonerError(f"HermiT failed (exit {proc.returncode}): {message[-2000:]}")
        entailed = Graph().parse(result, format="nt")
    inferred = Graph()
    for s, p, o in entailed:
        if (s, p, o) in source or not keep(s, p, o):
            continue
        inferred.add((s, p, o))
    direct = len(inferred)
    add_type_closure(ontology, source, inferred)
    return Reasoned(inferred, direct)


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
