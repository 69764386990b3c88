"""docs/benchmarks.md from one run's results (the raw figures stay in .bench/results.json)."""

from __future__ import annotations

import time
from collections.abc import Iterable

PEERS = ("oxigraph", "rdflib", "virtuoso")
PAGE_GOALS = {"1m": 30.0, "10m": 60.0}
PAGE_KINDS = ("trial page", "entity page", "search page", "autocomplete")


def _ms(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _summary(system: dict | None, group: str, name: str) -> dict | None:
    if not system or system.get("status") != "ok":
        return None
    entry = system.get(group, {}).get(name)
    return entry.get("summary") if entry else None


def _cell(summary: dict | None, floor: dict | None, error: str | None = None) -> str:
    if summary is None:
        return "error" if error else "—"
    text = f"{_ms(summary['median'])} / {_ms(summary['p95'])}"
    if floor and floor["median"] > 0:
        text += f" (×{summary['median'] / floor['median']:.1f})"
    if summary.get("errors"):
        text += f" ⚠{summary['errors']} err"
    return text


def _table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out


def _status(system: dict) -> str:
    if system["status"] == "ok":
        return "ran"
    return f"{system['status']}: {system['note']}"


def goals(results: dict) -> list[list[str]]:
    rows: list[list[str]] = []
    graphs = results["graphs"]
    real = graphs.get("real", {}).get("systems", {})
    for variant in ("uncached", "a different trial each time", "repeated"):
        floor = _summary(real.get("inprocess"), "sparql", f"lookup, cheap ({variant})")
        http = _summary(real.get("immunall"), "sparql", f"lookup, cheap ({variant})")
        if floor and http:
            gap = http["median"] - floor["median"]
            rows.append([f"cheap lookup over HTTP ({variant}) within 0.5 ms of in-process (median, real graph)",
                         f"{_ms(http['median'])} ms vs {_ms(floor['median'])} ms: +{gap:.2f} ms",
                         "met" if gap <= 0.5 else "not met"])
    for graph, limit in PAGE_GOALS.items():
        immunall = graphs.get(graph, {}).get("systems", {}).get("immunall")
        for kind in PAGE_KINDS:
            name = next((n for n in (immunall or {}).get("pages", {}) if n.startswith(kind)), None)
            summary = _summary(immunall, "pages", name) if name else None
            if summary:
                rows.append([f"{kind} p95 ≤ {limit:.0f} ms ({graph})", f"p95 {_ms(summary['p95'])} ms",
                             "met" if summary["p95"] <= limit else "not met"])
    if real.get("immunall"):
        worst = max(((n, s["summary"]["median"]) for n, s in real["immunall"].get("sparql", {}).items()
                     if n.startswith("cq") and s.get("summary")), key=lambda x: x[1], default=None)
        if worst:
            rows.append(["no competency query over 50 ms median (real graph, uncached, over HTTP)",
                         f"slowest: {worst[0]} {_ms(worst[1])} ms", "met" if worst[1] <= 50 else "not met"])
    for graph in results["graphs"]:
        systems = graphs[graph]["systems"]
        ours = systems.get("immunall", {}).get("loads", {})
        peer = systems.get("oxigraph", {}).get("loads", {})
        cached, cheap = ours.get("lookup, cheap (repeated)"), peer.get("lookup, cheap (repeated)")
        if cached and cheap:
            rows.append([f"repeated identical requests from the cache at ≥ the Oxigraph server's rate ({graph})",
                         f"{cached['rps']:,.0f} vs {cheap['rps']:,.0f} req/s (×{cached['rps'] / cheap['rps']:.2f})",
                         "met" if cached["rps"] >= cheap["rps"] else "not met"])
        uncached, peer_uncached = ours.get("lookup, cheap (uncached)"), peer.get("lookup, cheap (uncached)")
        if uncached and peer_uncached:
            ratio = uncached["rps"] / peer_uncached["rps"]
            rows.append([f"uncached cheap-query throughput ≥ half the Oxigraph server's ({graph})",
                         f"{uncached['rps']:,.0f} vs {peer_uncached['rps']:,.0f} req/s (×{ratio:.2f})",
                         "met" if ratio >= 0.5 else "not met"])
    build = results.get("build")
    if build:
        rows.append(["full build of the real graph under 20 s", f"{build['total']:.1f} s",
                     "met" if build["total"] < 20 else "not met"])
    start = real.get("immunall", {}).get("start_s")
    if start is not None:
        rows.append(["server start from a built store under 2 s (real graph)", f"{start:.2f} s",
                     "met" if start < 2 else "not met"])
    for graph in results["graphs"]:
        if graph == "real":
            continue
        start = graphs[graph]["systems"].get("immunall", {}).get("start_s")
        if start is not None:
            rows.append([f"server start under 2 s ({graph})", f"{start:.2f} s", "met" if start < 2 else "not met"])
    return rows


def markdown(results: dict) -> str:
    m = results["machine"]
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(results["started"]))
    lines = [
        "# Benchmarks",
        "",
        f"Run {when} with `{results['command']}` ({results.get('seconds', 0) / 60:.0f} min).",
        "",
        f"Machine: {m.get('cpu', '?')}, {m.get('cores', '?')} cores, {m.get('memory_gb', '?')} GB; "
        f"load average before the run {' '.join(m.get('load_before', []))} (the machine is shared: "
        "compare systems within this run, not across runs). Python {python}, pyoxigraph {ox}.".format(
            python=m.get("python", "?"), ox=m.get("pyoxigraph", "?")),
        "",
        "Latencies are median / p95 in ms over sequential requests on one keep-alive connection "
        "(bench/client.py); (×N) is the ratio of the median to the floor, the same query on pyoxigraph "
        "in-process. SPARQL requests carry a distinct comment each (`# bench N`) so no cache answers "
        "them, except the `(repeated)` rows. Page rows ask for a different entity each request (first "
        "visits). Throughput is `wrk -t2 -c8` on loopback for a bounded time. Memory is the peak of the "
        "summed RSS of the system's process tree (shared pages of the store counted once per process).",
        "",
        "## Goals",
        "",
        *_table(["goal", "reached", ""], goals(results)),
        "",
    ]
    build = results.get("build")
    if build:
        lines += ["## Build of the real graph", "",
                  *_table(["step", "seconds"], [[k, f"{v:.2f}"] for k, v in build["steps"].items()]
                          + [["total (wall)", f"{build['total']:.2f}"]]), ""]
    for name, graph in results["graphs"].items():
        systems = graph["systems"]
        lines += [f"## Graph `{name}`: {graph['triples']:,} triples", ""]
        if graph.get("prepare_s"):
            lines += ["Synthetic: " + ", ".join(f"{k} {v:.1f} s" for k, v in graph["prepare_s"].items()), ""]
        lines += _table(
            ["system", "status", "start (s)", "load (s)", "peak memory (MB)", "note"],
            ([s["name"], _status(s) if s["status"] != "ok" else "ran",
              f"{s['start_s']:.2f}" if s.get("start_s") is not None else "—",
              f"{s['load_s']:.1f}" if s.get("load_s") is not None else "—",
              f"{s['peak_mb']:,.0f}" if s.get("peak_mb") else "—", s["note"] if s["status"] == "ok" else ""]
             for s in systems.values()))
        lines.append("")
        floor_system = systems.get("inprocess")
        columns = [s for s in systems if systems[s]["status"] == "ok"]
        names = list(next((systems[s]["sparql"] for s in columns if systems[s]["sparql"]), {}))
        rows = []
        for workload in names:
            floor = _summary(floor_system, "sparql", workload)
            row = [workload]
            for system in columns:
                entry = systems[system]["sparql"].get(workload) or {}
                row.append(_cell(entry.get("summary"), floor if system != "inprocess" else None, entry.get("error")))
            rows.append(row)
        if rows:
            lines += ["### SPARQL", "", *_table(["workload", *columns], rows), ""]
        immunall = systems.get("immunall")
        if immunall and immunall.get("pages"):
            page_rows = []
            for page, entry in immunall["pages"].items():
                s = entry.get("summary")
                page_rows.append([page, _ms(s["median"]) if s else "—", _ms(s["p95"]) if s else "—",
                                  str(s["n"]) if s else "0", _ms(entry.get("first_ms")),
                                  entry.get("error") or ""])
            lines += ["### Pages (ImmunALL)", "",
                      f"First page after start (whole-graph models loaded): {_ms(immunall.get('first_page_ms'))} ms.",
                      "", *_table(["page", "median", "p95", "n", "first request", "errors"], page_rows), ""]
        load_rows = []
        for system in columns:
            for label, load in systems[system].get("loads", {}).items():
                peer = systems.get("oxigraph", {}).get("loads", {}).get(label)
                ratio = f"×{load['rps'] / peer['rps']:.2f}" if peer and system != "oxigraph" else ""
                load_rows.append([system, label, f"{load['rps']:,.0f}", _ms(load["p50_ms"]), _ms(load["p99_ms"]),
                                  str(load["errors"]), ratio])
        if load_rows:
            lines += ["### Throughput under concurrent load", "",
                      *_table(["system", "request", "req/s", "p50 ms", "p99 ms", "errors", "vs oxigraph"], load_rows),
                      ""]
    return "\n".join(lines) + "\n"
