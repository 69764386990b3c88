"""Driving Debian's Chromium for the browser tests: launch, axe-core, overflow and chart text.

axe-core comes from npm (package.json; scripts/test runs `npm install`) and is injected into each
page; the page kinds every browser test module walks are listed once here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# One page of every kind: (kind, path).
PAGE_KINDS = (
    ("home", "/"),
    ("trial", "/trial/NCT02435849"),
    ("agent", "/agent/tisagenlecleucel"),
    ("antigen", "/antigen/CD19"),
    ("adverse event", "/adverse-event/CRS"),
    ("figure", "/result/eliana-a25-os-3y"),
    ("publication", "/publication/maude2018"),
    ("review", "/publication/glasser2023"),
    ("passage (CC BY)", "/passage/glasser2023-10217-10659"),
    ("passage (no licence)", "/passage/arkarattanakul2025-7514-7634"),
    ("search", "/search?q=CD19"),
    ("query editor", "/query?example=03-eliana-outcomes"),
    ("charts", "/charts"),
    ("chart: response rates", "/charts/response-rates"),
    ("chart: adverse events", "/charts/adverse-events"),
    ("disagreements", "/disagreements"),
    ("disagreement", "/disagreement/eliana-response-rate"),
    ("comparison", "/compare?antigen=CD19&measure=CR"),
    ("comparison of adverse events", "/compare?kind=events&event=CRS"),
    ("measure", "/ontology/CR"),
    ("ontology", "/ontology"),
    ("class", "/ontology/CARTCellProduct"),
    ("downloads", "/downloads"),
    ("all classes", "/classes"),
    ("SPARQL endpoint", "/sparql"),
)


def launch() -> Iterator[Any]:
    """One Chromium for a test module (Playwright drives Debian's build; never a downloaded one)."""
    from playwright.sync_api import sync_playwright  # in the test extra: missing is an error, not a skip

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield instance
        instance.close()


WIDTHS = {"desktop": DESKTOP, "phone": PHONE}


def tabs(instance: Any, base_url: str) -> Iterator[dict[str, Any]]:
    """One tab per width (WIDTHS) on `base_url`, each recording script errors in `tab.problems`."""
    contexts = {name: instance.new_context(viewport=size, base_url=base_url) for name, size in WIDTHS.items()}
    opened = {}
    for name, context in contexts.items():
        tab = context.new_page()
        tab.set_default_timeout(15_000)
        tab.problems = []
        tab.on("console", lambda message, t=tab: t.problems.append(message.text) if message.type == "error" else None)
        tab.on("pageerror", lambda error, t=tab: t.problems.append(str(error)))
        opened[name] = tab
    yield opened
    for context in contexts.values():
        context.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now (rule, impact, first targets)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))  # through the debugger: the pages' CSP stays on
    found = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.length, targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))",
        WCAG_TAGS,
    )
    return list(found)


def describe(violations: list[dict[str, Any]]) -> str:
    return json.dumps(violations, indent=1)


# The page's own width against the viewport's and, when it is wider, the elements that stick out
# (not those inside a box that scrolls on its own, like a table wrapper or a chart).
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const page = document.documentElement.scrollWidth;
  if (page <= width) return {viewport: width, page: page, wide: []};  // the offenders only when it matters
  const scrolls = el => { for (let p = el.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p).overflowX; if (s === 'auto' || s === 'scroll' || s === 'hidden') return true; }
    return false; };
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 1 && !scrolls(el)) {
      wide.push((el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '')) +
        ' ' + Math.round(box.right));
    }
  }
  return {viewport: width, page: page, wide: wide.slice(0, 8)};
}"""


def overflow(page: Any) -> dict[str, Any]:
    return dict(page.evaluate(OVERFLOW))


# The smallest rendered size of text in the page's SVG charts, in CSS pixels.
SMALLEST_CHART_TEXT = """() => {
  let least = null;
  for (const t of document.querySelectorAll('svg text')) {
    const box = t.getBoundingClientRect();
    if (box.height === 0) continue;
    const m = t.getScreenCTM();
    const size = parseFloat(getComputedStyle(t).fontSize) * (m ? Math.hypot(m.a, m.b) : 1);
    if (least === null || size < least) least = size;
  }
  return least;
}"""


def smallest_chart_text(page: Any) -> float | None:
    return page.evaluate(SMALLEST_CHART_TEXT)
