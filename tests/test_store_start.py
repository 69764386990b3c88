"""A missing or corrupt store is reported at start with one clear line: the server refuses to start,
`immunall serve` and `immunall query` exit 2 saying what is wrong and what to do; a running app
answers 503 (never a traceback) when the store under it breaks."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from immunall.generation import GenerationProblem as StoreProblem
from immunall.generation import check as check_generation
from tests.net import free_port

pytest_plugins = ["tests.server_fixtures"]

ROOT = Path(__file__).resolve().parents[1]



def _corrupt(kind: str, generation: Path, target: Path) -> Path:
    """A copy of `generation` broken the way `kind` says; returns the path to serve."""
    if kind == "missing":
        return target / "never-built"
    if kind == "dangling":
        target.mkdir(parents=True, exist_ok=True)
        link = target / "current"
        link.symlink_to(target / "stores" / "deleted", target_is_directory=True)
        return link
    copy = target / "gen"
    shutil.copytree(generation, copy)
    store = copy / "oxigraph"
    if kind == "no-oxigraph":
        shutil.rmtree(store)
    elif kind == "no-build-json":
        (copy / "build.json").unlink()
    elif kind == "bad-build-json":
        (copy / "build.json").write_text("{not json", encoding="utf-8")
    elif kind == "wrong-count":
        info = json.loads((copy / "build.json").read_text())
        info["triples"] += 7
        (copy / "build.json").write_text(json.dumps(info), encoding="utf-8")
    elif kind == "garbage-current":
        (store / "CURRENT").write_text("garbage\n")
    elif kind == "truncated-sst":
        for sst in store.glob("*.sst"):
            sst.write_bytes(sst.read_bytes()[:100])
    elif kind == "empty-store":
        for child in store.iterdir():
            child.unlink()
    return copy


KINDS = {
    "missing": "no built store at",
    "dangling": "which does not exist",
    "no-oxigraph": "no oxigraph/ folder",
    "no-build-json": "no build.json",
    "bad-build-json": "build.json unreadable",
    "wrong-count": "records",
    "garbage-current": "cannot be opened",
    "truncated-sst": "cannot be opened",
    "empty-store": "cannot be opened",
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_broken_store_is_named_with_what_to_do(kind: str, generation: Path, tmp_path: Path) -> None:
    with pytest.raises(StoreProblem) as problem:
        check_generation(_corrupt(kind, generation, tmp_path))
    assert KINDS[kind] in str(problem.value)
    assert "immunall build" in str(problem.value)


def test_a_good_store_passes(generation: Path, build_info: dict) -> None:
    assert check_generation(generation)["version"] == build_info["version"]


@pytest.mark.parametrize("kind", ["missing", "truncated-sst"])
def test_the_production_server_refuses_to_start_on_a_broken_store(kind: str, generation: Path,
                                                                   tmp_path: Path) -> None:
    path = _corrupt(kind, generation, tmp_path)
    env = dict(os.environ, IMMUNALL_STORE_PATH=str(path), IMMUNALL_BIND=f"127.0.0.1:{free_port()}")
    result = subprocess.run([sys.executable, "-m", "server.production"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode != 0
    assert "Error: cannot serve the knowledge graph:" in result.stderr
    assert KINDS[kind] in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [["query", "ASK {}"], ["serve", "--port", "1"], ["stats"]])
@pytest.mark.parametrize("kind", ["truncated-sst", "bad-build-json", "dangling"])
def test_the_cli_says_the_store_is_broken(command: list[str], kind: str, generation: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    if kind == "dangling":
        (dist / "current").symlink_to(dist / "stores" / "gone", target_is_directory=True)
    else:
        broken = _corrupt(kind, generation, tmp_path)
        (dist / "current").symlink_to(broken, target_is_directory=True)
    env = {**os.environ, "IMMUNALL_DIST": str(dist)}
    result = subprocess.run([sys.executable, "-m", "kg.cli", *command], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: "), result.stderr
    assert "immunall build" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("kind", ["bad-build-json", "truncated-sst", "no-oxigraph"])
def test_a_store_broken_under_a_running_app_is_503(kind: str, make_app: Callable, generation: Path,
                                                   tmp_path: Path) -> None:
    path = _corrupt(kind, generation, tmp_path)
    client = make_app(STORE_PATH=path).test_client()
    for url in ("/sparql?query=ASK%20%7B%7D", "/", "/trial/NCT02435849", "/search?q=blin"):
        response = client.get(url)
        assert response.status_code == 503, (url, response.status_code, response.text[:300])
        assert "Traceback" not in response.text
        assert "store" in response.text
    for url in ("/downloads/build.json", "/context.jsonld", "/downloads"):  # files: served, or a clear 503
        response = client.get(url)
        assert response.status_code in (200, 503), (url, response.status_code, response.text[:300])
        assert "Traceback" not in response.text
