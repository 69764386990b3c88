"""/openapi.json: the OpenAPI 3.0 description of the HTTP surface (server/api/openapi.json, written
by server/api/build_openapi.py; tests/test_openapi.py fuzzes the app against it with schemathesis)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Blueprint, Response, request

bp = Blueprint("openapi", __name__)
FILE = Path(__file__).resolve().parent / "api" / "openapi.json"


@bp.route("/openapi.json", methods=["GET"])
def openapi() -> Response:
    body = FILE.read_bytes()
    response = Response(body, mimetype="application/json")
    response.set_etag("openapi-" + hashlib.sha256(body).hexdigest()[:16], weak=True)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response.make_conditional(request)
