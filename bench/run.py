"""`immunall bench`: every system on every graph in one run, then docs/benchmarks.md.

    immunall bench                                   # real, 1m and 10m graphs, every system
    immunall bench --quick                           # real + 100k, fewer rounds, short load
    immunall bench --graphs real,1m --systems immunall,oxigraph
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench import report, synth, systems, workloads
from bench.stats import Summary

ROOT = Path(__file__).resolve().parents[1]
GRAPHS = ("real", "100k", "1m", "10m")
SYSTEMS = ("inprocess", "immunall", "oxigraph", "rdflib", "virtuoso")


@dataclass
class SystemRun:
    name: str
    status: str = "ok"  # ok | unavailable | failed
    note: str = ""
    start_s: float | None = None
    load_s: float | None = None
    peak_mb: float | None = None
    sparql: dict[str, dict] = field(default_factory=dict)  # name -> {summary, error}
    pages: dict[str, dict] = field(default_factory=dict)
    loads: dict[str, dict] = field(default_factory=dict)
    first_page_ms: float | None = None


@dataclass
class GraphRun:
    name: str
    triples: int
    generation: str
    prepare_s: dict[str, float] = field(default_factory=dict)
    systems: dict[str, SystemRun] = field(default_factory=dict)


@dataclass
class Options:
    graphs: list[str]
    systems: list[str]
    rounds: int
    seconds: float
    page_sample: int
    load_seconds: int
    connections: int
    build: bool
    system_minutes: float
    out: Path
    cache: Path
    seed: int


def _progress(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


# ---- graphs --------------------------------------------------------------------------------------

def real_generation(progress=_progress) -> Path:
    from kg.load import current_generation
    from kg.settings import get_settings

    settings = get_settings()
    generation = current_generation(settings.dist)
    if generation is None:
        progress("no built store: running the build first")
        from kg.pipeline import run

        run(settings, load=True, progress=progress)
        generation = current_generation(settings.dist)
    assert generation is not None
    return generation


def time_build(progress=_progress) -> dict:
    """The real build, step by step, into a throw-away dist (the live one is not touched)."""
    from kg.pipeline import run
    from kg.settings import get_settings

    with tempfile.TemporaryDirectory(prefix="immunall-bench-build-") as dist:
        settings = dataclasses.replace(get_settings(), dist=Path(dist))
        started = time.perf_counter()
        outcome = run(settings, load=True, progress=lambda m: progress(f"build: {m}"))
        total = time.perf_counter() - started
    steps = {name: round(seconds, 2) for name, seconds in outcome.timings.items()}
    return {"steps": steps, "total": round(total, 2)}


def prepare(name: str, options: Options, real: Path) -> tuple[Path, int, dict[str, float]]:
    if name == "real":
        info = json.loads((real / "build.json").read_text(encoding="utf-8"))
        return real, int(info["triples"]), {}
    built = synth.generate(real, options.cache / f"synth-{name}", synth.SIZES[name], options.seed, progress=_progress)
    return built.path.resolve(), built.triples, built.seconds


# ---- systems ------------------------------------------------------------------------------------

def _summary(result: workloads.Result) -> dict:
    return {"summary": asdict(result.summary) if result.summary else None, "error": result.error}


def run_inprocess(generation: Path, plan: list[workloads.Sparql], options: Options) -> SystemRun:
    spec = {"rounds": options.rounds, "seconds": options.seconds,
            "workloads": [{"name": w.name, "query": w.query, "unique": w.unique, "subjects": list(w.subjects)}
                          for w in plan]}
    done = subprocess.run([sys.executable, "-m", "bench.inprocess", str(generation)], input=json.dumps(spec),
                          capture_output=True, text=True, cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)),
                          timeout=7200, check=False)
    if done.returncode != 0:
        return SystemRun("inprocess", "failed", done.stderr[-1500:])
    out = json.loads(done.stdout)
    run = SystemRun("inprocess", start_s=out["open_s"], peak_mb=out["peak_mb"],
                    note="pyoxigraph Store.read_only in this process; answers serialized (JSON / Turtle)")
    for name, data in out["workloads"].items():
        summary = Summary.of(data["ms"], data["errors"])
        run.sparql[name] = {"summary": asdict(summary) if summary else None,
                            "error": f"{data['errors']} errors" if data["errors"] else None}
    return run


def _start(name: str, generation: Path, triples: int, workdir: Path, options: Options) -> systems.Running:
    if name == "immunall":
        return systems.start_immunall(generation, workdir)
    if name == "oxigraph":
        return systems.start_oxigraph(generation, workdir)
    if name == "rdflib":
        return systems.start_rdflib(generation, workdir, triples)
    if name == "virtuoso":
        return systems.start_virtuoso(generation, workdir, triples, options.cache)
    raise ValueError(name)


def run_http(name: str, generation: Path, triples: int, plan: workloads.Plan, options: Options,
             workdir: Path) -> SystemRun:
    try:
        running = _start(name, generation, triples, workdir, options)
    except systems.Unavailable as error:
        return SystemRun(name, "unavailable", str(error).splitlines()[0])
    run = SystemRun(name, start_s=running.start_s, load_s=running.load_s, note=running.note)
    try:
        if name == "immunall":
            _pages(running, plan, options, run)
        deadline = time.monotonic() + options.system_minutes * 60
        for workload in plan.sparql:
            if time.monotonic() > deadline:
                run.sparql[workload.name] = {"summary": None, "error": "not run: the system's time budget is spent"}
                continue
            result = workloads.measure_sparql(running.base, running.sparql, workload, options.rounds, options.seconds)
            run.sparql[workload.name] = _summary(result)
        _loads(running, plan, options, run)
    finally:
        run.peak_mb = running.stop()
    return run


def _pages(running: systems.Running, plan: workloads.Plan, options: Options, run: SystemRun) -> None:
    first = plan.pages[0].paths[0]
    run.first_page_ms, status = workloads.measure_first(running.base, first, "text/html")
    if status != 200:
        run.note += f" first page {first}: HTTP {status}"
    for pages in plan.pages:
        result = workloads.measure_pages(running.base, pages, len(pages.paths), options.seconds * 4)
        run.pages[pages.name] = _summary(result)
    for hub in plan.hubs:
        first_ms, _ = workloads.measure_first(running.base, hub.paths[0], hub.accept)
        result = workloads.measure_pages(running.base, hub, 5, options.seconds, repeat=True)
        entry = _summary(result)
        entry["first_ms"] = first_ms
        run.pages[hub.name] = entry


def _loads(running: systems.Running, plan: workloads.Plan, options: Options, run: SystemRun) -> None:
    if not workloads.wrk_available() or options.load_seconds <= 0:
        return
    target = workloads.query_target(running.sparql, workloads.LOOKUP)
    for label, unique in (("lookup, cheap (repeated)", False), ("lookup, cheap (uncached)", True)):
        load = workloads.run_wrk(running.base, target, workloads.JSON, unique, options.connections,
                                 options.load_seconds)
        run.loads[label] = asdict(load)
    if run.name == "immunall":
        trial = plan.pages[0].paths[0]
        load = workloads.run_wrk(running.base, trial, "text/html", False, options.connections, options.load_seconds)
        run.loads["trial page (repeated)"] = asdict(load)


# ---- the command ---------------------------------------------------------------------------------

def machine() -> dict:
    info: dict = {}
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        models = [line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")]
        info["cpu"] = models[0] if models else "unknown"
        info["cores"] = len(models) or os.cpu_count()
        mem = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
        info["memory_gb"] = round(int(mem.split()[1]) / 1024 / 1024, 1)
        info["load_before"] = Path("/proc/loadavg").read_text().split()[:3]
    except (OSError, StopIteration):
        pass
    import pyoxigraph

    info["python"] = sys.version.split()[0]
    info["pyoxigraph"] = pyoxigraph.__version__ if hasattr(pyoxigraph, "__version__") else "?"
    return info


def parse(argv: list[str]) -> Options:
    p = argparse.ArgumentParser(prog="immunall bench", description=__doc__.splitlines()[0])
    p.add_argument("--graphs", help=f"comma-separated, of {','.join(GRAPHS)} (default real,1m,10m; quick: real,100k)")
    p.add_argument("--systems", default=",".join(SYSTEMS), help=f"comma-separated, of {','.join(SYSTEMS)}")
    p.add_argument("--quick", action="store_true", help="fewer rounds, shorter load, real + 100k graphs")
    p.add_argument("--rounds", type=int, help="requests per workload (default 100; quick 30)")
    p.add_argument("--seconds", type=float, help="time budget per workload (default 3; quick 1)")
    p.add_argument("--system-minutes", type=float, default=20.0,
                   help="stop a system's SPARQL workloads after this long (default 20)")
    p.add_argument("--pages", type=int, help="entities sampled per page workload (default 100; quick 20)")
    p.add_argument("--load-seconds", type=int, help="duration of each wrk run (default 10; quick 3; 0: none)")
    p.add_argument("--connections", type=int, default=8, help="wrk connections (default 8)")
    p.add_argument("--no-build", action="store_true", help="do not time a build of the real graph")
    p.add_argument("--out", default=str(ROOT / "docs" / "benchmarks.md"), help="report file")
    p.add_argument("--cache", default=str(ROOT / ".bench"), help="synthetic graphs and databases (git-ignored)")
    p.add_argument("--seed", type=int, default=synth.DEFAULT_SEED)
    a = p.parse_args(argv)
    graphs = (a.graphs or ("real,100k" if a.quick else "real,1m,10m")).split(",")
    chosen = a.systems.split(",")
    for name in graphs:
        if name not in GRAPHS:
            p.error(f"unknown graph {name!r}; one of {', '.join(GRAPHS)}")
    for name in chosen:
        if name not in SYSTEMS:
            p.error(f"unknown system {name!r}; one of {', '.join(SYSTEMS)}")
    return Options(
        graphs=graphs, systems=chosen,
        rounds=a.rounds or (30 if a.quick else 100),
        seconds=a.seconds or (1.0 if a.quick else 3.0),
        page_sample=a.pages or (20 if a.quick else 100),
        load_seconds=a.load_seconds if a.load_seconds is not None else (3 if a.quick else 10),
        connections=a.connections, build=not a.no_build, system_minutes=a.system_minutes,
        out=Path(a.out), cache=Path(a.cache).resolve(), seed=a.seed,
    )


def main(argv: list[str]) -> int:
    options = parse(argv)
    command = "immunall bench" + ("" if not argv else " " + " ".join(shlex.quote(a) for a in argv))
    started = time.time()
    results: dict = {"command": command, "machine": machine(), "started": started, "graphs": {}, "build": None,
                     "options": {k: str(v) for k, v in asdict(options).items()}}
    if options.build:
        _progress("timing the build of the real graph")
        results["build"] = time_build()
    real = real_generation()
    options.cache.mkdir(parents=True, exist_ok=True)
    for name in options.graphs:
        generation, triples, prepare_s = prepare(name, options, real)
        _progress(f"graph {name}: {triples:,} triples at {generation}")
        graph = GraphRun(name, triples, str(generation), prepare_s)
        plan_pages, hubs = workloads.page_plan(generation, options.page_sample, options.seed % 1000)
        plan = workloads.Plan(workloads.sparql_workloads(generation), plan_pages, hubs)
        with tempfile.TemporaryDirectory(prefix="immunall-bench-") as workdir:
            for system in options.systems:
                _progress(f"graph {name}: {system}")
                if system == "inprocess":
                    graph.systems[system] = run_inprocess(generation, plan.sparql, options)
                else:
                    graph.systems[system] = run_http(system, generation, triples, plan, options, Path(workdir) / system)
                _progress(f"graph {name}: {system} {graph.systems[system].status} "
                          f"{graph.systems[system].note[:200]}")
                results["graphs"][name] = asdict(graph)
                _save(results, options)  # a long run keeps what it measured so far
        results["graphs"][name] = asdict(graph)
        _save(results, options)
    results["seconds"] = time.time() - started
    _save(results, options)
    _progress(f"wrote {options.out}")
    return 0


def _save(results: dict, options: Options) -> None:
    raw = options.cache / "results.json"
    raw.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(report.markdown(results), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
