"""Which printed numbers the built graph uses: read from the store generation, not the YAML.

A number at an offset of a review is used when some node carries a value equal to it (as a
decimal: 0.020 == 0.02) and one of that node's passages holds the offset. What a node carries
is in `queries/coverage-carried.rq`: numeric and date literals, printed forms, and the numbers in
the labels of the value concepts it links to, so "grade ≥ 3" is used by an observation that links
to ia:Grade3OrHigher, and "1st relapse" by a population in ia:FirstRelapse (ordinal and number
words of a label count as their number); such a number counts only where a word of the label
("grade", "relapse") is printed right beside it ("≥Grade 3", "grade 3–4", "1st relapse"), so the
3 of a trial's "phase 3" does not account for the "grade 3" in its table row. A node with no
passage of its own (an interval, an arm, a dose step) counts at the passages of the nodes that
point at it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from kg.corpus import Corpus
from kg.coverage_numbers import Occurrence, numbers_in
from kg.ids import GRAPH

QUERIES = Path(__file__).parent / "queries"
_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
_ORDINALS = ["", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
             "tenth"]
WORD_NUMBERS = {w: Decimal(i) for i, w in enumerate(_WORDS)} | {
    w: Decimal(i) for i, w in enumerate(_ORDINALS) if w}


_NOT_KEYWORDS = {"and", "the", "for", "with", "than", "higher", "lower", "below", "above", "any", "all"}


@dataclass(frozen=True)
class Use:
    """A node's values at one passage: its own, and those of the value concepts it links to with
    the words of their labels."""

    doc: str
    start: int
    end: int
    values: frozenset[Decimal]
    labelled: frozenset[tuple[Decimal, frozenset[str]]]
    node: str


def _query(store: ox.Store, name: str) -> ox.QuerySolutions:
    text = (QUERIES / name).read_text(encoding="utf-8")
    graphs = {ox.Variable(key): ox.NamedNode(str(iri)) for key, iri in GRAPH.items()
              if f"?{key}" in text}
    return store.query(text, substitutions=graphs)  # type: ignore[return-value]


def literal_values(literal: ox.Literal, concept_label: bool) -> set[Decimal]:
    """The numbers a literal stands for: its value, a date's year, month and day, the numbers
    printed in a string, and for a value concept's label also its number words."""
    text = literal.value
    datatype = literal.datatype.value.rsplit("#", 1)[-1]
    if datatype in ("decimal", "integer", "double", "float") or datatype.endswith(("Integer", "int")):
        try:
            return {Decimal(text)}
        except InvalidOperation:
            return set()
    if datatype in ("date", "dateTime", "gYear", "gYearMonth"):
        return {Decimal(part) for part in re.findall(r"[0-9]+", text[:10])}
    values = numbers_in(text)
    if concept_label:
        values |= {WORD_NUMBERS[w] for w in re.findall(r"[a-z]+", text.lower()) if w in WORD_NUMBERS}
    return values


class GraphNumbers:
    """The values of every curated node, at the passages where they count."""

    def __init__(self, store: ox.Store, corpus: Corpus):
        by_file = {doc.file: doc.short_id for doc in corpus.documents.values()}
        self.texts = {doc.short_id: doc.text for doc in corpus.documents.values()}
        carried: dict[str, set[Decimal]] = defaultdict(set)
        labelled: dict[str, set[tuple[Decimal, frozenset[str]]]] = defaultdict(set)
        for row in _query(store, "coverage-carried.rq"):
            literal, node = row["literal"], _key(row["node"])
            assert isinstance(literal, ox.Literal)
            if row["concept"] is None:
                carried[node] |= literal_values(literal, concept_label=False)
            else:
                words = frozenset(w for w in re.findall(r"[a-z]{3,}", literal.value.lower())
                                  if w not in WORD_NUMBERS and w not in _NOT_KEYWORDS)
                labelled[node] |= {(v, words) for v in literal_values(literal, concept_label=True)}
        self.carried = {node: set(carried.get(node, ())) | {v for v, _ in labelled.get(node, ())}
                        for node in carried.keys() | labelled.keys()}
        own: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
        for row in _query(store, "coverage-passages.rq"):
            doc = by_file.get(row["file"].value)
            if doc:
                own[_key(row["node"])].append((doc, int(row["start"].value), int(row["end"].value)))
        parents: dict[str, set[str]] = defaultdict(set)
        for row in _query(store, "coverage-links.rq"):
            parents[_key(row["child"])].add(_key(row["parent"]))
        self.uses: dict[str, list[Use]] = defaultdict(list)
        for node in carried.keys() | labelled.keys():
            for doc, start, end in _passages(node, own, parents):
                self.uses[doc].append(Use(doc, start, end, frozenset(carried.get(node, ())),
                                          frozenset(labelled.get(node, ())), node))

    def used_by(self, occurrence: Occurrence) -> str | None:
        """A node that carries the number and whose passage holds it, or None."""
        text = self.texts[occurrence.doc]
        for use in self.uses.get(occurrence.doc, ()):
            if not (use.start <= occurrence.start and occurrence.end <= use.end):
                continue
            if use.values & occurrence.values or any(
                value in occurrence.values and _beside(text, occurrence, words) for value, words in use.labelled
            ):
                return use.node
        return None

    def carries(self, node: str, value: Decimal) -> bool:
        """Whether a node carries a value, wherever it is printed (for a `restated` entry)."""
        return value in self.carried.get(node, set())


def _beside(text: str, occurrence: Occurrence, words: frozenset[str]) -> bool:
    """A word of the label just before the number (past a comparator, a LaTeX command or the first
    number of a range) or just after it (past an ordinal suffix)."""
    before = text[max(0, occurrence.start - 24):occurrence.start]
    after = text[occurrence.end:occurrence.end + 24]
    return any(
        re.search(rf"{w}[^\w\n]{{0,3}}(?:\\[a-z]+\s*)?(?:[0-9]+\s*[–/-]\s*)?$", before, re.I)
        or re.match(rf"(?:<sup>)?(?:st|nd|rd|th)?(?:</sup>)?[\s*:-]{{0,3}}{w}", after, re.I)
        for w in words
    )


def _key(term: object) -> str:
    """An IRI as itself, a blank node as _:id."""
    return term.value if isinstance(term, ox.NamedNode) else str(term)


def _passages(node: str, own: dict[str, list[tuple[str, int, int]]],
              parents: dict[str, set[str]]) -> set[tuple[str, int, int]]:
    """A node's own passages, or those of the nodes that point at it (up the chain of nodes that
    have none of their own)."""
    found: set[tuple[str, int, int]] = set()
    seen: set[str] = set()
    todo = [node]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        if own.get(current):
            found.update(own[current])
        else:
            todo.extend(parents.get(current, ()))
    return found
