"""Split a shapes graph into parts that validate in separate processes.

SHACL validates each targeted shape on its own focus nodes, independently of the other targeted
shapes, so the union of the parts' reports is the whole report. A part is the whole shapes graph
less the targets of the shapes given to other parts: property shapes, SPARQL constraints and
`sh:node` references stay resolvable everywhere, and a shape without targets validates nothing
unless a targeted shape refers to it (which it then does in that shape's part, as in the whole).
"""

from __future__ import annotations

from rdflib import OWL, RDF, RDFS, Graph, Namespace
from rdflib.term import Node

SH = Namespace("http://www.w3.org/ns/shacl#")
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


def targeted(shapes: Graph) -> list[Node]:
    """Shapes with explicit targets, in a stable order."""
    found = {s for p in TARGETS for s in shapes.subjects(p, None)}
    return sorted(found, key=str)


def _implicit_targets(shapes: Graph) -> bool:
    """Any shape that is also a class targets its instances with no target triple to remove."""
    return any((shape, RDF.type, cls) in shapes for shape in shapes.subjects(RDF.type, SH.NodeShape)
               for cls in (RDFS.Class, OWL.Class))


def _instances(data: Graph, cls: Node) -> int:
    classes = set(data.transitive_subjects(RDFS.subClassOf, cls))
    return len({s for c in classes for s in data.subjects(RDF.type, c)})


def weight(shapes: Graph, shape: Node, data: Graph) -> int:
    """Roughly the work of a shape: its focus nodes times its constraints."""
    focus = sum(_instances(data, c) for c in shapes.objects(shape, SH.targetClass))
    focus += len(list(shapes.objects(shape, SH.targetNode)))
    focus += sum(len(set(data.subjects(p, None))) for p in shapes.objects(shape, SH.targetSubjectsOf))
    focus += sum(len(set(data.objects(None, p))) for p in shapes.objects(shape, SH.targetObjectsOf))
    constraints = sum(1 for p, _ in shapes.predicate_objects(shape) if p.startswith(str(SH)) and p not in TARGETS)
    return (focus + 1) * (constraints + 1)


def split(shapes: Graph, data: Graph, parts: int) -> list[Graph]:
    """`parts` shapes graphs whose targeted shapes partition those of `shapes`, balanced by weight
    (largest first onto the lightest part). One part when there are implicit class targets."""
    shapes_with_targets = targeted(shapes)
    parts = max(1, min(parts, len(shapes_with_targets)))
    if parts == 1 or _implicit_targets(shapes):
        return [shapes]
    loads = [0] * parts
    owner: dict[Node, int] = {}
    ranked = sorted(shapes_with_targets, key=lambda s: (-weight(shapes, s, data), str(s)))
    for shape in ranked:
        lightest = min(range(parts), key=lambda i: (loads[i], i))
        owner[shape] = lightest
        loads[lightest] += weight(shapes, shape, data)
    graphs = []
    for index in range(parts):
        part = Graph()
        for prefix, namespace in shapes.namespaces():
            part.bind(prefix, namespace, override=True)
        for s, p, o in shapes:
            if p in TARGETS and owner.get(s, index) != index:
                continue
            part.add((s, p, o))
        graphs.append(part)
    return graphs
