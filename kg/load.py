"""Graphs -> dumps and a new store generation, then an atomic switch of `dist/current`.

The layout and the manifest are the store-generation contract (immunall/generation.py), the only
thing the build shares with the server. A build writes everything into `dist/stores/<version>/`
first. Only when that generation is complete does `dist/current` (a symlink) move to it, in one
rename; a failed or interrupted build leaves the previous generation serving. The server only ever opens `dist/current`.
A generation folder is never rewritten: rebuilding the same data writes `<version>-2`, so the
live folder (which query processes have open) is never deleted under them. Leftovers of a killed
build (`.*.partial` folders, temporary links) are removed by the next build, never those of a
build still running.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph
from rdflib.compare import to_canonical_graph

from immunall import generation as contract
from immunall.generation import CURRENT, DUMPS, MANIFEST, STORE
from kg.faults import checkpoint
from kg.ids import GRAPH
from kg.prefixes import turtle_prefixes

KEEP_GENERATIONS = 2


@dataclass
class Generation:
    path: Path
    version: str
    triples: int
    graphs: dict[str, int]


def canonical(graph: Graph) -> Graph:
    """`graph` with its blank nodes named from what they hold (rdflib's canonical labelling).

    A parser names blank nodes at random, so the ontology's restrictions and lists would get new
    labels, and the dumps new bytes and the data a new version, on every build of the same data.
    """
    if not any(isinstance(term, BNode) for triple in graph for term in triple):
        return graph
    result = Graph()
    for prefix, namespace in graph.namespaces():
        result.bind(prefix, namespace, override=True, replace=True)
    result += to_canonical_graph(graph)
    return result


def nquads(layers: dict[str, Graph]) -> bytes:
    """The dataset as N-Quads with lines sorted, so equal data gives equal bytes and version."""
    dataset = Dataset()
    for name, graph in layers.items():
        target = dataset.graph(GRAPH[name])
        for triple in graph:
            target.add(triple)
    text = dataset.serialize(format="nquads")
    lines = sorted({line for line in text.splitlines() if line.strip()})
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_generation(stores: Path, layers: dict[str, Graph], ontology: Graph,
                     extra: Callable[[str], dict[str, bytes]] | None = None) -> Generation:
    """Write the store and dumps of a new generation (not yet live).

    `extra` gives further files (name -> bytes) for the data version, e.g. the SSSOM mapping set.
    """
    data = nquads(layers)
    version = hashlib.sha256(data).hexdigest()[:16]
    stores.mkdir(parents=True, exist_ok=True)
    staging = stores / f".{version}.{os.getpid()}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    (staging / "immunall.nq").write_bytes(data)
    store = ox.Store(str(staging / STORE))
    store.bulk_load(path=str(staging / "immunall.nq"), format=ox.RdfFormat.N_QUADS)
    checkpoint("load:staged")
    store.optimize()
    graphs = {
        str(GRAPH[name]): sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(str(GRAPH[name]))))
        for name in layers
    }
    names = turtle_prefixes()
    store.dump(str(staging / "immunall.trig"), format=ox.RdfFormat.TRIG, prefixes=names)
    store.dump(str(staging / "immunall.jsonld"), format=ox.RdfFormat.JSON_LD)
    union = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
    ox.serialize(union, str(staging / "immunall.ttl"), format=ox.RdfFormat.TURTLE, prefixes=names)
    del store  # closes the store before it is moved
    for prefix, iri in names.items():
        ontology.bind(prefix, iri, override=True, replace=True)
    ontology.serialize(staging / "ontology.owl", format="xml")
    ontology.serialize(staging / "ontology.ttl", format="turtle")
    for name, content in (extra(version) if extra else {}).items():
        (staging / name).write_bytes(content)
    triples = sum(graphs.values())
    contract.write_manifest(staging, version, triples, graphs)
    final = _free_name(stores, version)
    os.replace(staging, final)
    checkpoint("load:written")
    return Generation(final, version, triples, graphs)


def _free_name(stores: Path, version: str) -> Path:
    """`stores/<version>`, or `<version>-N` when that exists (it may be live: never replace it)."""
    final, n = stores / version, 1
    while final.exists() or final.is_symlink():
        n += 1
        final = stores / f"{version}-{n}"
    return final


def switch(dist: Path, generation: Generation) -> None:
    """Point `dist/current` at the generation in one atomic rename; refresh the dump links."""
    current = dist / CURRENT
    previous = current.resolve() if current.is_symlink() else None
    temp = dist / f".current.{os.getpid()}"
    if temp.is_symlink() or temp.exists():
        temp.unlink()
    temp.symlink_to(generation.path.relative_to(dist), target_is_directory=True)
    os.replace(temp, current)
    checkpoint("switch:current")
    for name in DUMPS:
        if not (generation.path / name).exists():
            continue
        link = dist / name
        tmp = dist / f".{name}.{os.getpid()}"
        if tmp.is_symlink() or tmp.exists():
            tmp.unlink()
        tmp.symlink_to(Path(CURRENT) / name)
        os.replace(tmp, link)
    prune(dist / "stores", keep=generation.path, previous=previous)


def _alive(pid: str) -> bool:
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def prune(stores: Path, keep: Path, previous: Path | None = None) -> None:
    """Remove old generations and leftovers of interrupted builds, keeping the newest few.

    A leftover names the pid of the build that made it (`.<version>.<pid>.partial`,
    `dist/.current.<pid>`, `dist/.<dump>.<pid>`); those of a build still running stay. The
    generation live until this switch (`previous`) stays too: queries may still be running on it.
    """
    for partial in stores.glob(".*.partial"):
        if partial.is_dir() and not _alive(partial.name.split(".")[-2]):
            shutil.rmtree(partial, ignore_errors=True)
    for temp in stores.parent.glob(".*.*"):
        if temp.is_symlink() and not _alive(temp.name.rsplit(".", 1)[-1]):
            temp.unlink(missing_ok=True)
    generations = sorted((p for p in stores.iterdir() if p.is_dir() and not p.name.startswith(".")),
                         key=lambda p: p.stat().st_mtime, reverse=True)
    for old in generations[KEEP_GENERATIONS:]:
        if old.resolve() not in {keep.resolve(), previous}:
            shutil.rmtree(old, ignore_errors=True)


def current_generation(dist: Path) -> Path | None:
    """The live generation, or None when nothing has been built yet."""
    current = dist / CURRENT
    if current.is_symlink() and not current.exists():
        raise RuntimeError(f"{current} points to {current.readlink()}, which does not exist: "
                           "run `immunall build` to write a new store generation")
    if not current.exists():
        return None
    if not (current / MANIFEST).is_file() or not (current / STORE).is_dir():
        raise RuntimeError(f"the store at {current.resolve()} is incomplete or corrupt: "
                           "rebuild it with `immunall build`")
    return current.resolve()
