"""The reviewed list of printed numbers that are not facts (`facts/coverage/not-facts.yaml`).

Each entry names one printed number by review, offset (`at`) or a short context that occurs
once in the review, and the number as printed; its reason comes from `REASONS`. An entry that
no longer matches a number of the review, or that names a number the graph now uses or a rule
now excuses, is stale: the check reports it, so the list stays as small as the truth.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.corpus import Corpus
from kg.coverage_numbers import Occurrence, decimal_of, scan_text
from kg.facts import FactError, Located, load_file
from kg.ids import BASE

REASONS = {
    "restated": "repeats a figure the graph records from another passage; `fact` names the node "
                "(its path under the base IRI), which must carry the number",
    "metadata": "article metadata the rules do not reach (a date, an address, a licence version)",
    "cross-reference": "points at a reference, table, figure or section in a form the rules do not catch",
    "name": "part of the name of a trial, protocol, group or cohort printed apart from its letters",
    "layout": "an artefact of the extraction (a page number, a footnote mark, list numbering)",
}
FIELDS = {"doc", "at", "context", "number", "reason", "fact", "note"}


@dataclass(frozen=True)
class NotFact:
    record: Located
    doc: str
    start: int
    number: str
    reason: str
    fact: str | None


def load(path: Path, corpus: Corpus, numbers: dict[str, list[Occurrence]]) -> list[NotFact]:
    """The entries, each resolved to the printed number it names; FactError (file, line, field)
    for a malformed or stale entry."""
    entries = []
    for record in load_file(path) if path.exists() else []:
        entries.append(_resolve(record, corpus, numbers))
    seen: dict[tuple[str, int], Located] = {}
    for entry in entries:
        key = (entry.doc, entry.start)
        if key in seen:
            raise entry.record.error(None, f"the same number as the entry at line {seen[key].line}")
        seen[key] = entry.record
    return entries


def _resolve(record: Located, corpus: Corpus, numbers: dict[str, list[Occurrence]]) -> NotFact:
    unknown = set(record) - FIELDS
    if unknown:
        raise record.error(sorted(unknown)[0], f"unknown field; allowed: {sorted(FIELDS)}")
    doc = record.get("doc")
    if doc not in corpus:
        raise record.error("doc", f"unknown review {doc!r}; one of {sorted(corpus.documents)}")
    reason = record.get("reason")
    if reason not in REASONS:
        raise record.error("reason", f"{reason!r}; one of {sorted(REASONS)}")
    if (reason == "restated") != bool(record.get("fact")):
        raise record.error("fact", "`fact` is required with reason `restated` and only there")
    number = str(record.get("number", ""))
    try:
        decimal_of(number)
    except ArithmeticError:
        raise record.error("number", f"{number!r} is not a number as printed") from None
    text = corpus[doc].text
    if ("at" in record) == ("context" in record):
        raise record.error(None, "give either `at` (the offset of the number) or `context`")
    if "at" in record:
        start = record["at"]
        if not isinstance(start, int) or text[start:start + len(number)] != number:
            raise record.error("at", f"{number!r} is not printed at {start} of {doc} (stale entry?)")
    else:
        start = _in_context(record, text, number)
    if not any(o.start == start and o.printed == number and not o.notation for o in numbers[doc]):
        raise record.error("at", f"no number {number!r} starts at {start} of {doc} (stale entry?)")
    fact = f"{BASE}{record['fact']}" if record.get("fact") else None
    return NotFact(record, doc, start, number, reason, fact)


def _in_context(record: Located, text: str, number: str) -> int:
    """The offset of `number` inside the one place `context` occurs."""
    context = str(record["context"])
    first = text.find(context)
    if first == -1 or text.find(context, first + 1) != -1:
        raise record.error("context", "must occur exactly once in the review (stale entry?)")
    inner = [o.start for o in scan_text("", context) if o.printed == number]
    if len(inner) != 1:
        raise record.error("context", f"must hold the number {number!r} exactly once")
    return first + inner[0]


__all__ = ["REASONS", "FactError", "NotFact", "load"]
