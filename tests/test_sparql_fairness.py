"""Fairness under a flood, against the production server over HTTP (server/admission.py, server/pool.py).

One client (127.0.0.2) sends 12 runaway queries at once; meanwhile another client (127.0.0.1) asks
new cheap queries and pages, each of which must answer within 2 s (a bound of fairness, not a speed
figure: an unfair server makes them wait for the runaways' time limit). The flooding client gets
429 or 503 for every runaway, never a hang. A client that hangs up has its query stopped.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
from urllib.parse import urlencode, urlsplit

import pytest

from tests.procs import descendants, production_server

pytest_plugins = ["tests.server_fixtures"]

TIMEOUT = 8  # the runaways' time limit: far above the 2 s the other client may wait
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o . ?p ?q ?r } # "
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
TRIALS = ["NCT02435849", "NCT02228096", "NCT01626495", "NCT02028455", "NCT03937544", "NCT01471782"]
PAGES = ["/trial/NCT02435849", "/agent/tisagenlecleucel", "/antigen/CD19", "/search?q=CTL019", "/"]


@pytest.fixture(scope="module")
def server(generation):
    with production_server(generation, IMMUNALL_QUERY_TIMEOUT=str(TIMEOUT)) as running:
        yield running


def _get(url: str, path: str, source: str, timeout: float) -> tuple[int, float, dict[str, str], bytes]:
    """GET `path` from the address `source` (a loopback address standing for one client)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout, source_address=(source, 0))
    started = time.monotonic()
    try:
        connection.request("GET", path, headers={"Accept": "application/sparql-results+json, text/html;q=0.9"})
        response = connection.getresponse()
        body = response.read()
        return response.status, time.monotonic() - started, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        connection.close()


def _query(text: str) -> str:
    return "/sparql?" + urlencode({"query": text})


def test_a_flood_from_one_client_leaves_another_served_within_2_s(server):
    _, url = server
    flood: list[tuple[int, float, dict[str, str], bytes]] = []
    errors: list[BaseException] = []

    def runaway(n: int) -> None:
        try:
            flood.append(_get(url, _query(RUNAWAY + str(n)), "127.0.0.2", timeout=TIMEOUT + 20))
        except BaseException as error:  # noqa: BLE001 - a hang or a broken connection fails the test below
            errors.append(error)

    threads = [threading.Thread(target=runaway, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)  # the runaways are in
    answered: list[tuple[str, int, float]] = []
    ends = time.monotonic() + TIMEOUT / 2
    n = 0
    while time.monotonic() < ends:
        cheap = f"SELECT ?label WHERE {{ <https://w3id.org/immunall/trial/{TRIALS[n % len(TRIALS)]}> {LABEL} ?label }}"
        page = PAGES[n % len(PAGES)]
        for path in (_query(f"{cheap} # fresh {n}"), f"{page}{'&' if '?' in page else '?'}n={n}"):
            status, seconds, _, _ = _get(url, path, "127.0.0.1", timeout=30)
            answered.append((path, status, seconds))
        n += 1
    for thread in threads:
        thread.join(TIMEOUT + 30)
    assert not errors, errors
    assert all(status == 200 for _, status, _ in answered), [a for a in answered if a[1] != 200]
    slow = [(path, round(seconds, 2)) for path, _, seconds in answered if seconds >= 2.0]
    assert not slow, f"the other client waited 2 s or more: {slow}"
    assert len(answered) >= 4
    statuses = sorted(status for status, _, _, _ in flood)
    assert len(flood) == 12 and set(statuses) <= {429, 503}, statuses
    assert 429 in statuses, "the client's cap refused the runaways past it at once"
    for status, seconds, headers, body in flood:
        assert seconds < TIMEOUT + 10
        if status == 429:
            assert int(headers["retry-after"]) >= 1
            assert body.startswith(b"Too many queries at once")


def test_a_query_whose_client_hangs_up_is_stopped(server):
    process, url = server
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), source_address=("127.0.0.3", 0)) as client:
        client.sendall(f"GET {_query(RUNAWAY + 'hang-up')} HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n".encode())
        time.sleep(1.0)  # the query is running in a query process
        before = descendants(process.pid)  # the processes while it runs, the one running it among them
    hung_up = time.monotonic()
    while before <= descendants(process.pid) and time.monotonic() - hung_up < TIMEOUT:
        time.sleep(0.1)
    assert not before <= descendants(process.pid), "no query process was stopped"
    assert time.monotonic() - hung_up < TIMEOUT / 2, "stopped by the hang-up, not by the time limit"
