"""The built mappings graph against the shared reference table, traps included."""

from __future__ import annotations

import pytest
from rdflib import DCTERMS, OWL, RDF, SKOS, Dataset, Graph, Literal, Namespace, URIRef

from kg import prefixes
from kg.ids import GRAPH, mint
from kg.mappings import TRIAL_KIND
from kg.pipeline import Outcome
from kg.reference import Row, read_reference
from kg.settings import Settings

SSSOM = Namespace("https://w3id.org/sssom/")
SEMAPV = Namespace("https://w3id.org/semapv/vocab/")
DOUBLE = URIRef("http://www.w3.org/2001/XMLSchema#double")


@pytest.fixture(scope="module")
def mappings(dataset: Dataset) -> Graph:
    return dataset.graph(GRAPH["mappings"])


@pytest.fixture(scope="module")
def rows(settings: Settings) -> list[Row]:
    return read_reference(settings.reference)


def iri(curie: str) -> URIRef:
    expanded = prefixes.expand(curie)
    assert expanded is not None, curie
    return URIRef(expanded)


def links(graph: Graph, subject: URIRef) -> dict[str, str]:
    """CURIE of each linked id -> SKOS predicate local name."""
    out = {}
    for predicate in (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch):
        for target in graph.objects(subject, predicate):
            out[prefixes.compact(str(target))] = str(predicate).rsplit("#", 1)[1]
    return out


# (entity, CURIE, predicate); predicate None: the id must not be linked to that entity at all.
SAMPLE = [
    (("agent", "blinatumomab"), "NCIT:C62528", "exactMatch"),
    (("agent", "blinatumomab"), "drugbank:DB09052", "exactMatch"),
    (("agent", "blinatumomab"), "mesh:C510808", "closeMatch"),  # supplementary concept, label not seen
    (("agent", "inotuzumab-ozogamicin"), "NCIT:C71542", "closeMatch"),  # medium: one secondary source
    (("agent", "anakinra"), "mesh:D053590", "broadMatch"),  # descriptor broader than the drug
    (("agent", "calicheamicin"), "CHEBI:64068", "broadMatch"),  # class-level ChEBI term
    (("agent", "calicheamicin"), "CHEBI:3319", None),
    (("agent", "fludarabine"), "NCIT:C1094", "exactMatch"),
    (("agent", "fludarabine"), "NCIT:C1102", "closeMatch"),  # fludarabine phosphate, the prodrug
    (("agent", "cyclophosphamide"), "CHEBI:4027", "exactMatch"),
    (("agent", "cyclophosphamide"), "CHEBI:4026", None),  # the hydrate
    (("agent", "asparaginase"), "drugbank:DB00023", "narrowMatch"),  # the E. coli enzyme
    (("agent", "revumenib"), "NCIT:C165776", "exactMatch"),
    (("antigen", "CD19"), "uniprot:P15391", "exactMatch"),
    (("antigen", "CD19"), "NCIT:C38894", "exactMatch"),  # the protein concept
    (("antigen", "CD19"), "NCIT:C38886", None),  # the gene concept
    (("antigen", "CD19"), "hgnc:1633", None),
    (("antigen", "CD22"), "uniprot:P20273", "exactMatch"),
    (("antigen", "CD22"), "uniprot:Q9UQA6", None),  # secondary accession
    (("antigen", "CD7"), "NCIT:C38935", "exactMatch"),
    (("gene", "CD7-gene"), "NCIT:C38934", "closeMatch"),
    (("gene", "CD7-gene"), "hgnc:1695", "exactMatch"),
    (("gene", "CD7-gene"), "NCIT:C38935", None),
    (("gene", "KMT2A"), "NCIT:C18585", "exactMatch"),
    (("gene", "KMT2A"), "NCIT:C17595", None),  # the protein concept
    (("gene", "TRAC"), "ensembl:ENSG00000277734", "exactMatch"),
    (("gene", "TRAC"), "uniprot:P01848", None),
    (("antigen", "IL-6R"), "hgnc:6018", None),  # IL6 is the ligand, not the receptor
    (("antigen", "IL-6R"), "uniprot:P05231", None),
    (("antigen", "PD-1"), "uniprot:Q15116", "exactMatch"),
    (("gene", "PDCD1"), "hgnc:8760", "exactMatch"),
    (("antigen", "CD3"), "uniprot:P07766", "closeMatch"),  # CD3 epsilon, a chain of the complex
    (("domain", "4-1BB"), "uniprot:Q07011", "closeMatch"),
    (("disease", "B-ALL"), "NCIT:C8644", "exactMatch"),
    (("disease", "B-ALL"), "MONDO:0020511", "exactMatch"),
    (("disease", "B-ALL"), "DOID:0080638", "exactMatch"),
    (("disease", "B-ALL"), "MONDO:0004947", "broadMatch"),  # MONDO's class is the leukemia/lymphoma umbrella
    (("disease", "B-ALL"), "NCIT:C8936", "broadMatch"),
    (("disease", "B-LBL"), "NCIT:C8936", "broadMatch"),
    (("disease", "ALL"), "MONDO:0004967", "exactMatch"),
    (("disease", "ALL"), "mesh:D054198", "broadMatch"),  # descriptor covers lymphoma too
    (("disease", "ALL"), "MONDO:0000870", "narrowMatch"),  # childhood ALL
    (("disease", "T-ALL"), "mesh:D054218", "broadMatch"),
    (("disease", "multiple-myeloma"), "NCIT:C3242", "exactMatch"),
    (("disease", "B-NHL"), "mesh:D016393", "broadMatch"),
    (("ae", "CRS"), "MONDO:0600008", "exactMatch"),
    (("ae", "ICANS"), "NCIT:C27961", "broadMatch"),  # neurotoxicity syndrome is not ICANS
    (("ae", "SOS"), "OAE:0005386", "broadMatch"),  # OAE term not liver-specific
    (("ae", "HLH-MAS"), "OAE:0006778", "narrowMatch"),
    (("ae", "hypogammaglobulinemia"), "NCIT:C26931", "exactMatch"),
    (("ae", "hypogammaglobulinemia"), "OAE:0006546", "exactMatch"),
    (("ae", "hypogammaglobulinemia"), "MONDO:0016463", None),
    (("ae", "hypogammaglobulinemia"), "mesh:D000361", "broadMatch"),
    (("ae", "GVHD"), "OAE:0005855", "narrowMatch"),
    (("procedure", "HSCT"), "NCIT:C15431", "exactMatch"),
    (("procedure", "HSCT"), "NCIT:C16039", None),  # autologous: skipped
    (("trial", "NCT02435849"), "clinicaltrials:NCT02435849", "exactMatch"),
    (("publication", "glasser2023"), "doi:10.3390/biomedicines11071886", "exactMatch"),
]


@pytest.mark.parametrize(("entity", "curie", "predicate"), SAMPLE, ids=[f"{e[1]}-{c}" for e, c, _ in SAMPLE])
def test_sample_of_links_and_traps(mappings: Graph, entity: tuple[str, str], curie: str, predicate: str | None) -> None:
    found = links(mappings, mint(*entity))
    assert found.get(curie) == predicate, found


def test_ontology_terms_are_linked_too(dataset: Dataset) -> None:
    mappings = dataset.graph(GRAPH["mappings"])
    ia = "https://w3id.org/immunall/ontology/"
    assert links(mappings, URIRef(ia + "CR")) == {"NCIT:C4870": "closeMatch"}  # a rate vs the state
    assert links(mappings, URIRef(ia + "DFS"))["mesh:D018572"] == "exactMatch"


def test_no_entity_has_a_mondo_link_for_hypogammaglobulinemia_or_an_exact_umbrella(mappings: Graph) -> None:
    assert not [t for t in links(mappings, mint("ae", "hypogammaglobulinemia")) if t.startswith("MONDO:")]
    umbrella = iri("MONDO:0004947")
    assert (None, SKOS.exactMatch, umbrella) not in mappings


def test_every_row_of_the_table_is_linked_reported_or_skipped(build: Outcome, rows: list[Row]) -> None:
    result = build.mappings
    assert result is not None
    linked = {m.row.line for m in result.mappings if m.row is not None}
    pending = {r.line for _, _, group in result.report.pending for r in group}
    skipped = {r.line for r, _ in result.report.skipped}
    trials = {r.line for r in result.report.trials_not_in_graph}
    assert not result.report.unreviewed
    assert {r.line for r in rows} == linked | pending | skipped | trials
    assert not linked & (pending | skipped | trials)


def test_every_linked_row_carries_its_table_confidence_and_sources(mappings: Graph, build: Outcome) -> None:
    assert build.mappings is not None
    for m in build.mappings.mappings:
        if m.row is None or m.row.kind == TRIAL_KIND:
            continue
        nodes = set(mappings.subjects(OWL.annotatedSource, m.subject)) & set(
            mappings.subjects(OWL.annotatedTarget, iri(m.row.curie)))
        assert len(nodes) == 1, m.row.where
        node = nodes.pop()
        expected = 0.95 if m.row.confidence == "high" else 0.8
        assert mappings.value(node, SSSOM.confidence) == Literal(expected, datatype=DOUBLE), m.row.where
        sources = {str(s) for s in mappings.objects(node, DCTERMS.source)}
        assert sources == set(m.row.verified_by), m.row.where


def test_a_mapping_node_says_how_sure_why_and_who(mappings: Graph) -> None:
    subject, target = mint("agent", "blinatumomab"), iri("NCIT:C62528")
    (node,) = set(mappings.subjects(OWL.annotatedSource, subject)) & set(mappings.subjects(OWL.annotatedTarget, target))
    assert node == mint("mapping", "agent.blinatumomab--NCIT.C62528")
    assert (subject, SKOS.exactMatch, target) in mappings
    assert mappings.value(node, OWL.annotatedProperty) == SKOS.exactMatch
    assert mappings.value(node, SSSOM.mapping_justification) == SEMAPV.ManualMappingCuration
    assert str(mappings.value(node, SSSOM.author_label)) == "ImmunALL curators"
    assert any("moalmanac" in str(s) for s in mappings.objects(node, DCTERMS.source))


def test_trial_registrations_confirmed_by_the_table_are_high_confidence(mappings: Graph, rows: list[Row]) -> None:
    table = {r.local_id for r in rows if r.kind == TRIAL_KIND}
    for trial in ("NCT02435849", "NCT02101853", "NCT02981628"):
        assert trial in table
        target = iri(f"clinicaltrials:{trial}")
        assert (mint("trial", trial), SKOS.exactMatch, target) in mappings
        (node,) = mappings.subjects(OWL.annotatedTarget, target)
        assert float(mappings.value(node, SSSOM.confidence)) == 0.95


def test_immunall_mappings_lists_what_is_left_out(capsys: pytest.CaptureFixture[str]) -> None:
    from kg.cli import main

    assert main(["mappings"]) == 0
    out = capsys.readouterr().out
    assert '"links":' in out
    assert "no entity yet: IL6 (cytokine driving CRS; tocilizumab acts on its receptor)" in out
    assert "skipped uniprot:P01848 of TRAC" in out
    # every trial registration of the reference table belongs to a curated study and is linked
    assert '"trials_not_in_graph": 0' in out


GENE_PREFIXES = ("hgnc", "NCBIGene", "ensembl")


def test_every_antigen_with_gene_rows_is_encoded_by_a_gene_that_carries_them(
        dataset: Dataset, mappings: Graph, rows: list[Row]) -> None:
    """Found by method: an antigen linked to a table label's protein rows is encoded by a gene
    record linked to that label's HGNC, NCBI Gene and Ensembl rows; gene ids stay off the antigen
    and protein ids off the gene (kg/mapping_checks.py)."""
    ia = Namespace("https://w3id.org/immunall/ontology/")
    asserted = dataset.graph(GRAPH["asserted"])
    genes_of_label = {}
    for row in rows:
        if row.kind == "gene" and row.prefix in GENE_PREFIXES:
            genes_of_label.setdefault(row.label, set()).add(iri(row.curie))
    checked = set()
    for antigen in asserted.subjects(RDF.type, ia.Antigen):
        linked = set(links(mappings, antigen))
        labels = {row.label for row in rows if row.kind == "protein" and row.curie in linked}
        for label in labels & set(genes_of_label):
            genes = set(asserted.objects(antigen, ia.encodedBy))
            assert len(genes) == 1, f"{antigen} ({label}) is encoded by {genes}"
            gene = genes.pop()
            assert (gene, RDF.type, ia.Gene) in dataset.graph(GRAPH["inferred"]) + asserted
            gene_links = {iri(curie) for curie in links(mappings, gene)}
            assert genes_of_label[label] <= gene_links, f"{gene} lacks {genes_of_label[label] - gene_links}"
            assert not {iri(curie) for curie in linked} & genes_of_label[label]
            assert not {curie for curie in links(mappings, gene)} & linked
            checked.add(str(antigen).rsplit("/", 1)[-1])
    assert {"CD19", "CD22", "CD38"} <= checked


def test_gene_records_cite_the_antigen_passage_and_say_where_the_ids_come_from(dataset: Dataset) -> None:
    ia = Namespace("https://w3id.org/immunall/ontology/")
    prov = Namespace("http://www.w3.org/ns/prov#")
    everything = dataset.graph(GRAPH["asserted"]) + dataset.graph(GRAPH["provenance"])
    for antigen in ("CD19", "CD22", "CD38"):
        gene = mint("gene", f"{antigen}-gene")
        assert (mint("antigen", antigen), ia.encodedBy, gene) in everything
        antigen_passages = set(everything.objects(mint("antigen", antigen), prov.wasDerivedFrom))
        assert set(everything.objects(gene, prov.wasDerivedFrom)) <= antigen_passages
        # the gene and its ids are outside knowledge, flagged with where they come from
        assert everything.value(gene, ia.outsideKnowledge) == ia.ReferenceTable
        assert "external_ids.tsv" in str(everything.value(gene, DCTERMS.source))
