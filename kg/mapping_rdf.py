"""Mappings -> the `mappings` named graph: the plain SKOS link plus a reified SSSOM mapping node.

The plain triple (`agent:blinatumomab skos:exactMatch NCIT:C62528`) keeps simple and federated
queries simple; the node beside it (an owl:Axiom, as SSSOM's RDF form has it) carries what the
link rests on: confidence, justification (semapv), where the id was seen (dcterms:source), why
this predicate, and who decided. Mapping nodes get readable IRIs under /mapping/.
"""

from __future__ import annotations

import re

from rdflib import DCTERMS, OWL, RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef

from kg import prefixes
from kg.ids import BASE, mint
from kg.mappings import AUTHOR, Mapping

SSSOM = Namespace("https://w3id.org/sssom/")
SEMAPV = Namespace("https://w3id.org/semapv/vocab/")
SKOS_MATCH = "http://www.w3.org/2004/02/skos/core#"


def slug(m: Mapping) -> str:
    """`agent.blinatumomab--NCIT.C62528`: the subject's path and the CURIE, in IRI-safe characters."""
    path = str(m.subject).removeprefix(BASE).replace("/", ".")
    return re.sub(r"[^A-Za-z0-9._-]", "_", f"{path}--{m.prefix}.{m.local_id}")


def predicate_iri(m: Mapping) -> URIRef:
    iri = prefixes.expand(m.predicate)
    assert iri is not None and iri.startswith(SKOS_MATCH), m.predicate
    return URIRef(iri)


def mapping_graph(mappings: list[Mapping]) -> Graph:
    """The links and their mapping nodes; raises if two links would share a node IRI."""
    graph = Graph()
    nodes: dict[URIRef, Mapping] = {}
    for m in mappings:
        predicate, target = predicate_iri(m), m.object
        node = mint("mapping", slug(m))
        if node in nodes:
            raise m.error(f"{m.curie}: its mapping node {node} is also made by {nodes[node].curie}")
        nodes[node] = m
        add = graph.add
        add((m.subject, predicate, target))
        add((node, RDF.type, OWL.Axiom))
        add((node, OWL.annotatedSource, m.subject))
        add((node, OWL.annotatedProperty, predicate))
        add((node, OWL.annotatedTarget, target))
        add((node, SSSOM.mapping_justification, SEMAPV[m.justification.removeprefix("semapv:")]))
        if m.confidence is not None:
            add((node, SSSOM.confidence, Literal(m.confidence, datatype=XSD.double)))
        add((node, SSSOM.author_label, Literal(AUTHOR)))
        add((node, SSSOM.subject_label, Literal(m.subject_label, lang="en")))
        for evidence in m.evidence:
            add((node, DCTERMS.source, Literal(evidence)))
        add((node, RDFS.comment, Literal(m.comment, lang="en")))
    return graph

