"""The crosswalk's guards: broken or unsafe mappings fail naming file, line and field; entities
not in the graph yet are reported, not fatal. Runs the linking step alone (no reasoner)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph

from immunall.kinds import FOLDERS as KINDS
from kg.build import Built, build_graphs
from kg.corpus import Corpus
from kg.facts import FactError, FactSet, load_facts
from kg.mapping_checks import check_all
from kg.mappings import MappingSet, resolve
from kg.reference import read_reference
from kg.settings import Settings

Link = Callable[..., MappingSet]


@pytest.fixture(scope="module")
def parts(settings: Settings) -> tuple[Graph, FactSet, Built]:
    ontology = Graph().parse(settings.ontology, format="turtle")
    facts = load_facts(settings.facts, KINDS)
    return ontology, facts, build_graphs(ontology, facts, Corpus(settings.corpus))


@pytest.fixture
def crosswalk(tmp_path: Path, settings: Settings) -> Path:
    """A private copy of the mapping files that a test may edit."""
    target = tmp_path / "mappings"
    shutil.copytree(settings.facts / "mappings", target)
    return target


@pytest.fixture
def link(parts: tuple[Graph, FactSet, Built], settings: Settings, crosswalk: Path) -> Link:
    ontology, facts, built = parts

    def run(reference: Path | None = None, facts_: FactSet | None = None) -> MappingSet:
        rows = read_reference(reference or settings.reference)
        result = resolve(crosswalk, rows, facts_ or facts, built, ontology)
        check_all(result, built)
        return result
    return run


def edit(path: Path, old: str, new: str) -> int:
    """Replace `old` once; the 1-based line where the new text starts."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def fails(link: Link, file: Path, line: int, field: str, message: str, **kwargs: object) -> None:
    with pytest.raises(FactError) as caught:
        link(**kwargs)
    error = caught.value
    assert (Path(error.file).name, error.line, error.field) == (file.name, line, field), str(error)
    assert re.search(message, str(error)), str(error)


def test_the_curated_crosswalk_passes(link: Link) -> None:
    assert len(link().mappings) > 250


def test_an_entity_that_does_not_exist_fails(link: Link, crosswalk: Path) -> None:
    file = crosswalk / "crosswalk.yaml"
    line = edit(file, "  entity: agents/daratumumab\n", "  entity: agents/daratumumabb\n")
    fails(link, file, line, "entity", r"no record 'agents/daratumumabb'")


def test_a_label_that_is_not_in_the_table_fails(link: Link, crosswalk: Path) -> None:
    file = crosswalk / "crosswalk.yaml"
    line = edit(file, "- label: daratumumab\n", "- label: daratumumabb\n")
    fails(link, file, line, "label", "not an entity_label of the reference table")


def test_a_row_decision_for_a_row_the_label_does_not_have_fails(link: Link, crosswalk: Path) -> None:
    file = crosswalk / "crosswalk.yaml"
    line = edit(file, '    "mesh:C510808": {match: closeMatch', '    "mesh:C999999": {match: closeMatch')
    fails(link, file, line - 1, "rows", r"mesh:C999999 is not a row of 'blinatumomab'")


def test_an_unknown_predicate_fails(link: Link, crosswalk: Path) -> None:
    file = crosswalk / "crosswalk.yaml"
    line = edit(file, "  match: broadMatch\n  reason: \"both ids name the calicheamicin",
                "  match: sameAs\n  reason: \"both ids name the calicheamicin")
    fails(link, file, line, "match", "'sameAs' is not one of")


def test_a_local_id_off_its_pattern_fails_naming_the_crosswalk_and_the_table(
        link: Link, crosswalk: Path, settings: Settings, tmp_path: Path) -> None:
    reference = tmp_path / "reference"
    shutil.copytree(settings.reference, reference)
    edit(reference / "external_ids.tsv", "\tdrugbank\tDB09331\t", "\tdrugbank\tDB9331\t")
    file = crosswalk / "crosswalk.yaml"
    line = 1 + file.read_text(encoding="utf-8").splitlines().index("- label: daratumumab")
    fails(link, file, line, "label", r"drugbank:DB9331 \(external_ids.tsv:\d+\).*pattern", reference=reference)


def test_a_second_id_of_one_prefix_needs_a_reason(link: Link, crosswalk: Path) -> None:
    file = crosswalk / "crosswalk.yaml"
    line = edit(file, "  entity: agents/imatinib\n", "  entity: agents/dasatinib\n") - 1
    second = 1 + file.read_text(encoding="utf-8").splitlines().index("- label: dasatinib")
    fails(link, file, second, "label",
          rf"dasatinib has several NCIT ids \(NCIT:C62035 \(.*crosswalk.yaml:{line}\), NCIT:C38713 .*record a reason")


def test_a_row_decision_without_a_reason_fails(link: Link, crosswalk: Path) -> None:
    file = crosswalk / "crosswalk.yaml"
    line = edit(file, '    "NCIT:C1094": {match: exactMatch, reason: "NCIt\'s Fludarabine, the nucleoside;',
                '    "NCIT:C1094": {match: exactMatch, why: "NCIt\'s Fludarabine, the nucleoside;')
    fails(link, file, line - 1, "rows", r"NCIT:C1094: a decision is \{match, reason\} or \{skip: why\}")


def test_a_gene_id_on_an_antigen_fails(link: Link, crosswalk: Path) -> None:
    file = crosswalk / "crosswalk.yaml"
    line = edit(file, "- {label: CD19, kind: gene, entity: molecules/CD19-gene}",
                "- {label: CD19, kind: gene, entity: molecules/CD19}")
    fails(link, file, line, "label", r"hgnc:1633 is a gene id .* CD19 is a record of kind antigen")


def test_the_mondo_ncit_cross_wiring_is_refused(link: Link, crosswalk: Path) -> None:
    file = crosswalk / "crosswalk.yaml"
    guards = crosswalk / "constraints.yaml"
    edit(guards, '  not_exact: ["MONDO:0004947", "NCIT:C8936", "DOID:0080630"]\n', '  not_exact: ["NCIT:C0"]\n')
    line = edit(file, '    "MONDO:0004947": {match: broadMatch,', '    "MONDO:0004947": {match: exactMatch,')
    fails(link, file, line + 1, "match", rf"exactMatch of MONDO:0004947 \(.*crosswalk.yaml:{line}\) and "
          "NCIT:C8644, which belong to different concepts")


@pytest.mark.parametrize(("old", "new", "message"), [
    ('    "NCIT:C1094": {match: exactMatch', '    "NCIT:C1094": {match: exactMatch', None),
    ("- label: fludarabine phosphate\n  entity: agents/fludarabine\n  match: closeMatch",
     "- label: fludarabine phosphate\n  entity: agents/fludarabine\n  match: exactMatch",
     "NCIT:C1102 must not be an exactMatch of fludarabine"),
])
def test_guards_stop_known_traps(link: Link, crosswalk: Path, old: str, new: str, message: str | None) -> None:
    edit(crosswalk / "crosswalk.yaml", old, new)
    if message is None:
        link()
    else:
        with pytest.raises(FactError, match=message):
            link()


def test_an_avoided_id_fails_wherever_it_comes_from(link: Link, crosswalk: Path) -> None:
    guards = crosswalk / "constraints.yaml"
    edit(guards, '  avoid: ["CHEBI:4026"]', '  avoid: ["CHEBI:4027"]')
    with pytest.raises(FactError, match=r"CHEBI:4027 must never be linked to cyclophosphamide"):
        link()


def test_rows_without_a_crosswalk_record_are_reported_not_fatal(link: Link, crosswalk: Path) -> None:
    edit(crosswalk / "crosswalk.yaml", "- label: daratumumab\n  entity: agents/daratumumab\n", "")
    result = link()
    assert {r.label for r in result.report.unreviewed} == {"daratumumab"}
    assert any(line.startswith("not reviewed in the crosswalk: daratumumab") for line in result.report.lines())


def test_a_misprinted_registration_is_reported_not_linked(
        link: Link, parts: tuple[Graph, FactSet, Built]) -> None:
    _, facts, _ = parts
    study = next(r for r in facts.of("studies") if r["id"] == "NCT02981628")
    saved = study["nct"]
    study["nct"] = ["NCT0280442"]  # as one review prints it: a digit short
    try:
        result = link()
    finally:
        study["nct"] = saved
    assert ("NCT02981628", "NCT0280442") in result.report.bad_registrations
    assert not [m for m in result.mappings if m.local_id == "NCT0280442"]
