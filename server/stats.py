"""Counts about the data for the service description and VoID, computed once per version.

The counting queries live in queries/void-*.rq and run through the same backend as user
queries (so they work for an external endpoint too), with their own, longer time limit.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from server.evaluate import QueryJob
from server.negotiation import JSON, TURTLE
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


def _rows(backend: Backend, name: str, timeout: float) -> list[dict[str, Any]]:
    job = QueryJob(
        query=load_query(name),
        solutions_media_type=JSON.media_type,
        graph_media_type=TURTLE.media_type,
        max_rows=100_000,
        timeout=timeout,
        form="SELECT",
    )
    answer = backend.run(job)
    return json.loads(answer.body)["results"]["bindings"]


def _counts(row: dict[str, Any]) -> dict[str, int]:
    return {key: int(row[key]["value"]) for key in COUNTS if key in row}


def compute(backend: Backend, timeout: float) -> Stats:
    """Run the counting queries."""
    dataset_rows = _rows(backend, "void-dataset", timeout)
    graphs = {row["graph"]["value"]: _counts(row) for row in _rows(backend, "void-graphs", timeout)}
    examples = tuple(row["resource"]["value"] for row in _rows(backend, "void-examples", timeout))
    links = tuple((row["predicate"]["value"], row["target"]["value"], int(row["triples"]["value"]))
                  for row in _rows(backend, "void-linksets", timeout))
    return Stats(_counts(dataset_rows[0]) if dataset_rows else {}, graphs, examples, links)


class StatsCache:
    """Stats keyed by data version; one computation at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: str | None = None
        self._stats: Stats | None = None

    def get(self, backend: Backend, key: str, timeout: float) -> Stats:
        with self._lock:
            if self._stats is None or self._key != key:
                self._stats = compute(backend, timeout)
                self._key = key
            return self._stats
