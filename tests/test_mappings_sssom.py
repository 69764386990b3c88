"""dist/mappings.sssom.tsv is a valid SSSOM mapping set (validated with the sssom-schema's LinkML
data model) and says what the mappings graph says."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
import sssom_schema
import yaml
from rdflib import SKOS, Dataset
from sssom_schema.datamodel.sssom_schema import Mapping, MappingSet, Prefix

from kg.ids import GRAPH
from kg.pipeline import Outcome
from kg.settings import Settings

SCHEMA = Path(sssom_schema.__file__).parent / "schema" / "sssom_schema.yaml"
REQUIRED = ("subject_id", "predicate_id", "object_id", "mapping_justification")
CURIE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*:[^\s]+$")


def read(path: Path) -> tuple[dict, list[dict[str, str]]]:
    """The YAML metadata block (lines starting with '#') and the rows."""
    lines = path.read_text(encoding="utf-8").splitlines()
    meta = yaml.safe_load("\n".join(line[1:] for line in lines if line.startswith("#")))
    body = "\n".join(line for line in lines if not line.startswith("#"))
    return meta, list(csv.DictReader(io.StringIO(body), delimiter="\t"))


@pytest.fixture(scope="module")
def sssom(settings: Settings, build: Outcome) -> tuple[dict, list[dict[str, str]]]:
    return read(settings.dist / "mappings.sssom.tsv")


def test_the_set_validates_against_the_sssom_schema(sssom: tuple[dict, list[dict[str, str]]]) -> None:
    meta, rows = sssom
    curie_map = {name: Prefix(prefix_name=name, prefix_url=url) for name, url in meta["curie_map"].items()}
    others = {k: v for k, v in meta.items() if k != "curie_map"}
    # The LinkML dataclasses reject unknown slots, missing required ones, bad enums and numbers.
    mapping_set = MappingSet(**others, curie_map=curie_map,
                             mappings=[Mapping(**{k: v for k, v in row.items() if v}) for row in rows])
    assert mapping_set.mapping_set_id == "https://w3id.org/immunall/mappings.sssom.tsv"
    assert str(mapping_set.license) == "https://creativecommons.org/licenses/by/4.0/"
    assert len(mapping_set.mappings) == len(rows) > 250


def test_justifications_are_semapv_values_the_schema_allows(sssom: tuple[dict, list[dict[str, str]]]) -> None:
    schema = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    allowed = re.compile(schema["slots"]["mapping_justification"]["pattern"])
    for row in sssom[1]:
        assert allowed.match(row["mapping_justification"]), row


def test_every_curie_has_its_prefix_in_the_header(sssom: tuple[dict, list[dict[str, str]]]) -> None:
    meta, rows = sssom
    for row in rows:
        for column in REQUIRED:
            assert CURIE.match(row[column]), (column, row[column])
            assert row[column].split(":", 1)[0] in meta["curie_map"], row[column]
        assert row["confidence"] == "" or 0 < float(row["confidence"]) <= 1
        assert "\t" not in "".join(row.values())


def test_it_holds_every_link_of_the_graph_and_the_ontology_alignments(
        sssom: tuple[dict, list[dict[str, str]]], dataset: Dataset) -> None:
    from kg.prefixes import compact

    _, rows = sssom
    written = {(r["subject_id"], r["predicate_id"], r["object_id"]) for r in rows}
    mappings = dataset.graph(GRAPH["mappings"])
    for predicate in (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch):
        for s, o in mappings.subject_objects(predicate):
            assert (compact(str(s)), compact(str(predicate)), compact(str(o))) in written
    assert ("ia:Publication", "rdfs:subClassOf", "IAO:0000311") in written
    assert ("ia:ClinicalStudy", "rdfs:subClassOf", "OBI:0000066") in written
    assert ("ia:Percent", "skos:exactMatch", "UO:0000187") in written


def test_the_set_is_versioned_with_the_data(sssom: tuple[dict, list[dict[str, str]]], build: Outcome) -> None:
    assert build.generation is not None
    assert sssom[0]["mapping_set_version"] == build.generation.version
