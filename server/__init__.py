"""The read side of ImmunALL: a Flask app over the built store (or an external endpoint).

`create_app()` is the only entry point; `python -m server.production` (granian) runs it in
production and tests build it with their own configuration.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # query processes import `server.evaluate`; they must not pay for Flask
    from flask import Flask


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """An app configured from server.config defaults, the environment and `config`."""
    from flask import Flask

    from server import config as settings
    from server import downloads, http, openapi, pages, prefixes, render, sparql, store, void
    from server.stats import StatsCache

    app = Flask(__name__)
    values = settings.load(config)
    app.config.update(values)
    app.config["MAX_CONTENT_LENGTH"] = values["MAX_REQUEST_BYTES"]
    app.config["MAX_FORM_MEMORY_SIZE"] = values["MAX_REQUEST_BYTES"]
    store.init_app(app)
    http.init_app(app)
    app.extensions[render.STATS] = StatsCache()
    app.register_blueprint(sparql.bp)
    app.register_blueprint(void.bp)
    pages.init_app(app)
    app.register_blueprint(downloads.bp)
    prefixes.init_app(app)
    _direct_sparql(app, values)
    _response_cache(app, values)
    app.register_blueprint(openapi.bp)
    return app


RESPONSE_CACHE = "immunall.response_cache"


def _direct_sparql(app: Flask, values: Mapping[str, Any]) -> None:
    """Quick /sparql queries answered without Flask (server/direct.py), for the embedded store."""
    from server.direct import DirectSparql

    if float(values["INPROCESS_MS"]) > 0 and not values["SPARQL_ENDPOINT"]:
        app.wsgi_app = DirectSparql(app.wsgi_app, app)  # type: ignore[method-assign]


def _response_cache(app: Flask, values: Mapping[str, Any]) -> None:
    """Put the response cache (server/fastpath.py) in front of the app, for the embedded store."""
    from pathlib import Path

    from server.fastpath import CachedResponses, ResponseCache

    megabytes = int(values["RESPONSE_CACHE_MB"])
    if megabytes <= 0 or values["SPARQL_ENDPOINT"]:
        return
    cache = ResponseCache(megabytes * 1024 * 1024)
    app.extensions[RESPONSE_CACHE] = cache
    app.wsgi_app = CachedResponses(app.wsgi_app, Path(values["STORE_PATH"]), cache)  # type: ignore[method-assign]


def close_app(app: Flask) -> None:
    """Stop the app's query processes (tests; web workers end them at exit anyway)."""
    from server import store

    store.close_app(app)
