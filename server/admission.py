"""Fairness: who the client is, how much it may ask at once, and how much query time per minute.

A client is the address the request came from; when that address is one of `TRUSTED_PROXIES`, the
address the proxy names last in X-Forwarded-For (the nearest one that is not itself a trusted
proxy) counts instead. Each client may have `CLIENT_QUERIES` queries in flight (waiting or
running) and spends query seconds from a bucket of `CLIENT_BURST_SECONDS` refilled at
`CLIENT_QUERY_SECONDS` per minute, as the Wikidata Query Service does (60 s per minute, burst 120);
the time a query ran is charged when it ends. Past either limit the answer is 429 with
Retry-After. The pool (server/pool.py) gives a free query process to the waiting client with
nothing running first, so a flood from one client delays another only by what is already running.
This counts per web worker process: the production server runs one (server/production.py).
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from server.errors import TooManyRequests

GONE = "immunall.client_gone"  # WSGI environ key: a callable saying the client has hung up (server/production.py)
MAX_CLIENTS = 10_000  # remembered buckets; idle full ones are forgotten first


@dataclass(frozen=True)
class Client:
    """Who asked, and how to tell that they stopped waiting."""

    name: str
    gone: Callable[[], bool] | None = field(default=None, compare=False)


def client_of(environ: Mapping[str, Any], trusted_proxies: Sequence[str]) -> Client:
    """The client of a request: its address, or the forwarded one behind a trusted proxy."""
    address = environ.get("REMOTE_ADDR") or "unknown"
    if address in trusted_proxies:
        forwarded = [part.strip() for part in environ.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        for hop in reversed(forwarded):
            address = hop
            if hop not in trusted_proxies:
                break
    return Client(address, environ.get(GONE))


@dataclass
class _Account:
    tokens: float
    updated: float
    in_flight: int = 0


@dataclass
class Ticket:
    """One admitted query; the pool records the seconds it ran, charged when the ticket closes."""

    client: Client
    seconds: float = 0.0


class Admission:
    """Per-client concurrency cap and query-seconds bucket."""

    def __init__(self, concurrent: int, seconds_per_minute: float, burst_seconds: float) -> None:
        self.concurrent = concurrent
        self.rate = seconds_per_minute / 60.0
        self.burst = burst_seconds
        self._accounts: dict[str, _Account] = {}
        self._lock = threading.Lock()

    def _account(self, name: str, now: float) -> _Account:
        account = self._accounts.get(name)
        if account is None:
            if len(self._accounts) >= MAX_CLIENTS:
                self._forget_idle(now)
            account = self._accounts[name] = _Account(self.burst, now)
        account.tokens = min(self.burst, account.tokens + (now - account.updated) * self.rate)
        account.updated = now
        return account

    def _forget_idle(self, now: float) -> None:
        for name, account in list(self._accounts.items()):
            full = account.tokens + (now - account.updated) * self.rate >= self.burst
            if account.in_flight == 0 and full:
                del self._accounts[name]

    @contextlib.contextmanager
    def admit(self, client: Client) -> Iterator[Ticket]:
        """Admit one query of `client`, or raise TooManyRequests (429) saying when to come back."""
        with self._lock:
            now = time.monotonic()
            account = self._account(client.name, now)
            if self.concurrent > 0 and account.in_flight >= self.concurrent:
                raise TooManyRequests(
                    f"Too many queries at once: this client already has {account.in_flight} running or "
                    f"waiting (the limit is {self.concurrent}). Wait for an answer before sending more.",
                    retry_after=1)
            if self.rate > 0 and account.tokens <= 0:
                wait = math.ceil(-account.tokens / self.rate) or 1
                raise TooManyRequests(
                    f"Query time budget used up: each client may use {self.rate * 60:g} s of query time "
                    f"per minute (bursts up to {self.burst:g} s). Try again in {wait} s.",
                    retry_after=wait)
            account.in_flight += 1
        ticket = Ticket(client)
        try:
            yield ticket
        finally:
            with self._lock:
                account = self._account(client.name, time.monotonic())
                account.in_flight -= 1
                if self.rate > 0:
                    account.tokens -= ticket.seconds


@contextlib.contextmanager
def admit(admission: Admission | None, client: Client | None) -> Iterator[Ticket | None]:
    """`admission.admit(client)`, or nothing for the server's own queries (no client)."""
    if admission is None or client is None:
        yield None
        return
    with admission.admit(client) as ticket:
        yield ticket
