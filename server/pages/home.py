"""Orientation: the home page (figures and ways in), the class index, the ontology browser data
and the downloads page with the dumps of the live generation.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

from flask import Blueprint, Response, abort, render_template, send_file

from immunall import generation as contract
from server.http import cacheable, conditional, etag_for
from server.negotiation import HTML
from server.pages import data, model
from server.pages import disagreements as curated
from server.pages.present import Ref, natural, ref
from server.store import get_backend

bp = Blueprint("home", __name__)
IA = model.IA

# The figures on the home page: (class, what to call its members).
COUNTS = (
    (IA + "ClinicalStudy", "clinical studies"),
    (IA + "TherapeuticAgent", "therapeutic agents"),
    (IA + "CARTCellProduct", "CAR T-cell products"),
    (IA + "Antigen", "antigens"),
    (IA + "AdverseEvent", "adverse events"),
    (IA + "OutcomeResult", "outcome figures"),
    (IA + "AdverseEventObservation", "adverse-event figures"),
    (IA + "RegulatoryApproval", "regulatory approvals"),
    (IA + "Passage", "review passages cited"),
    (IA + "Publication", "publications"),
    (IA + "Disagreement", "recorded disagreements"),
)

# The dumps a build writes into its generation folder, with their media types (the store-generation
# contract). Only these names are served: a request can never name another file.
DUMPS = contract.DUMPS


@dataclass
class Shelf:
    """A list of ways in: a heading, the class page it stands for, and its members."""

    title: str
    cls: Ref
    count: int
    groups: list[tuple[str, list[Ref]]] = field(default_factory=list)


def members(cls: str) -> list[Ref]:
    rows = data.select("members", **{"class": data.iri(cls)})
    model.prefetch(row["member"].value for row in rows)
    return sorted((ref(row["member"].value) for row in rows), key=lambda r: natural(r.label))


def _grouped(cls: str, onto: model.Ontology) -> list[tuple[str, list[Ref]]]:
    """Members of `cls` grouped by their most specific class."""
    groups: dict[str, list[Ref]] = defaultdict(list)
    for member in members(cls):
        specific = [c for c in onto.most_specific(model.types_of(member.iri), asserted_only=True)
                    if onto.is_a([c], cls)]
        groups[model.label(specific[0]) if specific else model.label(cls)].append(member)
    return sorted(groups.items(), key=lambda item: item[0].casefold())


def _generations() -> list[tuple[str, list[Ref]]]:
    found: dict[str, list[Ref]] = defaultdict(list)
    for row in data.select("car-generations"):
        found[row["generation"].value]
        if "product" in row:
            found[row["generation"].value].append(ref(row["product"].value))
    order = ["First", "Second", "Third", "Fourth", "Fifth"]

    def position(iri: str) -> int:
        name = model.local_name(iri)
        return next((i for i, word in enumerate(order) if name.startswith(word)), len(order))

    return [(iri, sorted(found[iri], key=lambda r: r.label)) for iri in sorted(found, key=position)]


def home_data() -> dict:
    onto = model.ontology()
    counts = [(ref(cls), onto.counts.get(cls, 0), name) for cls, name in COUNTS]
    misprints = onto.counts.get(IA + "Misprint", 0)
    shelves = [
        Shelf("Clinical studies", ref(IA + "ClinicalStudy"), onto.counts.get(IA + "ClinicalStudy", 0),
              [("", members(IA + "ClinicalStudy"))]),
        Shelf("Therapeutic agents", ref(IA + "TherapeuticAgent"), onto.counts.get(IA + "TherapeuticAgent", 0),
              _grouped(IA + "TherapeuticAgent", onto)),
        Shelf("Antigens", ref(IA + "Antigen"), onto.counts.get(IA + "Antigen", 0), [("", members(IA + "Antigen"))]),
        Shelf("Adverse events", ref(IA + "AdverseEvent"), onto.counts.get(IA + "AdverseEvent", 0),
              [("", members(IA + "AdverseEvent"))]),
    ]
    generations = [(ref(g), products) for g, products in _generations()]
    return {"counts": counts, "misprints": misprints, "misprint_ref": ref(IA + "Misprint"),
            "shelves": shelves, "generations": generations}


@bp.route("/", methods=["GET", "HEAD"])
def index() -> Response:
    """Home: the dataset's figures and ways in."""
    return _page("home", lambda: render_template("home.html", generation=get_backend().generation(),
                                                 **data.cached("home", home_data)))


def _page(name: str, body) -> Response:
    generation = get_backend().generation()
    etag = etag_for(generation, name)
    not_modified = conditional(generation, etag)
    if not_modified is not None:
        return not_modified
    return cacheable(Response(body(), content_type=HTML.content_type), generation, etag)


@dataclass
class TreeNode:
    ref: Ref
    count: int
    children: list[TreeNode]


def class_tree(onto: model.Ontology) -> list[TreeNode]:
    def node(cls: str, seen: frozenset[str]) -> TreeNode:
        kids = [node(c, seen | {c}) for c in onto.subclasses(cls) if c not in seen]
        return TreeNode(ref(cls), onto.counts.get(cls, 0), kids)

    return [node(root, frozenset({root})) for root in onto.roots()]


def ontology_browser(iri: str) -> dict:
    onto = model.ontology()
    kinds = {model.OWL + "ObjectProperty": "Object properties", model.OWL + "DatatypeProperty": "Datatype properties",
             model.OWL + "AnnotationProperty": "Annotation properties"}
    tables: dict[str, list[dict]] = {title: [] for title in kinds.values()}
    for prop in sorted(onto.properties.values(), key=lambda p: model.label(p.iri).casefold()):
        kind = next((kinds[k] for k in kinds if k in prop.kinds), None)
        if kind is None:
            continue
        tables[kind].append({
            "ref": ref(prop.iri),
            "domain": [ref(c) for c in sorted(prop.domain, key=model.label)],
            "range": [ref(c) for c in sorted(prop.range, key=model.label)],
            "uses": onto.uses.get(prop.iri, 0),
            "definition": prop.definition,
        })
    return {"iri": iri, "ref": ref(iri), "tree": class_tree(onto), "tables": tables,
            "class_count": len([c for c in onto.parents if c.startswith(IA)])}


def disagreement_cards() -> dict:
    """Every curated disagreement as a card, grouped by its kind (misprints are one kind)."""
    cards = curated.describe([r.iri for r in members(IA + "Disagreement")])
    kinds: dict[str, list] = defaultdict(list)
    for card in cards:
        kinds[card.kind.label if card.kind else "unclassified"].append(card)
    return {"cards": cards, "kinds": sorted(kinds.items(), key=lambda item: item[0].casefold())}


@bp.route("/disagreements", methods=["GET", "HEAD"])
def disagreements() -> Response:
    """Where the reviews differ: one card per curated disagreement, across the whole graph."""
    return _page("disagreements", lambda: render_template("disagreements.html",
                                                          **data.cached("disagreements", disagreement_cards)))


@bp.route("/classes", methods=["GET", "HEAD"])
def classes() -> Response:
    """Every class of the ontology with its member count, largest first."""
    def body() -> str:
        onto = model.ontology()
        rows = sorted(((ref(c), onto.counts.get(c, 0)) for c in onto.parents if c.startswith(IA)),
                      key=lambda item: (-item[1], item[0].label.casefold()))
        return render_template("classes.html", rows=rows)

    return _page("classes", body)


@bp.route("/downloads", methods=["GET", "HEAD"])
def downloads() -> Response:
    """The dumps of the live generation, with sizes."""
    generation = get_backend().generation()

    def body() -> str:
        files = []
        info: dict = {}
        if generation.path is not None:
            manifest = generation.path / "build.json"
            if manifest.is_file():
                info = json.loads(manifest.read_text(encoding="utf-8"))
            for name, (media_type, about) in DUMPS.items():
                path = generation.path / name
                if path.is_file():
                    files.append({"name": name, "media_type": media_type,
                                  "about": (info.get("dumps") or {}).get(name, about), "size": path.stat().st_size})
        return render_template("downloads.html", files=files, info=info, generation=generation)

    return _page("downloads", body)


@bp.route("/downloads/<name>", methods=["GET", "HEAD"])
def download(name: str) -> Response:
    """One dump file, by its fixed name only."""
    generation = get_backend().generation()
    if name not in DUMPS or generation.path is None:
        abort(404)
    path = generation.path / name
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=DUMPS[name][0], as_attachment=False, conditional=True,
                         download_name=name, max_age=60)
    return response
