"""Fixtures for the page tests: the app over the real build of the curated facts (tests/conftest.py
`build`), its test client, a live HTTP server for the browser, and small HTML helpers.

Test modules load these with `pytest_plugins = ["tests.page_fixtures"]`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kg.pipeline import Outcome
from kg.settings import Settings
from server import close_app, create_app
from tests.server_fixtures import LiveServer


@pytest.fixture(scope="session")
def pages_app(build: Outcome, settings: Settings) -> Iterator[Flask]:
    app = create_app({"STORE_PATH": settings.dist / "current", "QUERY_TIMEOUT": 20})
    app.testing = True
    yield app
    close_app(app)


@pytest.fixture()
def pages(pages_app: Flask) -> FlaskClient:
    return pages_app.test_client()


@pytest.fixture(scope="session")
def pages_live(pages_app: Flask) -> Iterator[LiveServer]:
    server = LiveServer(pages_app)
    yield server
    server.stop()
