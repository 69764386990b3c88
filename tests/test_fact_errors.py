"""Broken input fails the build with file, line and field, and the last good graph keeps serving."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg.facts import FactError
from kg.pipeline import Outcome, run
from kg.settings import Settings

ELIANA_RESULTS = "results/car-t.yaml"


def _rewrite(path: Path, old: str, new: str) -> int:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return text[: text.index(old)].count("\n") + 1


def _run(settings: Settings, facts: Path) -> Outcome:
    return run(dataclasses.replace(settings, facts=facts), load=False)


def test_yaml_syntax_error_names_file_and_line(settings: Settings, facts_copy: Path) -> None:
    line = _rewrite(facts_copy / ELIANA_RESULTS, "  measure: CR\n", "  measure: [CR\n")
    with pytest.raises(FactError) as err:
        _run(settings, facts_copy)
    assert err.value.file.endswith(ELIANA_RESULTS)
    assert err.value.line is not None and abs(err.value.line - line) <= 2


def test_unknown_field_names_line_and_field(settings: Settings, facts_copy: Path) -> None:
    line = _rewrite(facts_copy / ELIANA_RESULTS, "  timepoint: 3\n", "  time_point: 3\n")
    with pytest.raises(FactError) as err:
        _run(settings, facts_copy)
    assert (err.value.line, err.value.field) == (line, "time_point")


def test_wrong_controlled_value_lists_the_allowed_ones(settings: Settings, facts_copy: Path) -> None:
    _rewrite(facts_copy / ELIANA_RESULTS, "  measure: CR\n", "  measure: CompleteResponse\n")
    with pytest.raises(FactError) as err:
        _run(settings, facts_copy)
    assert err.value.field == "measure" and "CRCRi" in err.value.message


def test_dangling_reference_is_named(settings: Settings, facts_copy: Path) -> None:
    _rewrite(facts_copy / ELIANA_RESULTS, "  study: NCT02435849\n", "  study: NCT99999999\n")
    with pytest.raises(FactError) as err:
        _run(settings, facts_copy)
    assert err.value.field == "study" and "NCT99999999" in err.value.message


def test_figure_not_in_its_passage_fails_naming_the_record(settings: Settings, facts_copy: Path) -> None:
    _rewrite(facts_copy / ELIANA_RESULTS, "  value: 81\n", "  value: 18\n")
    with pytest.raises(FactError) as err:
        _run(settings, facts_copy)
    assert "eliana-g23-orr-3mo" in str(err.value) and err.value.field == "value"


def test_span_outside_the_file_is_rejected(settings: Settings, facts_copy: Path) -> None:
    _rewrite(facts_copy / ELIANA_RESULTS, "span: [36607, 36703]", "span: [36607, 9936703]")
    with pytest.raises(FactError) as err:
        _run(settings, facts_copy)
    assert "span" in err.value.message


def _cli(args: list[str], settings: Settings, facts: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "IMMUNALL_FACTS": str(facts), "IMMUNALL_DIST": str(settings.dist)}
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True,
                          env=env, timeout=300)


def test_cli_exit_code_2_for_broken_input_and_store_keeps_serving(
        build: Outcome, settings: Settings, facts_copy: Path) -> None:
    before = (settings.dist / "current").resolve()
    _rewrite(facts_copy / ELIANA_RESULTS, "  timepoint: 3\n", "  time_point: 3\n")
    done = _cli(["build"], settings, facts_copy)
    assert done.returncode == 2
    assert "time_point" in done.stderr and "car-t.yaml" in done.stderr
    assert (settings.dist / "current").resolve() == before


def test_cli_exit_code_1_for_data_that_does_not_conform(settings: Settings, facts_copy: Path) -> None:
    # A count above its denominator: both figures are printed in the passage, so only SHACL catches it.
    with (facts_copy / "results" / "broken.yaml").open("w") as out:
        out.write(
            "- id: eliana-screened-vs-enrolled\n  study: NCT02435849\n  measure: NotInfused\n"
            "  value: 32\n  unit: Patients\n  statistic: Count\n  numerator: 107\n  denominator: 92\n"
            "  source: {doc: glasser2023, at: \"Challenges of CAR-T Therapy\", span: [40638, 40851], refs: [39]}\n"
        )
    done = _cli(["validate"], settings, facts_copy)
    assert done.returncode == 1, done.stderr
    assert "eliana-screened-vs-enrolled" in done.stderr and "denominator" in done.stderr


# One broken record of each kind the evidence model v2 added: the build names file, line and field.
NEW_KIND_ERRORS = [
    ("comparisons", "- id: bad-comparison\n  study: TOWER\n  measure: CR\n  arms: [blina]\n"
                    "  source: {doc: glasser2023, at: \"Blinatumomab Adult Data\", span: [6669, 6869], refs: [10]}\n",
     4, "arms", "at least two"),
    ("comparisons", "- id: bad-comparison\n  study: TOWER\n  measure: CR\n  arms: [blina, soc]\n  p: 0.5\n"
                    "  source: {doc: glasser2023, at: \"Blinatumomab Adult Data\", span: [6669, 6869], refs: [10]}\n",
     5, "p", "not printed"),
    ("comparisons", "- id: bad-comparison\n  study: TOWER\n  measure: CR\n  arms: [blina, nobody]\n"
                    "  source: {doc: glasser2023, at: \"Blinatumomab Adult Data\", span: [6669, 6869], refs: [10]}\n",
     4, "arms", "no arm"),
    ("findings", "- id: bad-finding\n  label: a finding\n  about: [studies/TOWER]\n  kind: Hunch\n"
                 "  source: {doc: glasser2023, at: \"Blinatumomab Adult Data\", span: [6669, 6869], refs: [10]}\n",
     4, "kind", "ClosureReason"),
    ("thresholds", "- id: bad-threshold\n  label: a threshold\n  analyte: IgG\n  relation: roughly above\n  value: 4\n"
                   "  unit: GramPerLiter\n"
                   "  source: {doc: glasser2023, at: Hypogammaglobulinemia, span: [49295, 49426]}\n",
     4, "relation", "comparator"),
    ("management", "- id: bad-rule\n  label: a rule\n  event: CRS\n"
                   "  source: {doc: glasser2023, at: \"Cytokine Release Syndrome (CRS)\", span: [47173, 47412]}\n",
     1, "treatment", "required"),
    ("disagreements", "- id: bad-disagreement\n  kind: Because\n  concerns: [studies/TOWER]\n  aspect: x\n"
                      "  claims: [{fact: results/tower-g23-cr-blina}, {fact: results/tower-g23-cr-soc}]\n",
     2, "kind", "PrintingError"),
    ("disagreements", "- id: bad-disagreement\n  kind: DifferentReport\n  concerns: [studies/TOWER]\n  aspect: x\n"
                      "  claims: [{fact: results/tower-g23-cr-blina}]\n",
     5, "claims", "at least two"),
    ("results", "- id: bad-none\n  study: TOWER\n  measure: CR\n  stated: StatedNone\n  value: 34\n"
                "  source: {doc: glasser2023, at: \"Blinatumomab Adult Data\", span: [6669, 6869], refs: [10]}\n",
     5, "value", "StatedNone means a value of 0"),
    ("results", "- id: bad-none\n  study: TOWER\n  measure: CR\n  stated: StatedAll\n"
                "  source: {doc: glasser2023, at: \"Blinatumomab Adult Data\", span: [6669, 6869], refs: [10]}\n",
     4, "stated", "no word of totality"),
    ("studies", "- id: bad-study\n  label: a study\n  classes: [SingleArmTrial]\n  names:\n"
                "    - {name: ZUMA-99, type: acronym, source: {doc: glasser2023, at: \"Blinatumomab Adult Data\", "
                "span: [6669, 6869]}}\n",
     5, "name", "not printed"),
    ("studies", "- id: bad-study\n  label: a study\n  classes: [SingleArmTrial]\n  reports:\n    - {id: r1}\n",
     5, "label", "required"),
    ("molecules", "- id: bad-gene\n  type: gene\n  label: a gene\n  basis: {from: Hearsay}\n",
     4, "from", "ReferenceTable"),
]


@pytest.mark.parametrize(("folder", "text", "line", "field", "words"), NEW_KIND_ERRORS,
                         ids=[f"{e[0]}-{e[3]}-{i}" for i, e in enumerate(NEW_KIND_ERRORS)])
def test_new_kinds_fail_with_file_line_and_field(settings: Settings, facts_copy: Path, folder: str, text: str,
                                                 line: int, field: str, words: str) -> None:
    path = facts_copy / folder / "zz-broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FactError) as err:
        _run(settings, facts_copy)
    assert err.value.file.endswith("zz-broken.yaml"), err.value
    assert (err.value.line, err.value.field) == (line, field), err.value
    assert words in err.value.message, err.value
