"""Reading the pages in tests: the visible text of HTML and the markup of an element by id."""

from __future__ import annotations

import html
import re

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def text_of(markup: str) -> str:
    """The visible text of an HTML fragment, whitespace collapsed."""
    without = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S)
    inline = re.sub(r"</?(a|span|mark|strong|em|code|abbr|small)\b[^>]*>", "", without)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", inline)).split())


def element(markup: str, tag: str, ident: str) -> str:
    """The markup of the <tag id="ident"> element (no nesting of the same tag inside)."""
    match = re.search(rf'<{tag}\b[^>]*\bid="{re.escape(ident)}"[^>]*>(.*?)</{tag}>', markup, flags=re.S)
    assert match, f"no <{tag} id={ident!r}>"
    return match.group(1)
