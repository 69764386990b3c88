"""Hub pages stay readable and bounded: an adverse event 130 figures point to, over a small store
made for the test, shows the first of them, says how many there are and links to all of them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from server.pages.views import HUB_FIGURES, SHOWN_PER_GROUP
from tests.html_helpers import BROWSER, element, text_of
from tests.server_fixtures import pages_client

B = "https://w3id.org/immunall/"
IA = B + "ontology/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ALT_LABEL = "http://www.w3.org/2004/02/skos/core#altLabel"
OWL_CLASS = "http://www.w3.org/2002/07/owl#Class"
INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
FIGURES = 130


def _quads() -> list[ox.Quad]:
    graph = ox.NamedNode(B + "graph/asserted")
    triples: list[tuple[str, str, object]] = [
        (IA + cls, RDF_TYPE, ox.NamedNode(OWL_CLASS))
        for cls in ("ClinicalStudy", "AdverseEvent", "AdverseEventObservation")
    ]
    triples += [
        (B + "trial/T1", RDF_TYPE, ox.NamedNode(IA + "ClinicalStudy")),
        (B + "trial/T1", LABEL, ox.Literal("TRIAL-ONE", language="en")),
        (B + "adverse-event/CRS", RDF_TYPE, ox.NamedNode(IA + "AdverseEvent")),
        (B + "adverse-event/CRS", LABEL, ox.Literal("cytokine release syndrome", language="en")),
        (B + "adverse-event/CRS", ALT_LABEL, ox.Literal("CRS", language="en")),
    ]
    for n in range(FIGURES):
        node = B + f"observation/o{n:03d}"
        triples += [
            (node, RDF_TYPE, ox.NamedNode(IA + "AdverseEventObservation")),
            (node, LABEL, ox.Literal(f"CRS in cohort {n:03d}", language="en")),
            (node, IA + "observationOf", ox.NamedNode(B + "trial/T1")),
            (node, IA + "event", ox.NamedNode(B + "adverse-event/CRS")),
            (node, IA + "numerator", ox.Literal(str(n), datatype=INTEGER)),
        ]
    return [ox.Quad(ox.NamedNode(s), ox.NamedNode(p), o, graph) for s, p, o in triples]


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    with pages_client(Path(tmp_path_factory.mktemp("hub")), _quads()) as client:
        yield client


def test_a_hub_shows_the_first_figures_and_links_to_all(hub: FlaskClient) -> None:
    markup = hub.get("/adverse-event/CRS", headers=BROWSER).text
    section = element(markup, "section", "adverse-events")
    assert f"The first {HUB_FIGURES} of {FIGURES} figures of this event." in text_of(section)
    assert section.count("/observation/o") >= HUB_FIGURES  # the figures shown link to their pages
    link = next(part.split('"', 1)[0] for part in section.split('href="')[1:] if part.startswith("/query?"))
    query = parse_qs(urlsplit(link.replace("&amp;", "&")).query)["query"][0]
    assert "adverse-event/CRS" in query and "event" in query


def test_a_hub_lists_the_first_incoming_statements_and_counts_them_all(hub: FlaskClient) -> None:
    statements = element(hub.get("/adverse-event/CRS", headers=BROWSER).text, "section", "statements")
    incoming = statements.split("Statements that point to", 1)[1]
    assert f"all {FIGURES}…" in text_of(incoming)
    shown = {part.split('"', 1)[0] for part in incoming.split('href="/observation/')[1:]}
    assert len(shown) == SHOWN_PER_GROUP


def test_the_study_page_still_shows_every_figure_of_its_own(hub: FlaskClient) -> None:
    section = element(hub.get("/trial/T1", headers=BROWSER).text, "section", "adverse-events")
    assert len({part.split('"', 1)[0] for part in section.split('href="/observation/')[1:]}) == FIGURES
