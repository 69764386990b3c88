"""A short version of the sustained-load test (tests/load.py): the production server over the real build, wrk at 16
connections for 10 seconds over the mixed workload (SPARQL look-ups, a competency question, agent
and trial pages, search): no error of any kind, p99 within budget. The 60-second run is
`python -m tests.load` (figures in docs/load.md)."""

from __future__ import annotations

import shutil

from kg.pipeline import Outcome
from kg.settings import Settings
from tests.load import run


def test_ten_seconds_of_mixed_load_without_an_error(build: Outcome, settings: Settings) -> None:
    assert shutil.which("wrk"), "wrk is needed (Debian package `wrk`, installed by scripts/test)"
    result = run(settings.dist / "current", seconds=10, connections=16, budget_ms=1500)
    assert result["errors"] == 0, result["wrk"]
    assert result["requests"] > 200, result["wrk"]
    assert result["latency_ms"]["p99"] <= result["budget_p99_ms"], result["wrk"]
