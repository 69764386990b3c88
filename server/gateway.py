"""The WSGI app under granian's RSGI interface, which says when a client hangs up.

WSGI gives an application no way to learn that its client has gone, so a query whose client
disconnected would run on to its time limit. granian's RSGI protocol has `client_disconnect()`:
this gateway reads the request and runs the Flask app in one of its request threads; the request's
`immunall.client_gone` callable (server/admission.py) asks whether the client has hung up, and the
query pool stops that client's query when it has (server/pool.py). Only a request still running
when that is first asked (the pool asks every 0.25 s) watches for the hang-up: most answers are
sent before, and pay nothing for it. A repeated GET the response cache holds
(server/fastpath.py) is answered here, on the event loop, without a request thread. Answers that
are lists are sent whole; iterables (downloads) are streamed.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from server.admission import GONE
from server.fastpath import Entry

Wsgi = Callable[[dict, Callable[..., Any]], Iterable[bytes]]
Started = tuple[int, list[tuple[str, str]], Iterable[bytes]]


def _host_port(value: str, default_port: str) -> tuple[str, str]:
    host, sep, port = value.rpartition(":")
    if not sep or "]" in port:
        return value, default_port
    return host.strip("[]"), port


def environ_of(scope: Any, body: bytes) -> dict[str, Any]:
    """A PEP 3333 environ for an RSGI scope and its body."""
    server, port = _host_port(scope.server, "80")
    client, _ = _host_port(scope.client, "")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope.method,
        "SCRIPT_NAME": "",
        "PATH_INFO": scope.path.encode("utf-8").decode("latin-1"),
        "QUERY_STRING": scope.query_string,
        "SERVER_NAME": server,
        "SERVER_PORT": port,
        "SERVER_PROTOCOL": f"HTTP/{scope.http_version}",
        "REMOTE_ADDR": client,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.scheme,
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.input_terminated": True,
    }
    for name, value in scope.headers.items():
        key = name.upper().replace("-", "_")
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            environ[key] = value
            continue
        key = "HTTP_" + key
        environ[key] = f"{environ[key]}, {value}" if key in environ else value
    return environ


def _call(app: Wsgi, environ: dict[str, Any]) -> Started:
    started: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
        started[:] = [int(status.split(" ", 1)[0]), headers]
        return lambda _data: None

    result = app(environ, start_response)
    if isinstance(result, list):
        return started[0], started[1], result
    first = next(iter(result), None)  # start_response may be called on the first iteration
    return started[0], started[1], _chain(first, result)


def _chain(first: bytes | None, rest: Iterable[bytes]) -> Iterable[bytes]:
    try:
        if first is not None:
            yield first
        yield from rest
    finally:
        close = getattr(rest, "close", None)
        if close is not None:
            close()


class HangUp:
    """Whether a request's client has gone; the watch on its connection starts when first asked."""

    def __init__(self, loop: asyncio.AbstractEventLoop, proto: Any) -> None:
        self._loop = loop
        self._proto = proto
        self._asked = False
        self._watch: asyncio.Future | None = None
        self.closed = False

    def __call__(self) -> bool:
        """Asked from request threads and the deadline watcher."""
        if not self._asked:
            self._asked = True
            self._loop.call_soon_threadsafe(self._start)
            return False
        watch = self._watch
        return watch is not None and watch.done() and not watch.cancelled()

    def _start(self) -> None:
        if not self.closed:
            self._watch = asyncio.ensure_future(self._proto.client_disconnect())

    def close(self) -> bool:
        """Stop watching (on the loop, once the app has answered); whether the client had gone."""
        self.closed = True
        watch = self._watch
        if watch is None:
            return False
        left = watch.done() and not watch.cancelled()
        watch.cancel()
        return left


class Gateway:
    """An RSGI application that runs `app` (WSGI) in `threads` request threads."""

    def __init__(self, app: Wsgi, threads: int, cached: Callable[[dict], Entry | None] | None = None) -> None:
        self.app = app
        self.cached = cached
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="request")

    def __rsgi_init__(self, loop: asyncio.AbstractEventLoop) -> None:
        return None

    def __rsgi_del__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)

    async def __rsgi__(self, scope: Any, proto: Any) -> None:
        if scope.proto != "http":
            return
        body = await proto()
        environ = environ_of(scope, body)
        hit = self.cached(environ) if self.cached is not None else None
        if hit is not None:
            proto.response_bytes(int(hit[0][:3]), hit[1], b"" if scope.method == "HEAD" else hit[2])
            return
        loop = asyncio.get_running_loop()
        gone = HangUp(loop, proto)
        environ[GONE] = gone
        try:
            status, headers, chunks = await loop.run_in_executor(self.executor, _call, self.app, environ)
        finally:
            left = gone.close()
        if left:
            _close(chunks)  # the pool stopped the query; nobody is there to answer
            return
        if isinstance(chunks, list):
            with contextlib.suppress(Exception):  # a client gone since: nothing to tell it
                proto.response_bytes(status, headers, b"".join(chunks))
            return
        transport = proto.response_stream(status, headers)
        iterator = iter(chunks)
        try:
            while True:
                chunk = await loop.run_in_executor(self.executor, next, iterator, None)
                if chunk is None:
                    return
                await transport.send_bytes(chunk)
        finally:
            _close(chunks)


def _close(chunks: Iterable[bytes]) -> None:
    close = getattr(chunks, "close", None)
    if close is not None:
        close()


def create_gateway() -> Gateway:
    """granian's factory: the app as configured by the environment, behind the gateway."""
    from server import config, create_app
    from server.fastpath import CachedResponses

    app = create_app()
    front = app.wsgi_app
    cached = front.lookup if isinstance(front, CachedResponses) else None
    return Gateway(app, int(config.load()["WEB_THREADS"]), cached)
