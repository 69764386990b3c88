"""/sparql without Flask for the requests that make up most of an endpoint's traffic.

A query request that runs in the web process (lane.py) costs the engine tens of microseconds;
Flask's request context, routing, hooks and Response object cost several times that. This WSGI
middleware answers such a request itself: it reads and checks it with the very function the view
uses (`sparql.prepare`, on a plain werkzeug Request), runs it on the in-process lane, and sends the
headers the app would send (tests/test_sparql_direct.py compares the two, header by header).
Anything else goes to the app untouched: the service description, conditional and OPTIONS
requests, queries that are not known to be quick, every refusal and error (the app words them),
an external endpoint.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from werkzeug import Request
from werkzeug.exceptions import HTTPException
from werkzeug.http import http_date, parse_accept_header, quote_etag

from server.errors import EndpointError
from server.evaluate import Failure
from server.http import CORS_HEADERS, cache_control, gzipped, last_modified
from server.pages import SECURITY_HEADERS
from server.render import answer_content_type, answer_headers
from server.sparql import PREPARED, prepare
from server.store import EXTENSION, EmbeddedBackend

StartResponse = Callable[..., Any]
Answered = tuple[str, list[tuple[str, str]], bytes]
CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_RANGE")


class DirectSparql:
    """WSGI middleware: quick /sparql queries answered without Flask, the rest passed to `app`."""

    def __init__(self, app: Callable[[dict, StartResponse], Iterable[bytes]], flask_app: Flask) -> None:
        self.app = app
        self.flask_app = flask_app
        self.answered = 0  # requests answered here (tests look)

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        if (environ.get("PATH_INFO") == "/sparql" and environ.get("REQUEST_METHOD") in ("GET", "HEAD", "POST")
                and not any(name in environ for name in CONDITIONAL)):
            answered = self._answer(environ)
            if answered is not None:
                self.answered += 1
                status, headers, body = answered
                start_response(status, headers)
                return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]
        return self.app(environ, start_response)

    def _answer(self, environ: dict) -> Answered | None:
        backend = self.flask_app.extensions.get(EXTENSION)
        if not isinstance(backend, EmbeddedBackend):
            return None
        req = Request(environ)
        try:
            prepared = prepare(req, self.flask_app.config, backend)
            generation = prepared.generation.path if prepared else None
            if prepared is None or generation is None or not backend.lane.admits(prepared.job, generation):
                if prepared is not None:
                    environ[PREPARED] = prepared  # the view need not read and check the request again
                return _pass_on(req)
            result = backend.lane.run(prepared.job, generation)
        except (EndpointError, HTTPException):
            return _pass_on(req)
        if isinstance(result, Failure):
            return _pass_on(req)
        body = result.body
        headers = [("Content-Type", answer_content_type(result, prepared.formats)),
                   ("Content-Length", str(len(body))), ("Vary", "Accept, Accept-Encoding"),
                   *answer_headers(result)]
        if prepared.etag:
            headers.append(("ETag", quote_etag(prepared.etag, weak=True)))
        last = last_modified(prepared.generation)
        if last:
            headers.append(("Last-Modified", http_date(last)))
        headers.append(("Cache-Control", cache_control(req.method, prepared.generation,
                                                       self.flask_app.config["CACHE_MAX_AGE"])))
        headers += SECURITY_HEADERS
        headers += CORS_HEADERS
        compressed = gzipped(body, parse_accept_header(environ.get("HTTP_ACCEPT_ENCODING"))["gzip"])
        if compressed is not None:
            body = compressed
            headers[1] = ("Content-Length", str(len(body)))
            headers.append(("Content-Encoding", "gzip"))
        return "200 OK", headers, body


def _pass_on(req: Request) -> None:
    """Leave the request to the app, with the body it may have read put back."""
    if req.method == "POST":
        req.environ["wsgi.input"] = io.BytesIO(req.get_data(cache=True))
    return None
