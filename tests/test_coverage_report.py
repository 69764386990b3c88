"""`immunall coverage --numbers` over the real build: a well-formed report, a not-a-fact list that
still matches the reviews, and (once curation lands) nothing unaccounted."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.corpus import Corpus
from kg.coverage_check import COLUMNS, NumberReport, check_numbers
from kg.coverage_graph import GraphNumbers
from kg.coverage_rules import RULES
from kg.settings import Settings

# The count when this check landed; curation (issue 13, items 2-3) brings it to zero.


@pytest.fixture(scope="module")
def report(build, settings: Settings) -> NumberReport:
    corpus = Corpus(settings.corpus)
    store = ox.Store.read_only(str(settings.dist / "current" / "oxigraph"))
    return check_numbers(corpus, GraphNumbers(store, corpus), settings.facts / "coverage" / "not-facts.yaml")


def test_every_number_is_counted_once(report: NumberReport, settings: Settings) -> None:
    corpus = Corpus(settings.corpus)
    assert set(report.reviews) == set(corpus.documents)
    for doc, counts in report.reviews.items():
        assert set(counts.excused) == set(RULES)
        assert counts.numbers == counts.used + sum(counts.excused.values()) + counts.listed + counts.unaccounted
        assert counts.used > 0 and counts.excused["reference-list"] > 0 and counts.excused["citation"] > 0, doc


def test_each_unaccounted_row_points_at_its_number(report: NumberReport, settings: Settings) -> None:
    corpus = Corpus(settings.corpus)
    for row in report.unaccounted:
        text = corpus[row.doc].text
        assert text[row.start:row.end] == row.number
        assert row.file == corpus[row.doc].file
        assert f"[{row.number}]" in row.context
        assert row.start < text.index("References\n")


def test_the_not_a_fact_list_still_matches_the_reviews(report: NumberReport) -> None:
    assert report.problems == []
    assert sum(c.listed for c in report.reviews.values()) > 0


def test_the_cli_writes_the_unaccounted_numbers_as_tsv(
    build, settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    report: NumberReport,
) -> None:
    from kg.cli import main

    monkeypatch.setenv("IMMUNALL_DIST", str(settings.dist))
    code = main(["coverage", "--numbers", "--format", "tsv"])
    captured = capsys.readouterr()
    rows = list(csv.reader(io.StringIO(captured.out), delimiter="\t"))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) - 1 == len(report.unaccounted)
    assert code == (0 if report.ok else 1)
    for doc, counts in report.reviews.items():
        assert f"{doc}: {counts.numbers} numbers" in captured.err


def test_the_cli_refuses_tsv_for_both_checks(build, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.cli import main

    monkeypatch.setenv("IMMUNALL_DIST", str(settings.dist))
    assert main(["coverage", "--format", "tsv"]) == 2


def test_a_stale_entry_is_an_error_of_the_command(
    build, settings: Settings, monkeypatch: pytest.MonkeyPatch, facts_copy: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from kg.cli import main

    listed = facts_copy / "coverage" / "not-facts.yaml"
    listed.write_text('- {doc: glasser2023, at: 5, number: "12", reason: name}\n', encoding="utf-8")
    monkeypatch.setenv("IMMUNALL_DIST", str(settings.dist))
    monkeypatch.setenv("IMMUNALL_FACTS", str(facts_copy))
    assert main(["coverage", "--numbers"]) == 2
    assert "not-facts.yaml:1" in capsys.readouterr().err


def test_every_printed_number_is_accounted_for(report: NumberReport) -> None:
    """Every number either review prints in its body and tables is used by a curated fact whose
    passage holds it, excused by a rule of form, or listed as not a fact with its reason."""
    assert report.unaccounted == [], [(n.doc, n.start, n.context) for n in report.unaccounted[:20]]
