"""Base IRI, namespaces, named graphs and the minting of instance IRIs.

IRIs are readable and stable: `https://w3id.org/immunall/<kind>/<slug>`, with the slug
taken from the curated id (a registry id for trials, a lower-case name for agents).
"""

from __future__ import annotations

import re

from rdflib import Namespace, URIRef

from immunall.generation import BASE, GRAPH_NAMES, graph_iri
from immunall.kinds import SEGMENTS

IA = Namespace(BASE + "ontology/")
ONTOLOGY_IRI = URIRef(BASE + "ontology")

OA = Namespace("http://www.w3.org/ns/oa#")
IAO = Namespace("http://purl.obolibrary.org/obo/IAO_")
OBO = Namespace("http://purl.obolibrary.org/obo/")
BIBO = Namespace("http://purl.org/ontology/bibo/")

GRAPH = {name: URIRef(graph_iri(name)) for name in GRAPH_NAMES}

SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def mint(kind: str, slug: str) -> URIRef:
    """The IRI of an instance of `kind` with curated id `slug`."""
    if kind not in SEGMENTS:
        raise KeyError(f"unknown kind {kind!r}")
    if not SLUG.match(slug):
        raise ValueError(f"id {slug!r} is not a readable IRI slug (letters, digits, . _ -)")
    return URIRef(f"{BASE}{SEGMENTS[kind]}/{slug}")


def term(name: str) -> URIRef:
    """An ontology term; raises on names the ontology does not declare is checked by the build."""
    return IA[name]
