"""Curated ia:Disagreement and ia:Misprint nodes on the pages, over a small store made for the test
(the curated facts hold none yet): the entity they concern says so and shows both statements."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from tests.html_helpers import BROWSER, element, text_of
from tests.server_fixtures import pages_client

B = "https://w3id.org/immunall/"
IA = B + "ontology/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"
OWL_CLASS = "http://www.w3.org/2002/07/owl#Class"
PROV = "http://www.w3.org/ns/prov#"
OA = "http://www.w3.org/ns/oa#"
DECIMAL = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def _quads() -> list[ox.Quad]:
    graph = ox.NamedNode(B + "graph/asserted")
    triples: list[tuple[str, str, object]] = [
        (IA + cls, RDF_TYPE, ox.NamedNode(OWL_CLASS))
        for cls in ("ClinicalStudy", "OutcomeResult", "Disagreement", "Misprint", "Passage", "Publication",
                    "OutcomeMeasure")
    ]
    triples += [
        (B + "trial/T1", RDF_TYPE, ox.NamedNode(IA + "ClinicalStudy")),
        (B + "trial/T1", LABEL, ox.Literal("TRIAL-ONE", language="en")),
        (IA + "CR", RDF_TYPE, ox.NamedNode(IA + "OutcomeMeasure")),
        (IA + "CR", LABEL, ox.Literal("complete remission rate", language="en")),
    ]
    for doc, name in (("reva", "Alpha, A.; Beta, B."), ("revb", "Gamma, C.")):
        triples += [
            (B + f"publication/{doc}", RDF_TYPE, ox.NamedNode(IA + "Publication")),
            (B + f"publication/{doc}", LABEL, ox.Literal(f"Review {doc}", language="en")),
            (B + f"publication/{doc}", IA + "authorList", ox.Literal(name)),
            (B + f"publication/{doc}", IA + "year", ox.Literal("2024", datatype=INTEGER)),
        ]
    for result, value, doc, start in (("r1", "70", "reva", 10), ("r2", "77", "revb", 20)):
        passage = B + f"passage/{doc}-{start}-{start + 5}"
        triples += [
            (B + f"result/{result}", RDF_TYPE, ox.NamedNode(IA + "OutcomeResult")),
            (B + f"result/{result}", LABEL, ox.Literal(f"TRIAL-ONE CR {value}", language="en")),
            (B + f"result/{result}", IA + "resultOf", ox.NamedNode(B + "trial/T1")),
            (B + f"result/{result}", IA + "measure", ox.NamedNode(IA + "CR")),
            (B + f"result/{result}", IA + "value", ox.Literal(value, datatype=DECIMAL)),
            (B + f"result/{result}", IA + "unit", ox.NamedNode(IA + "Percent")),
            (B + f"result/{result}", PROV + "wasDerivedFrom", ox.NamedNode(passage)),
            (passage, RDF_TYPE, ox.NamedNode(IA + "Passage")),
            (passage, IA + "inDocument", ox.NamedNode(B + f"publication/{doc}")),
            (passage, IA + "section", ox.Literal("Results")),
            (passage, OA + "start", ox.Literal(str(start), datatype=INTEGER)),
            (passage, OA + "end", ox.Literal(str(start + 5), datatype=INTEGER)),
        ]
    triples += [
        (B + "disagreement/d1", RDF_TYPE, ox.NamedNode(IA + "Disagreement")),
        (B + "disagreement/d1", LABEL, ox.Literal("CR of TRIAL-ONE", language="en")),
        (B + "disagreement/d1", IA + "concerns", ox.NamedNode(B + "trial/T1")),
        (B + "disagreement/d1", IA + "aspect", ox.Literal("complete remission rate")),
        (B + "disagreement/d1", COMMENT, ox.Literal("The reviews print different CR rates.")),
        (B + "disagreement/d1", IA + "disagreementKind", ox.NamedNode(IA + "DifferentValueSameReport")),
        (B + "disagreement/d1", IA + "hasClaim", ox.NamedNode(B + "result/r1")),
        (B + "disagreement/d1", IA + "hasClaim", ox.NamedNode(B + "result/r2")),
        (B + "misprint/m1", RDF_TYPE, ox.NamedNode(IA + "Disagreement")),
        (B + "misprint/m1", RDF_TYPE, ox.NamedNode(IA + "Misprint")),
        (B + "misprint/m1", IA + "disagreementKind", ox.NamedNode(IA + "PrintingError")),
        (B + "misprint/m1", LABEL, ox.Literal("misprinted CR", language="en")),
        (B + "misprint/m1", IA + "concerns", ox.NamedNode(B + "result/r2")),
        (B + "misprint/m1", IA + "printedValue", ox.Literal("777%")),
        (B + "misprint/m1", IA + "likelyMeant", ox.Literal("77%")),
    ]
    return [ox.Quad(ox.NamedNode(s), ox.NamedNode(p), o, graph) for s, p, o in triples]


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    with pages_client(Path(tmp_path_factory.mktemp("disagree")), _quads()) as client:
        yield client


def test_the_entity_page_shows_a_curated_disagreement_with_both_statements(small: FlaskClient) -> None:
    markup = small.get("/trial/T1", headers=BROWSER).text
    assert "Where the reviews differ" in text_of(element(markup, "section", "disagreements"))
    card = text_of(element(markup, "article", "d1"))
    assert "The reviews print different CR rates." in card and "different value same report" in card
    assert "70%" in card and "77%" in card  # the two claims, side by side
    assert "Alpha & Beta 2024" in card and "Gamma 2024" in card
    assert "printed “777%”; likely meant “77%”" in text_of(element(markup, "article", "m1"))  # a misprint
    assert "see the disagreement" in text_of(element(markup, "section", "results"))  # each claim points to it


def test_the_disagreement_page_and_the_index(small: FlaskClient) -> None:
    page = text_of(small.get("/disagreement/d1", headers=BROWSER).text)
    assert "70%" in page and "77%" in page and "complete remission rate" in page
    index = text_of(small.get("/disagreements", headers=BROWSER).text)
    assert "complete remission rate" in index and "misprinted CR" in index
    assert index.count("The reviews print different CR rates.") == 1  # one card per disagreement
