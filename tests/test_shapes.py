"""The SHACL shapes against their examples: a valid and an invalid fixture for every node shape.

Each file under tests/data/valid/ must conform once merged with the ontology, as the build
validates the union of ontology and data. Each file under tests/data/invalid/ must produce at
least one sh:Violation, and every violation it produces must come from the shape its name gives
(`<Shape>.ttl` or `<Shape>--<what>.ttl`), so a fixture that fails for another reason is caught.
Known failures are listed by name in KNOWN_FAILURES and run as strict xfails, never skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, BNode, Graph, Namespace, URIRef
from rdflib.term import Node

from kg.validate import SH, Violation, load_shapes, validate_graph

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
IAS = Namespace("https://w3id.org/immunall/shapes/")
VALID = sorted((DATA / "valid").glob("*.ttl"))
INVALID = sorted((DATA / "invalid").glob("*.ttl"))

# "valid/<file>" or "invalid/<file>" -> why it fails today. Each runs as a strict xfail, so it
# shows in the summary and turns into a failure the moment it starts passing.
KNOWN_FAILURES: dict[str, str] = {}


def _cases(files: list[Path]) -> list:
    cases = []
    for path in files:
        key = f"{path.parent.name}/{path.name}"
        marks = [pytest.mark.xfail(reason=KNOWN_FAILURES[key], strict=True)] \
            if key in KNOWN_FAILURES else []
        cases.append(pytest.param(path, id=path.name, marks=marks))
    return cases


def _shape_of(path: Path) -> URIRef:
    return IAS[path.stem.split("--", 1)[0]]


@pytest.fixture(scope="session")
def shapes() -> Graph:
    return load_shapes(ROOT / "shapes")


@pytest.fixture(scope="session")
def ontology() -> Graph:
    return Graph().parse(ROOT / "ontology" / "immunall.ttl", format="turtle")


@contextmanager
def merged(ontology: Graph, path: Path) -> Iterator[tuple[Graph, Graph]]:
    """(fixture graph, ontology + fixture) for the duration of the block.

    The fixture's triples are added to the session's ontology graph and taken out again on
    exit: copying the ontology for each file would cost about as much as validating it.
    """
    data = Graph().parse(path, format="turtle")
    added = [triple for triple in data if triple not in ontology]
    for triple in added:
        ontology.add(triple)
    try:
        yield data, ontology
    finally:
        for triple in added:
            ontology.remove(triple)


def _violations(union: Graph, shapes: Graph) -> list[Violation]:
    return [v for v in validate_graph(union, shapes).violations if v.severity == "Violation"]


def _node(graph: Graph, text: str) -> Node:
    """A report's string back to the node: an IRI the graph uses, else a blank node id."""
    iri = URIRef(text)
    used = (iri, None, None) in graph or (None, None, iri) in graph
    return iri if used else BNode(text)


def _targets(shapes: Graph, shape: Node, focus: Node, data: Graph) -> bool:
    """Whether `shape` targets `focus` in `data`, for the target kinds SHACL Core defines."""
    for cls in shapes.objects(shape, SH.targetClass):
        for typ in data.objects(focus, RDF.type):
            if cls in data.transitive_objects(typ, RDFS.subClassOf):
                return True
    for prop in shapes.objects(shape, SH.targetSubjectsOf):
        if (focus, prop, None) in data:
            return True
    for prop in shapes.objects(shape, SH.targetObjectsOf):
        if (None, prop, focus) in data:
            return True
    return (shape, SH.targetNode, focus) in shapes


def _owners(shapes: Graph, violation: Violation, union: Graph) -> set[Node]:
    """The node shapes a violation belongs to.

    A node shape's own constraints (sh:sparql, sh:or) report the node shape itself; a property
    shape reports itself, so it is traced back through sh:property. A property shape shared by
    several node shapes (ias:LabelledProperty) belongs to those that target the focus node.
    """
    source = _node(shapes, violation.shape)
    if (source, RDF.type, SH.NodeShape) in shapes:
        return {source}
    owners = set(shapes.subjects(SH.property, source))
    if len(owners) > 1:
        focus = _node(union, violation.focus)
        owners = {owner for owner in owners if _targets(shapes, owner, focus, union)}
    return owners


def _local(node: Node) -> str:
    return str(node).removeprefix(str(IAS))


@pytest.mark.parametrize("path", _cases(VALID))
def test_valid_fixture_conforms(path: Path, shapes: Graph, ontology: Graph) -> None:
    shape = _shape_of(path)
    with merged(ontology, path) as (data, union):
        violations = _violations(union, shapes)
        focus = [n for n in set(data.subjects()) if _targets(shapes, shape, n, union)]
    assert focus, f"{path.name} gives {_local(shape)} no focus node, so it exercises nothing"
    assert not violations, "\n".join(str(v) for v in violations)


@pytest.mark.parametrize("path", _cases(INVALID))
def test_invalid_fixture_breaks_its_shape(path: Path, shapes: Graph, ontology: Graph) -> None:
    shape = _shape_of(path)
    with merged(ontology, path) as (_, union):
        blamed = [(v, _owners(shapes, v, union)) for v in _violations(union, shapes)]
    report = "\n".join(f"{v}  <- {sorted(map(_local, owners))}" for v, owners in blamed)
    assert any(shape in owners for _, owners in blamed), \
        f"{_local(shape)} does not fire on {path.name}; violations:\n{report or '(none)'}"
    assert all(shape in owners for _, owners in blamed), \
        f"{path.name} breaks other shapes than {_local(shape)}:\n{report}"


def test_every_node_shape_has_a_valid_and_an_invalid_fixture(shapes: Graph) -> None:
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    unnamed = [s for s in node_shapes if not str(s).startswith(str(IAS))]
    assert not unnamed, f"node shapes outside {IAS} cannot be named by a fixture: {unnamed}"
    names = {_local(s) for s in node_shapes}
    valid = {_local(_shape_of(p)) for p in VALID}
    invalid = {_local(_shape_of(p)) for p in INVALID}
    assert not names - valid, f"no tests/data/valid/<Shape>.ttl for {sorted(names - valid)}"
    assert not names - invalid, f"no tests/data/invalid/<Shape>.ttl for {sorted(names - invalid)}"


def test_every_fixture_names_a_node_shape(shapes: Graph) -> None:
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    strays = [f"{p.parent.name}/{p.name}" for p in VALID + INVALID
              if _shape_of(p) not in node_shapes or (p in VALID and "--" in p.stem)]
    assert not strays, f"fixtures that name no node shape (or a valid one with --): {strays}"
