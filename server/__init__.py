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
    _response_cache(app, values)
    app.register_blueprint(openapi.bp)
    return app


RESPONSE_CACHE = "immunall.response_cache"


def _response_cache(app: Flask, values: Mapping[str, Any]) -> None:
    """Put the response cache (server/fastpath.py) in front of the app."""
    from server.errors import StoreUnavailable
    from server.fastpath import CachedResponses, ResponseCache
    from server.store import EXTENSION

    megabytes = int(values["RESPONSE_CACHE_MB"])
    if megabytes <= 0:
        return
    backend = app.extensions[EXTENSION]

    def version() -> str | None:
        try:
            generation = backend.generation()
        except StoreUnavailable:
            return None
        return generation.key if generation.version else None

    cache = ResponseCache(megabytes * 1024 * 1024)
    app.extensions[RESPONSE_CACHE] = cache
    app.wsgi_app = CachedResponses(app.wsgi_app, version, cache)  # type: ignore[method-assign]


def close_app(app: Flask) -> None:
    """Stop the app's query processes (tests; web workers end them at exit anyway)."""
    from server import store

    store.close_app(app)
