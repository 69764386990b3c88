"""HermiT's result kept by a hash of its exact input, so a rebuild whose reasoner input did not
change (only data values, labels or provenance did) skips the JVM.

The key covers every triple HermiT sees (blank-node axioms in canonical form, so a re-parse of the
same ontology gives the same key) and the way HermiT is run. Entries are written whole or not at
all, and only the newest few are kept. The folder is a build output, never committed.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from rdflib import BNode, Graph
from rdflib.compare import to_canonical_graph

KEEP = 8


def input_key(source: Graph, how: str) -> str:
    """A hash of `source` (equal for isomorphic graphs) and of `how` the reasoner is run."""
    plain, blank = Graph(), Graph()
    for triple in source:
        (blank if any(isinstance(term, BNode) for term in triple) else plain).add(triple)
    digest = hashlib.sha256(how.encode("utf-8"))
    for graph in (plain, to_canonical_graph(blank)):
        lines = sorted(line for line in graph.serialize(format="nt").splitlines() if line.strip())
        digest.update(("\n".join(lines) + "\n--\n").encode("utf-8"))
    return digest.hexdigest()


def read(folder: Path | None, key: str) -> bytes | None:
    if folder is None:
        return None
    path = folder / f"{key}.nt"
    try:
        data = path.read_bytes()
    except OSError:
        return None
    os.utime(path)  # recently used: pruned last
    return data


def write(folder: Path | None, key: str, data: bytes) -> None:
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    temp = folder / f".{key}.{os.getpid()}"
    temp.write_bytes(data)
    os.replace(temp, folder / f"{key}.nt")
    entries = sorted(folder.glob("*.nt"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        old.unlink(missing_ok=True)
