"""Query answers to bytes, with the row cap applied, using pyoxigraph's serializers.

pyoxigraph can only serialize a whole `QuerySolutions` iterator, which would defeat the cap on a
huge result. So at most cap+1 solutions are read, written as SPARQL TSV (each term's `str()` is
already its TSV form), parsed back into a `QuerySolutions` and serialized in the wanted format:
the output is pyoxigraph's own, at ~20 ms extra per 10 000 rows. Triples need no detour since
`pyoxigraph.serialize` takes any iterable.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

import pyoxigraph as ox

# Prefixes offered to the Turtle and RDF/XML writers so CONSTRUCT output stays readable.
PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "ia": "https://w3id.org/immunall/ontology/",
}


@dataclass(frozen=True)
class Answer:
    """A serialized answer and whether the row cap cut it."""

    body: bytes
    media_type: str
    truncated: bool = False
    count: int | None = None  # solutions or triples sent; None for ASK


def _tsv_term(term: object | None) -> str:
    return "" if term is None else str(term)


def solutions_answer(
    solutions: ox.QuerySolutions, syntax: ox.QueryResultsFormat, max_rows: int
) -> Answer:
    """At most `max_rows` solutions in `syntax`."""
    variables = solutions.variables
    rows = list(islice(solutions, max_rows + 1))
    truncated = len(rows) > max_rows
    rows = rows[:max_rows]
    lines = ["\t".join(str(variable) for variable in variables)]
    lines.extend("\t".join(_tsv_term(term) for term in row) for row in rows)
    capped = ox.parse_query_results("\n".join(lines) + "\n", ox.QueryResultsFormat.TSV)
    assert isinstance(capped, ox.QuerySolutions)
    return Answer(capped.serialize(format=syntax), syntax.media_type, truncated, len(rows))


def boolean_answer(value: ox.QueryBoolean, syntax: ox.QueryResultsFormat) -> Answer:
    return Answer(value.serialize(format=syntax), syntax.media_type)


def triples_answer(triples: Iterable[ox.Triple], syntax: ox.RdfFormat, max_rows: int) -> Answer:
    """At most `max_rows` triples in `syntax`."""
    kept = list(islice(iter(triples), max_rows + 1))
    truncated = len(kept) > max_rows
    kept = kept[:max_rows]
    body = ox.serialize(kept, format=syntax, prefixes=PREFIXES)
    assert body is not None
    return Answer(body, syntax.media_type, truncated, len(kept))


def as_triples(quads: Iterator[ox.Quad]) -> Iterator[ox.Triple]:
    """Parsed triples (pyoxigraph parses into quads in the default graph) back to triples."""
    for quad in quads:
        yield ox.Triple(quad.subject, quad.predicate, quad.object)
