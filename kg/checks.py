"""Quality checks over ontology + data that name the offending nodes.

`ontology/checks/*-violation.rq` queries: any row returned is a failure (the ODK habit).
Also the structural checks used to explain an inconsistency found by the reasoner.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.collection import Collection


def _label(graph: Graph, node: object) -> str:
    label = graph.value(node, RDFS.label)  # type: ignore[arg-type]
    return f"{label} <{node}>" if label is not None else f"<{node}>"


def _types(ontology: Graph, data: Graph, node: URIRef) -> set[URIRef]:
    """Asserted types plus those the domains and ranges of its properties give it."""
    direct = set(data.objects(node, RDF.type)) | set(ontology.objects(node, RDF.type))
    direct |= {d for p in data.predicates(node, None) for d in ontology.objects(p, RDFS.domain)
               if isinstance(d, URIRef)}
    direct |= {r for p in data.predicates(None, node) for r in ontology.objects(p, RDFS.range)
               if isinstance(r, URIRef)}
    return {sup for cls in direct for sup in ontology.transitive_objects(cls, RDFS.subClassOf)}


def disjoint_pairs(ontology: Graph) -> list[tuple[URIRef, URIRef]]:
    pairs = [(a, b) for a, b in ontology.subject_objects(OWL.disjointWith)]
    for node in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
        members = list(Collection(ontology, ontology.value(node, OWL.members)))
        pairs += [(a, b) for i, a in enumerate(members) for b in members[i + 1:]]
    return pairs  # type: ignore[return-value]


def disjoint_violations(ontology: Graph, data: Graph) -> list[str]:
    pairs = disjoint_pairs(ontology)
    found = []
    for node in {s for s in data.subjects(RDF.type, None) if isinstance(s, URIRef)}:
        types = _types(ontology, data, node)
        for a, b in pairs:
            if a in types and b in types:
                found.append(f"{_label(data, node)} is both {_label(ontology, a)} and "
                             f"{_label(ontology, b)}, which are disjoint")
    return sorted(found)


def functional_violations(ontology: Graph, data: Graph) -> list[str]:
    found = []
    for prop in ontology.subjects(RDF.type, OWL.FunctionalProperty):
        seen: dict[object, set[object]] = {}
        for s, o in data.subject_objects(prop):
            seen.setdefault(s, set()).add(o)
        for s, values in seen.items():
            if len(values) > 1:
                shown = ", ".join(sorted(_label(data, v) for v in values))
                found.append(f"{_label(data, s)} has several values of functional "
                             f"{_label(ontology, prop)}: {shown}")
    return sorted(found)


def run_violation_queries(folder: Path, graph: Graph) -> list[tuple[str, list[str]]]:
    """Each `*-violation.rq` with the rows it returned (empty when the check passes)."""
    results = []
    for path in sorted(folder.glob("*-violation.rq")):
        rows = graph.query(path.read_text(encoding="utf-8"))
        results.append((path.stem, [" | ".join(str(v) for v in row) for row in rows]))
    return results
