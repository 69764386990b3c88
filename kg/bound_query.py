"""SPARQL queries prepared for the variables their caller binds up front (pySHACL's `$this`).

rdflib orders each basic graph pattern at prepare time, when it cannot know that `$this` will be
bound: `?p a ia:Passage` (two constants) goes before `$this prov:wasDerivedFrom ?p` (one), so
every focus node scans every passage. Ordering with the bound variables counted as known makes
each lookup start from the focus node. A basic graph pattern is a join, so its order changes how
fast the answer comes, never the answer.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import BNode, Variable
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query

Triple = tuple[object, object, object]


def _variables(triple: Triple) -> list[object]:
    return [term for term in triple if isinstance(term, Variable | BNode)]


def order_patterns(triples: Iterable[Triple], known: set[object]) -> list[Triple]:
    """Greedy: next the pattern with fewest unknown variables, preferring one that joins on a
    variable already bound (a focus node is more selective than a class or a predicate)."""
    known = set(known)
    rest, ordered = list(triples), []
    while rest:
        def cost(i: int) -> tuple[int, int, int]:
            terms = _variables(rest[i])
            return (sum(t not in known for t in terms), -sum(t in known for t in terms), i)
        best = rest.pop(min(range(len(rest)), key=cost))
        ordered.append(best)
        known.update(_variables(best))
    return ordered


def _reorder(node: object, known: set[object], seen: set[int]) -> None:
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, CompValue):
        if node.name == "BGP" and node.get("triples"):
            node["triples"] = order_patterns(node["triples"], known)
        children = [*node.values(), *vars(node).values()]  # (NOT) EXISTS keeps its pattern as an attribute
    elif isinstance(node, list | tuple):
        children = list(node)
    elif isinstance(node, dict):
        children = list(node.values())
    else:
        return
    for child in children:
        _reorder(child, known, seen)


def prepare_bound(text: str, bound: Iterable[str]) -> Query:
    """`text` prepared as rdflib would, with each basic graph pattern ordered for `bound` variables."""
    query = prepareQuery(text)
    names = {Variable(name) for name in bound}
    if names:
        _reorder(query.algebra, names, set())
    return query
