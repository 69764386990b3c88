"""Every IRI served: each IRI under the base that the store mentions (subject or object), each
named graph, and every IRI the service description and VoID link to, dereferenced over HTTP as a
browser (HTML) and as a linked-data client (Turtle), answers 200 with a body that parses and
mentions the IRI."""

from __future__ import annotations

import re
from urllib.parse import quote

import pyoxigraph as ox
import pytest
import requests

from immunall.generation import GRAPH_BASE, GRAPH_NAMES
from tests.html_helpers import BROWSER
from tests.server_fixtures import LiveServer

pytest_plugins = ["tests.page_fixtures"]

BASE = "https://w3id.org/immunall/"
TURTLE = {"Accept": "text/turtle"}
STORE_IRIS = f"""SELECT DISTINCT ?x WHERE {{
  {{ ?x ?p ?o }} UNION {{ ?s ?p ?x }} UNION {{ GRAPH ?x {{ }} }}
  FILTER(isIRI(?x) && STRSTARTS(STR(?x), "{BASE}"))
}}"""


_START_TAG = re.compile(r"<(body|h1|main)[\s>]")


def _url(live: LiveServer, iri: str) -> str:
    """Where `iri` is served: its path on the live server (the base maps to the root), without
    the fragment, which a client never sends."""
    bare, _, _ = iri.partition("#")
    if bare.startswith(BASE):
        return live.url + "/" + quote(bare[len(BASE):], safe="/:@!$&'()*+,;=-._~")
    return bare


def _local_path(live: LiveServer, iri: str) -> str:
    return _url(live, iri)[len(live.url):] + ("#" + iri.partition("#")[2] if "#" in iri else "")


def _linked(session: requests.Session, live: LiveServer, path: str) -> set[str]:
    """IRIs under the base or on this server in the Turtle of a self-description."""
    response = session.get(live.url + path, headers=TURTLE)
    assert response.status_code == 200, path
    triples = ox.parse(response.content, format=ox.RdfFormat.TURTLE, base_iri=live.url + path)
    nodes = {node.value for triple in triples for node in (triple.subject, triple.object)
             if isinstance(node, ox.NamedNode)}
    return {iri for iri in nodes if iri.startswith((BASE, live.url + "/")) and "/downloads/" not in iri}


@pytest.fixture(scope="module")
def iris(pages_live: LiveServer) -> list[str]:
    with requests.Session() as session:
        answer = session.get(pages_live.endpoint, params={"query": STORE_IRIS},
                             headers={"Accept": "application/sparql-results+json"})
        assert answer.status_code == 200, answer.text
        found = {row["x"]["value"] for row in answer.json()["results"]["bindings"]}
        found |= {GRAPH_BASE + name for name in GRAPH_NAMES}
        found |= _linked(session, pages_live, "/sparql") | _linked(session, pages_live, "/.well-known/void")
    return sorted(found)


def _mentions_in_rdf(body: bytes, iri: str, media_type: str = "text/turtle") -> bool:
    """Parses `body` (pyoxigraph: fast, and strict) and looks for `iri` as a subject or object."""
    triples = list(ox.parse(body, format=ox.RdfFormat.from_media_type(media_type)))
    assert triples
    node = ox.NamedNode(iri)
    return any(triple.subject == node or triple.object == node for triple in triples)


def _mentions_in_html(body: str, iri: str, local: str, site_page: bool) -> bool:
    tags = set(_START_TAG.findall(body))  # every page kind is parsed whole by test_pages_orientation.py
    assert "body" in tags
    if site_page:  # the site's own pages, in its layout
        assert "h1" in tags and "main" in tags
    fragment = iri.partition("#")[2]
    return (iri in body or local in body) and (not fragment or f'id="{fragment}"' in body or local in body)


def test_the_walk_covers_every_kind_of_iri(iris: list[str], pages_live: LiveServer) -> None:
    kinds = {iri[len(BASE):].split("/", 1)[0] for iri in iris if iri.startswith(BASE)}
    assert {"trial", "agent", "antigen", "gene", "result", "passage", "publication", "ontology", "graph",
            "mapping"} <= kinds
    assert {GRAPH_BASE + name for name in GRAPH_NAMES} <= set(iris)
    assert any(iri.startswith(pages_live.url + "/.well-known/void#") for iri in iris)
    assert len(iris) > 2000


def test_every_iri_dereferences_as_html_and_turtle(iris: list[str], pages_live: LiveServer) -> None:
    failures: list[str] = []
    with requests.Session() as session:
        for iri in iris:
            url, local = _url(pages_live, iri), _local_path(pages_live, iri)
            ours = iri.startswith(BASE)
            page = session.get(url, headers=BROWSER)
            if page.status_code != 200 or not page.content:
                failures.append(f"{iri} (browser): HTTP {page.status_code}")
            elif page.headers["Content-Type"].startswith("text/html"):
                if not _mentions_in_html(page.text, iri, local, ours):
                    failures.append(f"{iri} (browser): the page does not mention it")
            elif ours or not _mentions_in_rdf(page.content, iri, page.headers["Content-Type"].split(";")[0]):
                # VoID has no HTML form: a browser gets RDF/XML (it asks for application/xml)
                failures.append(f"{iri} (browser): {page.headers['Content-Type']}, not a page that mentions it")
            data = session.get(url, headers=TURTLE)
            if data.status_code != 200 or not data.headers["Content-Type"].startswith("text/turtle"):
                failures.append(f"{iri} (Turtle): HTTP {data.status_code} {data.headers.get('Content-Type')}")
            elif not _mentions_in_rdf(data.content, iri):
                failures.append(f"{iri} (Turtle): the description does not mention it")
    assert not failures, f"{len(failures)} of {2 * len(iris)} requests failed:\n" + "\n".join(failures[:40])
