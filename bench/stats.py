"""Medians, p95 and the sampling budget shared by every measurement."""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import dataclass


class Budget:
    """Keep sampling until `rounds` samples or `seconds` have passed (at least 3 samples)."""

    def __init__(self, rounds: int, seconds: float) -> None:
        self.rounds = rounds
        self.seconds = seconds
        self.started = time.perf_counter()

    def more(self, done: int) -> bool:
        if done < 3:
            return True
        return done < self.rounds and time.perf_counter() - self.started < self.seconds


@dataclass
class Summary:
    n: int
    median: float
    p95: float
    rps: float  # sequential: requests per second of the measured time
    errors: int = 0

    @classmethod
    def of(cls, samples_ms: list[float], errors: int = 0) -> Summary | None:
        if not samples_ms:
            return None
        ordered = sorted(samples_ms)
        rank = max(1, math.ceil(0.95 * len(ordered)))
        total = sum(ordered) / 1000
        return cls(len(ordered), statistics.median(ordered), ordered[rank - 1],
                   len(ordered) / total if total else float("inf"), errors)
