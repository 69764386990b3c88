"""/static: the pages' scripts and styles, gzipped for clients that take it.

Flask's own static view sends files as they are: the vendored YASGUI script is 1 MB, about 280 KB
gzipped. This view replaces it: a compressible file (text, scripts, styles, SVG) goes gzipped
when the request accepts gzip, compressed once per file version (path, size, modification time)
and kept in memory; its ETag differs from the identity file's (one validator per representation),
`Vary: Accept-Encoding` is always sent, and conditional requests get 304 on either. Anything else,
and byte ranges, go through Flask's send_file unchanged.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import os
from functools import lru_cache

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import NotFound
from werkzeug.security import safe_join

COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")
MIN_BYTES = 1024


@lru_cache(maxsize=64)
def _gzipped(path: str, size: int, mtime_ns: int) -> bytes:
    """The file gzipped (the size and time are part of the key: a changed file is read again)."""
    with open(path, "rb") as handle:
        return gzip.compress(handle.read(), compresslevel=9, mtime=0)


def _etag(path: str, size: int, mtime_ns: int, coding: str) -> str:
    return hashlib.sha256(f"{path}:{size}:{mtime_ns}:{coding}".encode()).hexdigest()[:32]


def static(filename: str) -> Response:
    folder = current_app.static_folder
    path = safe_join(folder, filename) if folder else None
    if path is None or not os.path.isfile(path):
        raise NotFound()
    mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
    stat = os.stat(path)
    compressible = mimetype.startswith(COMPRESSIBLE) and stat.st_size >= MIN_BYTES
    if not compressible or request.range is not None or request.accept_encodings["gzip"] <= 0:
        response = current_app.send_static_file(filename)
        if compressible:
            response.vary.add("Accept-Encoding")
        return response
    body = _gzipped(path, stat.st_size, stat.st_mtime_ns)
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    response.set_etag(_etag(path, stat.st_size, stat.st_mtime_ns, "gzip"))
    response.last_modified = int(stat.st_mtime)
    response.cache_control.no_cache = True  # revalidate: the ETag makes that a 304
    return response.make_conditional(request)


def init_app(app: Flask) -> None:
    """Serve /static with this view instead of Flask's."""
    app.view_functions["static"] = static
