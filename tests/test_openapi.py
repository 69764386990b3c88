"""The published OpenAPI description (/openapi.json) matches the app, and schemathesis fuzzes every
operation in it against the WSGI app in-process over the small fixture store: no 500, every status
and content type documented, no traceback, the security headers on every answer. Bounded: a fixed
number of examples per operation."""

from __future__ import annotations

import gzip
import json

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import content_type_conformance, not_a_server_error, status_code_conformance

from server.api.build_openapi import OUT, render

pytest_plugins = ["tests.server_fixtures"]


@pytest.fixture(scope="module")
def api_app(make_app):
    return make_app(QUERY_TIMEOUT=2, QUERY_WORKERS=2)


@pytest.fixture(scope="module")
def api_schema(api_app):
    return schemathesis.openapi.from_wsgi("/openapi.json", api_app)


# schemathesis's own pytest plugin does not run under this pytest (9.x), so the operations are
# parametrized here and each is driven through hypothesis directly.
OPERATIONS = sorted(f"{method.upper()} {path}" for path, item in json.loads(OUT.read_text(encoding="utf-8"))[
    "paths"].items() for method in item if path != "/openapi.json")  # schemathesis leaves its source out


def test_the_file_is_current() -> None:
    assert OUT.read_text(encoding="utf-8") == render(), "run `python -m server.api.build_openapi`"


def test_every_route_is_described(api_app) -> None:
    described = set(json.loads(OUT.read_text(encoding="utf-8"))["paths"])
    routes = {rule.rule.replace("<", "{").replace(">", "}").replace("{path:filename}", "{filename}")
              for rule in api_app.url_map.iter_rules() if rule.endpoint != "static"}
    assert routes == described


def test_it_is_served(api_app) -> None:
    response = api_app.test_client().get("/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.json["openapi"].startswith("3.")


def no_traceback_and_secure(ctx, response, case) -> None:
    body = response.content or b""
    if response.headers.get("content-encoding") in (["gzip"], "gzip"):
        body = gzip.decompress(body)
    assert b"Traceback" not in body and b'File "/' not in body, body[:300]
    headers = {key.lower(): value[0] if isinstance(value, list) else value for key, value in response.headers.items()}
    assert headers.get("x-content-type-options") == "nosniff", (case.path, headers)
    assert headers.get("content-security-policy"), (case.path, headers)
    assert headers.get("referrer-policy"), (case.path, headers)


@pytest.mark.parametrize("label", OPERATIONS)
def test_every_operation_survives_generated_requests(api_schema, label: str) -> None:
    (operation,) = [result.ok() for result in api_schema.get_all_operations() if result.ok().label == label]

    @settings(max_examples=12, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def run(case) -> None:
        response = case.call()
        case.validate_response(response, checks=[not_a_server_error, status_code_conformance,
                                                  content_type_conformance])
        no_traceback_and_secure(None, response, case)

    run()
