"""Shared fixtures for the server tests: a store generation built from N-Quads, apps over it,
and a live HTTP server for real clients.

Test modules load these with `pytest_plugins = ["tests.server_fixtures"]`.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from server import close_app, create_app

DATA = Path(__file__).resolve().parent / "data"
FIXTURE = DATA / "server-fixture.nq"


def write_generation(target: Path, quads: list[ox.Quad], built: datetime | None = None) -> Path:
    """A store generation as the build writes it: target/oxigraph + target/build.json."""
    target.mkdir(parents=True, exist_ok=True)
    store = ox.Store(str(target / "oxigraph"))
    store.extend(quads)
    store.flush()
    del store
    gc.collect()  # releases the RocksDB lock so workers can open the store read-only
    text = "".join(f"{quad} .\n" for quad in quads)
    graphs = Counter(str(quad.graph_name.value) for quad in quads)
    info = {
        "version": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "built": (built or datetime.now(UTC)).replace(microsecond=0).isoformat().replace(
            "+00:00", "Z"
        ),
        "triples": len(quads),
        "graphs": dict(graphs),
    }
    (target / "build.json").write_text(json.dumps(info, indent=2), encoding="utf-8")
    return target


@contextlib.contextmanager
def pages_client(folder: Path, quads: list[ox.Quad]) -> Iterator[FlaskClient]:
    """A test client of the app over a store of `quads` made for one test module."""
    app = create_app({"STORE_PATH": write_generation(folder / "g", quads), "QUERY_TIMEOUT": 10})
    app.testing = True
    try:
        yield app.test_client()
    finally:
        close_app(app)


def read_quads(path: Path) -> list[ox.Quad]:
    return list(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))


@pytest.fixture(scope="session")
def fixture_quads() -> list[ox.Quad]:
    return read_quads(FIXTURE)


@pytest.fixture(name="write_generation", scope="session")
def write_generation_fixture() -> Callable[..., Path]:
    """`write_generation` for tests that lay out stores of their own."""
    return write_generation


@pytest.fixture(scope="session")
def generation(tmp_path_factory: pytest.TempPathFactory, fixture_quads: list[ox.Quad]) -> Path:
    """The fixture store, built once per test session."""
    return write_generation(tmp_path_factory.mktemp("gen") / "g1", fixture_quads)


@pytest.fixture(scope="session")
def build_info(generation: Path) -> dict[str, Any]:
    return json.loads((generation / "build.json").read_text(encoding="utf-8"))


AppFactory = Callable[..., Flask]


@pytest.fixture(scope="session")
def make_app(generation: Path) -> Iterator[AppFactory]:
    """Build apps over the fixture store with config overrides; all closed at the end."""
    yield from apps_over(generation, query_timeout=5)


def apps_over(store: Path, query_timeout: float) -> Iterator[AppFactory]:
    """An app factory over `store` (config overrides as keywords), then every app it made closed."""
    apps: list[Flask] = []

    def factory(**config: Any) -> Flask:
        app = create_app({"STORE_PATH": store, "QUERY_TIMEOUT": query_timeout, **config})
        app.testing = True
        apps.append(app)
        return app

    yield factory
    for app in apps:
        close_app(app)


@pytest.fixture(scope="session")
def app(make_app: AppFactory) -> Flask:
    return make_app()


@pytest.fixture()
def client(app: Flask):
    return app.test_client()


class LiveServer:
    """A threaded werkzeug server on a free loopback port."""

    def __init__(self, app: Flask) -> None:
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def endpoint(self) -> str:
        return f"{self.url}/sparql"

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)


@pytest.fixture(scope="session")
def start_server() -> Iterator[Callable[[Flask], LiveServer]]:
    servers: list[LiveServer] = []

    def start(app: Flask) -> LiveServer:
        server = LiveServer(app)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def live(app: Flask, start_server: Callable[[Flask], LiveServer]) -> LiveServer:
    return start_server(app)
