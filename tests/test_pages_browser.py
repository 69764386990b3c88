"""The pages in a real browser (Debian's Chromium through Playwright) against a live server.

A clinician's path: home, search "CTL019", land on tisagenlecleucel, follow its trial to ELIANA and
find the 3-year overall survival figure with its evidence; then a gallery query and the YASGUI
editor, whose one run button renders the results with labels. Screenshots of each page go to
$IMMUNALL_ARTIFACTS (default: pytest's temporary folder / "screenshots"). Skipped, saying why,
when /usr/bin/chromium is absent.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import browser as chromium
from tests.server_fixtures import LiveServer

pytest_plugins = ["tests.page_fixtures"]

pytestmark = pytest.mark.skipif(
    not chromium.CHROMIUM.exists(),
    reason="Debian's chromium is not installed (/usr/bin/chromium); scripts/test installs it",
)


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("IMMUNALL_ARTIFACTS") or tmp_path_factory.getbasetemp() / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    yield from chromium.launch()


@pytest.fixture()
def page(browser, pages_live: LiveServer):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=pages_live.url)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    problems: list[str] = []
    tab.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    tab.on("pageerror", lambda error: problems.append(str(error)))
    tab.problems = problems  # type: ignore[attr-defined]
    yield tab
    context.close()


def test_from_a_code_name_to_the_evidence_of_a_figure(page, artifacts: Path) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    assert page.locator("h1").inner_text() == "ImmunALL"
    page.screenshot(path=str(artifacts / "home.png"), full_page=True)

    page.keyboard.press("Tab")  # the first stop is the skip link
    assert page.evaluate("document.activeElement.className") == "skip"

    box = page.locator("#site-search")
    box.fill("CTL019")
    option = page.locator("#site-search ~ .suggestions [role=option]").first
    option.wait_for()
    assert "tisagenlecleucel" in option.inner_text()
    assert "code name" in option.inner_text()
    box.press("ArrowDown")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/agent/tisagenlecleucel$"))
    assert page.locator("h1").inner_text() == "tisagenlecleucel"
    assert "Kymriah" in page.locator("main").inner_text()
    page.screenshot(path=str(artifacts / "entity-tisagenlecleucel.png"), full_page=True)

    page.locator("#studies a", has_text="ELIANA").first.click()
    page.wait_for_url(re.compile(r"/trial/NCT02435849$"))
    assert "phase II" in page.locator("#overview").inner_text()  # the overview first
    page.locator("#results > details > summary").click()  # every figure, folded under the overview
    row = page.locator("tr#fig-eliana-a25-os-3y")
    text = row.inner_text()
    for expected in ("overall survival", "3 years", "63%", "Arkarattanakul et al. 2025", "characters 7514–7634",
                     "Laetsch et al. 2023"):
        assert expected in text, (expected, text)
    page.screenshot(path=str(artifacts / "trial-eliana.png"), full_page=True)

    row.locator("a.span").click()  # the passage behind the figure
    page.wait_for_url(re.compile(r"/passage/arkarattanakul2025-7514-7634$"))
    assert "Tisagenlecleucel (CTL019)" in page.locator("#passage").inner_text()
    assert page.problems == []  # type: ignore[attr-defined]


def test_search_without_javascript(browser, pages_live: LiveServer) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(java_script_enabled=False, base_url=pages_live.url)
    tab = context.new_page()
    tab.goto("/")
    tab.fill("#site-search", "Kymriah")
    tab.press("#site-search", "Enter")
    tab.wait_for_url(re.compile(r"/search\?q=Kymriah"))
    first = tab.locator("ol.hits li").first
    assert "brand name" in first.inner_text()
    first.locator("a").first.click()
    tab.wait_for_url(re.compile(r"/agent/tisagenlecleucel$"))
    context.close()


def test_a_gallery_question_and_the_editor(page, artifacts: Path) -> None:  # type: ignore[no-untyped-def]
    page.goto("/query")
    page.locator(".CodeMirror").wait_for()  # YASGUI's editor replaced the text area
    page.locator("a[href^='/query?example=03-eliana-outcomes']").click()
    page.wait_for_url(re.compile(r"example=03-eliana-outcomes"))
    table = page.locator("#results-table")
    assert "overall survival" in table.inner_text()
    assert table.locator("tbody tr").count() >= 10
    assert "NCT02435849" in page.locator(".CodeMirror").inner_text()  # the question is in the editor
    page.locator(".CodeMirror textarea").focus()  # edit it: keep the first five rows
    page.keyboard.press("Control+End")
    page.keyboard.type("\nLIMIT 5")
    page.get_by_role("button", name="Run query").click()  # the one way to run: labels, local links
    page.wait_for_url(re.compile(r"/query\?query="))
    assert page.locator("#results-table tbody tr").count() == 5
    assert "LIMIT 5" in page.locator(".CodeMirror").inner_text()
    page.screenshot(path=str(artifacts / "query.png"), full_page=True)
    assert page.problems == []  # type: ignore[attr-defined]


def test_charts_and_ontology_render(page, artifacts: Path) -> None:  # type: ignore[no-untyped-def]
    page.goto("/charts")
    assert page.locator("svg.chart").count() == 2
    assert "Target antigen: CD19" in page.locator("svg.chart").first.inner_html()
    page.screenshot(path=str(artifacts / "charts.png"), full_page=True)
    page.goto("/charts/adverse-events")
    page.screenshot(path=str(artifacts / "chart-adverse-events.png"), full_page=True)
    page.goto("/ontology")
    assert page.locator("#classes .tree a").count() > 50
    page.screenshot(path=str(artifacts / "ontology.png"), full_page=True)
    page.goto("/antigen/CD19")
    page.locator("#neighbourhood > details > summary").click()
    page.locator("#neighbourhood svg a").first.wait_for()
    page.screenshot(path=str(artifacts / "antigen-cd19.png"), full_page=True)
    assert page.problems == []  # type: ignore[attr-defined]
