"""The named graphs as linked data: what `/graph/<name>` says about its graph.

A graph IRI is described with the VoID and SPARQL Service Description terms the endpoint's own
descriptions use (the counts are the same `Stats`), plus what the graph holds, its classes and
where to download it. A graph of at most GRAPH_CONTENT_TRIPLES statements also carries its
statements, so a client that dereferences the IRI gets the graph itself; a larger one links to
the dump (N-Quads keeps the graphs apart) and to /sparql.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import current_app, url_for

from server import describe, render
from server.negotiation import NTRIPLES, Format
from server.pages import data
from server.pages.home import DUMPS
from server.results import Answer
from server.store import get_backend

RDF = describe.RDF
VOID, SD, DCT, RDFS = describe.VOID, describe.SD, describe.DCT, describe.RDFS

# What each graph holds (README "The store holds five named graphs").
ABOUT = {
    "ontology": "The ontology: the classes, properties and axioms of the vocabulary (OWL 2).",
    "asserted": "The curated facts, as the records in facts/ state them.",
    "inferred": "What the HermiT reasoner entails and the curated facts do not state: types from "
                "defined classes, property chains and inverses, and superclass types.",
    "provenance": "The passages of the reviews (document, section, character span, cited references) and "
                  "the links from each fact to the passage that states it.",
    "mappings": "Links to other vocabularies (skos:exactMatch and the other SKOS mapping predicates) and "
                "one mapping node per link with its confidence, justification, sources and author (SSSOM).",
}
# The dumps holding each graph: the dataset dumps keep the graphs apart; the ontology has its own.
DATASET_DUMPS = ("immunall.nq", "immunall.trig")
OWN_DUMPS = {"ontology": ("ontology.ttl", "ontology.owl")}
COUNTS = ("triples", "entities", "classes", "properties", "distinctSubjects", "distinctObjects")


@dataclass
class GraphInfo:
    """One named graph: its counts (as in VoID), classes by members, dumps, and whether it is
    small enough to be served whole at its IRI."""

    iri: str
    name: str
    about: str
    counts: dict[str, int]
    classes: list[tuple[str, int]] = field(default_factory=list)
    dumps: list[tuple[str, str]] = field(default_factory=list)  # (file name, what it is)
    whole: bool = False

    @property
    def triples(self) -> int:
        return self.counts.get("triples", 0)


def info(name: str, iri: str) -> GraphInfo:
    """The description of graph `name` for the data being served."""
    generation = get_backend().generation()
    counts = render.stats().graphs.get(iri, {})
    classes = [(row["class"].value, int(row["members"].value))
               for row in data.select_counts("graph-classes", graph=data.iri(iri))]
    dumps = []
    for dump in (*OWN_DUMPS.get(name, ()), *DATASET_DUMPS):
        if generation.path is not None and (generation.path / dump).is_file():
            dumps.append((dump, DUMPS[dump][1]))
    limit = min(int(current_app.config["GRAPH_CONTENT_TRIPLES"]), int(current_app.config["MAX_RESULT_ROWS"]))
    whole = bool(counts) and counts.get("triples", 0) <= limit
    return GraphInfo(iri, name, ABOUT[name], counts, classes, dumps, whole)


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_n(describe.XSD + "integer"))


def description(graph: GraphInfo) -> list[ox.Triple]:
    """The graph as a void:Dataset and sd:Graph: counts, class partitions, dumps, endpoint."""
    this = _n(graph.iri)
    site = render.site(get_backend().generation())
    out = [
        ox.Triple(this, _n(RDF + "type"), _n(SD + "Graph")),
        ox.Triple(this, _n(RDF + "type"), _n(VOID + "Dataset")),
        ox.Triple(this, _n(DCT + "title"), ox.Literal(f"{describe.TITLE}: the {graph.name} graph", language="en")),
        ox.Triple(this, _n(DCT + "description"), ox.Literal(graph.about, language="en")),
        ox.Triple(this, _n(VOID + "sparqlEndpoint"), _n(site.endpoint)),
        ox.Triple(_n(site.dataset), _n(VOID + "subset"), this),
        ox.Triple(this, _n(RDFS + "seeAlso"), _n(site.void)),
    ]
    out += [ox.Triple(this, _n(VOID + key), _int(graph.counts[key])) for key in COUNTS if key in graph.counts]
    for index, (cls, members) in enumerate(graph.classes):
        partition = ox.BlankNode(f"class{index}")
        out += [ox.Triple(this, _n(VOID + "classPartition"), partition),
                ox.Triple(partition, _n(VOID + "class"), _n(cls)),
                ox.Triple(partition, _n(VOID + "entities"), _int(members))]
    out += [ox.Triple(this, _n(VOID + "dataDump"), _n(url_for("home.download", name=dump, _external=True)))
            for dump, _ in graph.dumps]
    return out


def rdf(graph: GraphInfo, chosen: Format) -> Answer:
    """The description, and the graph's own statements when it is small enough, as `chosen`."""
    assert isinstance(chosen.syntax, ox.RdfFormat)
    triples = description(graph)
    if graph.whole:
        content = data.construct("graph-document", NTRIPLES.media_type, graph=data.iri(graph.iri)).body
        triples += ox.parse(content, format=ox.RdfFormat.N_TRIPLES)
    return Answer(describe.serialize(triples, chosen.syntax), chosen.media_type, count=len(triples))
