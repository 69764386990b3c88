"""One prefix map, from bioregistry, agreeing with the shared prefixes.tsv and used by every output."""

from __future__ import annotations

import csv
import json

from rdflib import Graph, URIRef

from kg import prefixes
from kg.pipeline import Outcome
from kg.settings import Settings


def test_the_map_matches_the_shared_prefix_table(settings: Settings) -> None:
    with (settings.reference / "prefixes.tsv").open(encoding="utf-8") as table:
        expected = {row["prefix"]: row["iri_base"] for row in csv.DictReader(table, delimiter="\t")}
    ours = prefixes.prefix_map()
    assert {p: ours.get(p) for p in expected} == expected


def test_the_shared_table_names_the_bioregistry_release_we_use(settings: Settings) -> None:
    text = (settings.reference / "prefixes.tsv").read_text(encoding="utf-8")
    assert f"bioregistry pkg {prefixes.bioregistry_version()}" in text


def test_every_reference_row_expands_to_its_printed_iri(settings: Settings) -> None:
    from kg.reference import read_reference

    for row in read_reference(settings.reference):
        assert prefixes.expand(row.curie) == row.iri, row.where
        assert prefixes.compact(row.iri) == row.curie, row.where


def test_compact_knows_alternative_iri_forms_and_our_own_namespaces() -> None:
    assert prefixes.compact("http://purl.obolibrary.org/obo/NCIT_C62528") == "NCIT:C62528"
    assert prefixes.compact("https://identifiers.org/ncit:C62528") == "NCIT:C62528"
    assert prefixes.compact("https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/1633") == "hgnc:1633"
    assert prefixes.compact("https://w3id.org/immunall/agent/blinatumomab") == "immunall:agent/blinatumomab"
    assert prefixes.compact("https://w3id.org/immunall/ontology/Antigen") == "ia:Antigen"
    assert prefixes.compact("http://example.org/x") == "http://example.org/x"


def test_patterns_come_from_bioregistry() -> None:
    pattern = prefixes.pattern("clinicaltrials")
    assert pattern is not None and pattern.match("NCT02435849") and not pattern.match("NCT0280442")
    assert prefixes.pattern("immunall") is None


def test_published_files_carry_the_same_map(settings: Settings, build: Outcome) -> None:
    epm = json.loads((settings.dist / "prefixes.json").read_text(encoding="utf-8"))
    assert {r["prefix"]: r["uri_prefix"] for r in epm} == prefixes.prefix_map()
    context = json.loads((settings.dist / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    assert context["NCIT"] == {"@id": "http://purl.obolibrary.org/obo/NCIT_", "@prefix": True}
    assert context["skos"] == "http://www.w3.org/2004/02/skos/core#"


def test_the_context_expands_curies_in_json_ld(settings: Settings, build: Outcome) -> None:
    context = json.loads((settings.dist / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    doc = {"@context": context, "@id": "immunall:agent/blinatumomab", "exactMatch": "NCIT:C62528",
           "confidence": 0.95}
    graph = Graph().parse(data=json.dumps(doc), format="json-ld")
    triple = (URIRef("https://w3id.org/immunall/agent/blinatumomab"),
              URIRef("http://www.w3.org/2004/02/skos/core#exactMatch"),
              URIRef("http://purl.obolibrary.org/obo/NCIT_C62528"))
    assert triple in graph


def test_turtle_dumps_use_the_prefixes(settings: Settings, build: Outcome) -> None:
    head = (settings.dist / "immunall.ttl").read_text(encoding="utf-8")[:5000]
    for prefix in ("NCIT", "MONDO", "drugbank", "skos", "ia"):
        assert f"@prefix {prefix}: <{prefixes.prefix_map()[prefix]}>" in head
    assert "@prefix ia: <https://w3id.org/immunall/ontology/>" in (settings.dist / "ontology.ttl").read_text()
