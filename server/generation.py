"""The data being served, as the build's manifest (build.json) describes it.

Kept apart from the backends so the remote backend, the embedded one and the HTTP layer
(validators) share one notion of "which data is this" without importing each other.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from server.errors import StoreUnavailable


@dataclass(frozen=True)
class Generation:
    """The data being served, as build.json describes it (all None for an external endpoint)."""

    path: Path | None = None
    version: str | None = None
    built: datetime | None = None
    triples: int | None = None
    graphs: dict[str, int] = field(default_factory=dict)


def read_generation(path: Path) -> Generation:
    """Resolve `path` (usually the `current` symlink) and read its build.json."""
    real = path.resolve()
    if not (real / "oxigraph").is_dir():
        raise StoreUnavailable(
            f"No store generation at {path} (expected {path}/oxigraph); build the graph first."
        )
    manifest = real / "build.json"
    if not manifest.is_file():
        return Generation(path=real)
    try:
        info: dict[str, Any] = json.loads(manifest.read_text(encoding="utf-8"))
        built = info.get("built")
        when = datetime.fromisoformat(built.replace("Z", "+00:00")) if built else None
    except (OSError, ValueError, AttributeError) as error:
        raise StoreUnavailable(f"The store generation at {path} is corrupt (build.json: {error}); "
                               "rebuild the graph.") from None
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=UTC)  # the contract says UTC; compare as such
    return Generation(
        path=real,
        version=info.get("version"),
        built=when,
        triples=info.get("triples"),
        graphs=dict(info.get("graphs") or {}),
    )
