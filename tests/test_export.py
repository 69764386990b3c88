"""`immunall export`: per-graph files a bulk loader can put into their named graphs, the dataset as
quads, and load instructions naming the export's own folder."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.cli import main
from kg.export import file_stem
from kg.pipeline import Outcome
from kg.settings import Settings


@pytest.fixture()
def exported(build: Outcome, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("IMMUNALL_DIST", str(settings.dist))

    def run(*formats: str) -> tuple[Path, dict]:
        out = tmp_path / "export"
        args = ["export", "--out", str(out)] + [a for f in formats for a in ("--format", f)]
        assert main(args) == 0
        return out, json.loads((settings.dist / "build.json").read_text(encoding="utf-8"))

    return run


def test_default_export_is_one_ntriples_file_per_graph_plus_quads(exported):
    out, info = exported()
    rows = [line.split("\t") for line in (out / "graphs.tsv").read_text().splitlines()[1:]]
    assert {graph for _, graph, _ in rows} == set(info["graphs"])
    for name, graph, triples in rows:
        path = out / name
        assert path.suffix == ".nt" and path.stem == file_stem(graph)
        assert (out / f"{name}.graph").read_text().strip() == graph  # Virtuoso ld_dir's sidecar
        parsed = list(ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES))
        assert len(parsed) == int(triples) == info["graphs"][graph]
    quads = list(ox.parse(path=str(out / "immunall.nq"), format=ox.RdfFormat.N_QUADS))
    assert len(quads) == info["triples"]


def test_loading_notes_name_the_folder_and_every_loader(exported):
    out, info = exported()
    notes = (out / "LOADING.md").read_text()
    assert f"ld_dir('{out.resolve()}', '*.nt'" in notes and "rdf_loader_run();" in notes
    assert "tdb2.tdbloader --loc=DB --graph=https://w3id.org/immunall/graph/asserted" in notes
    assert "MULTI_INPUT_JSON" in notes and "unionDefaultGraph true" in notes
    assert info["version"] in notes


def test_turtle_and_trig_on_request(exported):
    out, info = exported("ttl,trig")
    assert sorted(p.name for p in out.glob("*.ttl")) == sorted(f"{file_stem(g)}.ttl" for g in info["graphs"])
    dataset = ox.Dataset(ox.parse(path=str(out / "immunall.trig"), format=ox.RdfFormat.TRIG))
    assert len(dataset) == info["triples"]


def test_unknown_format_is_a_usage_error(exported):
    with pytest.raises(SystemExit) as error:
        main(["export", "--format", "xml"])
    assert error.value.code == 2


def test_file_stem_is_the_last_segment():
    assert file_stem("https://w3id.org/immunall/graph/asserted") == "asserted"
    assert file_stem("http://example.org/g#x y") == "x_y"
