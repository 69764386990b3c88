"""A lean HTTP/1.1 keep-alive client for latency figures.

`requests` spends 0.5-1 ms of Python per call, more than a cached answer costs the server, so
it would hide the differences being measured. This client sends a prepared request line and
headers over one socket and reads Content-Length or chunked bodies; every system is measured
with it, so its own cost (~50 us) is the same for all of them.
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass
from urllib.parse import quote, urlsplit


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


class HTTPError(Exception):
    pass


class Client:
    """One persistent connection to `base` (http://host:port); reconnects when the server closes."""

    def __init__(self, base: str, timeout: float = 60.0) -> None:
        parts = urlsplit(base)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.timeout = timeout
        self.sock: socket.socket | None = None
        self.buffer = b""

    def _connect(self) -> socket.socket:
        sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""
        return sock

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def get(self, target: str, headers: dict[str, str] | None = None) -> Response:
        return self.request("GET", target, headers)

    def request(self, method: str, target: str, headers: dict[str, str] | None = None,
                body: bytes = b"") -> Response:
        lines = [f"{method} {target} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        for attempt in range(2):
            if self.sock is None:
                self.sock = self._connect()
            try:
                self.sock.sendall(raw)
                return self._read(method)
            except (ConnectionError, HTTPError):
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def _fill(self) -> None:
        assert self.sock is not None
        chunk = self.sock.recv(262144)
        if not chunk:
            raise ConnectionResetError("server closed the connection")
        self.buffer += chunk

    def _line(self) -> bytes:
        while b"\r\n" not in self.buffer:
            self._fill()
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line

    def _exact(self, size: int) -> bytes:
        while len(self.buffer) < size:
            self._fill()
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def _read(self, method: str) -> Response:
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        try:
            status = int(status_line.split(" ", 2)[1])
        except (IndexError, ValueError) as error:
            raise HTTPError(f"bad status line {status_line!r}") from error
        headers: dict[str, str] = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if method == "HEAD" or status in (204, 304):
            body = b""
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int(self._line().split(b";")[0], 16)
                if size == 0:
                    while self._line():
                        pass
                    break
                parts.append(self._exact(size))
                self._exact(2)
            body = b"".join(parts)
        elif "content-length" in headers:
            body = self._exact(int(headers["content-length"]))
        else:  # read to close
            try:
                while True:
                    self._fill()
            except ConnectionResetError:
                pass
            body, self.buffer = self.buffer, b""
            self.close()
        if headers.get("connection", "").lower() == "close":
            self.close()
        return Response(status, headers, body)


def query_target(path: str, query: str, **params: str) -> str:
    """`path?query=...` with the query percent-encoded."""
    extra = "".join(f"&{name}={quote(value, safe='')}" for name, value in params.items())
    return f"{path}?query={quote(query, safe='')}{extra}"


def wait_until_up(base: str, target: str, deadline_s: float, alive=lambda: True,
                  headers: dict[str, str] | None = None) -> float:
    """Seconds until `base+target` answers 200 (raises TimeoutError past the deadline)."""
    started = time.perf_counter()
    while time.perf_counter() - started < deadline_s:
        if not alive():
            raise RuntimeError("the server process ended before it answered")
        client = Client(base, timeout=5)
        try:
            if client.get(target, headers).status == 200:
                return time.perf_counter() - started
        except (OSError, HTTPError):
            pass
        finally:
            client.close()
        time.sleep(0.05)
    raise TimeoutError(f"{base}{target} did not answer 200 within {deadline_s:.0f} s")
