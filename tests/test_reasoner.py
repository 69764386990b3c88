"""The reasoner step: inconsistencies name what is involved; a hanging reasoner is stopped."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from rdflib import Graph

from immunall.kinds import FOLDERS as KINDS
from kg.build import build_graphs
from kg.corpus import Corpus
from kg.facts import load_facts
from kg.pipeline import Outcome
from kg.reason import ReasonerError, run_hermit
from kg.settings import Settings


def test_inconsistent_data_names_the_individual_and_classes(settings: Settings, facts_copy: Path,
                                                           ontology: Graph) -> None:
    # A drug that is also a procedure: the two classes are disjoint in the ontology.
    (facts_copy / "agents" / "zz-broken.yaml").write_text(
        "- {id: confused-agent, classes: [MonoclonalAntibody, Procedure], label: confused agent}\n"
    )
    built = build_graphs(ontology, load_facts(facts_copy, KINDS), Corpus(settings.corpus))
    with pytest.raises(ReasonerError) as err:
        run_hermit(ontology, built.asserted, timeout=300)
    message = str(err.value)
    assert "inconsistent" in message
    assert "confused agent" in message and "disjoint" in message


def test_a_reasoner_that_runs_too_long_is_stopped(settings: Settings, ontology: Graph) -> None:
    built = build_graphs(ontology, load_facts(settings.facts, KINDS), Corpus(settings.corpus))
    start = time.monotonic()
    with pytest.raises(ReasonerError, match="did not finish within 0.5 s"):
        run_hermit(ontology, built.asserted, timeout=0.5)
    assert time.monotonic() - start < 10


def test_dates_are_kept_away_from_hermit(ontology: Graph) -> None:
    from kg.reason import reasoner_input

    assert any(o.datatype and o.datatype.endswith("#date") for o in ontology.objects() if hasattr(o, "datatype"))
    cleaned = reasoner_input(ontology)
    assert not any(getattr(o, "datatype", None) and str(o.datatype).endswith("#date") for o in cleaned.objects())


def _as_before(ontology: Graph, asserted: Graph) -> Graph:
    """The inferred layer as the build made it before the reasoner was run asynchronously with JVM
    options and a cache: owlready2's HermiT in this process, the JVM as owlready2 starts it."""
    import tempfile

    import owlready2

    from kg.reason import add_type_closure, keep, reasoner_input

    source = reasoner_input(ontology, asserted)
    with tempfile.TemporaryDirectory() as tmp:
        given = Path(tmp) / "input.owl"
        source.serialize(given, format="xml")
        world = owlready2.World()
        world.get_ontology(f"file://{given}").load()
        owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
        entailed = Graph()
        for triple in world.as_rdflib_graph():
            entailed.add(triple)
    inferred = Graph()
    for s, p, o in entailed:
        if (s, p, o) not in source and keep(s, p, o):
            inferred.add((s, p, o))
    add_type_closure(ontology, source, inferred)
    return inferred


def test_the_inferred_layer_is_the_one_made_before(build: Outcome, settings: Settings, ontology: Graph) -> None:
    """The session's build ran HermiT our way; owlready2's own call must entail the same, and the
    build's reasoner cache must give it back unchanged."""
    built, now = build.built, build.reasoned
    assert len(now.inferred) > 500
    assert set(now.inferred) == set(_as_before(ontology, built.asserted))
    cached = run_hermit(ontology, built.asserted, timeout=300, cache=settings.reasoner_cache)
    assert set(cached.inferred) == set(now.inferred) and cached.direct == now.direct


def test_the_cache_key_follows_what_hermit_sees(settings: Settings, ontology: Graph) -> None:
    from rdflib import RDF, RDFS, Literal, URIRef

    from kg.reason import HOW, reasoner_input
    from kg.reason_cache import input_key

    built = build_graphs(ontology, load_facts(settings.facts, KINDS), Corpus(settings.corpus))
    key = input_key(reasoner_input(ontology, built.asserted), HOW)
    reparsed = Graph().parse(settings.ontology, format="turtle")  # new blank nodes, same axioms
    assert input_key(reasoner_input(reparsed, built.asserted), HOW) == key
    relabelled = Graph()
    relabelled += built.asserted
    subject = URIRef("https://w3id.org/immunall/agent/tisagenlecleucel")  # an individual HermiT reasons over
    assert (subject, RDFS.label, None) in relabelled
    relabelled.set((subject, RDFS.label, Literal("another label", lang="en")))  # HermiT never sees labels
    assert input_key(reasoner_input(ontology, relabelled), HOW) == key
    relabelled.add((subject, RDF.type, URIRef("https://w3id.org/immunall/ontology/Procedure")))
    assert input_key(reasoner_input(ontology, relabelled), HOW) != key
