"""Sustained load on loopback: the production server (server/production.py) over a built store, driven by wrk
with a mixed workload, checked for zero errors and a p99 latency budget.

    python -m tests.load                      # 16 connections for 60 s over dist/current
    python -m tests.load --seconds 10 --store /path/to/generation --json

The workload cycles through cheap SPARQL look-ups, a competency question
(questions/03-eliana-outcomes.rq), an agent page, a trial page, search HTML and
the autocomplete's JSON. Every URL is fetched once first (warm caches, as a running service has).
Exit status 0 when there was no error (non-2xx, socket error, timeout) and p99 <= the budget.
tests/test_load.py runs a 10-second version in the suite; docs/load.md has the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import requests

from tests.net import free_port

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "questions" / "03-eliana-outcomes.rq"
CHEAP = [
    "ASK { <https://w3id.org/immunall/agent/blinatumomab> ?p ?o }",
    "SELECT ?label WHERE { <https://w3id.org/immunall/trial/NCT02435849> "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?label }",
]
PAGES = ["/agent/tisagenlecleucel", "/trial/NCT02435849", "/search?q=CTL019", "/search.json?q=cd&limit=8"]
BUDGET_MS = 1000.0

LUA = r"""
local paths = { %(paths)s }
local counter = 0
local threads = {}
errors = 0

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  counter = math.random(1, #paths)
end

function request()
  counter = counter %% #paths + 1
  return wrk.format("GET", paths[counter], { ["Accept-Encoding"] = "gzip" })
end

function response(status, headers, body)
  if status ~= 200 then
    errors = errors + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("errors")
  end
  io.write(string.format("RESULT requests=%%d non200=%%d connect=%%d read=%%d write=%%d timeout=%%d status=%%d "
    .. "p50=%%.3f p90=%%.3f p99=%%.3f max=%%.3f mean=%%.3f\n",
    summary.requests, bad, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout, summary.errors.status, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000))
end
"""


def workload() -> list[str]:
    queries = [*CHEAP, EXAMPLE.read_text(encoding="utf-8")]
    sparql = [f"/sparql?query={quote(q, safe='')}" for q in queries]
    # Cheap look-ups are the bulk of an endpoint's traffic: twice each per round.
    return sparql[:2] * 2 + sparql[2:] + PAGES



def start_server(store: Path, port: int) -> subprocess.Popen[bytes]:
    # wrk is one client with 16 connections: the per-client limits (server/admission.py) would answer
    # most of its requests 429, so they are off for this test of sustained load
    env = dict(os.environ, IMMUNALL_STORE_PATH=str(store), IMMUNALL_BIND=f"127.0.0.1:{port}",
               IMMUNALL_CLIENT_QUERIES="0", IMMUNALL_CLIENT_QUERY_SECONDS="0")
    process = subprocess.Popen([sys.executable, "-m", "server.production"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(f"{url}/sparql", params={"query": "ASK {}"}, timeout=5).status_code == 200:
                return process
        except requests.RequestException:
            pass
        if process.poll() is not None:
            raise RuntimeError(f"the server exited: {process.stderr.read().decode()[-2000:]}")
        if time.monotonic() > deadline:
            stop(process)
            raise RuntimeError("the server did not answer within 60 s")
        time.sleep(0.2)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def warm(base: str, paths: list[str], rounds: int = 8) -> None:
    """Each URL several times over fresh connections from parallel clients, so that every web
    worker (each has its own page cache) has served it once, as in a running service."""
    def fetch(path: str) -> None:
        response = requests.get(base + path, timeout=60, headers={"Connection": "close"})
        if response.status_code != 200:
            raise RuntimeError(f"warm-up: {path} answered {response.status_code}: {response.text[:200]}")

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(fetch, [path for _ in range(rounds) for path in paths]))


def run(store: Path, seconds: int, connections: int, threads: int = 2, budget_ms: float = BUDGET_MS) -> dict:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError("wrk is not installed (Debian package `wrk`)")
    port = free_port()
    process = start_server(store, port)
    try:
        base = f"http://127.0.0.1:{port}"
        paths = workload()
        warm(base, paths)
        with tempfile.TemporaryDirectory() as tmp:
            script = Path(tmp) / "mixed.lua"
            script.write_text(LUA % {"paths": ", ".join(json.dumps(p) for p in paths)}, encoding="utf-8")
            command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency",
                       "-s", str(script), base]
            done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
            if done.returncode != 0:
                raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr}{done.stdout}")
            output = done.stdout
    finally:
        stop(process)
    match = re.search(r"^RESULT (.*)$", output, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"no result line from wrk:\n{output}")
    figures = {key: float(value) for key, value in (pair.split("=") for pair in match.group(1).split())}
    errors = sum(int(figures[k]) for k in ("non200", "connect", "read", "write", "timeout", "status"))
    return {
        "command": " ".join(command[:-3] + ["<mixed.lua>", "http://127.0.0.1:<port>"]),
        "connections": connections, "seconds": seconds, "requests": int(figures["requests"]),
        "requests_per_second": round(figures["requests"] / seconds, 1), "errors": errors,
        "latency_ms": {k: figures[k] for k in ("p50", "p90", "p99", "max", "mean")},
        "budget_p99_ms": budget_ms, "ok": errors == 0 and figures["p99"] <= budget_ms,
        "workload": paths, "wrk": output,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=ROOT / "dist" / "current", help="store generation to serve")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--budget-ms", type=float, default=BUDGET_MS, help="p99 latency budget")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    result = run(args.store, args.seconds, args.connections, budget_ms=args.budget_ms)
    if args.json:
        print(json.dumps({k: v for k, v in result.items() if k != "wrk"}, indent=2))
    else:
        print(result["wrk"])
        lat = result["latency_ms"]
        print(f"{result['requests']} requests in {result['seconds']} s ({result['requests_per_second']}/s) at "
              f"{result['connections']} connections, {result['errors']} errors; latency ms p50 {lat['p50']:.1f} "
              f"p90 {lat['p90']:.1f} p99 {lat['p99']:.1f} max {lat['max']:.1f} (budget p99 {result['budget_p99_ms']})")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
