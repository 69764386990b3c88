"""The ontology: labels, definitions, metadata, working axioms, and clean loading in OWL tools."""

from __future__ import annotations

import re
import subprocess
import sys
import warnings
from pathlib import Path

from rdflib import DCTERMS, OWL, RDF, RDFS, SKOS, BNode, Graph, URIRef

from kg.ids import IA, IAO, ONTOLOGY_IRI

TERM_KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


def ia_terms(ontology: Graph, kinds=TERM_KINDS) -> list[URIRef]:
    return sorted({s for k in kinds for s in ontology.subjects(RDF.type, k)
                   if isinstance(s, URIRef) and str(s).startswith(str(IA))})


def test_every_term_has_one_label_and_a_definition(ontology: Graph) -> None:
    problems = []
    for term in ia_terms(ontology):
        labels = list(ontology.objects(term, RDFS.label))
        definitions = list(ontology.objects(term, IAO["0000115"])) + list(ontology.objects(term, SKOS.definition))
        if len(labels) != 1:
            problems.append(f"{term}: {len(labels)} labels")
        if not definitions:
            problems.append(f"{term}: no definition")
    assert not problems, problems
    assert len(ia_terms(ontology)) > 150


def test_every_named_individual_has_a_label_and_definition(ontology: Graph) -> None:
    for ind in ontology.subjects(RDF.type, OWL.NamedIndividual):
        assert len(list(ontology.objects(ind, RDFS.label))) == 1, ind
        assert ontology.value(ind, IAO["0000115"]) is not None, ind


def test_header_has_dated_version_and_dcterms_metadata(ontology: Graph) -> None:
    version = ontology.value(ONTOLOGY_IRI, OWL.versionIRI)
    assert version is not None and re.search(r"/\d{4}-\d{2}-\d{2}$", str(version))
    for p in (DCTERMS.title, DCTERMS.description, DCTERMS.license, DCTERMS.creator, DCTERMS.created):
        assert ontology.value(ONTOLOGY_IRI, p) is not None, p


def test_axioms_that_do_work_are_present(ontology: Graph) -> None:
    assert (None, RDF.type, OWL.AllDisjointClasses) in ontology
    assert ontology.value(IA.targetsAntigen, OWL.inverseOf) == IA.targetedBy
    assert ontology.value(IA.targetsAntigen, OWL.propertyChainAxiom) is not None
    defined = [c for c in ia_terms(ontology, (OWL.Class,)) if ontology.value(c, OWL.equivalentClass)]
    assert {IA.CD19DirectedTherapy, IA.DualTargetingCARTProduct} <= set(defined)
    # These point at any kind of node (a result, a study, an agent, a term), so they have no range.
    open_links = {IA.concerns, IA.hasClaim, IA.claimAbout, IA.claimedTerm, IA.findingAbout, IA.nameOf}
    for p in ia_terms(ontology, (OWL.ObjectProperty, OWL.DatatypeProperty)):
        assert p in open_links or ontology.value(p, RDFS.range) is not None, f"{p} has no range"


def test_rdflib_parses_without_warnings() -> None:
    path = Path(__file__).resolve().parents[1] / "ontology" / "immunall.ttl"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Graph().parse(path, format="turtle")


def test_owlready2_loads_without_warnings(tmp_path: Path, ontology: Graph) -> None:
    """owlready2 reads RDF/XML; run it in a fresh interpreter and require silence on stderr."""
    owl = tmp_path / "immunall.owl"
    ontology.serialize(owl, format="xml")
    code = (
        "import warnings, owlready2, sys\n"
        "warnings.simplefilter('error')\n"
        f"onto = owlready2.World().get_ontology('file://{owl}').load()\n"
        "print(len(list(onto.classes())), len(list(onto.object_properties())))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == ""
    classes, properties = map(int, done.stdout.split())
    named = [c for c in ontology.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)]
    assert classes == len(named)
    assert properties == len(list(ontology.subjects(RDF.type, OWL.ObjectProperty)))


def test_no_blank_node_terms(ontology: Graph) -> None:
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual):
        assert not any(isinstance(s, BNode) for s in ontology.subjects(RDF.type, kind))
