"""/.well-known/void: the VoID description of the dataset (RFC 5785 well-known location)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, current_app

from server import describe, render
from server.negotiation import GRAPH
from server.stats import Stats

bp = Blueprint("void", __name__)


def _build(site: describe.Site, stats: Stats) -> list[ox.Triple]:
    examples = describe.example_queries(Path(current_app.config["EXAMPLE_QUERIES"]))
    return describe.void_description(site, stats, examples)


@bp.route("/.well-known/void", methods=["GET"])
def void():
    return render.description(GRAPH, _build, "void")
