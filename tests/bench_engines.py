"""pyoxigraph against rdflib's own SPARQL engine on the built graph: the figures behind the choice
of the embedded engine (README, "Engine").

    python -m tests.bench_engines [--nq dist/immunall.nq] [--reps 15] [--scale 1]

Both engines load the same N-Quads (pyoxigraph: an in-memory `Store`; rdflib: a `Dataset` whose
default graph is the union of the named graphs, as the endpoint's is) and answer the 36
competency questions plus a join, an aggregate and a text filter (tests/bench_queries/*.rq),
each run `--reps` times after one warm-up run, alternating engines so a noisy neighbour hits
both alike. Every solution is materialised (a lazy iterator that is never read measures
nothing). The table gives median and p95 (nearest rank) per engine and the ratio of medians
measured in the same run, and checks that both engines return the same number of rows.

`--scale K` loads K copies of the graph (every instance IRI and blank node renamed per copy;
ontology terms and graph names shared), to see how the gap grows with size.

Not a test (pytest does not collect it); timings are never asserted.
"""

from __future__ import annotations

import argparse
import math
import platform
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset

from server.examples import load_all

ROOT = Path(__file__).resolve().parents[1]
EXTRA = ROOT / "tests" / "bench_queries"
INSTANCES = "https://w3id.org/immunall/"
SHARED = (f"{INSTANCES}ontology/", f"{INSTANCES}graph/")


@dataclass(frozen=True)
class Query:
    name: str
    text: str


@dataclass(frozen=True)
class Timing:
    median_ms: float
    p95_ms: float
    rows: int | bool


def queries() -> list[Query]:
    """The competency questions, then the join, aggregate and text filter."""
    found = [Query(e.slug, e.query) for e in load_all()]
    return found + [Query(p.stem, p.read_text(encoding="utf-8")) for p in sorted(EXTRA.glob("*.rq"))]


def _rename(term: ox.NamedNode | ox.BlankNode | ox.Literal, copy: int):
    if copy == 0:
        return term
    if isinstance(term, ox.BlankNode):
        return ox.BlankNode(f"{term.value}c{copy}")
    if isinstance(term, ox.NamedNode) and term.value.startswith(INSTANCES) \
            and not term.value.startswith(SHARED):
        return ox.NamedNode(f"{term.value}-c{copy}")
    return term


def scaled(path: Path, scale: int, folder: Path) -> tuple[Path, int]:
    """The dump, or a copy `scale` times over with renamed instances; and its number of quads."""
    quads = list(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))
    if scale == 1:
        return path, len(quads)
    copies = [
        ox.Quad(_rename(q.subject, k), q.predicate, _rename(q.object, k), q.graph_name)
        for k in range(scale)
        for q in quads
    ]
    target = folder / f"{path.stem}-x{scale}.nq"
    ox.serialize(copies, str(target), format=ox.RdfFormat.N_QUADS)
    return target, len(copies)


def load_oxigraph(path: Path) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    return store


def load_rdflib(path: Path) -> Dataset:
    dataset = Dataset(default_union=True)
    dataset.parse(str(path), format="nquads")
    return dataset


def run_oxigraph(store: ox.Store, text: str) -> int | bool:
    result = store.query(text, use_default_graph_as_union=True)
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    return sum(1 for _ in result)


def run_rdflib(dataset: Dataset, text: str) -> int | bool:
    result = dataset.query(text)
    if result.type == "ASK":
        return bool(result.askAnswer)
    return sum(1 for _ in result)


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def measure(engines: dict[str, Callable[[str], int | bool]], query: Query, reps: int) -> dict[str, Timing]:
    """Warm up once, then alternate engines `reps` times."""
    rows = {name: run(query.text) for name, run in engines.items()}
    samples: dict[str, list[float]] = {name: [] for name in engines}
    for _ in range(reps):
        for name, run in engines.items():
            started = time.perf_counter()
            run(query.text)
            samples[name].append((time.perf_counter() - started) * 1000)
    return {name: Timing(statistics.median(s), p95(s), rows[name]) for name, s in samples.items()}


def _timed(call: Callable[[], object]) -> tuple[object, float]:
    started = time.perf_counter()
    value = call()
    return value, time.perf_counter() - started


def machine() -> str:
    model = platform.processor() or "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        names = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                 if line.startswith("model name")]
        model = f"{names[0]} x {len(names)}" if names else model
    return (f"{model}, Linux {platform.release()}, Python {platform.python_version()}, "
            f"pyoxigraph {version('pyoxigraph')}, rdflib {version('rdflib')}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench_engines", description=__doc__.splitlines()[0])
    parser.add_argument("--nq", type=Path, default=ROOT / "dist" / "immunall.nq")
    parser.add_argument("--reps", type=int, default=15)
    parser.add_argument("--scale", type=int, default=1)
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="bench-engines-"))
    source, count = scaled(args.nq, args.scale, folder)
    store, ox_load = _timed(lambda: load_oxigraph(source))
    dataset, rdflib_load = _timed(lambda: load_rdflib(source))
    engines = {"pyoxigraph": lambda q: run_oxigraph(store, q), "rdflib": lambda q: run_rdflib(dataset, q)}

    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {machine()}")
    print(f"{count} quads ({args.nq.name} x {args.scale}); {args.reps} runs per query after one warm-up")
    print(f"parse and load the N-Quads: pyoxigraph {ox_load * 1000:.0f} ms, rdflib {rdflib_load * 1000:.0f} ms "
          f"({rdflib_load / ox_load:.0f}x)\n")
    print("| query | rows | pyoxigraph median / p95 (ms) | rdflib median / p95 (ms) | rdflib / pyoxigraph |")
    print("|---|---:|---:|---:|---:|")
    ratios: list[float] = []
    totals = {"pyoxigraph": 0.0, "rdflib": 0.0}
    for query in queries():
        timing = measure(engines, query, args.reps)
        ox_t, rdf_t = timing["pyoxigraph"], timing["rdflib"]
        ratio = rdf_t.median_ms / ox_t.median_ms
        ratios.append(ratio)
        totals["pyoxigraph"] += ox_t.median_ms
        totals["rdflib"] += rdf_t.median_ms
        rows = str(ox_t.rows) if ox_t.rows == rdf_t.rows else f"{ox_t.rows} vs {rdf_t.rows}"
        print(f"| {query.name} | {rows} | {ox_t.median_ms:.2f} / {ox_t.p95_ms:.2f} | "
              f"{rdf_t.median_ms:.1f} / {rdf_t.p95_ms:.1f} | {ratio:.0f}x |", flush=True)
    geo = math.exp(statistics.fmean(math.log(r) for r in ratios))
    print(f"| **all {len(ratios)}, sum of medians** | | {totals['pyoxigraph']:.1f} | {totals['rdflib']:.0f} | "
          f"{totals['rdflib'] / totals['pyoxigraph']:.0f}x |")
    print(f"\nratio of medians: min {min(ratios):.0f}x, geometric mean {geo:.0f}x, max {max(ratios):.0f}x")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
