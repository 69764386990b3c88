"""The two rules of the embedded store (server/store.py): the pages' own queries run in the web
process, every other query in the query processes; both give the same rows."""

from __future__ import annotations

import pytest

from server import close_app, create_app
from server.pages import data
from server.store import get_backend

pytest_plugins = ["tests.server_fixtures"]

QUERIES = [
    "SELECT ?p ?o WHERE { <https://w3id.org/immunall/trial/NCT02435849> ?p ?o }",  # IRIs, typed and tagged literals
    # blank nodes
    "SELECT ?note ?comment WHERE { ?s <https://w3id.org/immunall/ontology/summary> ?note . "
    "?note <http://www.w3.org/2000/01/rdf-schema#comment> ?comment }",
    "SELECT ?s ?label ?missing WHERE { ?s a <https://w3id.org/immunall/ontology/Antigen> ; "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?label OPTIONAL { ?s <urn:nothing> ?missing } }",  # unbound
    "SELECT ?n (COUNT(*) AS ?c) (1.5 AS ?d) (true AS ?b) WHERE { ?s ?p ?o BIND(STR(?p) AS ?n) } GROUP BY ?n",
]


@pytest.fixture(scope="module")
def app(generation):
    app = create_app({"STORE_PATH": generation, "RESPONSE_CACHE_MB": 0})
    yield app
    close_app(app)


@pytest.mark.parametrize("query", QUERIES)
def test_a_page_query_runs_in_the_web_process_and_a_user_query_in_a_query_process(app, query):
    with app.test_request_context("/"):
        backend = get_backend()
        before, started = backend.in_process, len(backend.pool.pids)
        page = data.parse_solutions(backend.run(data._job(query, max_rows=100_000)).body)
        assert backend.in_process == before + 1
        user = data.parse_solutions(backend.run(data._job(query, max_rows=100_000, trusted=False)).body)
        assert backend.in_process == before + 1, "a query that is not the server's own never runs in the web process"
        assert len(backend.pool.pids) >= max(1, started)
    assert page == user
    assert page


def test_an_entity_page_runs_its_queries_in_the_web_process(app):
    with app.app_context():
        backend = get_backend()
        before = backend.in_process
    assert app.test_client().get("/trial/NCT02435849", headers={"Accept": "text/html"}).status_code == 200
    assert backend.in_process > before
