"""A clinician's journeys in real Chromium, at desktop (1280 px) and phone (390 px) widths, with
axe-core at zero and nothing wider than the screen on every page reached: from the home page
search to a trial's overview; from CD19 to a comparison of complete-remission rates holding every
CD19 CAR T trial with such a figure (found by SPARQL); from an adverse event to its incidence by
agent; a disagreement read side by side; a misspelled search that still lands.

One Chromium for the module, one tab per width, reused by every journey.
"""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from tests import browser
from tests.server_fixtures import LiveServer

pytest_plugins = ["tests.page_fixtures"]

pytestmark = pytest.mark.skipif(not browser.CHROMIUM.exists(), reason="Debian's chromium is not installed")

WIDTHS = browser.WIDTHS
CD19_CAR_T_CR = """PREFIX ia: <https://w3id.org/immunall/ontology/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?study ?label WHERE {
  ?r ia:resultOf ?study ; ia:measure ia:CR . ?study rdfs:label ?label ; ia:evaluatesAgent ?agent .
  ?agent a ia:CARTCellProduct .
  { ?agent ia:targetsAntigen <https://w3id.org/immunall/antigen/CD19> }
  UNION { ?agent ia:hasCARConstruct/ia:constructTargetsAntigen <https://w3id.org/immunall/antigen/CD19> } }"""


@pytest.fixture(scope="module")
def tabs(pages_live: LiveServer) -> Iterator[dict[str, Any]]:
    assert browser.AXE.is_file(), f"{browser.AXE} is missing: run `npm install` (scripts/test does)"
    for chromium in browser.launch():
        yield from browser.tabs(chromium, pages_live.url)


def _checked(tab: Any, where: str) -> None:
    """axe-core at zero, no horizontal overflow, no script error on the page as it is now."""
    violations = browser.axe_violations(tab)
    assert violations == [], f"{where}: {browser.describe(violations)}"
    room = browser.overflow(tab)
    assert room["page"] <= room["viewport"], f"{where} is {room['page']} px wide: {room['wide']}"
    assert tab.problems == [], tab.problems


@pytest.mark.parametrize("width", list(WIDTHS))
def test_from_the_home_search_to_a_trial_overview(tabs: dict[str, Any], width: str) -> None:
    tab = tabs[width]
    tab.goto("/")
    box = tab.locator("#site-search")
    box.fill("ELIANA")
    box.press("Enter")
    tab.wait_for_url(re.compile(r"/search\?q=ELIANA"))
    tab.locator("ol.hits li a", has_text="ELIANA").first.click()
    tab.wait_for_url(re.compile(r"/trial/NCT02435849$"))
    overview = tab.locator("#overview")
    text = overview.inner_text()
    for expected in ("tisagenlecleucel", "phase II", "completed", "NCT02435849", "75 treated", "Headline results"):
        assert expected in text, expected
    assert overview.bounding_box()["y"] < tab.viewport_size["height"]  # at the top, not thousands of px down
    _checked(tab, f"trial at {width}")


@pytest.mark.parametrize("width", list(WIDTHS))
def test_from_cd19_to_complete_remission_rates_of_every_cd19_car_t_trial(
        tabs: dict[str, Any], width: str, pages_live: LiveServer) -> None:
    url = pages_live.url + "/sparql?" + urllib.parse.urlencode({"query": CD19_CAR_T_CR})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request) as answer:  # noqa: S310 - the test's own server
        trials = {row["label"]["value"] for row in json.load(answer)["results"]["bindings"]}
    assert len(trials) >= 5
    tab = tabs[width]
    tab.goto("/antigen/CD19")
    tab.locator("#overview .compare-links a", has_text="complete remission rate").click()
    tab.wait_for_url(re.compile(r"/compare\?.*measure=CR"))
    tab.select_option("#f-class", "CARTCellProduct")
    tab.get_by_role("button", name="Apply").click()
    tab.wait_for_url(re.compile(r"class=CARTCellProduct"))
    shown = set(tab.locator("#compare-table td.study").all_inner_texts())
    assert trials <= shown, trials - shown
    titles = tab.locator("svg.chart > title").all_text_contents()
    assert titles and len(set(titles)) == len(titles)  # one chart per unit, never two units on one axis
    _checked(tab, f"comparison at {width}")
    if width == "desktop":
        tab.locator("#compare-table thead a", has_text="Value").click()  # sort by a column heading
    else:  # the headings are hidden on a phone: the form sorts
        tab.select_option("#f-sort", "value")
        tab.get_by_role("button", name="Apply").click()
    tab.wait_for_url(re.compile(r"sort=value"))
    assert tab.locator("#compare-table th[aria-sort]").inner_text().startswith("Value")


@pytest.mark.parametrize("width", list(WIDTHS))
def test_from_an_adverse_event_to_its_incidence_by_agent(tabs: dict[str, Any], width: str) -> None:
    tab = tabs[width]
    tab.goto("/adverse-event/CRS")
    table = tab.locator("#incidence-table")
    row = table.locator("tr", has=tab.locator("a", has_text="tisagenlecleucel")).first
    assert "%" in row.inner_text()
    _checked(tab, f"adverse event at {width}")
    row.locator("a", has_text="figure").click()
    tab.wait_for_url(re.compile(r"/compare\?.*event=CRS.*agent=tisagenlecleucel|agent=tisagenlecleucel.*event=CRS"))
    agents = tab.locator("#compare-table td[data-label='Product or agent']").all_inner_texts()
    assert agents and all("tisagenlecleucel" in a for a in agents)
    _checked(tab, f"incidence comparison at {width}")


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_disagreement_read_side_by_side(tabs: dict[str, Any], width: str) -> None:
    tab = tabs[width]
    tab.goto("/")
    tab.locator(".site-nav a", has_text="Disagreements").click()
    tab.wait_for_url(re.compile(r"/disagreements$"))
    card = tab.locator("article#eliana-crs-grade3")
    claims = card.locator(".claims > li")
    assert claims.count() == 2
    texts = claims.all_inner_texts()
    assert any("46%" in t and "Glasser & Chen 2023" in t for t in texts)
    assert any("48.1%" in t and "Arkarattanakul et al. 2025" in t for t in texts)
    assert "different data cut or report" in card.inner_text()
    boxes = [claims.nth(i).bounding_box() for i in range(2)]
    if width == "desktop":
        assert abs(boxes[0]["y"] - boxes[1]["y"]) < 2 and boxes[0]["x"] < boxes[1]["x"]  # side by side
    _checked(tab, f"disagreements at {width}")


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_misspelled_search_still_lands(tabs: dict[str, Any], width: str) -> None:
    tab = tabs[width]
    tab.goto("/")
    tab.locator("#site-search").fill("tisagenlecluecel")
    tab.locator("#site-search").press("Enter")
    tab.wait_for_url(re.compile(r"/search\?q=tisagenlecluecel"))
    tab.locator("ol.hits li a").first.click()
    tab.wait_for_url(re.compile(r"/agent/tisagenlecleucel$"))
    assert "Kymriah" in tab.locator("main").inner_text()
    _checked(tab, f"agent at {width}")
