"""The floor: the same queries on pyoxigraph in-process, serialized as the endpoint would.

Run as a child (`python -m bench.inprocess GENERATION` with the workloads as JSON on stdin) so its
peak memory is its own; prints one JSON object: per workload the latencies in ms, plus the time to
open the store and the peak RSS (VmHWM).
"""

from __future__ import annotations

import json
import sys
import time

import pyoxigraph as ox

from bench.stats import Budget
from bench.workloads import Sparql


def run_query(store: ox.Store, text: str) -> int:
    result = store.query(text, use_default_graph_as_union=True)
    if isinstance(result, ox.QuerySolutions | ox.QueryBoolean):
        body = result.serialize(format=ox.QueryResultsFormat.JSON)
    else:
        body = ox.serialize(result, format=ox.RdfFormat.TURTLE)
    return len(body or b"")


def main(argv: list[str]) -> None:
    spec = json.load(sys.stdin)
    started = time.perf_counter()
    store = ox.Store.read_only(f"{argv[0]}/oxigraph")
    open_s = time.perf_counter() - started
    out: dict = {"open_s": open_s, "workloads": {}}
    for workload in spec["workloads"]:
        budget = Budget(spec["rounds"], spec["seconds"])
        samples, errors, counter = [], 0, 0
        began = time.perf_counter()
        try:  # warm-up; a query slower than a third of the budget is measured by it alone
            run_query(store, Sparql(workload["name"], workload["query"], unique=False,
                                    subjects=tuple(workload.get("subjects", ()))).text(0))
        except (SyntaxError, OSError, ValueError, RuntimeError):
            errors += 1
        took = (time.perf_counter() - began) * 1000
        slow = took > spec["seconds"] * 1000 / 3
        if slow:
            samples.append(took)
        while not slow and budget.more(len(samples)):
            counter += 1
            text = Sparql(workload["name"], workload["query"], unique=workload["unique"],
                          subjects=tuple(workload.get("subjects", ()))).text(counter)
            began = time.perf_counter()
            try:
                run_query(store, text)
            except (SyntaxError, OSError, ValueError, RuntimeError):
                errors += 1
            samples.append((time.perf_counter() - began) * 1000)
        out["workloads"][workload["name"]] = {"ms": samples, "errors": errors}
    with open("/proc/self/status", encoding="latin-1") as status:
        out["peak_mb"] = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
