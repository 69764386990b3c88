"""Every page kind in real Chromium at a desktop (1280 px) and a phone (390 px) width: axe-core
(npm, injected into the page) finds no WCAG 2.1 A/AA violation, nothing is wider than the screen
outside a box that scrolls on its own, and chart text is drawn at 11 px or more. Then what must
work from the keyboard: the autocomplete (Escape closes it and keeps what was typed), a scrolling
chart, the evidence beside a figure, and the query editor (one run button, results with labels
and local links).

One Chromium for the module, one tab per width, reused across page kinds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests import browser
from tests.server_fixtures import LiveServer

pytest_plugins = ["tests.page_fixtures"]

pytestmark = pytest.mark.skipif(
    not browser.CHROMIUM.exists(),
    reason="Debian's chromium is not installed (/usr/bin/chromium); scripts/test installs it",
)

WIDTHS = browser.WIDTHS
MIN_CHART_TEXT = 10.5  # CSS px: the charts draw their smallest text at 11 px


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    assert browser.AXE.is_file(), f"{browser.AXE} is missing: run `npm install` (scripts/test does)"
    yield from browser.launch()


@pytest.fixture(scope="module")
def tabs(chromium: Any, pages_live: LiveServer) -> Iterator[dict[str, Any]]:
    yield from browser.tabs(chromium, pages_live.url)


def _open(tab: Any, path: str) -> None:
    tab.problems.clear()
    tab.goto(path)
    if path.startswith("/query"):
        tab.locator(".CodeMirror").wait_for()


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize(("kind", "path"), browser.PAGE_KINDS, ids=[kind for kind, _ in browser.PAGE_KINDS])
def test_every_page_kind_is_accessible_and_fits(tabs: dict[str, Any], width: str, kind: str, path: str) -> None:
    tab = tabs[width]
    _open(tab, path)
    violations = browser.axe_violations(tab)
    assert violations == [], f"{kind} at {width}: {browser.describe(violations)}"
    room = browser.overflow(tab)
    assert room["page"] <= room["viewport"], f"{kind} at {width} is {room['page']} px wide: {room['wide']}"
    smallest = browser.smallest_chart_text(tab)
    assert smallest is None or smallest >= MIN_CHART_TEXT, f"{kind} at {width}: chart text {smallest:.1f} px"
    assert tab.problems == [], tab.problems


@pytest.mark.parametrize("width", list(WIDTHS))
def test_autocomplete_from_the_keyboard(tabs: dict[str, Any], width: str) -> None:
    tab = tabs[width]
    _open(tab, "/")
    box = tab.locator("#site-search")
    box.focus()
    box.press_sequentially("blinatumumab", delay=20)
    options = tab.locator("#site-search ~ .suggestions [role=option]")
    options.first.wait_for()
    assert "blinatumomab" in options.first.inner_text()
    assert re.search(r"\d+ suggestions?", tab.locator("#site-search ~ [role=status]").inner_text())
    violations = browser.axe_violations(tab)  # the open listbox too
    assert violations == [], browser.describe(violations)
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == options.first.get_attribute("id")
    box.press("Escape")
    assert tab.locator("#site-search ~ .suggestions").is_hidden()
    assert box.get_attribute("aria-expanded") == "false"
    assert box.input_value() == "blinatumumab"  # Escape keeps what was typed
    box.press("ArrowDown")  # closed: nothing to move through, and nothing lost
    box.press("Enter")  # no option chosen: the search page
    tab.wait_for_url(re.compile(r"/search\?q=blinatumumab"))
    first = tab.locator("ol.hits li").first
    assert "blinatumomab" in first.inner_text() and "close spelling" in first.inner_text()
    first.locator("a").first.focus()
    tab.keyboard.press("Enter")  # the misspelt search lands on the agent
    tab.wait_for_url(re.compile(r"/agent/blinatumomab$"))


def test_a_figure_s_passage_and_references_are_one_key_press_away(tabs: dict[str, Any]) -> None:
    tab = tabs["desktop"]
    _open(tab, "/trial/NCT02435849")
    tab.locator("#results > details > summary").focus()
    tab.keyboard.press("Enter")  # the folded table opens from the keyboard
    row = tab.locator("tr#fig-eliana-a25-os-3y")
    summary = row.locator("details.at-hand summary").first
    summary.focus()
    tab.keyboard.press("Enter")
    opened = row.locator("details.at-hand[open]").first
    text = opened.inner_text()
    assert "characters 7514–7634" in text and "not reproduced" in text  # no licence: where, not what
    assert "Laetsch, T.W." in text and "J. Clin. Oncol." in text  # the full citation line
    cc_by = tab.locator("tr#fig-eliana-g23-os-12mo details.at-hand").first  # stated by the CC BY review
    cc_by.locator("summary").click()
    assert len(cc_by.locator("blockquote").inner_text().strip()) > 40
    assert "Glasser & Chen 2023" in cc_by.inner_text() and "CC BY 4.0" in cc_by.inner_text()
    _open(tab, "/publication/glasser2023")
    line = tab.locator("#citation").inner_text()
    assert "Glasser, C.L.; Chen, J." in line and "Biomedicines" in line and "2023" in line
    assert tab.locator("#citation a[href='https://doi.org/10.3390/biomedicines11071886']").count() == 1


def test_a_chart_scrolls_from_the_keyboard_on_a_phone(tabs: dict[str, Any]) -> None:
    tab = tabs["phone"]
    _open(tab, "/charts/adverse-events")
    box = tab.locator(".chart-scroll").first
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")  # drawn at full size, not shrunk
    box.focus()
    tab.keyboard.press("ArrowRight")
    tab.wait_for_function("() => document.querySelector('.chart-scroll').scrollLeft > 0")


def test_the_query_editor_runs_from_the_keyboard_with_one_button(tabs: dict[str, Any], pages_live: LiveServer) -> None:
    tab = tabs["desktop"]
    _open(tab, "/query")
    assert tab.locator("button, input[type=submit]").filter(has_text=re.compile("Run")).count() == 1
    assert tab.locator(".yasqe_queryButton, .yasr").count() == 0
    editor = tab.locator(".CodeMirror textarea")
    assert editor.get_attribute("aria-label") == "SPARQL query"
    editor.focus()
    tab.keyboard.press("Control+a")
    tab.keyboard.type("PREFIX ia: <https://w3id.org/immunall/ontology/>\nSELECT ?trial ?agent WHERE "
                      "{ ?trial ia:evaluatesAgent ?agent } LIMIT 5")
    tab.keyboard.press("Tab")  # Tab leaves the editor (no trap)
    assert tab.evaluate("document.activeElement.closest('.CodeMirror') === null")
    editor.focus()
    tab.keyboard.press("Control+Enter")
    tab.wait_for_url(re.compile(r"/query\?query="))
    links = tab.locator("#results-table tbody a")
    assert links.count() >= 5
    for href, external in links.evaluate_all("els => els.map(a => [a.getAttribute('href'), a.rel])"):
        assert external == "external" or href.startswith("/"), href  # IRIs under the base stay here
    assert not any(href.startswith("https://w3id.org/") for href, _ in
                   links.evaluate_all("els => els.map(a => [a.getAttribute('href'), a.rel])"))
    violations = browser.axe_violations(tab)
    assert violations == [], browser.describe(violations)
    assert tab.problems == [], tab.problems
