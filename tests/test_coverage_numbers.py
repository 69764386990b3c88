"""The parts of `immunall coverage --numbers`: the scan, each rule of form, the not-a-fact list,
and what counts as used in a graph (a small real pyoxigraph store over a small corpus)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.corpus import Corpus
from kg.coverage_graph import GraphNumbers, literal_values
from kg.coverage_notfacts import load as load_not_facts
from kg.coverage_numbers import numbers_in, scan_text
from kg.coverage_rules import RULES, Excuser
from kg.facts import FactError
from kg.ids import BASE, GRAPH


def printed(text: str) -> list[str]:
    return [o.printed for o in scan_text("d", text) if not o.notation]


def test_ranges_comparators_and_plus_minus_give_each_number() -> None:
    assert printed("ages 4.4–30.6 yrs, grade ≥ 3, DFS 74.0 ± 6.4%, 1,000 cells, p = .05") == [
        "4.4", "30.6", "3", "74.0", "6.4", "1,000", ".05"]
    assert numbers_in("1,000 and 0.020") == {Decimal(1000), Decimal("0.02")}


def test_power_of_ten_the_mantissa_is_the_number() -> None:
    for text in ("1×10^6 cells", "0.2 x10<sup>6</sup> cells", "$\\geq 1 \\times 10^{6}$", "3 × 10^6"):
        found = scan_text("d", text)
        (mantissa,) = [o for o in found if not o.notation]
        assert Decimal(mantissa.printed) * 10**6 in mantissa.values
        assert [o.printed for o in found if o.notation] == ["10", "6"]


def test_commas_inside_a_citation_separate_numbers() -> None:
    assert printed("as shown [339,340] and 12,500 patients") == ["339", "340", "12,500"]


# One example of each rule's form, and figures printed right beside it that no rule may excuse.
EXAMPLES = {
    "reference-list": ("Body CR rate of 81%.\n\nReferences\n\n1. Smith 2019, 12, 345.", "2019"),
    "front-matter": ("Title\nAuthor ^{1}, NY 11501\n\nAbstract: a CR rate of 81% in 12 patients.", "11501"),
    "metadata-box": ("Body.\nCopyright: © 2023 by the authors. spilled text with a CR rate of 81%\n", "2023"),
    "address": ("See https://doi.org/10.3390/x; the CR rate of 81% held.", "10.3390"),
    "citation": ("The CR rate of 81% [12,13] and [1-sided p = 0.03] and <sup>4</sup>.", "12"),
    "heading-number": ("1.1.3. CAR T\n2. A list item with a CR rate of 81%\n12 weeks\tHSCT 81%", "1.1"),
    "label-number": ("In Table 4 and Figures 1–3 the CR rate of 81% (95% CI 70–90).", "4"),
    "identifier": ("CD19 and IL-6 and 4-1BB, ZUMA-4: a CR rate of 81% at 2-year, 1-sided p.", "19"),
    "unit-exponent": ("15 mcg/m^2/day and 5 mg/m<sup>2</sup> for a CR rate of 81%.", "2"),
    "power-of-ten": ("≥ 1×10^6 cells/kg gave a CR rate of 81%.", "6"),
}


@pytest.mark.parametrize("rule", sorted(RULES))
def test_each_rule_excuses_its_form_and_never_a_figure(rule: str) -> None:
    text, example = EXAMPLES[rule]
    spans = RULES[rule](text)
    inside = {o.printed for o in scan_text("d", text) if any(s <= o.start and o.end <= e for s, e in spans)}
    assert example in inside, (rule, spans)
    figure = text.index("CR rate of 81%") + len("CR rate of ")
    assert not any(s <= figure and figure + 2 <= e for s, e in spans), rule


def test_a_figure_is_never_excused_wherever_it_stands() -> None:
    body = ("1. Introduction\nThe CR rate of 81% [3]. In Table 2, CD19 CAR T gave a CR rate of 81% at "
            "2-year; 1-sided p = 0.03; 5 mg/m^2; 1×10^6/kg.\n2. A CR rate of 81% in 12 of 15.\n")
    excuser = Excuser(body)
    for o in scan_text("d", body):
        if o.printed in ("81", "0.03", "12", "15") or (o.printed == "2" and body[o.end:o.end + 5] == "-year"):
            assert excuser.rule_for(o.start, o.end) is None, (o, body[o.start - 10:o.end + 10])


# ---- a small corpus, a small store ---------------------------------------------------------------
TEXT = ("Intro.\n\nThe ELIANA trial: CR rate of 81% in 79 patients; grade ≥ 3 CRS 48.1%; "
        "phase 2 grade 2 events; 1st relapse cohort, 1<sup>st</sup> relapse; dose 0.020 mg, "
        "AALL 2017 study.\n\nReferences\n")


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    (tmp_path / "r.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "sources.tsv").write_text("file\tshort_id\ttitle\tyear\tdoi\tlicence\nr.txt\trev\tA review\t2024\t\t\n",
                                          encoding="utf-8")
    return Corpus(tmp_path)


def _store(corpus: Corpus) -> ox.Store:
    ia, prov, oa = BASE + "ontology/", "http://www.w3.org/ns/prov#", "http://www.w3.org/ns/oa#"
    rdfs = "http://www.w3.org/2000/01/rdf-schema#"
    xsd = "http://www.w3.org/2001/XMLSchema#"
    asserted, provenance, ontology = (ox.NamedNode(str(GRAPH[g])) for g in ("asserted", "provenance", "ontology"))
    n = ox.NamedNode
    start, end = TEXT.index("The ELIANA"), TEXT.index("\n\nReferences")
    quads = [
        (n(BASE + "publication/rev"), n(ia + "sourceFile"), ox.Literal("r.txt"), asserted),
        (n(BASE + "passage/p"), n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), n(ia + "Passage"), provenance),
        (n(BASE + "passage/p"), n(ia + "inDocument"), n(BASE + "publication/rev"), provenance),
        (n(BASE + "passage/p"), n(oa + "start"), ox.Literal(str(start), datatype=n(xsd + "integer")), provenance),
        (n(BASE + "passage/p"), n(oa + "end"), ox.Literal(str(end), datatype=n(xsd + "integer")), provenance),
        (n(BASE + "result/cr"), n(prov + "wasDerivedFrom"), n(BASE + "passage/p"), provenance),
        (n(BASE + "result/cr"), n(ia + "value"), ox.Literal("81", datatype=n(xsd + "decimal")), asserted),
        (n(BASE + "result/cr"), n(ia + "arm"), n(BASE + "arm/a"), asserted),
        (n(BASE + "arm/a"), n(ia + "treatedCount"), ox.Literal("79", datatype=n(xsd + "integer")), asserted),
        (n(BASE + "ae/crs"), n(prov + "wasDerivedFrom"), n(BASE + "passage/p"), provenance),
        (n(BASE + "ae/crs"), n(ia + "printedValue"), ox.Literal("48.1%"), asserted),
        (n(BASE + "ae/crs"), n(ia + "gradeQualifier"), n(ia + "Grade3OrHigher"), asserted),
        (n(ia + "Grade3OrHigher"), n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
         n("http://www.w3.org/2002/07/owl#NamedIndividual"), ontology),
        (n(ia + "Grade3OrHigher"), n(rdfs + "label"), ox.Literal("grade 3 or higher", language="en"), ontology),
        (n(ia + "Phase2"), n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
         n("http://www.w3.org/2002/07/owl#NamedIndividual"), ontology),
        (n(ia + "Phase2"), n(rdfs + "label"), ox.Literal("phase 2", language="en"), ontology),
        (n(ia + "FirstRelapse"), n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
         n("http://www.w3.org/2002/07/owl#NamedIndividual"), ontology),
        (n(ia + "FirstRelapse"), n(rdfs + "label"), ox.Literal("first relapse", language="en"), ontology),
        (n(BASE + "result/cr"), n(ia + "phase"), n(ia + "Phase2"), asserted),
        (n(BASE + "result/cr"), n(ia + "setting"), n(ia + "FirstRelapse"), asserted),
        (n(BASE + "dosing/d"), n(prov + "wasDerivedFrom"), n(BASE + "passage/p"), provenance),
        (n(BASE + "dosing/d"), n(ia + "dose"), ox.Literal("0.02", datatype=n(xsd + "decimal")), asserted),
        (n(BASE + "dosing/d"), n(ia + "stepOrder"), ox.Literal("2017", datatype=n(xsd + "integer")), asserted),
    ]
    store = ox.Store()
    store.extend(ox.Quad(*q) for q in quads)
    return store


def used(corpus: Corpus, needle: str, number: str) -> str | None:
    graph = GraphNumbers(_store(corpus), corpus)
    at = TEXT.index(needle) + needle.index(number)
    (occurrence,) = [o for o in scan_text("rev", TEXT) if o.start == at]
    return graph.used_by(occurrence)


def test_a_value_of_a_node_whose_passage_holds_the_number_uses_it(corpus: Corpus) -> None:
    assert used(corpus, "CR rate of 81%", "81") == BASE + "result/cr"
    assert used(corpus, "dose 0.020 mg", "0.020") == BASE + "dosing/d"  # compared as decimals
    assert used(corpus, "CRS 48.1%", "48.1") == BASE + "ae/crs"  # a printed value


def test_a_node_without_a_passage_counts_at_the_passages_of_those_pointing_at_it(corpus: Corpus) -> None:
    assert used(corpus, "in 79 patients", "79") == BASE + "arm/a"


def test_a_value_concept_counts_only_beside_a_word_of_its_label(corpus: Corpus) -> None:
    assert used(corpus, "grade ≥ 3 CRS", "3") == BASE + "ae/crs"
    assert used(corpus, "phase 2 grade", "2") == BASE + "result/cr"
    assert used(corpus, "grade 2 events", "2") is None  # the 2 of "phase 2" is not a grade
    assert used(corpus, "1st relapse", "1") == BASE + "result/cr"  # ordinal word of the label
    assert used(corpus, "1<sup>st</sup> relapse", "1") == BASE + "result/cr"


def test_a_position_the_model_assigns_is_not_a_printed_value(corpus: Corpus) -> None:
    assert used(corpus, "AALL 2017 study", "2017") is None


def test_literal_values_read_dates_and_labels() -> None:
    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert literal_values(ox.Literal("2017-08-30", datatype=ox.NamedNode(xsd + "date")), False) == {
        Decimal(2017), Decimal(8), Decimal(30)}
    assert literal_values(ox.Literal("second relapse"), True) == {Decimal(2)}
    assert literal_values(ox.Literal("second relapse"), False) == set()


# ---- the not-a-fact list ---------------------------------------------------------------------------
@pytest.mark.parametrize(("entry", "message"), [
    ('{doc: rev, at: 0, number: "81", reason: name}', "stale"),
    ('{doc: rev, context: "in 79 patients", number: "79", reason: because}', "reason"),
    ('{doc: rev, context: "patients", number: "79", reason: name}', "exactly once"),
    ('{doc: rev, context: "in 79 patients", number: "79", reason: restated}', "fact"),
    ('{doc: rev, context: "in 79 patients", number: "79", reason: name, fact: result/cr}', "fact"),
    ('{doc: nope, at: 0, number: "1", reason: name}', "unknown review"),
    ('{doc: rev, context: "in 79 patients", number: "79", reason: name, why: x}', "unknown field"),
])
def test_a_bad_or_stale_entry_fails_with_its_line(tmp_path: Path, corpus: Corpus, entry: str, message: str) -> None:
    path = tmp_path / "not-facts.yaml"
    path.write_text(f"# header\n- {entry}\n", encoding="utf-8")
    with pytest.raises(FactError, match=message) as caught:
        load_not_facts(path, corpus, {"rev": scan_text("rev", TEXT)})
    assert caught.value.line == 2


def test_an_entry_resolves_to_its_number(tmp_path: Path, corpus: Corpus) -> None:
    path = tmp_path / "not-facts.yaml"
    path.write_text('- {doc: rev, context: "AALL 2017 study", number: "2017", reason: name}\n', encoding="utf-8")
    (entry,) = load_not_facts(path, corpus, {"rev": scan_text("rev", TEXT)})
    assert TEXT[entry.start:entry.start + 4] == "2017"
