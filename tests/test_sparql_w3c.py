"""The W3C SPARQL 1.1 Protocol test manifest, run against the endpoint.

Every entry of the manifest runs. The query and bad_* cases must pass as written. The update_*
cases expect SPARQL Update to succeed; this endpoint is read-only by design, so for them the
expectation is replaced (listed in NOT_APPLICABLE with the reason): the update request must be
refused with 403 and a read-only message, and the follow-up request that checks the update's
effect is not run.
"""

from __future__ import annotations

import json
import xml.dom.minidom
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import RDF, RDFS, Namespace
from rdflib.collection import Collection

from kg.settings import Settings

pytest_plugins = ["tests.server_fixtures"]

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")

READ_ONLY = "SPARQL Update is refused by this read-only endpoint (403), so the expected 2xx " \
            "and the follow-up ASK that checks the update's effect cannot hold"
NOT_APPLICABLE = {
    "update_dataset_default_graph": READ_ONLY,
    "update_dataset_default_graphs": READ_ONLY,
    "update_dataset_named_graphs": READ_ONLY,
    "update_dataset_full": READ_ONLY,
    "update_post_form": READ_ONLY,
    "update_post_direct": READ_ONLY,
    "update_base_uri": READ_ONLY,
}

RESULT_TYPES = {
    "boolean": {"application/sparql-results+json", "application/sparql-results+xml"},
    "tabular": {"application/sparql-results+json", "application/sparql-results+xml",
                "text/csv", "text/tab-separated-values"},
    "RDF": {"application/rdf+xml", "text/turtle", "application/n-triples",
            "application/ld+json"},
}


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: frozenset[int]  # acceptable status classes: 2, 3, 4
    boolean: bool | None
    result_format: str | None


@dataclass(frozen=True)
class Case:
    name: str
    title: str
    requests: tuple[Request, ...]


def _manifest_path(w3c: Path) -> Path:
    return w3c / "manifest.ttl"


def _load(w3c: Path) -> tuple[rdflib.Graph, list[rdflib.URIRef]]:
    graph = rdflib.Graph().parse(_manifest_path(w3c), format="turtle")
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    return graph, list(Collection(graph, graph.value(manifest, MF.entries)))


def _request(graph: rdflib.Graph, node) -> Request:
    headers = {}
    header_list = graph.value(node, HT.headers)
    if header_list is not None:
        for header in Collection(graph, header_list):
            name, value = graph.value(header, HT.fieldName), graph.value(header, HT.fieldValue)
            headers[str(name)] = str(value)
    body = None
    body_node = graph.value(node, HT.body)
    if body_node is not None:
        encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
        body = str(graph.value(body_node, CNT.chars)).encode(encoding.lower())
    response = graph.value(node, HT.resp)
    statuses = frozenset(int(str(code)[-3]) for code in graph.objects(response, MF.expectedStatus))
    boolean = graph.value(response, MF.expectedBoolean)
    result_format = graph.value(response, MF.expectedFormat)
    path = str(graph.value(node, HT.absolutePath)).replace("/sparql/", "/sparql", 1)
    return Request(
        method=str(graph.value(node, HT.methodName)),
        path=path,
        headers=headers,
        body=body,
        statuses=statuses,
        boolean=None if boolean is None else bool(boolean.toPython()),
        result_format=None if result_format is None else str(result_format),
    )


def cases(w3c: Path) -> list[Case]:
    graph, entries = _load(w3c)
    found = []
    for entry in entries:
        action = graph.value(entry, MF.action)
        requests = tuple(_request(graph, node)
                         for node in Collection(graph, graph.value(action, HT.requests)))
        name = str(entry).rsplit("#", 1)[-1]
        found.append(Case(name, str(graph.value(entry, MF.name)), requests))
    return found


def graph_data(w3c: Path) -> list[ox.Quad]:
    """Every ut:graphData file, loaded into the named graph its rdfs:label gives."""
    graph, _ = _load(w3c)
    quads: dict[str, ox.Quad] = {}
    for data in graph.objects(None, UT.graphData):
        name = ox.NamedNode(str(graph.value(data, RDFS.label)))
        source = Path(str(graph.value(data, UT.graph)).removeprefix("file://"))
        for quad in ox.parse(path=str(w3c / source.name), format=ox.RdfFormat.N_TRIPLES):
            made = ox.Quad(quad.subject, quad.predicate, quad.object, name)
            quads[str(made)] = made
    return list(quads.values())


def _w3c_dir() -> Path:
    """shared/reference beside the checkout (a worktree or the main clone), as kg.settings says."""
    return Settings().reference / "w3c-sparql11-protocol"


CASES = cases(_w3c_dir())


@pytest.fixture(scope="module")
def w3c_client(tmp_path_factory, make_app, write_generation):
    store = write_generation(tmp_path_factory.mktemp("w3c") / "g", graph_data(_w3c_dir()))
    return make_app(STORE_PATH=store).test_client()


def _check_format(response, request: Request) -> None:
    media_type = response.mimetype
    assert media_type in RESULT_TYPES[request.result_format], media_type
    if request.result_format == "RDF":
        fmt = {"text/turtle": "turtle", "application/n-triples": "nt",
               "application/rdf+xml": "xml", "application/ld+json": "json-ld"}[media_type]
        rdflib.Graph().parse(data=response.data, format=fmt)
    if request.boolean is not None:
        if media_type == "application/sparql-results+json":
            value = json.loads(response.data)["boolean"]
        else:
            text = xml.dom.minidom.parseString(response.data).getElementsByTagName("boolean")
            value = text[0].firstChild.data == "true"
        assert value is request.boolean


def _send(client, request: Request):
    return client.open(request.path, method=request.method, data=request.body,
                       headers=request.headers)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_w3c_protocol(w3c_client, case: Case):
    if case.name in NOT_APPLICABLE:
        response = _send(w3c_client, case.requests[0])
        assert response.status_code == 403, (case.title, response.text)
        assert "read-only" in response.text
        return
    for request in case.requests:
        response = _send(w3c_client, request)
        assert response.status_code // 100 in request.statuses, (case.title, response.status_code,
                                                                 response.text)
        if request.result_format:
            _check_format(response, request)


def test_manifest_is_complete():
    """All 34 entries run; the ones not applicable as written are exactly the update cases."""
    names = [case.name for case in CASES]
    assert len(names) == 34
    assert set(NOT_APPLICABLE) <= set(names)
    assert {name for name in names if name.startswith("update_")} == set(NOT_APPLICABLE)
