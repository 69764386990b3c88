"""Page queries run in the web process come back as the same rows of Terms that the SPARQL JSON
route gives (server/pages/data.py reads pyoxigraph terms directly instead of serializing and parsing)."""

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
def test_terms_read_in_process_equal_the_json_route(app, query):
    with app.test_request_context("/"):
        backend = get_backend()
        job = data._job(query, max_rows=100_000)
        assert backend.select_rows(job) is not None, "a trusted page query runs in the web process"
        fast = data.run_text(query)
        slow = data.parse_solutions(backend.run(job).body)
    assert fast == slow
    assert fast


def test_an_untrusted_query_is_not_read_in_process(app):
    with app.test_request_context("/"):
        job = data._job(QUERIES[0], trusted=False)
        assert get_backend().select_rows(job) is None
