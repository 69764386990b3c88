"""Every server setting in one place: its name, environment variable, default and reason.

`create_app(config)` starts from these defaults (read from the environment at call time, so a
test or a deployment changes behaviour without code) and lets the `config` mapping override any
key. The README's settings table is checked against `SETTINGS` by a test.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from immunall import generation as contract

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Setting:
    """One configuration key: where it comes from and why it exists."""

    name: str
    env: str
    default: Callable[[], Any]
    parse: Callable[[str], Any]
    doc: str


def _optional_str(value: str) -> str | None:
    return value or None


def _iris(value: str) -> tuple[str, ...]:
    return tuple(iri for iri in re.split(r"[\s,]+", value) if iri)


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _urls(value: str) -> tuple[str, ...]:
    return tuple(part for part in value.replace(",", " ").split() if part)


QUERYING: tuple[Setting, ...] = (
    Setting(
        "STORE_PATH",
        "IMMUNALL_STORE_PATH",
        lambda: contract.live(),
        Path,
        "Store generation directory (holds oxigraph/ and build.json); a symlink such as "
        "dist/current is followed on every request, so a rebuild goes live without a restart.",
    ),
    Setting(
        "SPARQL_ENDPOINT",
        "IMMUNALL_SPARQL_ENDPOINT",
        lambda: None,
        _optional_str,
        "URL of an external SPARQL 1.1 endpoint; when set, queries go there instead of the "
        "embedded store.",
    ),
    Setting(
        "SERVICE_ALLOW",
        "IMMUNALL_SERVICE_ALLOW",
        lambda: (),
        _urls,
        "SPARQL endpoints a query may call with SERVICE (federated query), as exact URLs "
        "separated by spaces or commas; empty (the default) refuses every SERVICE. Any other "
        "SERVICE, or one whose endpoint is a variable, gets 400 naming it.",
    ),
    Setting(
        "SPARQL_ENDPOINT_GRAPHS",
        "IMMUNALL_SPARQL_ENDPOINT_GRAPHS",
        lambda: tuple(contract.graph_iri(name) for name in contract.GRAPH_NAMES),
        _iris,
        "Named graphs (space- or comma-separated IRIs) that make up the dataset on the external "
        "endpoint: a query naming no dataset is sent with them as default-graph-uri and "
        "named-graph-uri, so the default graph is their union there too (an empty value sends "
        "nothing and leaves the remote's own default dataset).",
    ),
    Setting(
        "QUERY_TIMEOUT",
        "IMMUNALL_QUERY_TIMEOUT",
        lambda: 10.0,
        float,
        "Seconds a query may run; past it the worker process is killed and the client gets 503.",
    ),
    Setting(
        "MAX_RESULT_ROWS",
        "IMMUNALL_MAX_RESULT_ROWS",
        lambda: 10_000,
        int,
        "Most solutions (SELECT) or triples (CONSTRUCT/DESCRIBE) returned; a cut result carries "
        "X-ImmunALL-Truncated: true and a Warning header.",
    ),
    Setting(
        "MAX_REQUEST_BYTES",
        "IMMUNALL_MAX_REQUEST_BYTES",
        lambda: 1_048_576,
        int,
        "Largest request body or query string accepted; larger requests get 413.",
    ),
    Setting(
        "QUERY_WORKERS",
        "IMMUNALL_QUERY_WORKERS",
        lambda: 3,
        int,
        "Query processes per web worker (each opens the store read-only); more than CLIENT_QUERIES, so "
        "one client's runaway queries always leave a process for the others.",
    ),
    Setting(
        "QUERY_MEMORY_MB",
        "IMMUNALL_QUERY_MEMORY_MB",
        lambda: 2048,
        int,
        "Heap limit of each query process in MB (0: none); a query needing more is stopped "
        "and the client gets 503.",
    ),
    Setting(
        "STATS_TIMEOUT",
        "IMMUNALL_STATS_TIMEOUT",
        lambda: 60.0,
        float,
        "Seconds allowed for the counting queries behind the service description and VoID "
        "(run once per data version, then cached).",
    ),
    Setting(
        "CACHE_MAX_AGE",
        "IMMUNALL_CACHE_MAX_AGE",
        lambda: 60,
        int,
        "max-age (seconds) in Cache-Control of successful GET responses; ETag and Last-Modified "
        "let clients revalidate cheaply after that.",
    ),
    Setting(
        "EXAMPLE_QUERIES",
        "IMMUNALL_EXAMPLE_QUERIES",
        lambda: HERE.parent / "questions",
        Path,
        "Folder of example .rq files published in the VoID description (skipped if absent).",
    ),
    Setting(
        "PREWARM",
        "IMMUNALL_PREWARM",
        lambda: False,
        _bool,
        "Start the query processes when the app is created instead of on the first query "
        "(the production server, server/production.py, turns this on).",
    ),
    Setting(
        "PUBLIC_BASE",
        "IMMUNALL_PUBLIC_BASE",
        lambda: contract.BASE,
        str,
        "Base of the IRIs in the data; it maps to this app's root, so <base>trial/X is served at "
        "/trial/X and every page links to local URLs.",
    ),
    Setting(
        "CORPUS_PATH",
        "IMMUNALL_CORPUS_PATH",
        lambda: contract.ROOT.parent / "shared" / "corpus",
        Path,
        "Folder of the reviews (sources.tsv + texts); only used for short excerpts of passages "
        "from reviews the graph marks CC BY; without it, pages show offsets and sections only.",
    ),
    Setting(
        "RESPONSE_CACHE_MB",
        "IMMUNALL_RESPONSE_CACHE_MB",
        lambda: 64,
        int,
        "Memory (MB per web worker) for finished GET answers (SPARQL results, pages, search), "
        "keyed by store generation and the whole request, so a repeated identical request is "
        "answered without running anything; 0 turns it off. Not used with an external endpoint.",
    ),
    Setting(
        "GRAPH_CONTENT_TRIPLES",
        "IMMUNALL_GRAPH_CONTENT_TRIPLES",
        lambda: 10_000,
        int,
        "A named graph of at most this many statements is served whole at its IRI "
        "(/graph/<name> as Turtle, JSON-LD, N-Triples or RDF/XML), with its description; a larger "
        "one gives its description and links to the dumps and /sparql (MAX_RESULT_ROWS also caps it).",
    ),
    Setting(
        "PAGE_CACHE_ENTRIES",
        "IMMUNALL_PAGE_CACHE_ENTRIES",
        lambda: 1024,
        int,
        "Page data (query answers behind the HTML pages) kept per data version; an external "
        "endpoint's entries expire after CACHE_MAX_AGE seconds instead.",
    ),
)


FAIRNESS: tuple[Setting, ...] = (
    Setting(
        "CLIENT_QUERIES",
        "IMMUNALL_CLIENT_QUERIES",
        lambda: 2,
        int,
        "Queries one client may have running or waiting at once (server/admission.py); more get 429 "
        "with Retry-After. Keep it below QUERY_WORKERS. 0: no cap.",
    ),
    Setting(
        "CLIENT_QUERY_SECONDS",
        "IMMUNALL_CLIENT_QUERY_SECONDS",
        lambda: 60.0,
        float,
        "Seconds of query time one client may use per minute, as the Wikidata Query Service allows; "
        "past it (and its burst) the answer is 429 with Retry-After. 0: no budget.",
    ),
    Setting(
        "CLIENT_BURST_SECONDS",
        "IMMUNALL_CLIENT_BURST_SECONDS",
        lambda: 120.0,
        float,
        "The most query time a client may have in hand (the bucket's size): a quiet client may spend "
        "this much at once before CLIENT_QUERY_SECONDS per minute applies.",
    ),
    Setting(
        "TRUSTED_PROXIES",
        "IMMUNALL_TRUSTED_PROXIES",
        lambda: (),
        _urls,
        "Addresses of reverse proxies in front of the server (space- or comma-separated); for a request "
        "from one of them the client is the address X-Forwarded-For names, not the proxy.",
    ),
)

# The production server's own settings (server/production.py): read from the environment or its
# command line, not by create_app.
SERVING: tuple[Setting, ...] = (
    Setting("BIND", "IMMUNALL_BIND", lambda: "127.0.0.1:8000", str, "HOST:PORT the production server listens on."),
    Setting(
        "WEB_WORKERS",
        "IMMUNALL_WEB_WORKERS",
        lambda: 1,
        int,
        "Web worker processes. One by default: the per-client limits and the query processes are per "
        "worker, and each worker holds its own store, caches and search index.",
    ),
    Setting(
        "WEB_THREADS",
        "IMMUNALL_WEB_THREADS",
        lambda: 8,
        int,
        "Request threads per web worker; pyoxigraph releases the GIL while it evaluates, so pages and "
        "waiting queries overlap. More than QUERY_WORKERS x CLIENT_QUERIES leaves threads for pages.",
    ),
    Setting("ACCESS_LOG", "IMMUNALL_ACCESS_LOG", lambda: False, _bool, "Log every request (off by default)."),
)

SETTINGS: tuple[Setting, ...] = (*QUERYING, *FAIRNESS, *SERVING)


def load(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Defaults, then environment variables, then `overrides`; unknown keys pass through."""
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = os.environ.get(setting.env)
        values[setting.name] = setting.parse(raw) if raw is not None else setting.default()
    values.update(overrides or {})
    for setting in SETTINGS:
        if isinstance(values[setting.name], str) and setting.parse in (Path, _urls, _iris):
            values[setting.name] = setting.parse(values[setting.name])
    values["SERVICE_ALLOW"] = tuple(values["SERVICE_ALLOW"])
    values["TRUSTED_PROXIES"] = tuple(values["TRUSTED_PROXIES"])
    return values
