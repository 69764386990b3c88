"""Is a store generation whole? Checked when the server or a CLI command starts, so a missing or
corrupt store is reported at once, with what to do, instead of as a failure on the first query.

Light on purpose (pyoxigraph and json only): the server imports it and never imports the build.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


class StoreProblem(Exception):
    """The store generation is missing, incomplete or corrupt; the message says which and why."""


def check_generation(path: Path) -> dict[str, Any]:
    """build.json of the generation at `path` (e.g. dist/current), after checking that the store
    opens read-only and holds the number of quads build.json records; else StoreProblem."""
    import pyoxigraph as ox

    if not path.exists():
        if path.is_symlink():
            raise StoreProblem(f"{path} points to {path.readlink()}, which does not exist: "
                               "run `immunall build` to write a new store generation")
        raise StoreProblem(f"no built store at {path}: run `immunall build` first")
    real = path.resolve()
    rebuild = "rebuild it with `immunall build`"
    if not (real / "oxigraph").is_dir():
        raise StoreProblem(f"the store at {real} is incomplete or corrupt (no oxigraph/ folder): {rebuild}")
    try:
        info = json.loads((real / "build.json").read_text(encoding="utf-8"))
        triples = int(info["triples"])
        version = str(info["version"])
    except FileNotFoundError:
        raise StoreProblem(f"the store at {real} is incomplete or corrupt (no build.json): {rebuild}") from None
    except (ValueError, KeyError, TypeError) as error:
        raise StoreProblem(f"the store at {real} is corrupt (build.json unreadable: {error}): {rebuild}") from None
    try:
        store = ox.Store.read_only(str(real / "oxigraph"))
        found = len(store)
        del store
    except (OSError, ValueError, RuntimeError) as error:
        raise StoreProblem(f"the store at {real} cannot be opened ({error}); it is corrupt: {rebuild}") from None
    if found != triples:
        raise StoreProblem(f"the store at {real} is corrupt: it holds {found} quads where build.json "
                           f"(version {version}) records {triples}: {rebuild}")
    return info
