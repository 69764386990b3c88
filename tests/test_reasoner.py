"""The reasoner step: inconsistencies name what is involved; a hanging reasoner is stopped."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from rdflib import Graph

from kg.build import build_graphs
from kg.corpus import Corpus
from kg.facts import load_facts
from kg.reason import ReasonerError, run_hermit
from kg.schema import KINDS
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
