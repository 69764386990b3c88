"""The in-process lane (server/lane.py): which queries skip the query processes, and the watchdog."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from server import close_app, create_app
from server.evaluate import QueryJob
from server.lane import CostMemory, InProcessLane, Watchdog
from server.sparql_text import sketch
from server.store import get_backend

pytest_plugins = ["tests.server_fixtures"]

LOOKUP = ("SELECT ?label WHERE { <https://w3id.org/immunall/trial/NCT02435849> "
          "<http://www.w3.org/2000/01/rdf-schema#label> ?label }")
JSON = "application/sparql-results+json"


def _job(query: str, **extra) -> QueryJob:
    return QueryJob(query=query, solutions_media_type=JSON, graph_media_type="text/turtle", max_rows=100,
                    timeout=10, key=sketch(query).key, **extra)


@pytest.fixture()
def app(generation):
    app = create_app({"STORE_PATH": generation, "RESPONSE_CACHE_MB": 0, "INPROCESS_MS": 50})
    yield app
    close_app(app)


def _ask(client, query: str):
    return client.get("/sparql", query_string={"query": query}, headers={"Accept": JSON})


def test_a_quick_query_runs_in_process_the_second_time_whatever_its_comments(app):
    client = app.test_client()
    with app.app_context():
        lane = get_backend().lane
    first = _ask(client, LOOKUP + "\n# first")
    assert lane.answered == 0, "a query never seen goes to a query process"
    second = _ask(client, "# another comment\n" + LOOKUP.replace(" ", "  ") + "\n# second")
    assert lane.answered == 1
    assert first.status_code == second.status_code == 200
    assert first.get_json() == second.get_json()
    assert first.get_json()["results"]["bindings"][0]["label"]["value"] == "ELIANA"


def test_the_same_query_in_another_format_or_dataset_is_learned_apart(app):
    client = app.test_client()
    with app.app_context():
        lane = get_backend().lane
    _ask(client, LOOKUP)
    client.get("/sparql", query_string={"query": LOOKUP, "default-graph-uri": "https://w3id.org/immunall/graph/asserted"},
               headers={"Accept": JSON})
    assert lane.answered == 0
    text = client.get("/sparql", query_string={"query": LOOKUP}, headers={"Accept": "text/csv"})
    assert text.status_code == 200 and text.data.splitlines()[0] == b"label"
    assert lane.answered == 1, "the media type does not change the work; the dataset does"


def test_page_queries_are_trusted_and_run_in_process(app):
    client = app.test_client()
    with app.app_context():
        lane = get_backend().lane
    response = client.get("/trial/NCT02435849", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert lane.answered > 0


def test_zero_sends_every_query_to_the_query_processes(generation):
    app = create_app({"STORE_PATH": generation, "RESPONSE_CACHE_MB": 0, "INPROCESS_MS": 0})
    try:
        client = app.test_client()
        for _ in range(3):
            assert _ask(client, LOOKUP).status_code == 200
        assert client.get("/trial/NCT02435849").status_code == 200
        with app.app_context():
            assert get_backend().lane.answered == 0
    finally:
        close_app(app)


def test_slow_queries_service_calls_and_long_texts_never_qualify(tmp_path):
    lane = InProcessLane(limit_ms=10)
    generation = tmp_path
    quick, slow = _job(LOOKUP), _job("SELECT * { ?s ?p ?o }")
    lane.observe(quick, generation, 0.001, _answer())
    lane.observe(slow, generation, 0.5, _answer())
    assert lane.admits(quick, generation)
    assert not lane.admits(slow, generation)
    service = _job("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    lane.observe(service, generation, 0.001, _answer())
    assert not lane.admits(service, generation)
    long = _job(LOOKUP + " # " + "x" * 10_000)
    lane.observe(long, generation, 0.001, _answer())
    assert not lane.admits(long, generation)
    assert not lane.admits(quick, tmp_path / "another-generation"), "costs hold for one generation only"
    lane.observe(quick, generation, 0.5, _answer())
    assert not lane.admits(quick, generation), "a query that turned slow is forgotten"


def test_the_memory_is_bounded():
    memory = CostMemory(limit_seconds=1, entries=3)
    for n in range(10):
        memory.observe(_job(f"ASK {{ <urn:x:{n}> ?p ?o }}"), Path("/g"), 0.001)
    assert len(memory) == 3
    assert memory.is_quick(_job("ASK { <urn:x:9> ?p ?o }"), Path("/g"))
    assert not memory.is_quick(_job("ASK { <urn:x:0> ?p ?o }"), Path("/g"))


def test_the_watchdog_calls_its_kill_when_a_query_overruns():
    fired = threading.Event()
    watchdog = Watchdog(kill=fired.set)
    watchdog.start(1, timeout=0.0, query="ASK {}")
    assert fired.wait(5)


def test_the_watchdog_leaves_finished_queries_alone():
    fired = threading.Event()
    watchdog = Watchdog(kill=fired.set)
    watchdog.start(1, timeout=0.0, query="ASK {}")
    watchdog.stop(1)
    assert not fired.wait(2)


def test_the_watchdog_really_ends_the_process():
    code = textwrap.dedent("""
        import time
        from server.lane import Watchdog
        Watchdog().start(1, timeout=0.0, query="SELECT * { ?a ?b ?c . ?d ?e ?f }")
        time.sleep(30)
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == -9
    assert "ran past its time limit" in done.stderr


def _answer():
    from server.results import Answer

    return Answer(body=b"{}", media_type=JSON)
