"""The one prefix map: CURIE prefixes and IRI bases for every vocabulary ImmunALL writes or links to.

Taken from bioregistry (the `bioregistry` package ships its registry, so nothing is fetched),
never typed by hand, so the dumps, the SSSOM file, the JSON-LD context and the pages agree with
each other and with the rest of the bioregistry-using world. Which of bioregistry's IRI formats
a prefix uses is chosen here, once, with the reason where it differs from the RDF format.
Only ImmunALL's own two namespaces are local. Importing bioregistry takes seconds, so the map
is built on first use and cached; the build publishes it (prefixes.json, context.jsonld) for
the server, which then never needs bioregistry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import curies

from kg.ids import BASE, IA

RDF_FIRST = ("rdf", "default")


@dataclass(frozen=True)
class Source:
    """A bioregistry prefix and which of its IRI formats to use."""

    key: str
    priority: tuple[str, ...] = RDF_FIRST
    why: str = ""


# Order matters only for output (dumps, context): vocabularies first, then link targets.
REGISTERED: tuple[Source, ...] = (
    Source("rdf"), Source("rdfs"), Source("owl"), Source("xsd"), Source("skos"), Source("prov"),
    Source("dcterms"), Source("oa"), Source("bibo"), Source("void"), Source("sd"), Source("foaf"),
    Source("sh"), Source("schema"), Source("vann"), Source("pav"), Source("sssom"), Source("semapv"),
    Source("iao"), Source("obi"), Source("uo"),
    Source("ncit"), Source("mondo"), Source("doid"), Source("efo"), Source("hp"), Source("oae"),
    Source("maxo"), Source("chebi"), Source("drugbank"), Source("mesh"), Source("unii"), Source("rxnorm"),
    Source("umls"), Source("uniprot"), Source("ensembl"),
    Source("ncbigene", ("default",), "NCBI's own gene pages, as the reference table writes them; the RDF "
                                     "format bioregistry lists is UniProt's purl.uniprot.org/geneid/"),
    Source("hgnc", ("miriam",), "the default format ends in a '#!' fragment, unusable as an RDF IRI; "
                                "identifiers.org resolves to the same HGNC report"),
    Source("clinicaltrials"),
    Source("doi", ("default",), "https://doi.org/ is the form the DOI Handbook recommends; "
                                "the RDF format is the legacy http://dx.doi.org/"),
    Source("wikidata"),
)

# ImmunALL's own namespaces: the ontology, and every minted instance (immunall:agent/blinatumomab).
LOCAL: dict[str, str] = {"ia": str(IA), "immunall": BASE}
# Prefixes left out of Turtle: their local names hold '/', which Turtle would have to escape.
NOT_FOR_TURTLE = frozenset({"immunall"})


@dataclass(frozen=True)
class Entry:
    prefix: str
    uri_prefix: str
    synonyms: tuple[str, ...]
    pattern: str | None
    name: str
    key: str | None  # the bioregistry key; None for ImmunALL's own prefixes


def _resolve(source: Source) -> Entry:
    import bioregistry  # slow: only when the map is first needed

    resource = bioregistry.get_resource(source.key)
    if resource is None:
        raise LookupError(f"bioregistry has no prefix {source.key!r}")
    uri_prefix = resource.get_uri_prefix(priority=list(source.priority))
    if uri_prefix is None:
        raise LookupError(f"bioregistry has no IRI format {source.priority} for {source.key!r}")
    others = {resource.get_rdf_uri_prefix(), resource.get_uri_prefix(), resource.get_miriam_uri_prefix(),
              f"https://bioregistry.io/{source.key}:"}
    synonyms = tuple(sorted(p for p in others if p and p != uri_prefix))
    return Entry(resource.get_preferred_prefix() or source.key, uri_prefix, synonyms,
                 resource.get_pattern(), resource.get_name() or source.key, source.key)


@cache
def entries() -> tuple[Entry, ...]:
    """Every prefix: bioregistry's, then ImmunALL's own."""
    local = tuple(Entry(prefix, base, (), None, f"ImmunALL ({prefix})", None) for prefix, base in LOCAL.items())
    return tuple(_resolve(source) for source in REGISTERED) + local


@cache
def converter() -> curies.Converter:
    """A curies converter over the map, with bioregistry's patterns and alternative IRI forms."""
    records = [curies.Record(prefix=e.prefix, uri_prefix=e.uri_prefix, uri_prefix_synonyms=list(e.synonyms),
                             pattern=e.pattern) for e in entries()]
    return curies.Converter(records)


def prefix_map() -> dict[str, str]:
    """prefix -> IRI base, in output order."""
    return {e.prefix: e.uri_prefix for e in entries()}


def turtle_prefixes() -> dict[str, str]:
    return {p: iri for p, iri in prefix_map().items() if p not in NOT_FOR_TURTLE}


def entry(prefix: str) -> Entry | None:
    return next((e for e in entries() if e.prefix == prefix), None)


@cache
def pattern(prefix: str) -> re.Pattern[str] | None:
    """bioregistry's regular expression for the local ids of `prefix` (None: no constraint)."""
    found = entry(prefix)
    return re.compile(found.pattern) if found and found.pattern else None


def compact(iri: str) -> str:
    """The CURIE for `iri` (alternative IRI forms included), or the IRI itself when no prefix fits."""
    return converter().compress(iri, passthrough=True)


def expand(curie: str) -> str | None:
    return converter().expand(curie)


def extended_prefix_map() -> list[dict[str, object]]:
    """The map as curies' extended prefix map (JSON), for consumers and for the server."""
    out: list[dict[str, object]] = []
    for e in entries():
        record: dict[str, object] = {"prefix": e.prefix, "uri_prefix": e.uri_prefix}
        if e.synonyms:
            record["uri_prefix_synonyms"] = list(e.synonyms)
        if e.pattern:
            record["pattern"] = e.pattern
        out.append(record)
    return out


def jsonld_context(prefixes: dict[str, str] | None = None) -> dict[str, object]:
    """A JSON-LD 1.1 context: every prefix (usable for compaction too), and the mapping terms."""
    context: dict[str, object] = {"@version": 1.1}
    for prefix, base in (prefixes or prefix_map()).items():
        # JSON-LD 1.1 compacts with a term only if its IRI ends in a gen-delim or it says @prefix.
        context[prefix] = base if base[-1] in ":/?#[]@" else {"@id": base, "@prefix": True}
    skos = "http://www.w3.org/2004/02/skos/core#"
    for term in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch"):
        context[term] = {"@id": skos + term, "@type": "@id"}
    context["label"] = {"@id": "http://www.w3.org/2000/01/rdf-schema#label"}
    context["confidence"] = {"@id": "https://w3id.org/sssom/confidence",
                             "@type": "http://www.w3.org/2001/XMLSchema#double"}
    context["mapping_justification"] = {"@id": "https://w3id.org/sssom/mapping_justification", "@type": "@id"}
    return {"@context": context}


def bioregistry_version() -> str:
    from importlib.metadata import version

    return version("bioregistry")
