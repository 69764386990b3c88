"""Counts about the data for the service description and VoID, computed once per version.

The counting queries live in queries/void-*.rq, are read and checked like any query
(server/query.py) and run through the same backend as user queries (so they work for an external
endpoint too), with their own, longer time limit; cached by the one generation key.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from server.negotiation import JSON, TURTLE
from server.query import job_for
from server.store import Backend

QUERIES = Path(__file__).resolve().parent / "queries"
COUNTS = ("triples", "entities", "classes", "properties", "distinctSubjects", "distinctObjects")


@cache
def load_query(name: str) -> str:
    """The text of queries/<name>.rq."""
    return (QUERIES / f"{name}.rq").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Stats:
    """VoID counts for the whole dataset and for each named graph."""

    dataset: dict[str, int]
    graphs: dict[str, dict[str, int]]  # graph IRI -> counts
    examples: tuple[str, ...] = field(default=())
    links: tuple[tuple[str, str, int], ...] = field(default=())  # (predicate, target IRI, triples)


def _rows(backend: Backend, name: str, config: Mapping[str, Any]) -> list[dict[str, Any]]:
    job = job_for(load_query(name), config, (JSON.media_type, TURTLE.media_type), max_rows=100_000,
                  timeout=float(config["STATS_TIMEOUT"]))
    answer = backend.run(job)
    return json.loads(answer.body)["results"]["bindings"]


def _counts(row: dict[str, Any]) -> dict[str, int]:
    return {key: int(row[key]["value"]) for key in COUNTS if key in row}


def compute(backend: Backend, config: Mapping[str, Any]) -> Stats:
    """Run the counting queries (in the query processes, under STATS_TIMEOUT)."""
    dataset_rows = _rows(backend, "void-dataset", config)
    graphs = {row["graph"]["value"]: _counts(row) for row in _rows(backend, "void-graphs", config)}
    examples = tuple(row["resource"]["value"] for row in _rows(backend, "void-examples", config))
    links = tuple((row["predicate"]["value"], row["target"]["value"], int(row["triples"]["value"]))
                  for row in _rows(backend, "void-linksets", config))
    return Stats(_counts(dataset_rows[0]) if dataset_rows else {}, graphs, examples, links)


class StatsCache:
    """Stats keyed by data version; one computation at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: str | None = None
        self._stats: Stats | None = None

    def get(self, backend: Backend, config: Mapping[str, Any]) -> Stats:
        key = backend.generation().key
        with self._lock:
            if self._stats is None or self._key != key:
                self._stats = compute(backend, config)
                self._key = key
            return self._stats
