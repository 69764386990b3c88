"""The README's first command: `immunall serve` builds when nothing is built, then serves the graph
with granian (server/production.py), and `/sparql` answers the COUNT query with the number of triples built."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from SPARQLWrapper import JSON, SPARQLWrapper

from tests.net import free_port

ROOT = Path(__file__).resolve().parents[1]



@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):
    dist = tmp_path_factory.mktemp("serve-dist")  # empty: serve must build first
    port = free_port()
    env = {**os.environ, "IMMUNALL_DIST": str(dist)}
    env.pop("IMMUNALL_STORE_PATH", None)
    process = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True)
    url = f"http://127.0.0.1:{port}/sparql"
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(f"serve exited {process.returncode}: {process.stderr.read().decode()[-3000:]}")
            try:
                if requests.get(url, params={"query": "ASK {}"}, timeout=10).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                pass
            time.sleep(0.5)
        else:
            raise AssertionError("serve did not answer within 300 s")
        yield url, dist
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def test_serve_builds_then_answers_count_over_sparql(served) -> None:
    url, dist = served
    info = json.loads((dist / "current" / "build.json").read_text())
    client = SPARQLWrapper(url)
    client.setQuery("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    client.setReturnFormat(JSON)
    answer = client.query().convert()
    n = int(answer["results"]["bindings"][0]["n"]["value"])
    assert n == info["triples"] > 1000


def test_served_by_granian_not_the_development_server(served) -> None:
    url, _ = served
    response = requests.get(url, params={"query": "ASK { ?s ?p ?o }"},
                            headers={"Accept": "application/sparql-results+json"})
    assert response.json()["boolean"] is True
    assert "granian" in response.headers.get("Server", "").lower()
