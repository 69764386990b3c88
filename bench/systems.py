"""The systems under test, each started on loopback over one store generation and stopped after.

  immunall   `python -m server.production`: granian over the app factory (the production settings)
  oxigraph   `oxigraph serve-read-only --union-default-graph` on the same store directory
  rdflib     rdflib-endpoint (FastAPI + uvicorn) over an in-memory rdflib Dataset of the N-Quads
  virtuoso   a private virtuoso-t (own virtuoso.ini and database under .bench/, loopback ports),
             the N-Quads bulk-loaded with ld_dir/rdf_loader_run
The in-process floor (pyoxigraph in this interpreter's child) lives in bench/inprocess.py.

Each system reports how long it took to answer its first query (start) and, where it loads the
data itself, how long loading took; its peak memory is the largest sum of VmRSS over its process
tree, sampled every 100 ms from /proc while it runs.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.client import wait_until_up
from bench.virtuoso import virtuoso_ini

ROOT = Path(__file__).resolve().parents[1]
ASK = "/sparql?query=ASK%20%7B%7D"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# ---- memory ------------------------------------------------------------------------------------------

def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="latin-1") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        tree.setdefault(int(fields[1]), []).append(int(entry))
    return tree


def tree_pids(root: int) -> list[int]:
    tree = _children()
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += tree.get(pid, [])
    return out


def rss_kb(pid: int, key: str = "VmRSS") -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="latin-1") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class MemorySampler:
    """Peak of the summed RSS of a process tree, sampled in a thread."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.pid = pid
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            total = sum(rss_kb(pid) for pid in tree_pids(self.pid))
            self.peak_kb = max(self.peak_kb, total)
            self._stop.wait(0.1)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join(timeout=2)
        return self.peak_kb


# ---- systems ------------------------------------------------------------------------------------------

@dataclass
class Running:
    """A started system: where its endpoint is and what starting it cost."""

    name: str
    base: str  # http://127.0.0.1:port
    sparql: str  # path of the SPARQL endpoint
    process: subprocess.Popen | None
    start_s: float
    load_s: float | None = None
    note: str = ""
    sampler: MemorySampler | None = None
    workdir: Path | None = None
    extra: dict = field(default_factory=dict)

    def peak_mb(self) -> float | None:
        return self.sampler.peak_kb / 1024 if self.sampler else None

    def stop(self) -> float | None:
        peak = self.sampler.stop() / 1024 if self.sampler else None
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        return peak


class Unavailable(Exception):
    """The system cannot run here (not installed, or the graph is too large for it)."""


def _spawn(command: list[str], log: Path, env: dict | None = None, cwd: Path = ROOT) -> subprocess.Popen:
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        return subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)


def _started(name: str, process: subprocess.Popen, base: str, sparql: str, ready: str, deadline: float,
             log: Path, **kwargs) -> Running:
    sampler = MemorySampler(process.pid)
    started = time.perf_counter()
    try:
        wait_until_up(base, ready, deadline, alive=lambda: process.poll() is None)
    except (TimeoutError, RuntimeError) as error:
        sampler.stop()
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        raise Unavailable(f"{name} did not start: {error}\n{tail}") from error
    return Running(name, base, sparql, process, time.perf_counter() - started, sampler=sampler, **kwargs)


def start_immunall(generation: Path, workdir: Path, env_extra: dict | None = None) -> Running:
    port = free_port()
    # The load generator is one client: the per-client limits (server/admission.py) would answer most
    # of its concurrent requests 429, so they are off here, as the peers have none.
    env = dict(os.environ, IMMUNALL_STORE_PATH=str(generation), IMMUNALL_BIND=f"127.0.0.1:{port}",
               IMMUNALL_CLIENT_QUERIES="0", IMMUNALL_CLIENT_QUERY_SECONDS="0",
               PYTHONPATH=str(ROOT), **(env_extra or {}))
    log = workdir / "immunall.log"
    command = [sys.executable, "-m", "server.production"]
    process = _spawn(command, log, env)
    base = f"http://127.0.0.1:{port}"
    running = _started("immunall", process, base, "/sparql", ASK, 120, log, workdir=workdir)
    return running


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.exists() else shutil.which("oxigraph")


def start_oxigraph(generation: Path, workdir: Path) -> Running:
    binary = oxigraph_binary()
    if binary is None:
        raise Unavailable("not installed (pip install oxigraph ships the `oxigraph` binary)")
    port = free_port()
    log = workdir / "oxigraph.log"
    process = _spawn([binary, "serve-read-only", "--location", str(generation / "oxigraph"),
                      "--bind", f"127.0.0.1:{port}", "--union-default-graph"], log)
    return _started("oxigraph", process, f"http://127.0.0.1:{port}", "/query",
                    "/query?query=ASK%20%7B%7D", 60, log, workdir=workdir)


RDFLIB_MAX_TRIPLES = 1_200_000


def start_rdflib(generation: Path, workdir: Path, triples: int) -> Running:
    try:
        import rdflib_endpoint  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as error:
        raise Unavailable("not installed (pip install rdflib-endpoint uvicorn)") from error
    if triples > RDFLIB_MAX_TRIPLES:
        raise Unavailable(f"not run: rdflib-endpoint parses the whole graph into Python memory (about 2 KB and "
                          f"0.2 ms per triple here), beyond {RDFLIB_MAX_TRIPLES:,} triples it takes longer "
                          "than the rest of the run")
    port = free_port()
    log = workdir / "rdflib.log"
    process = _spawn([sys.executable, "-m", "rdflib_endpoint", "serve", "--host", "127.0.0.1", "--port",
                      str(port), str(generation / "immunall.nq")], log)
    running = _started("rdflib", process, f"http://127.0.0.1:{port}", "/", "/?query=ASK%20%7B%7D",
                       3600, log, workdir=workdir)
    running.load_s, running.start_s = running.start_s, running.start_s
    running.note = "start includes parsing the N-Quads into memory"
    return running


def start_virtuoso(generation: Path, workdir: Path, triples: int, cache: Path) -> Running:
    binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt") or shutil.which("isql-v")
    if binary is None or isql is None:
        raise Unavailable("not installed (apt-get install virtuoso-opensource)")
    folder = cache / "virtuoso" / generation.name
    loaded = (folder / "loaded").is_file()
    if not loaded:
        shutil.rmtree(folder, ignore_errors=True)
    (folder / "www").mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    buffers = 40_000 if triples < 2_000_000 else 400_000  # 8 KB pages: 330 MB / 3.3 GB
    (folder / "virtuoso.ini").write_text(virtuoso_ini(
        folder, generation, sql_port, http_port, buffers=buffers, threads=8, max_seconds=120,
        max_query_mem="2G"), encoding="utf-8")
    log = folder / "stdout.log"
    process = _spawn([binary, "-f", "-c", str(folder / "virtuoso.ini")], log, cwd=folder)
    base = f"http://127.0.0.1:{http_port}"
    running = _started("virtuoso", process, base, "/sparql", "/sparql?query=ASK%20%7B%7D", 300, log,
                       workdir=folder)
    if not loaded:
        started = time.perf_counter()
        statements = (f"ld_dir('{generation}', 'immunall.nq', 'https://w3id.org/immunall/graph/unnamed'); "
                      "rdf_loader_run(); checkpoint;")
        done = subprocess.run([isql, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={statements}"],
                              capture_output=True, text=True, timeout=7200, check=False)
        output = done.stdout + done.stderr
        if done.returncode != 0 or "*** Error" in output:
            running.stop()
            raise Unavailable(f"loading failed: {output[-1000:]}")
        running.load_s = time.perf_counter() - started
        (folder / "loaded").write_text(f"{running.load_s:.1f}\n", encoding="utf-8")
    else:
        running.load_s = float((folder / "loaded").read_text().strip() or 0)
        running.note = "database loaded by an earlier run"
    return running
