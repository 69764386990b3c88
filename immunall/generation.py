"""The store-generation contract: what the build writes and the server reads.

A generation is a folder `<dist>/stores/<version>/` holding the pyoxigraph store (`oxigraph/`),
its manifest (`build.json`: version, build time, quad count, quads per named graph, dumps) and
the dumps named in `DUMPS`. `<dist>/current` is a symlink to the live one. The store's default
graph is empty: every quad is in one of the named graphs `GRAPH_NAMES` under `GRAPH_BASE`, and
the SPARQL default graph is their union. The build (kg/load.py) writes through this module, the
server and the CLI read through it; neither imports the other.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://w3id.org/immunall/"  # the IRIs of the data; the graph IRIs are under it
GRAPH_BASE = BASE + "graph/"
GRAPH_NAMES = ("ontology", "asserted", "inferred", "provenance", "mappings")
STORE = "oxigraph"
MANIFEST = "build.json"
CURRENT = "current"
STORES = "stores"

# The dumps a generation holds: name -> (media type, what it is). Only these names are served.
DUMPS: dict[str, tuple[str, str]] = {
    "immunall.nq": ("application/n-quads",
                    "N-Quads, one named graph per layer (ontology, asserted, inferred, provenance, mappings)"),
    "immunall.trig": ("application/trig", "TriG, the same dataset"),
    "immunall.ttl": ("text/turtle", "Turtle, the union of all graphs"),
    "immunall.jsonld": ("application/ld+json", "JSON-LD, the dataset with its named graphs"),
    "ontology.owl": ("application/rdf+xml", "the ontology alone as RDF/XML, for Protege and other OWL tools"),
    "ontology.ttl": ("text/turtle", "the ontology alone as Turtle"),
    "mappings.sssom.tsv": ("text/tab-separated-values",
                           "SSSOM mapping set: every link to another vocabulary, with justification and confidence"),
    "prefixes.json": ("application/json",
                      "the prefix map (bioregistry's CURIE prefixes and IRI bases) as a curies extended prefix map"),
    "context.jsonld": ("application/ld+json", "the same prefixes as a JSON-LD 1.1 context"),
    MANIFEST: ("application/json", "version, build time and triple counts"),
}


def graph_iri(name: str) -> str:
    return GRAPH_BASE + name


def dist() -> Path:
    """Where generations are written and read (IMMUNALL_DIST, default dist/ of the checkout)."""
    value = os.environ.get("IMMUNALL_DIST")
    return Path(value).resolve() if value else ROOT / "dist"


def live(folder: Path | None = None) -> Path:
    """The `current` link of `folder` (default: `dist()`)."""
    return (folder or dist()) / CURRENT


class GenerationProblem(Exception):
    """A generation is missing, incomplete or corrupt; the message says which and what to do."""


@dataclass(frozen=True)
class Generation:
    """The data being served, as its manifest describes it (no path or version: an external endpoint)."""

    path: Path | None = None
    version: str | None = None
    built: datetime | None = None
    triples: int | None = None
    graphs: dict[str, int] = field(default_factory=dict)
    bucket: str | None = None  # an external endpoint has no version: a time bucket stands in for it

    @property
    def key(self) -> str:
        """The one notion of "which data is this" every cache is keyed by."""
        return self.version or (str(self.path) if self.path is not None else f"remote-{self.bucket}")


def manifest(info: dict[str, Any], path: Path) -> Generation:
    built = info.get("built")
    when = datetime.fromisoformat(built.replace("Z", "+00:00")) if built else None
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=UTC)  # the contract says UTC; compare as such
    return Generation(path=path, version=info.get("version"), built=when, triples=info.get("triples"),
                      graphs=dict(info.get("graphs") or {}))


def read(path: Path) -> Generation:
    """The generation at `path` (usually the `current` link, resolved now) and its manifest."""
    real = path.resolve()
    if not (real / STORE).is_dir():
        raise GenerationProblem(f"No store generation at {path} (expected {path}/{STORE}); build the graph first.")
    file = real / MANIFEST
    if not file.is_file():
        return Generation(path=real)
    try:
        return manifest(json.loads(file.read_text(encoding="utf-8")), real)
    except (OSError, ValueError, AttributeError) as error:
        raise GenerationProblem(f"The store generation at {path} is corrupt ({MANIFEST}: {error}); "
                                "rebuild the graph.") from None


def write_manifest(folder: Path, version: str, triples: int, graphs: dict[str, int]) -> dict[str, Any]:
    built = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    info = {"version": version, "built": built, "triples": triples, "graphs": graphs,
            "dumps": {name: about for name, (_, about) in DUMPS.items() if name != MANIFEST}}
    (folder / MANIFEST).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return info


def open_store(folder: Path) -> Any:  # -> pyoxigraph.Store
    """The generation's store, read-only (many processes may hold it open)."""
    import pyoxigraph as ox

    return ox.Store.read_only(str(folder / STORE))


def check(path: Path) -> dict[str, Any]:
    """The manifest of the generation at `path`, after checking that its store opens read-only and
    holds the number of quads the manifest records; else GenerationProblem saying what to do.
    Run when the server or a CLI command starts, so a broken store is reported at once."""
    if not path.exists():
        if path.is_symlink():
            raise GenerationProblem(f"{path} points to {path.readlink()}, which does not exist: "
                                    "run `immunall build` to write a new store generation")
        raise GenerationProblem(f"no built store at {path}: run `immunall build` first")
    real = path.resolve()
    rebuild = "rebuild it with `immunall build`"
    if not (real / STORE).is_dir():
        raise GenerationProblem(f"the store at {real} is incomplete or corrupt (no {STORE}/ folder): {rebuild}")
    try:
        info = json.loads((real / MANIFEST).read_text(encoding="utf-8"))
        triples = int(info["triples"])
        version = str(info["version"])
    except FileNotFoundError:
        raise GenerationProblem(f"the store at {real} is incomplete or corrupt (no {MANIFEST}): {rebuild}") from None
    except (ValueError, KeyError, TypeError) as error:
        raise GenerationProblem(f"the store at {real} is corrupt ({MANIFEST} unreadable: {error}): {rebuild}") from None
    try:
        store = open_store(real)
        found = len(store)
        del store
    except (OSError, ValueError, RuntimeError) as error:
        raise GenerationProblem(f"the store at {real} cannot be opened ({error}); it is corrupt: {rebuild}") from None
    if found != triples:
        raise GenerationProblem(f"the store at {real} is corrupt: it holds {found} quads where {MANIFEST} "
                                f"(version {version}) records {triples}: {rebuild}")
    return info
