"""Checks before serving: a missing or corrupt store is reported when the server starts, in one
clear line, rather than as failed worker boots or errors on the first queries.

server/production.py calls `check_store()` before it starts granian, prints the RuntimeError's
message (`Error: cannot serve ...`) and exits 1. An app made with `create_app()`
alone (tests, other WSGI servers) still starts and answers 503 until a store is built.
"""

from __future__ import annotations

from pathlib import Path

from immunall import generation as contract
from server import config


def check_store() -> None:
    """RuntimeError naming the problem when the configured store cannot be served."""
    values = config.load()
    if values["SPARQL_ENDPOINT"]:
        return  # queries go to an external endpoint; nothing local to check
    try:
        contract.check(Path(values["STORE_PATH"]))
    except contract.GenerationProblem as problem:
        raise RuntimeError(f"cannot serve the knowledge graph: {problem}") from None
