"""Process helpers: the production server as a child, and the process tree, for the tests that check
what runs and that nothing is left behind."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import requests


def descendants(pid: int) -> set[int]:
    """Every live (not zombie) descendant of `pid`, read from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z":
                parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


ROOT = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def production_server(store: Path, **env: str) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """`python -m server.production` over `store` on a free loopback port (IMMUNALL_* settings in
    `env`); yields the process and its /sparql URL, and never leaves it behind."""
    from tests.net import free_port

    port = free_port()
    environment = dict(os.environ, IMMUNALL_STORE_PATH=str(store), IMMUNALL_BIND=f"127.0.0.1:{port}", **env)
    process = subprocess.Popen([sys.executable, "-m", "server.production"], cwd=ROOT, env=environment,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/sparql"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(url, params={"query": "ASK {}"}, timeout=5)
                break
            except (requests.ConnectionError, requests.Timeout):
                if process.poll() is not None:
                    assert process.stderr is not None
                    raise RuntimeError(process.stderr.read().decode()) from None
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield process, url
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
