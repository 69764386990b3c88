"""CURIEs for the pages and the VoID description, from the same prefix map as the dumps.

The build publishes its prefix map (kg/prefixes.py, taken from bioregistry) in every store
generation as prefixes.json; the server reads that file, so pages show exactly the CURIEs the
dumps and the SSSOM file use, and never loads bioregistry itself. Only when the generation has
no such file (an external endpoint, an old build) does it fall back to computing the map.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask

from server.store import get_backend

if TYPE_CHECKING:  # curies (pydantic) costs half a second to import: only when first needed
    import curies

FILE = "prefixes.json"
_lock = threading.Lock()
_cache: dict[str, tuple[curies.Converter, list[dict[str, Any]]]] = {}


def records(generation: Path | None) -> list[dict[str, Any]]:
    """The extended prefix map (curies' format) of a generation, or computed from bioregistry."""
    return _load(generation)[1]


def converter(generation: Path | None) -> curies.Converter:
    return _load(generation)[0]


def _load(generation: Path | None) -> tuple[curies.Converter, list[dict[str, Any]]]:
    import curies

    path = generation / FILE if generation is not None else None
    key = str(path) if path is not None and path.is_file() else "computed"
    with _lock:
        if key not in _cache:
            if key == "computed":
                from kg.prefixes import extended_prefix_map

                data = extended_prefix_map()
            else:
                data = json.loads(Path(key).read_text(encoding="utf-8"))
            _cache[key] = (curies.Converter.from_extended_prefix_map(data), data)
        return _cache[key]


def prefix_map(generation: Path | None) -> dict[str, str]:
    return {str(r["prefix"]): str(r["uri_prefix"]) for r in records(generation)}


def compact(iri: str) -> str:
    """The CURIE of `iri` in the served data's prefix map, or the IRI itself (for templates)."""
    return converter(get_backend().generation().path).compress(iri, passthrough=True)


def vocabulary(generation: Path | None, iri: str) -> tuple[str, str] | None:
    """(prefix, IRI base) of the vocabulary `iri` belongs to, by the longest matching base."""
    parsed = converter(generation).parse_uri(iri)
    if parsed is None or parsed.prefix is None:
        return None
    return parsed.prefix, prefix_map(generation)[parsed.prefix]


def init_app(app: Flask) -> None:
    app.add_template_filter(compact, "curie")
