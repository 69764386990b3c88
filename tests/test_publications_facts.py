"""Checks on the publication facts: the two reviews and every numbered reference they cite.

No network: reads the YAML under facts/publications and the review texts in the corpus folder.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import yaml

from kg.corpus import Corpus
from kg.settings import Settings

PUBLICATIONS = Path(__file__).resolve().parents[1] / "facts" / "publications"
REVIEW_IDS = {"glasser2023", "arkarattanakul2025"}
REFERENCE_COUNTS = {"glasser2023": 79, "arkarattanakul2025": 72}
ID_PATTERN = re.compile(r"^[a-z][a-z0-9-]*\d{4}[a-z]?$")
TYPES = {"article", "abstract", "guideline", "report", "book"}


def _load(name: str) -> list[dict]:
    with (PUBLICATIONS / name).open(encoding="utf-8") as handle:
        records = yaml.safe_load(handle)
    assert isinstance(records, list), f"{name} is not a YAML list"
    return records


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


@pytest.fixture(scope="module")
def reviews() -> list[dict]:
    return _load("reviews.yaml")


@pytest.fixture(scope="module")
def references() -> list[dict]:
    return _load("references.yaml")


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return Corpus(Settings().corpus)


def _citations(references: list[dict]):
    for record in references:
        for cited in record["cited_as"]:
            yield record, cited


def test_reviews_match_the_corpus(reviews, corpus):
    assert {r["id"] for r in reviews} == REVIEW_IDS
    for review in reviews:
        assert review["type"] == "review"
        document = corpus[review["id"]]
        assert review["file"] == document.file
        assert review["year"] == document.year
        assert _norm(review["title"]) == _norm(document.title)


def test_ids_are_unique_and_well_formed(reviews, references):
    ids = [r["id"] for r in reviews] + [r["id"] for r in references]
    duplicates = [i for i, n in Counter(ids).items() if n > 1]
    assert not duplicates, f"duplicate ids: {duplicates}"
    for record in references:
        assert ID_PATTERN.match(record["id"]), record["id"]
        assert record["id"] not in REVIEW_IDS


def test_records_have_the_required_fields(references):
    for record in references:
        assert record["type"] in TYPES, record["id"]
        for field in ("authors", "title", "year", "cited_as"):
            assert record.get(field), f"{record['id']}: missing {field}"
        assert isinstance(record["year"], int), record["id"]
        assert "doi" not in record, f"{record['id']}: the reference lists print no DOI"


@pytest.mark.parametrize("doc", sorted(REFERENCE_COUNTS))
def test_every_reference_number_appears_exactly_once(references, doc):
    numbers = Counter(c["number"] for _, c in _citations(references) if c["doc"] == doc)
    expected = set(range(1, REFERENCE_COUNTS[doc] + 1))
    assert set(numbers) == expected, (
        f"missing {sorted(expected - set(numbers))}, extra {sorted(set(numbers) - expected)}"
    )
    assert all(n == 1 for n in numbers.values()), {k: v for k, v in numbers.items() if v > 1}


def test_citing_docs_are_the_reviews(references):
    for record, cited in _citations(references):
        assert cited["doc"] in REVIEW_IDS, record["id"]
    for record in references:
        docs = [c["doc"] for c in record["cited_as"]]
        assert len(docs) == len(set(docs)), f"{record['id']} cited twice by one review"


def test_each_span_contains_the_title(references, corpus):
    for record, cited in _citations(references):
        start, end = cited["span"]
        text = corpus[cited["doc"]].text
        assert 0 <= start < end <= len(text), record["id"]
        assert _norm(record["title"]) in _norm(text[start:end]), (
            f"{record['id']}: span {cited['span']} of {cited['doc']} lacks the title"
        )


def test_spans_of_one_review_do_not_overlap(references):
    spans = defaultdict(list)
    for record, cited in _citations(references):
        spans[cited["doc"]].append((*cited["span"], record["id"]))
    for doc, items in spans.items():
        items.sort()
        for (_, end, left), (start, _, right) in zip(items, items[1:], strict=False):
            assert end <= start, f"{doc}: spans of {left} and {right} overlap"


def test_spans_follow_the_reference_numbering(references):
    """Within a review, reference n+1's entry comes after reference n's."""
    by_doc = defaultdict(list)
    for _, cited in _citations(references):
        by_doc[cited["doc"]].append((cited["number"], cited["span"][0]))
    for doc, items in by_doc.items():
        starts = [start for _, start in sorted(items)]
        assert starts == sorted(starts), doc
