"""The WSGI app under granian's RSGI interface, which says when a client hangs up.

WSGI gives an application no way to learn that its client has gone, so a query whose client
disconnected would run on to its time limit. granian's RSGI protocol has `client_disconnect()`:
this gateway reads the request, runs the Flask app in one of its request threads, and waits for
whichever comes first, the answer or the hang-up. On a hang-up it sets the request's
`immunall.client_gone` flag (server/admission.py), and the query pool stops that client's query
(server/pool.py). Answers that are lists are sent whole; iterables (downloads) are streamed.
"""

from __future__ import annotations

import asyncio
import io
import sys
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from server.admission import GONE

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


class Gateway:
    """An RSGI application that runs `app` (WSGI) in `threads` request threads."""

    def __init__(self, app: Wsgi, threads: int) -> None:
        self.app = app
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
        gone = threading.Event()
        environ[GONE] = gone.is_set
        loop = asyncio.get_running_loop()
        work = loop.run_in_executor(self.executor, _call, self.app, environ)
        hangup = asyncio.ensure_future(proto.client_disconnect())
        done, _ = await asyncio.wait((work, hangup), return_when=asyncio.FIRST_COMPLETED)
        if work not in done:
            gone.set()  # the pool stops the query; the thread then finishes with nobody to answer
            work.add_done_callback(_discard)
            return
        hangup.cancel()
        status, headers, chunks = work.result()
        if isinstance(chunks, list):
            proto.response_bytes(status, headers, b"".join(chunks))
            return
        transport = proto.response_stream(status, headers)
        iterator = iter(chunks)
        while True:
            chunk = await loop.run_in_executor(self.executor, next, iterator, None)
            if chunk is None:
                return
            await transport.send_bytes(chunk)


def _discard(future: asyncio.Future) -> None:
    if not future.cancelled():
        result = future.exception() or future.result()
        chunks = result[2] if isinstance(result, tuple) else None
        close = getattr(chunks, "close", None)
        if close is not None:
            close()


def create_gateway() -> Gateway:
    """granian's factory: the app as configured by the environment, behind the gateway."""
    from server import config, create_app

    return Gateway(create_app(), int(config.load()["WEB_THREADS"]))
