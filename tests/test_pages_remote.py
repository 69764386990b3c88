"""The pages over an external SPARQL endpoint: every page query goes through the backend, so the
same pages come out when the app forwards to another endpoint instead of its own store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, URIRef

from server import close_app, create_app
from tests.html_helpers import BROWSER, element, text_of
from tests.server_fixtures import LiveServer

pytest_plugins = ["tests.page_fixtures"]


@pytest.fixture(scope="module")
def remote(pages_live: LiveServer) -> Iterator[FlaskClient]:
    app: Flask = create_app({"SPARQL_ENDPOINT": pages_live.endpoint, "QUERY_TIMEOUT": 20})
    app.testing = True
    yield app.test_client()
    close_app(app)


def test_entity_pages_over_an_external_endpoint(remote: FlaskClient) -> None:
    markup = remote.get("/trial/NCT02435849", headers=BROWSER).text
    row = text_of(element(markup, "tr", "fig-eliana-a25-os-3y"))
    assert "63%" in row and "Arkarattanakul et al. 2025" in row
    graph = Graph().parse(data=remote.get("/trial/NCT02435849.ttl").data, format="turtle")
    assert (URIRef("https://w3id.org/immunall/trial/NCT02435849"), None, None) in graph


def test_search_home_and_charts_over_an_external_endpoint(remote: FlaskClient) -> None:
    assert remote.get("/search.json?q=CTL019").json["results"][0]["url"] == "/agent/tisagenlecleucel"
    assert "ELIANA" in remote.get("/", headers=BROWSER).text
    assert b"CD19" in remote.get("/charts/response-rates.svg").data
    downloads = remote.get("/downloads", headers=BROWSER).text
    assert "external SPARQL endpoint" in downloads
    assert remote.get("/downloads/immunall.nq").status_code == 404
