"""`immunall coverage`: the scan finds names in the reviews and reports those the graph lacks."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.corpus import Corpus
from kg.coverage import Hit, is_known, load_stoplist, missing, normalise, scan
from kg.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def hits(settings: Settings) -> list[Hit]:
    return scan(Corpus(settings.corpus), load_stoplist(ROOT / "facts" / "coverage" / "names-stoplist.txt"))


def test_scan_finds_each_category(hits: list[Hit]) -> None:
    found = {(h.category, h.term) for h in hits}
    assert ("registry id", "NCT02435849") in found
    assert ("registry id", "ISRCTN15323014") in found
    assert ("protocol", "AALL1331") in found
    assert ("acronym", "ELIANA") in found
    assert ("antigen", "CD38") in found
    assert any(c == "agent" and "tisagenlecleucel" in t for c, t in found)
    assert any(c == "adverse event" and t == "CRS" for c, t in found)


def test_reference_lists_are_not_scanned(hits: list[Hit], settings: Settings) -> None:
    corpus = Corpus(settings.corpus)
    for hit in hits:
        text = corpus[hit.doc].text
        assert hit.start < text.index("References\n"), hit


def test_tails_and_truncations_count_as_known() -> None:
    known = {normalise(n) for n in ["respiratory failure", "gemtuzumab ozogamicin",
                                    "immune effector cell-associated neurotoxicity syndrome"]}
    assert is_known("adverse event", "fatal respiratory failure", known)
    assert is_known("adverse event", "effector cell-associated neurotoxicity syndrome", known)
    assert is_known("agent", "gemtuzumab", known)
    assert not is_known("adverse event", "relapsed syndrome", known)


def test_lacking_names_are_listed_with_where_they_occur(hits: list[Hit]) -> None:
    eliana = [h for h in hits if h.term == "ELIANA"]
    gaps = missing(eliana, known={"something else"})
    assert gaps and all(g.doc in ("glasser2023", "arkarattanakul2025") and g.start > 0 for g in gaps)
    assert missing(eliana, known={"eliana"}) == []


def test_stoplist_entries_need_a_reason(tmp_path: Path) -> None:
    bad = tmp_path / "stop.txt"
    bad.write_text("TNF\n")
    with pytest.raises(ValueError, match="needs a reason"):
        load_stoplist(bad)


def test_the_graph_lacks_no_name_the_reviews_mention(build, settings: Settings, hits: list[Hit]) -> None:
    import pyoxigraph as ox

    from kg.coverage import known_names

    store = ox.Store.read_only(str(settings.dist / "current" / "oxigraph"))
    gaps = missing(hits, known_names(store))
    assert not gaps, sorted({(h.category, h.term, f"{h.doc}:{h.start}") for h in gaps})
