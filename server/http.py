"""HTTP manners shared by every route: CORS, gzip, validators and caching, plain-text errors.

Views call `conditional()` before doing work (a matching If-None-Match / If-Modified-Since costs
nothing) and `cacheable()` on success; everything else happens in one after_request hook.
"""

from __future__ import annotations

import gzip
import hashlib
from datetime import datetime

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException

from immunall.generation import Generation
from server.errors import EndpointError

TRUNCATED = "X-ImmunALL-Truncated"
ROWS = "X-ImmunALL-Rows"
EXPOSED = f"ETag, Last-Modified, Link, Warning, Retry-After, {TRUNCATED}, {ROWS}"
ALLOWED_HEADERS = "Accept, Accept-Encoding, Content-Type, If-None-Match, If-Modified-Since"
MIN_GZIP_BYTES = 512
COMPRESSIBLE = ("text/", "application/")


def etag_for(generation: Generation, *parts: str) -> str | None:
    """A weak validator: the data version plus whatever selects the representation."""
    if not generation.version:
        return None
    digest = hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()[:20]
    return f"{generation.version[:20]}-{digest}"


def last_modified(generation: Generation) -> datetime | None:
    return generation.built.replace(microsecond=0) if generation.built else None


def conditional(generation: Generation, etag: str | None) -> Response | None:
    """A 304 when a GET/HEAD client already has this representation, else None.

    If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2); only safe methods get 304.
    """
    if request.method not in {"GET", "HEAD"}:
        return None
    fresh = False
    if request.if_none_match:
        fresh = etag is not None and request.if_none_match.contains_weak(etag)
    elif request.if_modified_since and generation.built:
        last = last_modified(generation)
        fresh = last is not None and last <= request.if_modified_since
    if not fresh:
        return None
    return cacheable(Response(status=304), generation, etag)


def cacheable(response: Response, generation: Generation, etag: str | None) -> Response:
    """Validators and Cache-Control for a successful answer."""
    if etag:
        response.set_etag(etag, weak=True)
    last = last_modified(generation)
    if last:
        response.last_modified = last
    response.headers["Cache-Control"] = cache_control(request.method, generation, current_app.config["CACHE_MAX_AGE"])
    return response


def cache_control(method: str, generation: Generation, max_age: float) -> str:
    """Shared caches may keep GET answers for a versioned store; nothing else."""
    if method in {"GET", "HEAD"} and generation.version:
        return f"public, max-age={int(max_age)}"
    return "no-cache"


def error_response(error: EndpointError | HTTPException) -> Response:
    """Any refusal as a short text/plain message with its status."""
    if isinstance(error, HTTPException):
        status = error.code or 500
        message = f"{error.name}: {error.description}"
        headers = {
            key: value for key, value in error.get_headers() if key.lower() != "content-type"
        }
    else:
        status, message, headers = error.status, str(error), dict(error.headers)
    response = Response(
        message.rstrip() + "\n", status=status, mimetype="text/plain", headers=headers
    )
    response.headers["Cache-Control"] = "no-store"
    return response


CORS_HEADERS = (("Access-Control-Allow-Origin", "*"), ("Access-Control-Expose-Headers", EXPOSED))


def _cors(response: Response) -> None:
    for name, value in CORS_HEADERS:
        response.headers[name] = value
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = (
            request.headers.get("Access-Control-Request-Headers") or ALLOWED_HEADERS
        )
        response.headers["Access-Control-Max-Age"] = "86400"


def _gzip(response: Response) -> None:
    if (
        response.direct_passthrough
        or response.status_code != 200
        or "Content-Encoding" in response.headers
        or not (response.mimetype or "").startswith(COMPRESSIBLE)
    ):
        return
    response.vary.add("Accept-Encoding")
    compressed = gzipped(response.get_data(), request.accept_encodings["gzip"])
    if compressed is not None:
        response.set_data(compressed)
        response.headers["Content-Encoding"] = "gzip"


def gzipped(data: bytes, gzip_quality: float) -> bytes | None:
    """`data` gzipped when the client takes gzip and the body is worth it, else None."""
    if gzip_quality <= 0 or len(data) < MIN_GZIP_BYTES:
        return None
    return gzip.compress(data, compresslevel=6, mtime=0)


def _finish(response: Response) -> Response:
    _cors(response)
    _gzip(response)
    return response


def init_app(app: Flask) -> None:
    """CORS and gzip on every answer; HTTP errors as plain text. EndpointError has one handler,
    server/pages' (an HTML page for a browser on a page route, `error_response` everywhere else)."""
    app.after_request(_finish)
    app.register_error_handler(HTTPException, error_response)
