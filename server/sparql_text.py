"""A glance at a SPARQL string before it is run: its form, its dataset clause, SERVICE use.

The endpoint must decide some things before evaluation: which media types can answer (a SELECT
and a CONSTRUCT negotiate differently), whether the text is an update (refused with a read-only
message rather than a parse error), whether the query names its own dataset with FROM (then the
union default graph must not be forced on it), and whether it calls SERVICE (refused: the
embedded engine would fetch any URL). A small lexer that skips comments, IRIs and strings is
enough for these questions; the real parser still judges the syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]*)
  | (?P<word>[^\s{}()\[\]<>"'?$,;.\#]+(?:\.[^\s{}()\[\]<>"'?$,;.\#]+)*)
  | (?P<open>\{)
  | (?P<close>\})
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Sketch:
    """What the endpoint needs to know about a request string before running it."""

    form: str | None  # SELECT, CONSTRUCT, DESCRIBE, ASK, UPDATE, or None if unrecognised
    has_dataset_clause: bool  # a top-level FROM / FROM NAMED
    uses_service: bool

    @property
    def is_update(self) -> bool:
        return self.form == "UPDATE"

    @property
    def returns_graph(self) -> bool:
        return self.form in {"CONSTRUCT", "DESCRIBE"}


def _keywords(text: str) -> list[tuple[str, int]]:
    """Bare keywords (no colon, so not prefixed names) with the brace depth they occur at."""
    found: list[tuple[str, int]] = []
    depth = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth = max(0, depth - 1)
        elif kind == "word" and ":" not in match.group():
            found.append((match.group().upper(), depth))
    return found


def sketch(text: str) -> Sketch:
    """Classify a query or update string; never raises, even on malformed text."""
    keywords = _keywords(text.lstrip("\ufeff"))
    form: str | None = None
    index = 0
    while index < len(keywords):
        word = keywords[index][0]
        if word == "BASE" or word == "PREFIX":
            index += 1  # the prefix name and IRI are not bare keywords
            continue
        if word in QUERY_FORMS:
            form = word
        elif word in UPDATE_KEYWORDS:
            form = "UPDATE"
        break
    return Sketch(
        form=form,
        has_dataset_clause=any(word == "FROM" and depth == 0 for word, depth in keywords),
        uses_service=any(word == "SERVICE" for word, _ in keywords),
    )
