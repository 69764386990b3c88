"""A glance at a SPARQL string before it is run: its form, its dataset clause, SERVICE use.

The endpoint must decide some things before evaluation: which media types can answer (a SELECT
and a CONSTRUCT negotiate differently), whether the text is an update (refused with a read-only
message rather than a parse error), whether the query names its own dataset with FROM (then the
union default graph must not be forced on it), and which SERVICE endpoints it calls (the embedded
engine would fetch any URL; server/federation.py checks them against the allow-list). A small
lexer that skips comments, IRIs and strings is enough for these questions; the real parser still
judges the syntax.
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
  | (?P<iri><(?:[^<>"{}|^`\\\s]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]*)
  | (?P<word>(?:[^\s{}()\[\]<>"'?$,;.\#\\]|\\.)+(?:\.(?:[^\s{}()\[\]<>"'?$,;.\#\\]|\\.)+)*)
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


def _tokens(text: str) -> list[tuple[str, str]]:
    """(kind, text) of every token but spaces and comments."""
    return [(m.lastgroup or "other", m.group()) for m in _TOKEN.finditer(text)
            if m.lastgroup not in ("space", "comment")]


def _keywords(tokens: list[tuple[str, str]]) -> list[tuple[str, int]]:
    """Bare keywords (no colon, so not prefixed names) with the brace depth they occur at."""
    found: list[tuple[str, int]] = []
    depth = 0
    for kind, token in tokens:
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth = max(0, depth - 1)
        elif kind == "word" and ":" not in token:
            found.append((token.upper(), depth))
    return found


@dataclass(frozen=True)
class ServiceTarget:
    """What follows a SERVICE keyword: an IRI (escapes decoded, prefixed names expanded), a
    variable, or something this lexer cannot resolve (`kind` other)."""

    kind: str  # iri, var, other
    value: str


_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _unescape(iri: str) -> str | None:
    decoded = _UCHAR.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), iri)
    return None if "\\" in decoded else decoded


def service_targets(text: str) -> list[ServiceTarget]:
    """The endpoint of every SERVICE clause, in order; never raises."""
    tokens = _tokens(text.lstrip("\ufeff"))
    prefixes: dict[str, str] = {}
    targets: list[ServiceTarget] = []
    for index, (kind, token) in enumerate(tokens):
        if kind != "word" or ":" in token:
            continue
        word = token.upper()
        following = tokens[index + 1: index + 3]
        if word == "PREFIX" and len(following) == 2 and following[0][1].endswith(":") and following[1][0] == "iri":
            prefixes[following[0][1][:-1]] = following[1][1][1:-1]
        if word != "SERVICE":
            continue
        after = index + 1  # indexes, not slices: a text of many SERVICE words stays linear
        if after < len(tokens) and tokens[after][0] == "word" and tokens[after][1].upper() == "SILENT":
            after += 1
        targets.append(_target(tokens[after] if after < len(tokens) else ("other", ""), prefixes))
    return targets


def _target(token: tuple[str, str], prefixes: dict[str, str]) -> ServiceTarget:
    kind, value = token
    if kind == "var":
        return ServiceTarget("var", value)
    if kind == "iri":
        iri = _unescape(value[1:-1])
        return ServiceTarget("iri", iri) if iri is not None else ServiceTarget("other", value)
    if kind == "word" and ":" in value and "\\" not in value:
        prefix, _, local = value.partition(":")
        namespace = _unescape(prefixes[prefix]) if prefix in prefixes else None
        if namespace is not None:
            return ServiceTarget("iri", namespace + local)
    return ServiceTarget("other", value)


def sketch(text: str) -> Sketch:
    """Classify a query or update string; never raises, even on malformed text."""
    tokens = _tokens(text.lstrip("\ufeff"))
    keywords = _keywords(tokens)
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


# The engine's parser and planner recurse over the query: past some depth (a few thousand nested
# groups, tens of thousands of chained UNIONs or operators) they overflow their stack and the query
# process dies. Real queries stay far below these limits; a query beyond them is refused up front.
MAX_NESTING = 64
MAX_TOKENS = 100_000


def complexity_problem(text: str) -> str | None:
    """Why the query is too deeply nested or too long for the engine, or None when it is not."""
    depth = count = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind in ("space", "comment"):
            continue
        count += 1
        if count > MAX_TOKENS:
            return (f"The query has more than {MAX_TOKENS} terms, more than this endpoint evaluates; "
                    "split it into smaller queries.")
        token = match.group()
        if kind == "open" or token in ("(", "["):
            depth += 1
            if depth > MAX_NESTING:
                return (f"The query nests groups, brackets or parentheses more than {MAX_NESTING} levels "
                        "deep, more than this endpoint evaluates; flatten it.")
        elif kind == "close" or token in (")", "]"):
            depth = max(0, depth - 1)
    return None
