"""IRIs and local URLs: the data's public base (PUBLIC_BASE) maps to this app's root.

`https://w3id.org/immunall/trial/NCT02435849` is served at `/trial/NCT02435849`; IRIs outside the
base are linked as they are.
"""

from __future__ import annotations

from flask import current_app, request

from immunall.kinds import SEGMENTS

INSTANCE_KINDS = frozenset(SEGMENTS.values())


def public_base() -> str:
    base = str(current_app.config["PUBLIC_BASE"])
    return base if base.endswith(("/", "#")) else base + "/"


def local_path(iri: str) -> str | None:
    """`/trial/X` for an IRI under the public base (the base itself is `/`), else None."""
    base = public_base()
    if iri.startswith(base):
        return "/" + iri[len(base):]
    if iri == base.rstrip("/"):
        return "/"
    return None


def href(iri: str) -> str:
    """Where a link to `iri` goes: its local page, or the IRI itself when it is elsewhere."""
    path = local_path(iri)
    if path is None:
        return iri
    return (request.script_root if request else "") + path


def iri_for(path: str) -> str:
    """The IRI a local path stands for."""
    return public_base() + path.lstrip("/")


def is_local(iri: str) -> bool:
    return local_path(iri) is not None
