"""The pages over a store whose every literal carries markup: labels, synonyms, definitions, titles
hold <script>, quotes, ampersands and event handlers, one IRI holds a quote. Every page kind escapes
them; search input is reflected escaped; the security headers are on every answer (errors, /sparql,
downloads, static files); no route that serves files can be walked out of its folder."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from server import close_app, create_app

pytest_plugins = ["tests.server_fixtures"]

PAYLOAD = "<script>alert(1)</script>\"'&amp;<img src=x onerror=alert(2)>]]><!--"
RAW = ("<script>alert(1)</script>", "<img src=x onerror", "<!--")
BASE = "https://w3id.org/immunall/"
ODD = ox.NamedNode(BASE + "agent/odd'agent&x=1")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
ASSERTED = ox.NamedNode(BASE + "graph/asserted")


def hostile(quads: list[ox.Quad]) -> list[ox.Quad]:
    out = []
    for quad in quads:
        obj = quad.object
        if isinstance(obj, ox.Literal) and obj.datatype.value.endswith(("#string", "#langString")):
            obj = ox.Literal(obj.value + PAYLOAD, language=obj.language) if obj.language else \
                ox.Literal(obj.value + PAYLOAD)
        out.append(ox.Quad(quad.subject, quad.predicate, obj, quad.graph_name))
    out += [
        ox.Quad(ODD, TYPE, ox.NamedNode(BASE + "ontology/TherapeuticAgent"), ASSERTED),
        ox.Quad(ODD, LABEL, ox.Literal("odd " + PAYLOAD), ASSERTED),
        ox.Quad(ox.NamedNode(BASE + "antigen/CD19"), ox.NamedNode(BASE + "ontology/targetedBy"), ODD, ASSERTED),
    ]
    return out


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory, fixture_quads, write_generation) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    (root / "secret.txt").write_text("TOPSECRET-beside-the-store\n")
    generation = write_generation(root / "gen", hostile(fixture_quads))
    (generation / "immunall.ttl").write_text("# a dump\n")
    return generation


@pytest.fixture(scope="module")
def hc(hostile_store):
    app = create_app({"STORE_PATH": hostile_store, "QUERY_TIMEOUT": 10})
    app.testing = True
    yield app.test_client()
    close_app(app)


def no_raw_markup(body: str, where: str) -> None:
    for raw in RAW:
        assert raw not in body, f"{where}: unescaped {raw!r}"


HTML_PAGES = [
    "/", "/classes", "/disagreements", "/downloads", "/ontology", "/ontology/TherapeuticAgent",
    "/ontology/targetsAntigen", "/graph/asserted", "/agent/tisagenlecleucel", "/agent/blinatumomab",
    "/antigen/CD19", "/trial/NCT02435849", "/passage/glasser2023-table4", "/publication/glasser2023",
    "/agent/odd'agent&x=1", "/agent/odd%27agent%26x%3D1", "/charts", "/charts/response-rates",
    "/charts/adverse-events", "/query?example=01-agents-targeting-cd19",
    "/query?query=SELECT%20%3Fs%20%3Fl%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fl%20FILTER(isLiteral(%3Fl))%20%7D",
    "/search?q=blin", "/search?q=odd", "/sparql",
]
SVG = ["/charts/neighbourhood.svg?path=/agent/tisagenlecleucel", "/charts/neighbourhood.svg?path=/antigen/CD19",
       "/charts/response-rates.svg", "/charts/adverse-events.svg"]


@pytest.mark.parametrize("url", HTML_PAGES + SVG)
def test_markup_in_the_data_is_escaped_on_every_page_kind(hc, url: str) -> None:
    response = hc.get(url, headers={"Accept": "text/html"})
    assert response.status_code == 200, (url, response.status_code)
    body = response.get_data(as_text=True)
    no_raw_markup(body, url)
    assert "<script" not in body.replace('<script src="', "").replace("<script defer src=\"", ""), \
        "only external scripts are allowed"


def test_the_labels_really_reach_the_pages(hc) -> None:
    """The control: the hostile labels are shown (escaped), so the escaping test is not vacuous."""
    body = hc.get("/agent/tisagenlecleucel", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "&lt;img src=x onerror=alert(2)&gt;" in body
    odd = hc.get("/antigen/CD19", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "odd&#39;agent&amp;x=1" in odd or "odd%27agent%26x%3D1" in odd


@pytest.mark.parametrize("q", [PAYLOAD, '"><svg onload=alert(1)>', "</textarea><script>alert(1)</script>",
                               "javascript:alert(1)", "{{7*7}}", "${7*7}", "%3Cscript%3E"])
def test_search_input_is_reflected_escaped(hc, q: str) -> None:
    for url in ("/search", "/query", "/not/a-page", "/agent/nothing-like-this"):
        params = {"q": q} if url == "/search" else {"query": q} if url == "/query" else {"x": q}
        response = hc.get(url, query_string=params, headers={"Accept": "text/html"})
        body = response.get_data(as_text=True)
        no_raw_markup(body, url)
        assert '"><svg onload' not in body and "</textarea><script>" not in body
        if url == "/search" and q.startswith("{{"):
            assert q in body  # shown as typed: template syntax in input is never evaluated
    json_answer = hc.get("/search.json", query_string={"q": q})
    assert json_answer.mimetype == "application/json"


def test_a_missing_path_holding_markup_is_escaped(hc) -> None:
    response = hc.get("/agent/%3Cscript%3Ealert(1)%3C%2Fscript%3E", headers={"Accept": "text/html"})
    assert response.status_code == 404
    no_raw_markup(response.get_data(as_text=True), "404")


SECURITY = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "strict-origin-when-cross-origin"}
EVERY_KIND_OF_ANSWER = [
    ("GET", "/", {}), ("GET", "/sparql?query=ASK%20%7B%7D", {}), ("GET", "/sparql", {}),
    ("GET", "/sparql?query=SELEC", {}), ("GET", "/sparql?query=DROP%20ALL", {}),
    ("GET", "/sparql?query=ASK%20%7B%7D", {"headers": {"Accept": "image/png"}}),
    ("PUT", "/sparql", {}), ("POST", "/sparql", {"data": b"x", "content_type": "text/plain"}),
    ("POST", "/sparql", {"data": b"x" * 2_000_000, "content_type": "application/sparql-query"}),
    ("OPTIONS", "/sparql", {}), ("HEAD", "/sparql?query=ASK%20%7B%7D", {}),
    ("GET", "/downloads/immunall.ttl", {}), ("GET", "/downloads/build.json", {}), ("GET", "/downloads/nope", {}),
    ("GET", "/static/css/site.css", {}), ("GET", "/static/nope.js", {}), ("GET", "/nothing/here", {}),
    ("GET", "/agent/nothing", {"headers": {"Accept": "text/plain"}}), ("GET", "/agent/tisagenlecleucel.ttl", {}),
    ("GET", "/.well-known/void", {}), ("GET", "/context.jsonld", {}), ("GET", "/mappings.sssom.tsv", {}),
    ("GET", "/openapi.json", {}), ("GET", "/search.json?q=cd", {}), ("GET", "/charts?scope=nope", {}),
    ("GET", "/charts/neighbourhood.svg?path=/agent/tisagenlecleucel", {}), ("POST", "/query", {"data": {}}),
]


@pytest.mark.parametrize(("method", "url", "kwargs"), EVERY_KIND_OF_ANSWER)
def test_security_headers_on_every_answer(hc, method: str, url: str, kwargs: dict) -> None:
    response = hc.open(url, method=method, **kwargs)
    for name, value in SECURITY.items():
        assert response.headers.get(name) == value, (url, response.status_code, name)
    csp = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "'unsafe-eval'" not in csp
    assert "frame-ancestors 'none'" in csp


def test_security_headers_on_a_store_failure(make_app, tmp_path) -> None:
    client = make_app(STORE_PATH=tmp_path / "none").test_client()
    for url in ("/", "/sparql?query=ASK%20%7B%7D", "/downloads/build.json"):
        response = client.get(url)
        assert response.status_code in (404, 503)
        assert response.headers.get("X-Content-Type-Options") == "nosniff"
        assert response.headers.get("Content-Security-Policy")


TRAVERSALS = [
    "../secret.txt", "..%2fsecret.txt", "%2e%2e%2fsecret.txt", "%2e%2e/secret.txt", "..%5csecret.txt",
    "....//secret.txt", "..%252fsecret.txt", "%252e%252e%252fsecret.txt", "%2fetc%2fpasswd", "/etc/passwd",
    "//etc/passwd", "..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd", "../../../../../../etc/passwd",
    "immunall.ttl%00.png", "immunall.ttl%00", "build.json/..", "build.json%2f..%2f..%2fsecret.txt",
    "%c0%ae%c0%ae%2fsecret.txt", "..;/secret.txt", "\\..\\secret.txt", "%2e%2e", "..", ".", "",
    "oxigraph", "oxigraph%2fCURRENT", "oxigraph/CURRENT",
]
FILE_ROUTES = ["/downloads/", "/static/", "/static/css/", "/ontology.", "/graph/", "/agent/", "/ontology/",
               "/charts/", "/"]


@pytest.mark.parametrize("route", FILE_ROUTES)
def test_no_route_walks_out_of_its_folder(hc, route: str) -> None:
    for attempt in TRAVERSALS:
        response = hc.get(route + attempt)
        body = response.get_data()
        assert response.status_code in (200, 301, 302, 308, 400, 404, 406), (route + attempt, response.status_code)
        assert b"TOPSECRET" not in body and b"root:x:0:0" not in body, route + attempt
        assert b"IMMUNALL_STORE_PATH" not in body and b"def create_app" not in body, route + attempt
        assert b"Traceback" not in body
        if response.status_code == 200 and route == "/downloads/":
            assert attempt in ("",), attempt  # only the fixed names are files here


def test_downloads_serve_only_their_fixed_names(hc, hostile_store: Path) -> None:
    assert hc.get("/downloads/immunall.ttl").data == b"# a dump\n"
    (hostile_store / "oxigraph.txt").write_text("not a dump")
    assert hc.get("/downloads/oxigraph.txt").status_code == 404
    assert hc.get("/downloads/CURRENT").status_code == 404
