"""ImmunALL in front of a real external endpoint: Virtuoso open source, private, on loopback.

A Virtuoso server of its own (virtuoso.ini in a temporary folder, free ports, no system
service) bulk-loads what `immunall export` writes, with ld_dir/rdf_loader_run, one named graph
per file. ImmunALL's app then runs with SPARQL_ENDPOINT pointing at Virtuoso's /sparql, and the
competency questions go THROUGH ImmunALL's /sparql, judged by the same check as on the
embedded store (tests/expectations.py), together with GRAPH, ASK, CONSTRUCT, DESCRIBE, the
protocol dataset, every answer format and the VoID counts.

How Virtuoso 7.2 differs from the embedded store (the module docstring of server/remote.py has
the details) and where each difference is handled:
- its default graph is all graphs, its own system graphs included: the remote backend pins the
  dataset to the four ImmunALL graphs (test_default_graph_is_the_union_of_the_four_graphs);
- ASK comes back as a result set with `__ASK_RETVAL` (1, or no row): read as a boolean;
- with one Accept header for both families, graph answers came back as bindings: the remote
  backend sends a form-specific Accept;
- DESCRIBE adds the triples that point at the resource to pyoxigraph's outgoing description
  (both are allowed; the test checks it is a superset of the embedded answer);
- GROUP_CONCAT joins in another order and drops a shared language tag, and rows that tie
  under ORDER BY come in another order: accepted, since the expected answers do not depend on
  either;
- `ResultSetMaxRows` (10 000 in Debian's virtuoso.ini) silently cuts answers, so it is raised
  here above ImmunALL's own MAX_RESULT_ROWS, which then does the cutting and says so.

Skipped only when the `virtuoso-t` binary is absent (apt-get install virtuoso-opensource).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from flask.testing import FlaskClient

from bench.virtuoso import virtuoso_ini
from kg.pipeline import Outcome
from kg.settings import Settings
from server import close_app, create_app
from server.examples import Example, load_all
from tests.expectations import check, rows_of_json
from tests.net import free_port

VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt") or shutil.which("isql-v")
ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(
    VIRTUOSO is None, reason="virtuoso-t absent: apt-get install virtuoso-opensource"
)

IA = "https://w3id.org/immunall/"
GRAPHS = {name: f"{IA}graph/{name}" for name in ("ontology", "asserted", "inferred", "provenance")}
RESOURCE = f"{IA}antigen/CD22"
EXAMPLES = load_all()
START_SECONDS = 60


@dataclass(frozen=True)
class Virtuoso:
    """A running private Virtuoso: its SPARQL endpoint and its SQL port (for isql)."""

    sparql: str
    sql: str
    folder: Path

    def isql(self, statements: str) -> str:
        """Run SQL with the DBA account of the fresh database; fail on any error."""
        assert ISQL is not None, "isql-vt missing though virtuoso-t is installed"
        done = subprocess.run([ISQL, self.sql, "dba", "dba", f"exec={statements}"],
                              capture_output=True, text=True, timeout=120, check=False)
        output = done.stdout + done.stderr
        assert done.returncode == 0 and "*** Error" not in output, output
        return output


def _wait_until_up(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"virtuoso-t exited {process.returncode}: {log.read_text()[-3000:]}")
        try:
            if requests.get(url, params={"query": "ASK {}"}, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise AssertionError(f"Virtuoso not up within {START_SECONDS} s: {log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """A private Virtuoso server: own database and virtuoso.ini, free loopback ports."""
    assert VIRTUOSO is not None
    folder = tmp_path_factory.mktemp("virtuoso")
    (folder / "www").mkdir()
    (folder / "export").mkdir()
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(virtuoso_ini(folder, folder / "export", sql_port, http_port), encoding="utf-8")
    log = folder / "stdout.log"
    with log.open("wb") as out:
        process = subprocess.Popen([VIRTUOSO, "-f", "-c", str(ini)], cwd=folder, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    server = Virtuoso(f"http://127.0.0.1:{http_port}/sparql", f"127.0.0.1:{sql_port}", folder)
    try:
        _wait_until_up(process, server.sparql, log)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def loaded(virtuoso: Virtuoso, build: Outcome, settings: Settings) -> dict:
    """`immunall export` output bulk-loaded as LOADING.md says; returns build.json."""
    export = virtuoso.folder / "export"
    env = {**os.environ, "IMMUNALL_DIST": str(settings.dist)}
    subprocess.run([sys.executable, "-m", "kg.cli", "export", "--out", str(export)], cwd=ROOT,
                   env=env, check=True, capture_output=True, timeout=120)
    virtuoso.isql(f"ld_dir('{export}', '*.nt', '{IA}graph/unnamed'); rdf_loader_run(); checkpoint;")
    failed = virtuoso.isql("SELECT COUNT(*) FROM DB.DBA.load_list WHERE ll_state <> 2 OR ll_error IS NOT NULL;")
    assert re.search(r"^0$", failed, re.M), virtuoso.isql("SELECT * FROM DB.DBA.load_list;")
    return json.loads((settings.dist / "build.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def front(virtuoso: Virtuoso, loaded: dict) -> Iterator[FlaskClient]:
    """ImmunALL's app with SPARQL_ENDPOINT pointing at Virtuoso."""
    app = create_app({"SPARQL_ENDPOINT": virtuoso.sparql, "QUERY_TIMEOUT": 30})
    app.testing = True
    yield app.test_client()
    close_app(app)


@pytest.fixture(scope="session")
def embedded(build: Outcome, settings: Settings) -> ox.Store:
    return ox.Store.read_only(str(settings.dist / "current" / "oxigraph"))


def _select(front: FlaskClient, query: str, accept: str = "application/sparql-results+json",
            **params: str) -> dict:
    response = front.post("/sparql", data={"query": query, **params}, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    return json.loads(response.data)


def _graph(front: FlaskClient, query: str, accept: str = "application/n-triples") -> set[ox.Triple]:
    response = front.post("/sparql", data={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    syntax = ox.RdfFormat.from_media_type(response.mimetype)
    return {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(response.data, syntax)}


def _local(store: ox.Store, query: str) -> set[ox.Triple]:
    return set(store.query(query, use_default_graph_as_union=True))


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.slug for e in EXAMPLES])
def test_competency_question_through_immunall(front: FlaskClient, example: Example) -> None:
    check(example, rows_of_json(_select(front, example.query)))


def test_every_graph_was_loaded_into_its_named_graph(front: FlaskClient, loaded: dict) -> None:
    rows = _select(front, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    counts = {row["g"]["value"]: int(row["n"]["value"]) for row in rows["results"]["bindings"]}
    assert counts == loaded["graphs"]


def test_default_graph_is_the_union_of_the_four_graphs(front: FlaskClient, loaded: dict) -> None:
    """Virtuoso's own default graph also holds its system graphs; the pinned dataset does not."""
    rows = _select(front, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(rows["results"]["bindings"][0]["n"]["value"]) == loaded["triples"]


def test_graph_by_name(front: FlaskClient, loaded: dict) -> None:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPHS['inferred']}> {{ ?s ?p ?o }} }}"
    rows = _select(front, query)
    assert int(rows["results"]["bindings"][0]["n"]["value"]) == loaded["graphs"][GRAPHS["inferred"]]


def test_query_from_clause_and_protocol_dataset_win(front: FlaskClient, loaded: dict) -> None:
    inferred = loaded["graphs"][GRAPHS["inferred"]]
    own = _select(front, f"SELECT (COUNT(*) AS ?n) FROM <{GRAPHS['ontology']}> WHERE {{ ?s ?p ?o }}")
    assert int(own["results"]["bindings"][0]["n"]["value"]) == loaded["graphs"][GRAPHS["ontology"]]
    protocol = _select(front, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                       **{"default-graph-uri": GRAPHS["inferred"]})
    assert int(protocol["results"]["bindings"][0]["n"]["value"]) == inferred


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml",
                                    "text/tab-separated-values", "text/csv"])
@pytest.mark.parametrize(("pattern", "expected"), [(f"<{RESOURCE}> ?p ?o", "true"),
                                                   (f"<{RESOURCE}> ?p <{IA}nothing>", "false")])
def test_ask(front: FlaskClient, accept: str, pattern: str, expected: str) -> None:
    response = front.post("/sparql", data={"query": f"ASK {{ {pattern} }}"}, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.mimetype == accept
    if accept == "text/csv":  # pyoxigraph writes the boolean alone; it reads no CSV back
        assert response.text.strip() == expected
    else:
        parsed = ox.parse_query_results(response.data, ox.QueryResultsFormat.from_media_type(accept))
        assert isinstance(parsed, ox.QueryBoolean) and str(bool(parsed)).lower() == expected


@pytest.mark.parametrize("accept", ["application/n-triples", "text/turtle", "application/ld+json",
                                    "application/rdf+xml"])
def test_construct_equals_the_embedded_answer(front: FlaskClient, embedded: ox.Store, accept: str) -> None:
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{GRAPHS['inferred']}> {{ ?s ?p ?o }} }}"
    assert _graph(front, query, accept) == _local(embedded, query)


def test_describe_holds_the_embedded_description(front: FlaskClient, embedded: ox.Store) -> None:
    """Virtuoso also adds the triples pointing at the resource; DESCRIBE's shape is up to the engine."""
    query = f"DESCRIBE <{RESOURCE}>"
    remote, local = _graph(front, query), _local(embedded, query)
    assert local and local <= remote
    node = ox.NamedNode(RESOURCE)
    assert all(node in (t.subject, t.object) for t in remote - local)


def test_select_formats(front: FlaskClient) -> None:
    query = f"SELECT ?label WHERE {{ <{RESOURCE}> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"
    for accept in ("application/sparql-results+xml", "text/csv", "text/tab-separated-values"):
        response = front.post("/sparql", data={"query": query}, headers={"Accept": accept})
        assert response.status_code == 200 and response.mimetype == accept
        assert "CD22" in response.text


def test_row_cap_applies_to_the_remote_answer(virtuoso: Virtuoso, loaded: dict) -> None:
    app = create_app({"SPARQL_ENDPOINT": virtuoso.sparql, "MAX_RESULT_ROWS": 5})
    try:
        response = app.test_client().get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o } LIMIT 50"})
        assert response.headers["X-ImmunALL-Truncated"] == "true"
        assert len(json.loads(response.data)["results"]["bindings"]) == 5
    finally:
        close_app(app)


def test_malformed_query_is_400_with_virtuoso_message(front: FlaskClient, loaded: dict) -> None:
    response = front.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p }"})
    assert response.status_code == 400
    assert "syntax error" in response.text


def test_void_counts_the_pinned_dataset(front: FlaskClient, loaded: dict) -> None:
    response = front.get("/.well-known/void", headers={"Accept": "application/n-triples"})
    top = ox.NamedNode("http://localhost/.well-known/void#dataset")
    count = ox.NamedNode("http://rdfs.org/ns/void#triples")
    triples = [q.object.value for q in ox.parse(response.data, ox.RdfFormat.N_TRIPLES)
               if q.subject == top and q.predicate == count]
    assert triples == [str(loaded["triples"])]


def test_service_description_names_the_four_graphs(front: FlaskClient, loaded: dict) -> None:
    response = front.get("/sparql", headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    description = ox.Store()
    description.extend(ox.Quad(t.subject, t.predicate, t.object) for t in ox.parse(response.data,
                                                                                  ox.RdfFormat.N_TRIPLES))
    rows = description.query("""PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
        SELECT ?name ?n WHERE { ?g sd:name ?name ; sd:graph [ <http://rdfs.org/ns/void#triples> ?n ] }""")
    assert {row["name"].value: int(row["n"].value) for row in rows} == loaded["graphs"]
