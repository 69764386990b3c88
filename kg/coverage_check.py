"""`immunall coverage --numbers`: every printed number of the reviews, accounted for.

Each number the scan finds (kg/coverage_numbers.py) is, in this order: excused by a rule that
recognises a whole category of non-facts by its form (kg/coverage_rules.py), used by a node of
the built graph whose passage holds it (kg/coverage_graph.py), listed in the reviewed not-a-fact
file (kg/coverage_notfacts.py), or unaccounted. A list entry that names a number a rule excuses
or the graph uses, or a `restated` entry whose fact does not carry the number, is a problem.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from kg.corpus import Corpus
from kg.coverage_graph import GraphNumbers
from kg.coverage_notfacts import load as load_not_facts
from kg.coverage_numbers import Occurrence, context, decimal_of, scan_text
from kg.coverage_rules import RULES, Excuser

COLUMNS = ("doc", "file", "section", "start", "end", "number", "context")


@dataclass(frozen=True)
class Row:
    doc: str
    file: str
    section: str
    start: int
    end: int
    number: str
    context: str


@dataclass
class Counts:
    numbers: int = 0
    used: int = 0
    excused: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RULES, 0))
    listed: int = 0
    unaccounted: int = 0


@dataclass
class NumberReport:
    reviews: dict[str, Counts]
    unaccounted: list[Row]
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.unaccounted and not self.problems

    def as_json(self) -> str:
        return json.dumps({"reviews": {doc: asdict(c) for doc, c in self.reviews.items()},
                           "unaccounted": [asdict(r) for r in self.unaccounted],
                           "problems": self.problems}, indent=2, ensure_ascii=False)

    def as_tsv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, delimiter="\t", lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in self.unaccounted:
            writer.writerow([getattr(row, c) for c in COLUMNS])
        return out.getvalue()

    def as_text(self) -> str:
        return "".join(f"number\t{r.number}\t{r.doc}:{r.start}\t{r.section}\t{r.context}\n"
                       for r in self.unaccounted)

    def summary(self) -> str:
        lines = []
        for doc, c in self.reviews.items():
            rules = ", ".join(f"{name} {n}" for name, n in c.excused.items() if n)
            lines.append(f"{doc}: {c.numbers} numbers: {c.used} used by the graph, "
                         f"{sum(c.excused.values())} excused by rule ({rules}), {c.listed} listed as "
                         f"not facts, {c.unaccounted} unaccounted")
        lines += [f"problem: {p}" for p in self.problems]
        return "\n".join(lines)


def scan_corpus(corpus: Corpus) -> dict[str, list[Occurrence]]:
    return {doc.short_id: scan_text(doc.short_id, doc.text) for doc in corpus.documents.values()}


def check_numbers(corpus: Corpus, graph: GraphNumbers, not_facts: Path) -> NumberReport:
    """Account for every printed number; raises FactError for a malformed not-a-fact entry."""
    numbers = scan_corpus(corpus)
    listed = {(e.doc, e.start): e for e in load_not_facts(not_facts, corpus, numbers)}
    reviews: dict[str, Counts] = {}
    rows: list[Row] = []
    problems: list[str] = []
    for doc_id, occurrences in numbers.items():
        doc = corpus[doc_id]
        counts = reviews[doc_id] = Counts()
        excuser = Excuser(doc.text)
        tally: Counter[str] = Counter()
        for occurrence in occurrences:
            counts.numbers += 1
            entry = listed.get((doc_id, occurrence.start))
            rule = "power-of-ten" if occurrence.notation else excuser.rule_for(occurrence.start, occurrence.end)
            user = None if rule else graph.used_by(occurrence)
            where = f"{entry.record.file}:{entry.record.line}" if entry else ""
            if rule:
                tally[rule] += 1
                if entry:
                    problems.append(f"{where}: {occurrence.printed} at {doc_id}:{occurrence.start} "
                                    f"is already excused by the rule {rule!r}; remove the entry")
            elif user:
                counts.used += 1
                if entry:
                    problems.append(f"{where}: {occurrence.printed} at {doc_id}:{occurrence.start} "
                                    f"is used by {user}; remove the entry")
            elif entry:
                counts.listed += 1
                if entry.fact and not graph.carries(entry.fact, decimal_of(entry.number)):
                    problems.append(f"{where}: {entry.fact} does not carry {entry.number}")
            else:
                section = " ".join(doc.section_at(occurrence.start).split())  # one TSV cell, no tabs
                rows.append(Row(doc_id, doc.file, section, occurrence.start,
                                occurrence.end, occurrence.printed,
                                context(doc.text, occurrence.start, occurrence.end)))
        counts.excused.update(tally)
        counts.unaccounted = sum(1 for r in rows if r.doc == doc_id)
    return NumberReport(reviews, rows, problems)
