"""The time limit really stops work; a cheap query still answers meanwhile; generations switch."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest

from server.store import EXTENSION

pytest_plugins = ["tests.server_fixtures"]

# 46 quads to the 5th power: ~2e8 solutions to count, many seconds of work for pyoxigraph.
RUNAWAY = ("SELECT (COUNT(*) AS ?n) WHERE "
           "{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }")
CHEAP = "ASK { <https://w3id.org/immunall/agent/blinatumomab> ?p ?o }"


def _gone(pid: int, within: float = 3.0) -> bool:
    deadline = time.monotonic() + within
    while Path(f"/proc/{pid}").exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_timeout_kills_the_query_while_a_cheap_query_answers(make_app):
    app = make_app(QUERY_TIMEOUT=1, QUERY_WORKERS=2)
    pool = app.extensions[EXTENSION].pool
    pool.warm()
    assert len(pool.pids) == 2
    results: dict[str, object] = {}

    def runaway() -> None:
        started = time.monotonic()
        response = app.test_client().get("/sparql", query_string={"query": RUNAWAY})
        results["runaway"] = (response.status_code, response.text, time.monotonic() - started)

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)  # the runaway query is now inside pyoxigraph
    started = time.monotonic()
    cheap = app.test_client().get("/sparql", query_string={"query": CHEAP})
    cheap_seconds = time.monotonic() - started
    thread.join(timeout=10)

    assert cheap.status_code == 200 and json.loads(cheap.data)["boolean"] is True
    assert cheap_seconds < 0.5
    status, text, seconds = results["runaway"]
    assert status == 503
    assert "time limit of 1 s exceeded" in text and "stopped" in text
    assert 0.9 < seconds < 3.0
    # The process that ran it is gone (SIGKILL + reaped), not left computing.
    dead = [pid for pid in pool.pids if _gone(pid, within=0.0)]
    assert len(dead) == 1
    # The pool recovers: it serves on, and a new worker takes the killed one's place.
    again = app.test_client().get("/sparql", query_string={"query": CHEAP})
    assert again.status_code == 200
    pool.warm()
    assert len(pool.pids) == 3


def test_waiting_for_a_busy_pool_counts_against_the_limit(make_app):
    app = make_app(QUERY_TIMEOUT=1, QUERY_WORKERS=1)
    app.extensions[EXTENSION].pool.warm()
    statuses: list[int] = []

    def run() -> None:
        statuses.append(app.test_client().get("/sparql", query_string={
            "query": RUNAWAY}).status_code)

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(0.2)
    started = time.monotonic()
    # a second runaway waits ~0.8 s for the only query process, then has what is left of its 1 s
    queued = app.test_client().get("/sparql", query_string={"query": RUNAWAY + " LIMIT 2"})
    thread.join(timeout=10)
    assert queued.status_code == 503
    assert "time limit" in queued.text
    assert time.monotonic() - started < 1.75, "the wait counted against the query's own limit"
    assert statuses == [503]


def test_missing_store_is_503(make_app, tmp_path):
    app = make_app(STORE_PATH=tmp_path / "nothing-built-yet")
    response = app.test_client().get("/sparql", query_string={"query": CHEAP})
    assert response.status_code == 503
    assert "build" in response.text


@pytest.fixture()
def dist(tmp_path, generation, fixture_quads, write_generation):
    """dist/stores/{g1,g2} and a `current` symlink, as the build lays them out."""
    quads = fixture_quads
    stores = tmp_path / "stores"
    stores.mkdir()
    g1 = stores / "g1"
    g1.symlink_to(generation, target_is_directory=True)
    g2 = write_generation(stores / "g2", quads[:10])
    current = tmp_path / "current"
    current.symlink_to(g1, target_is_directory=True)
    return current, g2


def test_switching_current_serves_the_new_generation(make_app, dist, build_info):
    current, g2 = dist
    app = make_app(STORE_PATH=current)
    client = app.test_client()
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    def count():
        response = client.get("/sparql", query_string={"query": query})
        return int(json.loads(response.data)["results"]["bindings"][0]["n"]["value"]), response

    before, first = count()
    assert before == build_info["triples"]
    pool = app.extensions[EXTENSION].pool
    old_pids = list(pool.pids)
    # The build's atomic switch: a new symlink renamed over the old one.
    tmp_link = current.with_name("current.tmp")
    tmp_link.symlink_to(g2, target_is_directory=True)
    os.replace(tmp_link, current)
    after, second = count()
    assert after == 10
    assert first.headers["ETag"] != second.headers["ETag"]
    assert all(_gone(pid) for pid in old_pids)


def test_memory_limit_stops_a_hungry_query(make_app):
    app = make_app(QUERY_MEMORY_MB=256, QUERY_TIMEOUT=20)
    client = app.test_client()
    hungry = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } ORDER BY ?a ?l"
    started = time.monotonic()
    response = client.get("/sparql", query_string={"query": hungry})
    assert response.status_code == 503
    assert "memory limit of 256 MB" in response.text
    assert time.monotonic() - started < 15
    assert client.get("/sparql", query_string={"query": CHEAP}).status_code == 200


def test_cheap_queries_of_other_clients_stay_prompt_while_runaways_run(make_app, start_server):
    """Over real HTTP: one client sends runaway queries of several kinds back to back (cross product,
    closure of a negated path, a huge OFFSET), three others keep sending cheap look-ups; every cheap
    one is answered, promptly, the whole time."""
    import requests

    # Each thread is its own client, as a proxy the server trusts says (X-Forwarded-For): the per-client
    # limits then see four clients, as they would see four people.
    app = make_app(QUERY_TIMEOUT=1.5, QUERY_WORKERS=2, TRUSTED_PROXIES=("127.0.0.1",))
    app.extensions[EXTENSION].pool.warm()
    live = start_server(app)
    runaways = [RUNAWAY,
                "SELECT (COUNT(*) AS ?n) WHERE { ?a (!<http://x/>|^!<http://x/>)* ?b . ?c ?d ?e . ?f ?g ?h . "
                "?i ?j ?k }",
                "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } OFFSET 1000000000000"]
    stop = threading.Event()
    cheap: list[tuple[int, float]] = []
    hostile: list[int] = []

    def runaway_client() -> None:
        with requests.Session() as session:
            session.headers["X-Forwarded-For"] = "192.0.2.100"
            for query in runaways:
                hostile.append(session.get(live.endpoint, params={"query": query}, timeout=30).status_code)
        stop.set()

    def cheap_client(address: str) -> None:
        with requests.Session() as session:
            session.headers["X-Forwarded-For"] = address
            while not stop.is_set():
                started = time.monotonic()
                response = session.get(live.endpoint, params={"query": CHEAP}, timeout=30,
                                       headers={"Accept": "application/sparql-results+json"})
                cheap.append((response.status_code, time.monotonic() - started))
                time.sleep(0.01)

    threads = [threading.Thread(target=cheap_client, args=(f"192.0.2.{n}",)) for n in range(1, 4)]
    threads.append(threading.Thread(target=runaway_client))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert hostile == [503, 503, 503]
    assert len(cheap) > 30
    assert all(status == 200 for status, _ in cheap)
    latencies = sorted(seconds for _, seconds in cheap)
    assert latencies[len(latencies) // 2] < 0.25, latencies[-10:]
    assert latencies[int(len(latencies) * 0.95)] < 0.75, latencies[-10:]
