"""Home, ontology browser, class index, downloads, query page and charts."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient

from tests.html_helpers import BROWSER, element, text_of

pytest_plugins = ["tests.page_fixtures"]
SVG = "{http://www.w3.org/2000/svg}"


def test_home_has_figures_and_ways_in(pages: FlaskClient) -> None:
    markup = pages.get("/", headers=BROWSER).text
    figures = text_of(markup)
    assert "clinical studies" in figures and "CAR T-cell products" in figures
    for path in ("/trial/NCT02435849", "/agent/tisagenlecleucel", "/antigen/CD22", "/adverse-event/CRS",
                 "/ontology/SecondGeneration"):
        assert f'href="{path}"' in markup, path
    assert '<main id="main"' in markup and 'class="skip"' in markup and 'aria-label="Main"' in markup


def test_ontology_browser_tree_and_properties(pages: FlaskClient) -> None:
    markup = pages.get("/ontology", headers=BROWSER).text
    tree = text_of(element(markup, "section", "classes"))
    assert "therapeutic agent" in tree and "CAR T-cell product" in tree
    properties = text_of(element(markup, "section", "object-properties"))
    assert "targets antigen" in properties and "therapeutic agent" in properties
    assert 'href="/ontology/targetsAntigen"' in markup
    assert "clinical study" in text_of(pages.get("/classes", headers=BROWSER).text)


def test_downloads_serve_the_dumps_and_nothing_else(pages: FlaskClient) -> None:
    listing = pages.get("/downloads", headers=BROWSER).text
    for name in ("immunall.nq", "immunall.trig", "immunall.ttl", "immunall.jsonld", "ontology.owl",
                 "ontology.ttl", "build.json"):
        assert f'href="/downloads/{name}"' in listing
    dump = pages.get("/downloads/immunall.nq")
    assert dump.status_code == 200 and dump.mimetype == "application/n-quads"
    assert b"<https://w3id.org/immunall/trial/NCT02435849>" in dump.data
    dump.close()
    for sneaky in ("/downloads/..%2Fbuild.json", "/downloads/../build.json", "/downloads/oxigraph",
                   "/downloads/%2Fetc%2Fpasswd", "/downloads/..", "/downloads/.%2e/.%2e/pyproject.toml"):
        assert pages.get(sneaky).status_code == 404, sneaky


def test_query_page_runs_a_gallery_question(pages: FlaskClient) -> None:
    markup = pages.get("/query", headers=BROWSER).text
    assert 'href="/query?example=03-eliana-outcomes#results"' in markup
    assert "<textarea" in markup and 'method="get"' in markup  # works without JavaScript
    result = pages.get("/query", query_string={"example": "03-eliana-outcomes"}, headers=BROWSER)
    table = text_of(element(result.text, "table", "results-table"))
    assert "overall survival" in table and "63" in table and "arkarattanakul2025" in table
    assert "http://localhost/query?example=03-eliana-outcomes" in result.text  # shareable link


def test_query_results_show_labels_and_errors_are_explained(pages: FlaskClient) -> None:
    query = "PREFIX ia: <https://w3id.org/immunall/ontology/> SELECT ?agent WHERE { ?agent ia:targetsAntigen ?a }"
    table = element(pages.post("/query", data={"query": query}, headers=BROWSER).text, "table", "results-table")
    assert '<a href="/agent/tisagenlecleucel">tisagenlecleucel</a>' in table
    broken = pages.get("/query", query_string={"query": "SELECT nonsense {"}, headers=BROWSER)
    assert broken.status_code == 400 and "Malformed query" in broken.text
    update = pages.get("/query", query_string={"query": "INSERT DATA { <a:b> <a:c> <a:d> }"}, headers=BROWSER)
    assert update.status_code == 403 and "read-only" in update.text


def _svg(body: bytes) -> ET.Element:
    root = ET.fromstring(body)
    assert root.tag == SVG + "svg"
    return root


def test_charts_are_svg_without_javascript(pages: FlaskClient) -> None:
    response = pages.get("/charts/response-rates.svg")
    assert response.mimetype == "image/svg+xml"
    root = _svg(response.data)
    texts = " ".join(t.text or "" for t in root.iter(SVG + "text"))
    assert "Target antigen: CD19" in texts and "81%" in texts
    everything = _svg(pages.get("/charts/response-rates.svg?scope=all").data)
    assert "CD22" in " ".join(t.text or "" for t in everything.iter(SVG + "text"))
    ae = _svg(pages.get("/charts/adverse-events.svg").data)
    ae_text = " ".join(t.text or "" for t in ae.iter(SVG + "text"))
    assert "tisagenlecleucel" in ae_text and "77% any grade" in ae_text and "46% grade 3 or higher" in ae_text
    neighbourhood = _svg(pages.get("/charts/neighbourhood.svg?path=/antigen/CD19").data)
    assert "CD19" in " ".join(t.text or "" for t in neighbourhood.iter(SVG + "text"))
    page = pages.get("/charts/response-rates", headers=BROWSER).text
    assert "<svg" in page and "<table" in page  # the picture and its table twin
    assert pages.get("/charts?scope=bogus").status_code == 404


def test_the_page_of_all_disagreements(pages: FlaskClient) -> None:
    markup = pages.get("/disagreements", headers=BROWSER).text
    cards = text_of(markup)
    card = text_of(element(markup, "article", "aall1331-lr-bm-dfs4y"))
    assert "4-year DFS of the low-risk marrow-relapse subgroup" in card and "different data cut or report" in card
    assert "53.7%" in card and "51.8%" in card and "p 0.016" in card  # the claims and the curator's note
    assert cards.count("4-year DFS of the low-risk marrow-relapse subgroup") == 1  # once, not twice
    assert 'href="/disagreements"' in pages.get("/", headers=BROWSER).text


class _Outline(HTMLParser):
    """Ids, h1s, landmarks, and form fields with or without a label."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.h1 = 0
        self.tags: set[str] = set()
        self.labelled: set[str] = set()
        self.fields: list[str] = []
        self.lang = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.tags.add(tag)
        if values.get("id"):
            self.ids.append(values["id"] or "")
        if tag == "h1":
            self.h1 += 1
        if tag == "html":
            self.lang = values.get("lang")
        if tag == "label" and values.get("for"):
            self.labelled.add(values["for"] or "")
        if tag in ("input", "textarea", "select") and values.get("type") != "hidden":
            self.fields.append(values.get("id") or "")


@pytest.mark.parametrize("path", ["/", "/trial/NCT02435849", "/agent/tisagenlecleucel", "/antigen/CD19",
                                  "/search?q=CD19", "/query?example=03-eliana-outcomes", "/charts", "/ontology",
                                  "/downloads", "/disagreements", "/passage/glasser2023-29095-29523",
                                  "/ontology/OutcomeResult", "/trial/NO-SUCH-TRIAL"])
def test_pages_are_well_formed_and_labelled(pages: FlaskClient, path: str) -> None:
    outline = _Outline()
    outline.feed(pages.get(path, headers=BROWSER).text)
    assert outline.lang == "en"
    assert outline.h1 == 1, path
    assert {"header", "nav", "main", "footer"} <= outline.tags, path
    duplicates = {i for i in outline.ids if outline.ids.count(i) > 1}
    assert not duplicates, (path, duplicates)
    unlabelled = [f for f in outline.fields if f not in outline.labelled]
    assert not unlabelled, (path, unlabelled)
