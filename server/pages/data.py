"""The pages' access to the data: named .rq files run through the backend, answers as Python values.

Every page query goes through `server.store.get_backend()`, so the pages work the same over the
embedded store and over an external SPARQL endpoint. Parameters are written into the query text
as SPARQL terms serialized by pyoxigraph (`$name` in the .rq file), never by string formatting
of user input. Answers are cached per data version (`Cache`): the store is read-only, so a
version's answers never change; an external endpoint has no version, so its entries expire.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import pyoxigraph as ox
from cachetools import LRUCache
from flask import current_app, g, has_request_context

from server.evaluate import QueryJob
from server.negotiation import JSON, TURTLE
from server.query import job_for
from server.results import Answer
from server.store import get_backend

QUERIES = Path(__file__).resolve().parents[1] / "queries" / "pages"
CACHE = "immunall.pages.cache"
MODELS = "immunall.pages.models"
COUNT_ROWS = 20_000_000  # whole-graph models (the search index) on graphs of millions of triples
PAGE_ROWS = 500_000  # whole-graph queries (labels, types, names) read every row; this only guards against surprises

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + name for name in ("integer", "decimal", "double", "float", "int", "long",
                                   "nonNegativeInteger", "positiveInteger", "short")}

T = TypeVar("T")


class Term(NamedTuple):
    """One RDF term from a SPARQL JSON answer (a tuple: pages parse thousands per request)."""

    value: str
    kind: str  # "uri", "literal" or "bnode"
    datatype: str | None = None
    lang: str | None = None

    @property
    def is_iri(self) -> bool:
        return self.kind == "uri"

    @property
    def is_literal(self) -> bool:
        return self.kind == "literal"

    @property
    def number(self) -> Decimal | None:
        if self.kind != "literal" or self.datatype not in NUMERIC:
            return None
        try:
            return Decimal(self.value)
        except InvalidOperation:
            return None

    def __str__(self) -> str:
        return self.value


Row = dict[str, Term]


@cache
def load_query(name: str) -> str:
    """The text of queries/pages/<name>.rq."""
    return (QUERIES / f"{name}.rq").read_text(encoding="utf-8")


Param = ox.NamedNode | ox.Literal | int | Iterable[ox.NamedNode]
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def sparql_term(value: Param) -> str:
    """A parameter as SPARQL text; a list becomes space-separated terms (for VALUES)."""
    if isinstance(value, ox.NamedNode | ox.Literal):
        return str(value)
    if isinstance(value, bool):
        raise TypeError("booleans are not query parameters")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Iterable) and not isinstance(value, str | bytes):
        parts = []
        for item in value:
            if not isinstance(item, ox.NamedNode):
                raise TypeError(f"a list parameter holds IRIs only, not {item!r}")
            parts.append(str(item))
        return " ".join(parts)
    raise TypeError(f"unsupported query parameter {value!r}")


def bind(text: str, params: dict[str, Param]) -> str:
    """Replace each `$name` with its parameter; every `$name` in the text must be given."""
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in params:
            raise KeyError(f"query parameter ${name} is not bound")
        return sparql_term(params[name])

    return _PARAM.sub(replace, text)


def iri(value: str) -> ox.NamedNode:
    """An IRI parameter; raises ValueError on text that is not an IRI."""
    return ox.NamedNode(value)


class Cache:
    """A bounded LRU (cachetools) of computed page data, keyed by the generation key and the query."""

    def __init__(self, entries: int) -> None:
        self._lock = threading.Lock()
        self._data: LRUCache[tuple[str, str], Any] = LRUCache(maxsize=max(1, entries))

    def get(self, version: str, key: str, compute: Callable[[], T]) -> T:
        with self._lock:
            found = self._data.get((version, key), _MISSING)
        if found is not _MISSING:
            return found
        value = compute()  # outside the lock: a slow query must not block other pages
        with self._lock:
            self._data[(version, key)] = value
        return value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


_MISSING = object()


class Models:
    """Whole-graph models (search index, ontology, known labels) of the current data version.

    Apart from the LRU of page answers: a burst of entity pages must not evict a model that
    takes seconds to build. One build per key at a time; the requests that need it wait for it.
    Models of an older version are dropped when a newer one is asked for.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: str | None = None
        self._values: dict[str, Any] = {}
        self._building: dict[str, threading.Lock] = {}

    def get(self, version: str, key: str, compute: Callable[[], T]) -> T:
        with self._lock:
            if version != self._version:
                self._version, self._values, self._building = version, {}, {}
            if key in self._values:
                return self._values[key]
            building = self._building.setdefault(key, threading.Lock())
        with building:
            with self._lock:
                if self._version == version and key in self._values:
                    return self._values[key]
            value = compute()
            with self._lock:
                if self._version == version:
                    self._values[key] = value
            return value

    def ready(self, version: str, key: str) -> bool:
        with self._lock:
            return self._version == version and key in self._values

    def clear(self) -> None:
        with self._lock:
            self._version, self._values, self._building = None, {}, {}


def model(key: str, compute: Callable[[], T]) -> T:
    """`compute()` once per data version, kept for as long as that version is served."""
    return current_app.extensions[MODELS].get(data_version(), key, compute)


def model_ready(key: str) -> bool:
    """Whether `model(key, ...)` would answer at once."""
    return current_app.extensions[MODELS].ready(data_version(), key)


def data_version() -> str:
    """What identifies the data being served, read once per request: a page looks up thousands of
    labels, and each reading of the generation resolves the `current` symlink (syscalls)."""
    return per_request("immunall_data_version", _read_version)


def per_request(name: str, compute: Callable[[], T]) -> T:
    """`compute()` once per request (kept on `g`); every time outside a request."""
    if not has_request_context():
        return compute()
    found = g.get(name)
    if found is None:
        found = compute()
        setattr(g, name, found)
    return found


def _read_version() -> str:
    """The generation key (immunall/generation.py): the same one the response cache uses."""
    return get_backend().generation().key


def cached(key: str, compute: Callable[[], T]) -> T:
    """`compute()` once per data version and key."""
    return current_app.extensions[CACHE].get(data_version(), key, compute)


def _job(text: str, timeout: float | None = None, max_rows: int = PAGE_ROWS, trusted: bool = True,
         media_type: str = JSON.media_type, graph_media_type: str = TURTLE.media_type) -> QueryJob:
    """The pages' queries, read and checked like any other (server/query.py); `trusted` ones run in
    the web process, the others (whole-graph reads) in the query processes."""
    return job_for(text, current_app.config, (media_type, graph_media_type), max_rows=max_rows,
                   timeout=timeout, trusted=trusted)


def run(job: QueryJob) -> Answer:
    """The one entry through which the pages run a query."""
    return get_backend().run(job)


def _term(raw: dict[str, str], known: dict[tuple, Term]) -> Term:
    kind = raw["type"]
    if kind == "typed-literal":
        kind = "literal"
    key = (raw["value"], kind, raw.get("datatype"), raw.get("xml:lang"))
    term = known.get(key)
    if term is None:
        term = known[key] = Term(*key)
    return term


def parse_solutions(body: bytes) -> list[Row]:
    """SPARQL JSON results to rows of Terms (unbound variables are absent); a term that recurs
    (a predicate, a study) is made once per answer."""
    data = json.loads(body)
    if "boolean" in data:
        raise ValueError("expected solutions, got a boolean answer")
    known: dict[tuple, Term] = {}
    return [
        {name: _term(value, known) for name, value in binding.items()}
        for binding in data["results"]["bindings"]
    ]


def run_raw(text: str, media_type: str, timeout_key: str = "STATS_TIMEOUT") -> bytes:
    """The serialized answer of a whole-graph SELECT (`media_type`: CSV parses fastest)."""
    job = _job(text, float(current_app.config[timeout_key]), COUNT_ROWS, trusted=False, media_type=media_type)
    return run(job).body


def run_text(text: str) -> list[Row]:
    """Run SELECT text (not cached)."""
    return parse_solutions(run(_job(text)).body)


def select(name: str, **params: Param) -> list[Row]:
    """Rows of queries/pages/<name>.rq with `params` bound, cached per data version."""
    text = bind(load_query(name), params)
    return cached(f"select:{text}", lambda: run_text(text))


def select_counts(name: str, **params: Param) -> list[Row]:
    """Like `select` for whole-graph counting queries: the longer STATS_TIMEOUT applies."""
    text = bind(load_query(name), params)
    timeout = float(current_app.config["STATS_TIMEOUT"])
    # Whole-graph reads can take seconds on a big graph: in a query process, where the limit can stop them.
    job = _job(text, timeout, COUNT_ROWS, trusted=False)
    return cached(f"select:{text}", lambda: parse_solutions(run(job).body))


def ask(name: str, **params: Param) -> bool:
    text = bind(load_query(name), params)

    def compute() -> bool:
        return bool(json.loads(run(_job(text)).body)["boolean"])

    return cached(f"ask:{text}", compute)


def construct(name: str, media_type: str, **params: Param) -> Answer:
    """A CONSTRUCT answer serialized as `media_type` (an RDF media type pyoxigraph writes)."""
    text = bind(load_query(name), params)
    job = _job(text, max_rows=int(current_app.config["MAX_RESULT_ROWS"]), graph_media_type=media_type)
    return cached(f"construct:{media_type}:{text}", lambda: run(job))
