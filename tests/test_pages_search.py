"""Search: every name people use (labels, synonyms, brand and code names, acronyms, registry ids),
exact matches first, and each hit says which name matched."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from tests.html_helpers import BROWSER, text_of

pytest_plugins = ["tests.page_fixtures"]


def hits(client: FlaskClient, query: str, **params: str) -> list[dict[str, str]]:
    response = client.get("/search.json", query_string={"q": query, **params})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.json["results"]


@pytest.mark.parametrize(
    ("query", "url", "matched", "via"),
    [
        ("Kymriah", "/agent/tisagenlecleucel", "Kymriah", "brand name"),
        ("CTL019", "/agent/tisagenlecleucel", "CTL019", "code name"),
        ("ctl-019", "/agent/tisagenlecleucel", "CTL019", "code name"),
        ("CD22", "/antigen/CD22", "CD22", "label"),
        ("ELIANA", "/trial/NCT02435849", "ELIANA", "label"),
        ("NCT02435849", "/trial/NCT02435849", "NCT02435849", None),
        ("CRS", "/adverse-event/CRS", "CRS", "alternative label"),
    ],
)
def test_a_name_people_know_finds_its_entity_first(
    pages: FlaskClient, query: str, url: str, matched: str, via: str | None
) -> None:
    first = hits(pages, query)[0]
    assert first["url"] == url
    assert first["match"] == "exact"
    assert first["matched"] == matched
    if via:
        assert first["matchedProperty"] == via


def test_exact_matches_come_before_longer_names(pages: FlaskClient) -> None:
    results = hits(pages, "CD19")
    assert results[0]["url"] == "/antigen/CD19"
    kinds = [r["match"] for r in results]
    assert kinds == sorted(kinds, key=["exact", "prefix", "word", "substring", "words"].index)
    assert any(r["url"] == "/ontology/CD19DirectedTherapy" for r in results)


def test_partial_names_find_entities(pages: FlaskClient) -> None:
    urls = [r["url"] for r in hits(pages, "tisagen")]
    assert urls[0] == "/agent/tisagenlecleucel"
    assert hits(pages, "release syndrome")[0]["url"] == "/adverse-event/CRS"


def test_html_results_say_which_name_matched(pages: FlaskClient) -> None:
    response = pages.get("/search", query_string={"q": "CTL019"}, headers=BROWSER)
    assert response.mimetype == "text/html"
    text = text_of(response.text)
    assert "tisagenlecleucel" in text and "matched code name “CTL019”" in text
    assert "/search.json?q=CTL019" in response.headers["Link"]


def test_json_by_accept_and_limits(pages: FlaskClient) -> None:
    response = pages.get("/search", query_string={"q": "cell", "limit": "3"}, headers={"Accept": "application/json"})
    assert response.mimetype == "application/json"
    assert len(response.json["results"]) == 3
    assert hits(pages, "") == []
    assert hits(pages, "zzzz-no-such-thing") == []


def test_what_people_type_is_escaped(pages: FlaskClient) -> None:
    attack = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    for path in ("/search", "/query"):
        key = "q" if path == "/search" else "query"
        markup = pages.get(path, query_string={key: attack}, headers=BROWSER).text
        assert "<script>alert(1)</script>" not in markup and "<img src=x" not in markup
    missing = pages.get("/trial/%3Cscript%3Ealert(1)%3C%2Fscript%3E", headers=BROWSER)
    assert missing.status_code == 404 and "<script>alert(1)" not in missing.text


def test_a_misspelt_name_still_finds_its_entity(pages: FlaskClient) -> None:
    for typed, url in (("blinatumumab", "/agent/blinatumomab"), ("kymria", "/agent/tisagenlecleucel"),
                       ("tisagenlecleucell", "/agent/tisagenlecleucel")):
        first = hits(pages, typed)[0]
        assert first["url"] == url, (typed, first)
    assert hits(pages, "blinatumumab")[0]["match"] == "close spelling"
    assert hits(pages, "CD20")[0]["url"] == "/antigen/CD20"  # a short id is never taken for another


def test_an_author_finds_the_publications_and_the_studies_they_report(pages: FlaskClient) -> None:
    results = hits(pages, "Maude")
    urls = [r["url"] for r in results]
    assert "/publication/maude2018" in urls and "/publication/maude2014" in urls
    eliana = next(r for r in results if r["url"] == "/trial/NCT02435849")
    assert eliana["matchedProperty"] == "authors of a report"
    assert eliana["through"]["url"].startswith("/publication/")
    title = hits(pages, "Three-Year Update of Tisagenlecleucel")
    assert {"/publication/laetsch2023", "/trial/NCT02435849"} <= {r["url"] for r in title}


def test_a_figure_is_found_by_study_measure_and_timepoint(pages: FlaskClient) -> None:
    first = hits(pages, "3-year overall survival ELIANA")[0]
    assert first["url"] == "/result/eliana-a25-os-3y"
    assert first["type"] == "outcome result"
    assert first["label"] == "ELIANA: overall survival 63%, 3 years (Arkarattanakul et al. 2025)"
    assert hits(pages, "ELIANA CRS")[0]["url"].startswith("/ae-observation/eliana-")


@pytest.mark.parametrize("query", ["ELIANA", "CRS", "glasser", "disagreement", "risk"])
def test_suggestions_say_what_each_hit_is_once_and_never_by_internal_id(pages: FlaskClient, query: str) -> None:
    results = hits(pages, query, limit="40")
    assert results
    seen = set()
    for r in results:
        assert r["type"] and r["label"], r
        assert (r["type"], r["label"]) not in seen, r
        seen.add((r["type"], r["label"]))
        assert r["label"] != r["iri"].rsplit("/", 1)[-1] or not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", r["label"]), r
        assert not re.search(r"(glasser2023|arkarattanakul2025)", r["label"] + r["note"]), r
