"""The endpoint describing itself: a SPARQL 1.1 Service Description and a VoID description.

Both are built as pyoxigraph triples from `Stats` and serialized by pyoxigraph, so they come out
in every RDF format the endpoint offers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyoxigraph as ox

from immunall.generation import BASE
from server.examples import load_all
from server.negotiation import GRAPH, SOLUTIONS, format_iri
from server.sparql_text import sketch
from server.stats import Stats

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
SH = "http://www.w3.org/ns/shacl#"
SCHEMA = "https://schema.org/"
OWL = "http://www.w3.org/2002/07/owl#"

PREFIXES = {
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "sd": SD,
    "void": VOID,
    "dcterms": DCT,
    "foaf": FOAF,
    "sh": SH,
    "schema": SCHEMA,
    "owl": OWL,
    "skos": "http://www.w3.org/2004/02/skos/core#",
}

TITLE = "ImmunALL"
DESCRIPTION = (
    "A knowledge graph of immunotherapy for pediatric acute lymphoblastic leukemia, "
    "with provenance to the reviews that state each fact."
)


@dataclass(frozen=True)
class Site:
    """Where the endpoint and its descriptions live, and which data version they describe."""

    endpoint: str
    void: str
    version: str | None = None
    built: datetime | None = None
    service_allow: tuple[str, ...] = ()  # endpoints SERVICE may call

    @property
    def dataset(self) -> str:
        return f"{self.void}#dataset"


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_n(XSD + "integer"))


def _a(subject: ox.NamedNode | ox.BlankNode, cls: str) -> ox.Triple:
    return ox.Triple(subject, _n(RDF + "type"), _n(cls))


def _counts(subject: ox.NamedNode | ox.BlankNode, counts: dict[str, int]) -> Iterator[ox.Triple]:
    for key, value in counts.items():
        yield ox.Triple(subject, _n(VOID + key), _int(value))


def service_description(site: Site, stats: Stats) -> list[ox.Triple]:
    """sd:Service with its formats, features and default dataset (graph names and sizes)."""
    service = _n(site.endpoint)
    dataset = _n(site.dataset)
    out = [
        _a(service, SD + "Service"),
        ox.Triple(service, _n(SD + "endpoint"), service),
        ox.Triple(service, _n(SD + "supportedLanguage"), _n(SD + "SPARQL11Query")),
        ox.Triple(service, _n(SD + "feature"), _n(SD + "UnionDefaultGraph")),
        ox.Triple(
            service,
            _n(SD + "defaultEntailmentRegime"),
            _n("http://www.w3.org/ns/entailment/Simple"),
        ),
        ox.Triple(service, _n(SD + "defaultDataset"), dataset),
        ox.Triple(service, _n(RDFS + "seeAlso"), _n(site.void)),
        _a(dataset, SD + "Dataset"),
    ]
    out += [
        ox.Triple(service, _n(SD + "resultFormat"), _n(format_iri(fmt)))
        for fmt in (*SOLUTIONS, *GRAPH)
    ]
    if site.service_allow:
        out.append(ox.Triple(service, _n(SD + "feature"), _n(SD + "BasicFederatedQuery")))
    default = ox.BlankNode("defaultGraph")
    out += [ox.Triple(dataset, _n(SD + "defaultGraph"), default), _a(default, SD + "Graph")]
    if "triples" in stats.dataset:
        out.append(ox.Triple(default, _n(VOID + "triples"), _int(stats.dataset["triples"])))
    for index, (name, counts) in enumerate(sorted(stats.graphs.items())):
        named, graph = ox.BlankNode(f"named{index}"), ox.BlankNode(f"graph{index}")
        out += [
            ox.Triple(dataset, _n(SD + "namedGraph"), named),
            _a(named, SD + "NamedGraph"),
            ox.Triple(named, _n(SD + "name"), _n(name)),
            ox.Triple(named, _n(SD + "graph"), graph),
            _a(graph, SD + "Graph"),
            ox.Triple(graph, _n(VOID + "triples"), _int(counts.get("triples", 0))),
        ]
    return out


def _subset_iri(site: Site, graph: str, index: int) -> str:
    local = re.sub(r"[^A-Za-z0-9_-]", "-", graph.rstrip("/").rsplit("/", 1)[-1]) or str(index)
    return f"{site.void}#graph-{local}"


def example_queries(folder: Path) -> list[tuple[str, str, str]]:
    """(name, title, text) of each example query in `folder`, by name."""
    if not folder.is_dir():
        return []
    return [(e.slug, e.title, e.query) for e in load_all(folder)]


_SHACL_FORM = {"SELECT": "select", "CONSTRUCT": "construct", "ASK": "ask", "DESCRIBE": "describe"}


Vocabulary = Callable[[str], tuple[str, str] | None]  # target IRI -> (prefix, IRI base)
BIOREGISTRY = "https://bioregistry.io/registry/"


def linksets(site: Site, stats: Stats, vocabulary: Vocabulary) -> list[ox.Triple]:
    """One void:Linkset per target vocabulary (with a subset per link predicate), with counts.

    The target dataset is named by its bioregistry entry, so linksets of different datasets
    that point at the same vocabulary name the same target.
    """
    dataset = _n(site.dataset)
    grouped: dict[tuple[str, str], dict[str, int]] = {}
    for predicate, target, triples in stats.links:
        found = vocabulary(target)
        if found is not None:
            per_predicate = grouped.setdefault(found, {})
            per_predicate[predicate] = per_predicate.get(predicate, 0) + triples
    out: list[ox.Triple] = []
    for (prefix, base), per_predicate in sorted(grouped.items()):
        linkset, other = _n(f"{site.void}#links-{prefix}"), _n(BIOREGISTRY + prefix.lower())
        out += [
            ox.Triple(dataset, _n(VOID + "subset"), linkset),
            _a(linkset, VOID + "Linkset"),
            ox.Triple(linkset, _n(DCT + "title"), ox.Literal(f"{TITLE} links to {prefix}")),
            ox.Triple(linkset, _n(VOID + "subjectsTarget"), dataset),
            ox.Triple(linkset, _n(VOID + "objectsTarget"), other),
            ox.Triple(linkset, _n(VOID + "target"), dataset),
            ox.Triple(linkset, _n(VOID + "target"), other),
            ox.Triple(linkset, _n(VOID + "triples"), _int(sum(per_predicate.values()))),
            _a(other, VOID + "Dataset"),
            ox.Triple(other, _n(DCT + "title"), ox.Literal(prefix)),
            ox.Triple(other, _n(VOID + "uriSpace"), ox.Literal(base)),
        ]
        for predicate, triples in sorted(per_predicate.items()):
            local = predicate.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
            part = _n(f"{site.void}#links-{prefix}-{local}")
            out += [
                ox.Triple(linkset, _n(VOID + "linkPredicate"), _n(predicate)),
                ox.Triple(linkset, _n(VOID + "subset"), part),
                _a(part, VOID + "Linkset"),
                ox.Triple(part, _n(VOID + "linkPredicate"), _n(predicate)),
                ox.Triple(part, _n(VOID + "subjectsTarget"), dataset),
                ox.Triple(part, _n(VOID + "objectsTarget"), other),
                ox.Triple(part, _n(VOID + "triples"), _int(triples)),
            ]
    return out


def void_description(
    site: Site, stats: Stats, examples: list[tuple[str, str, str]], vocabulary: Vocabulary | None = None
) -> list[ox.Triple]:
    """void:Dataset with counts, one subset per named graph, linksets, example resources and queries."""
    doc, dataset = _n(site.void), _n(site.dataset)
    out = [
        _a(doc, VOID + "DatasetDescription"),
        ox.Triple(doc, _n(DCT + "title"), ox.Literal(f"VoID description of {TITLE}")),
        ox.Triple(doc, _n(FOAF + "primaryTopic"), dataset),
        _a(dataset, VOID + "Dataset"),
        ox.Triple(dataset, _n(DCT + "title"), ox.Literal(TITLE)),
        ox.Triple(dataset, _n(DCT + "description"), ox.Literal(DESCRIPTION, language="en")),
        ox.Triple(dataset, _n(VOID + "sparqlEndpoint"), _n(site.endpoint)),
        ox.Triple(dataset, _n(VOID + "uriSpace"), ox.Literal(BASE)),
    ]
    out += [ox.Triple(dataset, _n(VOID + "feature"), _n(format_iri(fmt))) for fmt in GRAPH]
    if site.version:
        out.append(ox.Triple(dataset, _n(OWL + "versionInfo"), ox.Literal(site.version)))
    if site.built:
        out.append(
            ox.Triple(
                dataset,
                _n(DCT + "modified"),
                ox.Literal(site.built.isoformat(), datatype=_n(XSD + "dateTime")),
            )
        )
    out += _counts(dataset, stats.dataset)
    out += [ox.Triple(dataset, _n(VOID + "exampleResource"), _n(iri)) for iri in stats.examples]
    for index, (graph, counts) in enumerate(sorted(stats.graphs.items())):
        subset = _n(_subset_iri(site, graph, index))
        out += [
            ox.Triple(dataset, _n(VOID + "subset"), subset),
            _a(subset, VOID + "Dataset"),
            ox.Triple(subset, _n(SD + "name"), _n(graph)),
            ox.Triple(subset, _n(VOID + "sparqlEndpoint"), _n(site.endpoint)),
            *_counts(subset, counts),
        ]
    if vocabulary is not None:
        out += linksets(site, stats, vocabulary)
    for name, comment, text in examples:
        form = _SHACL_FORM.get(sketch(text).form or "", "select")
        example = _n(f"{site.void}#example-{name}")
        out += [
            _a(example, SH + "SPARQLExecutable"),
            _a(example, SH + f"SPARQL{form.capitalize()}Executable"),
            ox.Triple(example, _n(RDFS + "label"), ox.Literal(name)),
            ox.Triple(example, _n(SH + form), ox.Literal(text)),
            ox.Triple(example, _n(SCHEMA + "target"), _n(site.endpoint)),
            ox.Triple(example, _n(SCHEMA + "about"), dataset),
        ]
        if comment:
            out.append(ox.Triple(example, _n(RDFS + "comment"), ox.Literal(comment, language="en")))
    return out


def serialize(triples: list[ox.Triple], syntax: ox.RdfFormat) -> bytes:
    """Triples grouped by subject (in order of first mention) so Turtle nests them."""
    first: dict[str, int] = {}
    for index, triple in enumerate(triples):
        first.setdefault(str(triple.subject), index)
    grouped = sorted(triples, key=lambda triple: first[str(triple.subject)])
    body = ox.serialize(grouped, format=syntax, prefixes=PREFIXES)
    assert body is not None
    return body
