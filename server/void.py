"""/.well-known/void: the VoID description of the dataset (RFC 5785 well-known location), with
one linkset per vocabulary the data links to."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, current_app

from server import describe, prefixes, render
from server.negotiation import GRAPH
from server.stats import Stats
from server.store import get_backend

bp = Blueprint("void", __name__)


def _build(site: describe.Site, stats: Stats) -> list[ox.Triple]:
    examples = describe.example_queries(Path(current_app.config["EXAMPLE_QUERIES"]))
    generation = get_backend().generation().path
    return describe.void_description(site, stats, examples, lambda iri: prefixes.vocabulary(generation, iri))


@bp.route("/.well-known/void", methods=["GET"])
def void():
    return render.description(GRAPH, _build, "void")
