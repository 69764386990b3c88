"""What is measured, and how.

SPARQL workloads run on every system (and in-process, the floor): each competency question
(questions/*.rq), a cheap lookup, a CONSTRUCT and a DESCRIBE. By default every
request carries a distinct trailing comment (`# bench N`), so no cache can answer it and the
figure is the engine's; the `repeated` workloads send the identical request, which is what a
response cache serves. Page workloads (ImmunALL only) ask for a different entity each request
from a seeded sample (first visits: the page's own queries run; the whole-graph models are warm),
plus the hubs (the most connected entities) separately. Concurrent load is `wrk` on loopback,
bounded in connections and seconds.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from bench.client import Client, HTTPError, query_target
from bench.stats import Budget, Summary

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "questions"
BASE = "https://w3id.org/immunall/"
IA = BASE + "ontology/"
JSON = "application/sparql-results+json"
TURTLE = "text/turtle"

LOOKUP = ("SELECT ?label WHERE { <https://w3id.org/immunall/trial/NCT02435849> "
          "<http://www.w3.org/2000/01/rdf-schema#label> ?label }")
LOOKUP_ANY = "SELECT ?label WHERE { <{subject}> <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
CONSTRUCT = ("CONSTRUCT { <https://w3id.org/immunall/trial/NCT02435849> ?p ?o } WHERE { "
             "<https://w3id.org/immunall/trial/NCT02435849> ?p ?o }")
DESCRIBE = "DESCRIBE <https://w3id.org/immunall/agent/tisagenlecleucel>"


@dataclass
class Sparql:
    name: str
    query: str
    accept: str = JSON
    unique: bool = True  # a distinct comment per request: no cache can answer
    subjects: tuple[str, ...] = ()  # IRIs put in for {subject}, one after the other: a new query each time

    def text(self, counter: int) -> str:
        if self.subjects:
            return self.query.replace("{subject}", self.subjects[counter % len(self.subjects)])
        return self.query + (f"\n# bench {counter}" if self.unique else "")


@dataclass
class Pages:
    name: str
    paths: list[str]
    accept: str = "text/html"


@dataclass
class Plan:
    sparql: list[Sparql]
    pages: list[Pages]
    hubs: list[Pages] = field(default_factory=list)


def competency() -> list[Sparql]:
    return [Sparql(f"cq {path.stem[:2]} {path.stem[3:]}", path.read_text(encoding="utf-8"))
            for path in sorted(EXAMPLES.glob("*.rq"))]


def sparql_workloads(generation: Path | None = None) -> list[Sparql]:
    """Every SPARQL workload; with `generation`, also the lookup of a different trial each time."""
    varied = []
    if generation is not None:
        store = ox.Store.read_only(str(generation / "oxigraph"))
        trials = [t for t in _members(store, "ClinicalStudy", 2000) if "/trial/" in t and "#" not in t]
        del store
        varied = [Sparql("lookup, cheap (a different trial each time)", LOOKUP_ANY,
                         subjects=tuple(random.Random(11).sample(trials, len(trials))))]
    return [
        Sparql("lookup, cheap (uncached)", LOOKUP),
        *varied,
        Sparql("lookup, cheap (repeated)", LOOKUP, unique=False),
        Sparql("CONSTRUCT, one trial (Turtle)", CONSTRUCT, TURTLE),
        Sparql("DESCRIBE, one agent (Turtle)", DESCRIBE, TURTLE),
        *competency(),
    ]


def _members(store: ox.Store, cls: str, limit: int = 200_000) -> list[str]:
    rows = store.query(f"SELECT DISTINCT ?s WHERE {{ ?s a <{IA}{cls}> FILTER(STRSTARTS(STR(?s), \"{BASE}\")) }} "
                       f"LIMIT {limit}", use_default_graph_as_union=True)
    return sorted(row[0].value for row in rows)


def _path(iri: str) -> str:
    return "/" + quote(iri[len(BASE):], safe="/#-._~:")


def _names(store: ox.Store, iris: list[str]) -> list[str]:
    values = " ".join(f"<{i}>" for i in iris)
    query = f"SELECT ?l WHERE {{ VALUES ?s {{ {values} }} ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }}"
    rows = store.query(query, use_default_graph_as_union=True)
    return [row[0].value for row in rows]


def page_plan(generation: Path, count: int, seed: int = 7) -> tuple[list[Pages], list[Pages]]:
    """Seeded samples of trial, entity and search requests, and the hub pages."""
    rng = random.Random(seed)
    store = ox.Store.read_only(str(generation / "oxigraph"))
    trials = [t for t in _members(store, "ClinicalStudy") if "/trial/" in t and "#" not in t]
    kinds = ("TherapeuticAgent", "Antigen", "AdverseEvent", "OutcomeResult", "AdverseEventObservation",
             "Passage", "Publication")
    pools = {kind: _members(store, kind) for kind in kinds}
    entities = [rng.choice(pools[kinds[n % len(kinds)]]) for n in range(count) if pools[kinds[n % len(kinds)]]]
    trial_sample = rng.sample(trials, min(count, len(trials)))
    labels = _names(store, rng.sample(trials, min(count, len(trials))) +
                    [rng.choice(pools["TherapeuticAgent"]) for _ in range(count)])
    words = [w for label in labels for w in re.findall(r"[A-Za-z][A-Za-z0-9-]{2,}", label)]
    rng.shuffle(words)
    searches = [f"/search?q={quote(w)}" for w in words[:count]]
    autocomplete = [f"/search.json?q={quote(w[:rng.randint(2, 4)].lower())}&limit=8" for w in words[count:2 * count]]
    pages = [
        Pages("trial page", [_path(t) for t in trial_sample]),
        Pages("entity page (agents, antigens, events, figures, passages, publications)",
              [_path(e) for e in entities]),
        Pages("search page", searches),
        Pages("autocomplete (search.json)", autocomplete, "application/json"),
    ]
    hubs = [
        Pages("hub: antigen CD19", ["/antigen/CD19"]),
        Pages("hub: agent tisagenlecleucel", ["/agent/tisagenlecleucel"]),
        Pages("hub: adverse event CRS", ["/adverse-event/CRS"]),
        Pages("home page", ["/"]),
    ]
    del store
    return pages, hubs


# ---- measuring over HTTP ---------------------------------------------------------------------------

@dataclass
class Result:
    summary: Summary | None
    error: str | None = None


REQUEST_TIMEOUT = 60.0


def measure_sparql(base: str, path: str, workload: Sparql, rounds: int, seconds: float) -> Result:
    """Sequential requests after one warm-up; a query slower than the budget is measured once."""
    client = Client(base, timeout=REQUEST_TIMEOUT)
    headers = {"Accept": workload.accept}
    samples: list[float] = []
    errors = 0
    counter = 1
    first_error = None
    try:
        began = time.perf_counter()
        response = client.get(query_target(path, workload.text(counter)), headers)
        took = (time.perf_counter() - began) * 1000
        if response.status != 200:
            return Result(Summary.of([took], 1), f"HTTP {response.status}: {response.body[:200]!r}")
        if took > seconds * 1000 / 3:  # slow: the warm-up is the measurement
            return Result(Summary.of([took]))
        budget = Budget(rounds, seconds)
        while budget.more(len(samples)):
            counter += 1
            target = query_target(path, workload.text(counter))
            began = time.perf_counter()
            response = client.get(target, headers)
            samples.append((time.perf_counter() - began) * 1000)
            if response.status != 200:
                errors += 1
                first_error = first_error or f"HTTP {response.status}: {response.body[:200]!r}"
    except (OSError, HTTPError) as error:
        return Result(Summary.of(samples, errors + 1), f"{type(error).__name__}: {error}")
    finally:
        client.close()
    return Result(Summary.of(samples, errors), first_error)


def measure_pages(base: str, workload: Pages, rounds: int, seconds: float, repeat: bool = False) -> Result:
    """One request per path of the sample (first visits), or the same path again (`repeat`)."""
    client = Client(base, timeout=300)
    headers = {"Accept": workload.accept}
    samples: list[float] = []
    errors = 0
    first_error = None
    paths = workload.paths
    try:
        budget = Budget(rounds, seconds)
        index = 0
        while budget.more(len(samples)) and (repeat or index < len(paths)):
            target = paths[index % len(paths)]
            index += 1
            began = time.perf_counter()
            response = client.get(target, headers)
            samples.append((time.perf_counter() - began) * 1000)
            if response.status != 200:
                errors += 1
                first_error = first_error or f"{target}: HTTP {response.status}"
    except (OSError, HTTPError) as error:
        return Result(Summary.of(samples, errors + 1), f"{type(error).__name__}: {error}")
    finally:
        client.close()
    return Result(Summary.of(samples, errors), first_error)


def measure_first(base: str, target: str, accept: str) -> tuple[float, int]:
    client = Client(base, timeout=600)
    try:
        began = time.perf_counter()
        response = client.get(target, {"Accept": accept})
        return (time.perf_counter() - began) * 1000, response.status
    finally:
        client.close()


# ---- concurrent load with wrk -----------------------------------------------------------------------

LUA = """
local counter = 0
local accept = "%(accept)s"
local path = "%(path)s"
local unique = %(unique)s
request = function()
  counter = counter + 1
  local target = path
  if unique then target = path .. "%%0A%%23%%20bench%%20" .. counter .. "-" .. math.random(1, 1000000000) end
  return wrk.format("GET", target, {["Accept"] = accept})
end
"""


@dataclass
class Load:
    rps: float
    p50_ms: float | None
    p99_ms: float | None
    errors: int
    requests: int


def _ms(text: str) -> float:
    value = float(re.match(r"[\d.]+", text).group(0))
    if text.endswith("us"):
        return value / 1000
    if text.endswith("ms"):
        return value
    if text.endswith("m"):
        return value * 60_000
    return value * 1000  # seconds


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def run_wrk(base: str, target: str, accept: str, unique: bool, connections: int, seconds: int) -> Load:
    """wrk -t2 -cN -dS against loopback; the request count is bounded by the duration."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % {"accept": accept, "path": target, "unique": "true" if unique else "false"})
    try:
        done = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency",
                               "-s", script.name, base], capture_output=True, text=True,
                              timeout=seconds + 60, check=False)
    finally:
        Path(script.name).unlink()
    out = done.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors += sum(int(g) for g in m.groups())
    p50 = re.search(r"^\s+50%\s+(\S+)$", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)$", out, re.M)
    return Load(rps, _ms(p50.group(1)) if p50 else None, _ms(p99.group(1)) if p99 else None, errors, requests)
