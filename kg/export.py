"""Dumps of the live store generation for bulk loaders of other engines (Virtuoso, Fuseki, QLever).

Bulk loaders take one named graph per file, named beside it, or quads: so the export writes
each named graph to its own file (`asserted.nt`, ...) with the graph IRI in a sidecar
(`asserted.nt.graph`, the convention of Virtuoso's `ld_dir`) and in `graphs.tsv` (for scripts
and the other loaders), the whole dataset as quads (`immunall.nq`), and a LOADING.md with the
exact commands for this directory. Every engine must be told to treat the default graph as
the union of the named graphs, as ImmunALL's own endpoint does; LOADING.md says how.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

# --format values: per-graph files (nt, ttl) or one file for the dataset (nq, trig).
PER_GRAPH = {"nt": ox.RdfFormat.N_TRIPLES, "ttl": ox.RdfFormat.TURTLE}
DATASET = {"nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}
FORMATS = (*PER_GRAPH, *DATASET)
DEFAULT_FORMATS = ("nt", "nq")
DATASET_STEM = "immunall"
GRAPHS_TSV = "graphs.tsv"
LOADING = "LOADING.md"


@dataclass(frozen=True)
class GraphFile:
    """One named graph written to one file."""

    path: Path
    graph: str
    triples: int


@dataclass(frozen=True)
class Export:
    """What an export wrote."""

    out: Path
    graphs: list[GraphFile]
    dataset_files: list[Path]
    version: str | None


def file_stem(graph: str) -> str:
    """`https://w3id.org/immunall/graph/asserted` -> `asserted` (the last path segment)."""
    stem = graph.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in stem) or "graph"


def export(generation: Path, out: Path, formats: Sequence[str] = DEFAULT_FORMATS) -> Export:
    """Write the generation's named graphs and dataset into `out` in the requested formats."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown export format(s) {unknown}; choose from {list(FORMATS)}")
    out.mkdir(parents=True, exist_ok=True)
    store = ox.Store.read_only(str(generation / "oxigraph"))
    names = sorted(str(g.value) for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    stems = [file_stem(name) for name in names]
    if len(set(stems)) != len(stems):
        stems = [f"{stem}-{i}" for i, stem in enumerate(stems)]  # two graphs ending alike
    written: list[GraphFile] = []
    for fmt in (f for f in formats if f in PER_GRAPH):
        for name, stem in zip(names, stems, strict=True):
            path = out / f"{stem}.{fmt}"
            triples = [q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(name))]
            ox.serialize(triples, str(path), format=PER_GRAPH[fmt])
            path.with_name(path.name + ".graph").write_text(name + "\n", encoding="utf-8")
            written.append(GraphFile(path, name, len(triples)))
    dataset_files: list[Path] = []
    for fmt in (f for f in formats if f in DATASET):
        path = out / f"{DATASET_STEM}.{fmt}"
        store.dump(str(path), format=DATASET[fmt])
        dataset_files.append(path)
    del store
    (out / GRAPHS_TSV).write_text(_graphs_tsv(written), encoding="utf-8")
    version = _version(generation)
    result = Export(out, written, dataset_files, version)
    (out / LOADING).write_text(loading_md(result), encoding="utf-8")
    return result


def _graphs_tsv(files: Iterable[GraphFile]) -> str:
    lines = ["file\tgraph\ttriples"]
    lines += [f"{f.path.name}\t{f.graph}\t{f.triples}" for f in files]
    return "\n".join(lines) + "\n"


def _version(generation: Path) -> str | None:
    manifest = generation / "build.json"
    if not manifest.is_file():
        return None
    return json.loads(manifest.read_text(encoding="utf-8")).get("version")


def loading_md(result: Export) -> str:
    """Load instructions naming this export's own directory and files."""
    out = result.out.resolve()
    nt = [f for f in result.graphs if f.path.suffix == ".nt"] or result.graphs
    pattern = f"*{nt[0].path.suffix}" if nt else "*.nt"
    quads = next((p for p in result.dataset_files if p.suffix == ".nq"), None)
    fuseki_load = "\n".join(
        f"tdb2.tdbloader --loc=DB --graph={f.graph} {out / f.path.name}" for f in nt
    ) or f"tdb2.tdbloader --loc=DB {quads}"
    qlever_inputs = ", ".join(
        json.dumps({"cmd": f"cat {f.path.name}", "format": f.path.suffix[1:], "graph": f.graph})
        for f in nt
    )
    total = sum(f.triples for f in nt)
    table = "\n".join(f"| `{f.path.name}` | `{f.graph}` | {f.triples} |" for f in result.graphs)
    dataset = ", ".join(f"`{p.name}`" for p in result.dataset_files) or "none"
    return f"""# Loading the ImmunALL dumps into another SPARQL engine

Data version `{result.version or "unknown"}`; {total} triples in {len(nt)} named graphs.
ImmunALL's queries expect the **default graph to be the union of the named graphs** (as its own
endpoint does); each engine below is set up that way. Point ImmunALL at the engine with
`IMMUNALL_SPARQL_ENDPOINT=<its /sparql URL>`.

| file | named graph | triples |
|---|---|---|
{table}

The same IRIs are in `graphs.tsv` and in a `.graph` file beside each graph file. The whole
dataset as quads: {dataset}.

## Virtuoso (open source 7.x)

Add `{out}` to `DirsAllowed` in `virtuoso.ini`, restart, then in `isql-vt 1111 dba <password>`:

```sql
ld_dir('{out}', '{pattern}', 'https://w3id.org/immunall/graph/unnamed');
rdf_loader_run();
checkpoint;
SELECT ll_file, ll_graph, ll_state, ll_error FROM DB.DBA.load_list;
```

`ld_dir` reads each file's graph IRI from its `.graph` sidecar (the third argument applies only to
files without one). A query without `FROM` sees all graphs, so the default graph is already their
union. To reload, first `DELETE FROM DB.DBA.load_list WHERE ll_file LIKE '{out}/%';` and
`SPARQL CLEAR GRAPH <...>;` for each graph. The endpoint is `http://<host>:8890/sparql`.
Raise `ResultSetMaxRows` in the `[SPARQL]` section above ImmunALL's `MAX_RESULT_ROWS` (10 000):
Virtuoso cuts CONSTRUCT and DESCRIBE answers at it without saying so. This is what
`tests/test_virtuoso.py` runs.

## Apache Jena Fuseki (TDB2)

```sh
{fuseki_load}
```

(or `tdb2.tdbloader --loc=DB {quads or "immunall.nq"}`: quads carry their graph). Serve it with the
union default graph, e.g. a configuration holding

```turtle
<#dataset> a tdb2:DatasetTDB2 ; tdb2:location "DB" ; tdb2:unionDefaultGraph true .
```

and `fuseki-server --config=config.ttl`; the endpoint is `http://<host>:3030/<name>/sparql`.

## QLever

In a `Qleverfile` in `{out}`:

```ini
[data]
NAME = immunall
FORMAT = nt

[index]
MULTI_INPUT_JSON = {qlever_inputs}
```

then `qlever index && qlever start`. QLever's default graph is the union of all graphs.

Fuseki and QLever commands are written from their documentation and not run by ImmunALL's tests.
"""
