"""The real build: HermiT infers what the data does not state, SHACL conforms, outputs are complete."""

from __future__ import annotations

import json

import pyoxigraph as ox
from rdflib import RDF, Dataset, Graph, URIRef

from immunall.generation import MANIFEST
from kg.ids import GRAPH, IA, mint
from kg.load import DUMPS
from kg.pipeline import Outcome
from kg.settings import Settings


def test_reasoner_fills_defined_classes_beyond_the_asserted_data(build: Outcome) -> None:
    asserted, inferred = build.built.asserted, build.reasoned.inferred
    tisa, cd19 = mint("agent", "tisagenlecleucel"), mint("antigen", "CD19")
    # the product states only its construct's target; the property chain gives the product's target
    assert (tisa, IA.targetsAntigen, cd19) not in asserted
    assert (tisa, IA.targetsAntigen, cd19) in inferred
    # ... and the defined classes follow from it
    for cls in (IA.CD19DirectedTherapy, IA.SecondGenerationCARTProduct, IA.FourOneBBCostimulatedCARTProduct):
        assert (tisa, RDF.type, cls) in inferred and (tisa, RDF.type, cls) not in asserted
    assert (mint("trial", "NCT02435849"), RDF.type, IA.CARTTrial) in inferred
    # inverse properties are materialised too
    assert (cd19, IA.targetedBy, tisa) in inferred


def test_severe_observations_are_classified(build: Outcome) -> None:
    severe = set(build.reasoned.inferred.subjects(RDF.type, IA.SevereAdverseEventObservation))
    assert mint("aeobs", "eliana-g23-crs-g3") in severe
    assert mint("aeobs", "eliana-g23-crs-any") not in severe


def test_graph_conforms_to_shapes(build: Outcome) -> None:
    assert build.report.conforms, build.report.lines()


def test_dumps_hold_the_five_named_graphs(dataset: Dataset) -> None:
    names = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert {str(iri) for iri in GRAPH.values()} <= names


def test_every_dump_is_written_and_parses(settings: Settings, build: Outcome) -> None:
    formats = {"immunall.nq": "nquads", "immunall.trig": "trig", "immunall.ttl": "turtle",
               "immunall.jsonld": "json-ld", "ontology.owl": "xml", "ontology.ttl": "turtle"}
    other = {"mappings.sssom.tsv", "prefixes.json", "context.jsonld"}  # tests/test_mappings_*.py read them
    assert set(formats) | other | {MANIFEST} == set(DUMPS)
    for name in other:
        assert (settings.dist / name).is_file(), name
    for name, fmt in formats.items():
        path = settings.dist / name
        assert path.is_file(), name
        graph = Dataset() if fmt in ("nquads", "trig", "json-ld") else Graph()
        graph.parse(path, format=fmt)
        assert len(graph) > 0 or sum(len(g) for g in graph.graphs()) > 0, name


def test_store_generation_is_live_and_answers_sparql(settings: Settings, build: Outcome) -> None:
    current = settings.dist / "current"
    assert current.is_symlink()
    info = json.loads((current / "build.json").read_text())
    assert info["version"] == build.generation.version
    store = ox.Store.read_only(str(current / "oxigraph"))
    (row,) = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
    assert int(row["n"].value) == info["triples"]


def test_every_fact_node_has_a_passage_and_primary_source(dataset: Dataset) -> None:
    prov = dataset.graph(GRAPH["provenance"])
    asserted = dataset.graph(GRAPH["asserted"])
    result = mint("result", "eliana-a25-efs-3y")
    passage = prov.value(result, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))
    assert passage is not None
    assert prov.value(passage, IA.section) is not None
    primary = prov.value(result, URIRef("http://www.w3.org/ns/prov#hadPrimarySource"))
    assert primary == mint("publication", "laetsch2023")
    assert asserted.value(primary, IA.year) is not None


def test_the_same_data_gives_the_same_bytes_and_version(settings) -> None:
    """Blank nodes (the ontology's restrictions) are labelled from their content, not at random."""
    from rdflib import Graph

    from kg.load import canonical, nquads

    first = canonical(Graph().parse(settings.ontology, format="turtle"))
    second = canonical(Graph().parse(settings.ontology, format="turtle"))
    assert nquads({"ontology": first}) == nquads({"ontology": second})
    assert len(first) == len(Graph().parse(settings.ontology, format="turtle"))
