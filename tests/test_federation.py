"""Federated queries between ImmunALL and a second SPARQL endpoint on loopback, both ways, and the
SERVICE allow-list: a refused SERVICE sends nothing anywhere.

The second endpoint is the `oxigraph` CLI server holding a small MONDO slice the test writes.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from kg.pipeline import Outcome
from kg.settings import Settings
from server.federation import check_services
from tests.net import free_port
from tests.server_fixtures import apps_over

pytest_plugins = ["tests.server_fixtures"]

MONDO = "http://purl.obolibrary.org/obo/MONDO_"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
IMMUNALL = "https://w3id.org/immunall/"
# A few MONDO terms ImmunALL links to, with labels and parents: the slice of another ontology.
SLICE = {
    "0004967": ("acute lymphoblastic leukemia", None),
    "0004963": ("T-cell acute lymphoblastic leukemia", "0004967"),
    "0020511": ("precursor B-cell acute lymphoblastic leukemia", "0004967"),
    "0000870": ("childhood acute lymphoblastic leukemia", "0004967"),
    "0600008": ("cytokine release syndrome", None),
}
PREFIXES = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX ia: <https://w3id.org/immunall/ontology/>
"""



def oxigraph_binary() -> str:
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file():
        return str(beside)
    import shutil

    found = shutil.which("oxigraph")
    assert found, "the oxigraph CLI (pip package `oxigraph`, test extra) is needed"
    return found


@pytest.fixture(scope="module")
def mondo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`oxigraph serve-read-only` on a free loopback port over the MONDO slice; its query URL."""
    folder = tmp_path_factory.mktemp("mondo")
    store = ox.Store(str(folder / "db"))
    for local, (label, parent) in SLICE.items():
        term = ox.NamedNode(MONDO + local)
        store.add(ox.Quad(term, ox.NamedNode(LABEL), ox.Literal(label)))
        if parent:
            store.add(ox.Quad(term, ox.NamedNode(SUBCLASS), ox.NamedNode(MONDO + parent)))
    store.flush()
    del store
    port = free_port()
    process = subprocess.Popen([oxigraph_binary(), "serve-read-only", "--location", str(folder / "db"),
                                "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/query"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                requests.get(url, params={"query": "ASK {}"}, timeout=2)
                break
            except requests.ConnectionError:
                assert process.poll() is None and time.monotonic() < deadline, "oxigraph did not start"
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


class Trap:
    """A loopback listener that counts every connection made to it (and closes it at once)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/sparql"
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()


@pytest.fixture
def trap() -> Iterator[Trap]:
    listener = Trap()
    yield listener
    listener.close()


@pytest.fixture(scope="module")
def make_app(build: Outcome, settings: Settings) -> Iterator:
    yield from apps_over(settings.dist / "current", query_timeout=20)


def select(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    return [{k: v["value"] for k, v in row.items()} for row in json.loads(response.data)["results"]["bindings"]]


FORWARD = PREFIXES + """
SELECT ?disease ?mondo ?mondoLabel ?parentLabel WHERE {
  ?disease a ia:Disease ; skos:exactMatch ?mondo .
  FILTER(STRSTARTS(STR(?mondo), "http://purl.obolibrary.org/obo/MONDO_"))
  SERVICE <ENDPOINT> {
    ?mondo rdfs:label ?mondoLabel .
    OPTIONAL { ?mondo rdfs:subClassOf ?parent . ?parent rdfs:label ?parentLabel }
  }
}
ORDER BY ?disease
"""


def test_immunall_joins_its_links_with_labels_and_parents_from_the_other_endpoint(make_app, mondo: str) -> None:
    client = make_app(SERVICE_ALLOW=[mondo]).test_client()
    rows = select(client.get("/sparql", query_string={"query": FORWARD.replace("ENDPOINT", mondo)},
                             headers={"Accept": "application/sparql-results+json"}))
    got = {(r["disease"].removeprefix(IMMUNALL), r["mondo"].removeprefix(MONDO), r["mondoLabel"],
            r.get("parentLabel")) for r in rows}
    assert got == {
        ("disease/ALL", "0004967", "acute lymphoblastic leukemia", None),
        ("disease/T-ALL", "0004963", "T-cell acute lymphoblastic leukemia", "acute lymphoblastic leukemia"),
        ("disease/B-ALL", "0020511", "precursor B-cell acute lymphoblastic leukemia", "acute lymphoblastic leukemia"),
    }


def test_the_query_page_runs_an_allowed_service_as_sparql_does(make_app, mondo: str) -> None:
    client = make_app(SERVICE_ALLOW=[mondo]).test_client()
    response = client.get("/query", query_string={"query": FORWARD.replace("ENDPOINT", mondo)})
    assert response.status_code == 200, response.text
    assert "precursor B-cell acute lymphoblastic leukemia" in response.text


def test_the_other_endpoint_joins_its_terms_with_immunall_entities(make_app, start_server, mondo: str) -> None:
    live = start_server(make_app())
    query = PREFIXES + """
        SELECT ?mondo ?entity ?label WHERE {
          ?mondo rdfs:label ?mondoLabel .
          SERVICE <ENDPOINT> { ?entity skos:exactMatch ?mondo ; rdfs:label ?label }
        }""".replace("ENDPOINT", live.endpoint)
    response = requests.post(mondo, data=query.encode("utf-8"), timeout=30, headers={
        "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    rows = {(r["mondo"]["value"].removeprefix(MONDO), r["entity"]["value"].removeprefix(IMMUNALL),
             r["label"]["value"]) for r in response.json()["results"]["bindings"]}
    assert rows == {
        ("0004967", "disease/ALL", "acute lymphoblastic leukemia"),
        ("0004963", "disease/T-ALL", "T-cell acute lymphoblastic leukemia"),
        ("0020511", "disease/B-ALL", "B-cell acute lymphoblastic leukemia"),
        ("0600008", "adverse-event/CRS", "cytokine release syndrome"),
    }  # MONDO:0000870 (childhood ALL) is a narrowMatch, so no exactMatch row


def test_an_allowed_service_really_connects(make_app, trap: Trap) -> None:
    """The control for the refusals below: the trap does see a call it allows."""
    client = make_app(SERVICE_ALLOW=[trap.url]).test_client()
    query = f"SELECT * WHERE {{ SERVICE SILENT <{trap.url}> {{ ?s ?p ?o }} }}"
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 200, response.text
    assert trap.connections >= 1


REFUSED = [
    "SELECT * WHERE { SERVICE <TRAP> { ?s ?p ?o } }",
    "SELECT * WHERE { service silent <TRAP> { ?s ?p ?o } }",
    "PREFIX t: <TRAP_BASE> SELECT * WHERE { SERVICE t:sparql { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <TRAP> { ?s ?p ?o } } }",
    "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <TRAP> { ?s ?p ?o } } } }",
    "SELECT * WHERE { VALUES ?e { <TRAP> } SERVICE ?e { ?s ?p ?o } }",
    "PREFIX ex: <http://x/> SELECT * WHERE { ?s ex:a\\#b ?o . SERVICE <TRAP> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s <http://x/\\u0061#> ?o . SERVICE <TRAP> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE <TRAP_ESCAPED> { ?s ?p ?o } }",
    "BASE <TRAP_BASE> SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }",
]


@pytest.mark.parametrize("allow", ["none", "other"])
def test_a_service_off_the_allow_list_is_refused_and_sends_nothing(make_app, mondo: str, trap: Trap,
                                                                   allow: str) -> None:
    client = make_app(SERVICE_ALLOW=[] if allow == "none" else [mondo]).test_client()
    base = trap.url.removesuffix("sparql")
    escaped = trap.url.replace("sparql", "\\u0073parql")
    for template in REFUSED:
        query = template.replace("TRAP_BASE", base).replace("TRAP_ESCAPED", escaped).replace("TRAP", trap.url)
        for route in ("/sparql", "/query"):  # the query page reads and checks queries as /sparql does
            response = client.get(route, query_string={"query": query})
            assert response.status_code == 400, (route, query, response.text)
            assert "SERVICE" in response.text, response.text
    time.sleep(0.3)
    assert trap.connections == 0


def test_the_refusal_names_the_endpoint_and_the_allowed_ones(make_app, mondo: str, trap: Trap) -> None:
    response = make_app(SERVICE_ALLOW=[mondo]).test_client().get("/sparql", query_string={
        "query": f"SELECT * WHERE {{ SERVICE <{trap.url}> {{ ?s ?p ?o }} }}"})
    assert response.status_code == 400
    assert f"SERVICE <{trap.url}> is not on this endpoint's allow-list" in response.text
    assert f"<{mondo}>" in response.text


def test_the_service_description_announces_federation_only_when_allowed(make_app, mondo: str) -> None:
    feature = "http://www.w3.org/ns/sparql-service-description#BasicFederatedQuery"
    on = make_app(SERVICE_ALLOW=[mondo]).test_client().get("/sparql", headers={"Accept": "application/n-triples"})
    off = make_app().test_client().get("/sparql", headers={"Accept": "application/n-triples"})
    assert feature in on.text and feature not in off.text


@pytest.mark.parametrize(("query", "endpoints"), [
    ('SELECT ("service" AS ?x) {}', []),
    ("SELECT * { ?s ?p ?o } # SERVICE <http://a/>", []),
    ("SELECT * { SERVICE <http://a/x> { ?s ?p ?o } SERVICE <http://b/y> { ?s ?p ?o } }",
     ["http://a/x", "http://b/y"]),
    ("PREFIX a: <http://a/> SELECT * { SERVICE SILENT a:x { ?s ?p ?o } }", ["http://a/x"]),
])
def test_service_endpoints_are_read_from_the_query(query: str, endpoints: list[str]) -> None:
    assert check_services(query, ["http://a/x", "http://b/y"]) == endpoints
