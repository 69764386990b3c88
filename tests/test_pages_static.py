"""/static: scripts and styles gzipped for clients that take it, with a validator per encoding."""

from __future__ import annotations

import gzip

from flask.testing import FlaskClient

pytest_plugins = ["tests.page_fixtures"]

EDITOR = "/static/vendor/yasgui/yasgui.min.js"


def test_the_editor_script_goes_gzipped_with_its_own_etag(pages: FlaskClient) -> None:
    plain = pages.get(EDITOR)
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    assert "Accept-Encoding" in plain.headers["Vary"]
    packed = pages.get(EDITOR, headers={"Accept-Encoding": "gzip, br"})
    assert packed.status_code == 200
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert packed.mimetype == plain.mimetype == "text/javascript"
    assert len(packed.data) < len(plain.data) / 3
    assert gzip.decompress(packed.data) == plain.data
    assert packed.headers["ETag"] != plain.headers["ETag"]  # one validator per representation
    again = pages.get(EDITOR, headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_what_is_not_worth_compressing_or_outside_static_is_left_alone(pages: FlaskClient) -> None:
    icon = pages.get("/static/favicon.svg", headers={"Accept-Encoding": "gzip"})
    assert icon.status_code == 200 and "Content-Encoding" not in icon.headers  # under 1 KB
    ranged = pages.get(EDITOR, headers={"Accept-Encoding": "gzip", "Range": "bytes=0-99"})
    assert ranged.status_code == 206 and len(ranged.data) == 100 and "Content-Encoding" not in ranged.headers
    for path in ("/static/../pages/__init__.py", "/static/nope.js", "/static/js"):
        assert pages.get(path, headers={"Accept-Encoding": "gzip"}).status_code == 404
