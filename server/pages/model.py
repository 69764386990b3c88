"""What every page needs to know about the whole graph, computed once per data version.

Labels, the classes of each IRI, the class and property hierarchy with member counts, and the
bibliographic fields of publications. Each is one query (queries/pages/*.rq) through the
backend, cached by `data.cached`, so a page costs only its own few queries.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from server.pages import data
from server.pages.data import Row, Term

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
OA = "http://www.w3.org/ns/oa#"
XSD = "http://www.w3.org/2001/XMLSchema#"
IAO = "http://purl.obolibrary.org/obo/IAO_"
IA = "https://w3id.org/immunall/ontology/"
CC_BY = ("https://creativecommons.org/licenses/by/4.0", "http://creativecommons.org/licenses/by/4.0")

# Names for common vocabulary terms the data does not label itself.
BUILTIN_LABELS = {
    RDF + "type": "type",
    RDF + "first": "first",
    RDF + "rest": "rest",
    RDFS + "label": "label",
    RDFS + "comment": "comment",
    RDFS + "subClassOf": "subclass of",
    RDFS + "subPropertyOf": "subproperty of",
    RDFS + "domain": "domain",
    RDFS + "range": "range",
    RDFS + "seeAlso": "see also",
    RDFS + "isDefinedBy": "is defined by",
    OWL + "Class": "class",
    OWL + "Thing": "thing",
    OWL + "NamedIndividual": "named individual",
    OWL + "ObjectProperty": "object property",
    OWL + "DatatypeProperty": "datatype property",
    OWL + "AnnotationProperty": "annotation property",
    OWL + "FunctionalProperty": "functional property",
    OWL + "SymmetricProperty": "symmetric property",
    OWL + "TransitiveProperty": "transitive property",
    OWL + "Ontology": "ontology",
    OWL + "Restriction": "restriction",
    OWL + "equivalentClass": "equivalent class",
    OWL + "inverseOf": "inverse of",
    OWL + "sameAs": "same as",
    OWL + "versionIRI": "version IRI",
    OWL + "versionInfo": "version",
    OWL + "disjointWith": "disjoint with",
    OWL + "propertyChainAxiom": "property chain",
    OWL + "imports": "imports",
    OA + "start": "start offset",
    OA + "end": "end offset",
    XSD + "string": "text",
    XSD + "integer": "integer",
    XSD + "decimal": "decimal number",
    XSD + "nonNegativeInteger": "non-negative integer",
    XSD + "date": "date",
    XSD + "boolean": "true or false",
}

PREFIXES = {
    "rdf": RDF, "rdfs": RDFS, "owl": OWL, "skos": SKOS, "dcterms": DCT, "prov": PROV, "oa": OA,
    "xsd": XSD, "IAO": IAO, "ia": IA,
}


# Other vocabularies' IRIs as people cite them: UO:0000036, NCIT:C3167, MeSH:D054198, wikidata:Q12.
EXTERNAL_CURIES = (
    (re.compile(r"^https?://purl\.obolibrary\.org/obo/([A-Za-z][A-Za-z0-9]*)_(\w+)$"), r"\1:\2"),
    (re.compile(r"^https?://id\.nlm\.nih\.gov/mesh/(\w+)$"), r"MeSH:\1"),
    (re.compile(r"^https?://www\.wikidata\.org/entity/(Q\d+)$"), r"wikidata:\1"),
    (re.compile(r"^https?://identifiers\.org/([^/]+)[/:](.+)$"), r"\1:\2"),
    (re.compile(r"^https?://ncit\.nci\.nih\.gov/.*code=(\w+)$"), r"NCIT:\1"),
)


def curie(iri: str) -> str:
    """`ia:OutcomeResult` for a known namespace, `UO:0000036` for an OBO term, else the IRI."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    for pattern, replacement in EXTERNAL_CURIES:
        if pattern.match(iri):
            return pattern.sub(replacement, iri)
    return iri


def local_name(iri: str) -> str:
    tail = re.split(r"[/#]", iri.rstrip("/#"))[-1]
    return tail or iri


def natural(text: str) -> list[object]:
    """A sort key that orders CD3 before CD19 and ignores case."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text.casefold())]


def by_label(iri: str) -> list[object]:
    return natural(label(iri))


def humanise(name: str) -> str:
    """`hasCARConstruct` -> `has CAR construct`, `resultOf` -> `result of`."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)
    words = [w if w.isupper() and len(w) > 1 else w.lower() for w in spaced.split()]
    return " ".join(words) or name


# ---- labels and types -------------------------------------------------------------------------

# Labels and classes are fetched for the IRIs a page shows, a few hundred per query
# (queries/pages/labels-types.rq), and remembered for the data version: a whole-graph load would
# cost seconds per million triples on the first page after every start.
BATCH = 400
KNOWN_LIMIT = 2_000_000  # remembered IRIs per data version; past it the memory starts again

_SOURCE_RANK = {"rdfs": 0, "skos": 1}


@dataclass
class Known:
    labels: dict[str, str | None] = field(default_factory=dict)
    types: dict[str, frozenset[str]] = field(default_factory=dict)
    # The links made of these labels (present.ref), per (script root, public base): a page makes
    # hundreds of links, mostly to the same few dozen IRIs, and other pages link to them too.
    refs: dict[tuple[str, str], dict[str, object]] = field(default_factory=dict)


def _known() -> Known:
    """This data version's known labels, looked up once per request (pages ask thousands of times)."""
    return data.per_request("immunall_known", lambda: data.model("model:known", Known))


def known_refs(script_root: str, base: str) -> dict[str, object]:
    """The memo of links for pages served under `script_root` with IRIs under `base`."""
    return _known().refs.setdefault((script_root, base), {})


def _fetchable(iri: str) -> bool:
    return ":" in iri and not iri.startswith("_:")


def prefetch(iris: Iterable[str]) -> None:
    """Fetch the labels and classes of every IRI in `iris` not yet known, in batches."""
    known = _known()
    missing = sorted({i for i in iris if i and i not in known.labels and _fetchable(i)})
    if len(known.labels) + len(missing) > KNOWN_LIMIT:
        known.labels.clear()
        known.types.clear()
        known.refs.clear()
    for start in range(0, len(missing), BATCH):
        chunk = []
        for value in missing[start:start + BATCH]:
            try:
                chunk.append(data.iri(value))
            except ValueError:
                known.labels[value] = None
                known.types[value] = frozenset()
        if not chunk:
            continue
        rows = data.run_text(data.bind(data.load_query("labels-types"), {"nodes": chunk}))
        _remember(known, [node.value for node in chunk],
                  ((row["s"].value, row["source"].value, row["label"]) if "label" in row else
                   (row["s"].value, "type", row["type"]) for row in rows))


_SOURCE_OF = {RDFS + "label": "rdfs", SKOS + "prefLabel": "skos"}


def learn(statements: Iterable[Row]) -> None:
    """Labels and classes of subjects whose every statement `statements` holds (?s ?p ?o rows of
    statements.rq or figure-statements.rq): what labels-types.rq would say, without asking it."""
    known = _known()
    subjects = sorted({row["s"].value for row in statements} - known.labels.keys())
    wanted = set(subjects)
    if subjects:
        _remember(known, subjects, (
            (row["s"].value, _SOURCE_OF.get(p, "type"), row["o"])
            for row in statements
            if row["s"].value in wanted and ((p := row["p"].value) in _SOURCE_OF and row["o"].is_literal
                                             or p == RDF + "type" and row["o"].is_iri)))


def _remember(known: Known, subjects: list[str], facts: Iterable[tuple[str, str, Term]]) -> None:
    """Record the best label (rdfs before skos, English or untagged first) and the classes of each
    of `subjects` from (subject, "rdfs" | "skos" | "type", term) facts."""
    best: dict[str, tuple[tuple[int, int], str]] = {}
    classes: dict[str, set[str]] = defaultdict(set)
    for subject, source, term in facts:
        if source == "type":
            classes[subject].add(term.value)
            continue
        lang = (term.lang or "").lower()
        rank = (_SOURCE_RANK.get(source, 2), 0 if lang in ("en", "") else 1)
        if subject not in best or rank < best[subject][0]:
            best[subject] = (rank, term.value)
    for key in subjects:
        known.labels[key] = best[key][1] if key in best else None
        known.types[key] = frozenset(classes.get(key, ()))


def _own_label(iri: str) -> str | None:
    known = _known()
    if iri not in known.labels:
        prefetch([iri])
    return known.labels.get(iri)


def label(iri: str) -> str:
    """The label of an IRI: its own, a built-in one, or its local name made readable."""
    found = _own_label(iri) or BUILTIN_LABELS.get(iri)
    if found:
        return found
    name = local_name(iri)
    return humanise(name) if iri.startswith(IA) else name


def has_label(iri: str) -> bool:
    return _own_label(iri) is not None or iri in BUILTIN_LABELS


def types_of(iri: str) -> frozenset[str]:
    known = _known()
    if iri not in known.types:
        prefetch([iri])
    return known.types.get(iri, frozenset())


# ---- the ontology -------------------------------------------------------------------------------

@dataclass
class PropertyInfo:
    iri: str
    kinds: set[str] = field(default_factory=set)
    domain: set[str] = field(default_factory=set)
    range: set[str] = field(default_factory=set)
    parents: set[str] = field(default_factory=set)
    inverse: set[str] = field(default_factory=set)
    definition: str | None = None


@dataclass
class Ontology:
    """Named classes with their parents, members per class, properties with domain and range."""

    parents: dict[str, set[str]]
    definitions: dict[str, str]
    properties: dict[str, PropertyInfo]
    defined: set[str] = field(default_factory=set)  # classes with owl:equivalentClass
    children: dict[str, set[str]] = field(default_factory=dict)
    _ancestors: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        children: dict[str, set[str]] = defaultdict(set)
        for cls, parents in self.parents.items():
            for parent in parents:
                children[parent].add(cls)
        self.children = dict(children)

    @property
    def counts(self) -> dict[str, int]:
        """Members of each class (a whole-graph count, run on first use and cached)."""
        return class_counts()

    @property
    def uses(self) -> dict[str, int]:
        """Statements per property (a whole-graph count, run on first use and cached)."""
        return property_uses()

    def is_class(self, iri: str) -> bool:
        return iri in self.parents

    def ancestors(self, cls: str) -> list[str]:
        """Every superclass, nearest first (memoised: the ontology is fixed per data version)."""
        known = self._ancestors.get(cls)
        if known is None:
            known = self._ancestors[cls] = self._walk_up(cls)
        return known

    def _walk_up(self, cls: str) -> list[str]:
        seen: list[str] = []
        frontier = sorted(self.parents.get(cls, ()))
        while frontier:
            nxt: list[str] = []
            for parent in frontier:
                if parent not in seen and parent != cls:
                    seen.append(parent)
                    nxt += sorted(self.parents.get(parent, ()))
            frontier = nxt
        return seen

    def is_a(self, classes: Iterable[str], target: str) -> bool:
        return any(c == target or target in self.ancestors(c) for c in classes)

    def most_specific(self, classes: Iterable[str], asserted_only: bool = False) -> list[str]:
        """The classes that are not a superclass of another one in the set (ontology classes only);
        `asserted_only` leaves out defined classes (those the reasoner fills)."""
        known = [c for c in set(classes) if c in self.parents and not (asserted_only and c in self.defined)]
        implied = {a for c in known for a in self.ancestors(c)}
        return sorted((c for c in known if c not in implied), key=by_label)

    def path(self, cls: str) -> list[str]:
        """One chain from a root class down to `cls` (first parent by label at each step)."""
        chain = [cls]
        seen = {cls}
        current = cls
        while True:
            parents = sorted((p for p in self.parents.get(current, ()) if p not in seen), key=by_label)
            if not parents:
                return list(reversed(chain))
            current = parents[0]
            seen.add(current)
            chain.append(current)

    def roots(self) -> list[str]:
        return sorted((c for c, parents in self.parents.items() if not parents and c.startswith(IA)),
                      key=by_label)

    def subclasses(self, cls: str) -> list[str]:
        return sorted(self.children.get(cls, ()), key=by_label)


def _ontology() -> Ontology:
    parents: dict[str, set[str]] = defaultdict(set)
    definitions: dict[str, str] = {}
    defined: set[str] = set()
    for row in data.select("classes"):
        cls = row["class"].value
        parents[cls]  # noqa: B018 - a class without parents is still a class
        if "parent" in row:
            parents[cls].add(row["parent"].value)
        if "definition" in row:
            definitions.setdefault(cls, row["definition"].value)
        if row.get("defined") is not None and row["defined"].value == "true":
            defined.add(cls)
    for cls in list(parents):  # parents that are not declared classes (prov:Entity) still count
        for parent in list(parents[cls]):
            parents.setdefault(parent, set())
    properties: dict[str, PropertyInfo] = {}
    for row in data.select("properties"):
        prop = properties.setdefault(row["property"].value, PropertyInfo(row["property"].value))
        prop.kinds.add(row["kind"].value)
        if "rel" not in row or "value" not in row:
            continue
        rel, value = row["rel"].value, row["value"]
        if rel == "definition":
            prop.definition = prop.definition or value.value
        elif value.is_iri:
            getattr(prop, rel).add(value.value)
    onto = Ontology(dict(parents), definitions, properties, defined)
    prefetch([*onto.parents, *properties])  # the vocabulary's own labels, for sorting by label
    return onto


def ontology() -> Ontology:
    return data.model("model:ontology", _ontology)


def class_counts() -> dict[str, int]:
    return {row["class"].value: int(row["members"].value) for row in data.select_counts("class-counts")}


def property_uses() -> dict[str, int]:
    return {row["property"].value: int(row["uses"].value) for row in data.select_counts("property-counts")}


# ---- publications -------------------------------------------------------------------------------

@dataclass
class Publication:
    iri: str
    title: str | None = None
    authors: str | None = None
    year: str | None = None
    journal: str | None = None
    volume: str | None = None
    pages: str | None = None
    doi: str | None = None
    license: str | None = None
    source_file: str | None = None

    @property
    def short(self) -> str:
        """`Maude et al. 2018`, `Glasser & Chen 2023`, or the label."""
        names = [a.split(",")[0].strip() for a in (self.authors or "").split(";") if a.strip()]
        names = [n for n in names if n and n.lower() not in ("et al.", "et al")]
        if not names:
            return label(self.iri)
        who = names[0] if len(names) == 1 else (
            f"{names[0]} & {names[1]}" if len(names) == 2 and "et al" not in (self.authors or "")
            else f"{names[0]} et al."
        )
        return f"{who} {self.year}" if self.year else who

    @property
    def citation(self) -> str:
        """Authors, title, journal volume, pages, year."""
        parts = [self.authors, self.title]
        where = " ".join(p for p in (self.journal, self.volume) if p)
        if self.pages:
            where = f"{where}, {self.pages}" if where else self.pages
        parts += [where or None, self.year]
        return ". ".join(p.rstrip(".") for p in parts if p) + "."

    @property
    def open_licence(self) -> bool:
        return bool(self.license) and self.license.rstrip("/") in CC_BY


_PUBLICATION_FIELDS = {
    DCT + "title": "title", IA + "authorList": "authors", IA + "year": "year",
    IA + "journal": "journal", IA + "volume": "volume", IA + "pages": "pages", IA + "doi": "doi",
    DCT + "license": "license", IA + "sourceFile": "source_file",
}


def _publications() -> dict[str, Publication]:
    found: dict[str, Publication] = {}
    for row in data.select("publications"):
        iri = row["publication"].value
        pub = found.setdefault(iri, Publication(iri))
        name = _PUBLICATION_FIELDS.get(row["p"].value)
        if name and getattr(pub, name) is None:
            setattr(pub, name, row["value"].value)
    return found


def publications() -> dict[str, Publication]:
    return data.model("model:publications", _publications)


def publication(iri: str) -> Publication:
    return publications().get(iri) or Publication(iri)
