"""A response cache in front of the whole app: repeated identical GET/HEAD requests (SPARQL queries,
entity pages, search) are answered from memory, without Flask, the query pool or the engine.

The store is read-only and versioned, so an answer never changes while the same store generation
is served: the key is that generation (the inode and build.json of the directory STORE_PATH
resolves to, two stat calls per request, so a rebuild that switches `current` is seen at once)
plus everything the response depends on: the raw query string (query, dataset parameters,
format), Accept, Accept-Encoding, and the URL the endpoint is reached at (relative IRIs resolve
against it; pages link to it). What is stored is the app's own finished response (status 200, every header, the
body as sent, gzip included), so a hit is byte-for-byte what the app would answer again. Only
successful, publicly cacheable answers are kept, up to RESPONSE_CACHE_MB per web worker (least
recently used first out) and an eighth of that per answer. Conditional requests (If-None-Match,
If-Modified-Since), the service description (`/sparql` without a query), downloads and static
files go to the app, as do all requests when the backend is an external endpoint (it has no
version).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

Headers = list[tuple[str, str]]
Entry = tuple[str, Headers, bytes]
StartResponse = Callable[..., Any]

SKIP = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_RANGE", "HTTP_CACHE_CONTROL")
NOT_CACHED = ("/static/", "/downloads")


class ResponseCache:
    """A byte-bounded, thread-safe LRU of finished responses."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.max_entry = max(1, max_bytes // 8)
        self._data: OrderedDict[tuple, Entry] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple) -> Entry | None:
        with self._lock:
            entry = self._data.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._data.move_to_end(key)
            self.hits += 1
            return entry

    def put(self, key: tuple, entry: Entry) -> None:
        size = len(entry[2]) + sum(len(k) + len(v) for k, v in entry[1]) + 200
        if size > self.max_entry:
            return
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self._size -= len(old[2])
            self._data[key] = entry
            self._size += size
            while self._size > self.max_bytes and self._data:
                _, dropped = self._data.popitem(last=False)
                self._size -= len(dropped[2]) + sum(len(k) + len(v) for k, v in dropped[1]) + 200

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._size = 0

    def __len__(self) -> int:
        return len(self._data)


def _version(store: str) -> tuple[int, int, int] | None:
    """Which generation STORE_PATH is now: its directory's inode and build.json's mtime."""
    try:
        directory = os.stat(store)
        manifest = os.stat(os.path.join(store, "build.json"))
    except OSError:
        return None
    return (directory.st_dev, directory.st_ino, manifest.st_mtime_ns)


class CachedResponses:
    """WSGI middleware: a GET/HEAD answered from `cache` when the same request was answered before."""

    def __init__(self, app: Callable[[dict, StartResponse], Iterable[bytes]], store: Path,
                 cache: ResponseCache) -> None:
        self.app = app
        self.store = str(store)
        self.cache = cache

    def _key(self, environ: dict) -> tuple | None:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return None
        path = environ.get("PATH_INFO", "")
        query_string = environ.get("QUERY_STRING", "")
        if path.startswith(NOT_CACHED) or any(name in environ for name in SKIP):
            return None
        if path == "/sparql" and "query=" not in query_string:
            return None  # the service description: its counts are cached by the app already
        version = _version(self.store)
        if version is None:
            return None
        return (version, path, query_string, environ.get("HTTP_ACCEPT", ""), environ.get("HTTP_ACCEPT_ENCODING", ""),
                environ.get("HTTP_HOST", ""), environ.get("SERVER_NAME", ""), environ.get("SERVER_PORT", ""),
                environ.get("SCRIPT_NAME", ""), environ.get("wsgi.url_scheme", ""))

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        key = self._key(environ)
        if key is None:
            return self.app(environ, start_response)
        head = environ["REQUEST_METHOD"] == "HEAD"
        hit = self.cache.get(key)
        if hit is not None:
            status, headers, body = hit
            start_response(status, list(headers))
            return [] if head else [body]
        captured: dict[str, Any] = {}

        def capture(status: str, headers: Headers, exc_info: Any = None) -> Callable[[bytes], Any]:
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        chunks = self.app(environ, capture)
        try:
            body = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        status, headers = captured.get("status", ""), captured.get("headers", [])
        if not head and status.startswith("200") and _public(headers) and _version(self.store) == key[0]:
            self.cache.put(key, (status, list(headers), body))
        return [body]


def _public(headers: Headers) -> bool:
    return any(name.lower() == "cache-control" and value.startswith("public") for name, value in headers)
