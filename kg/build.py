"""Curated facts -> an RDF dataset of named graphs (asserted facts and their provenance).

Pure: reads the ontology, the facts and the corpus, returns graphs; writes nothing.
Two passes: first every record gets its IRI (so records may refer to each other in any
order), then each record is checked against `kg.schema` and converted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from kg.corpus import Corpus
from kg.facts import FactError, FactSet, Located
from kg.ids import IA, OA, mint
from kg.provenance import Passage, check_figures, parse_source
from kg.schema import (
    ARM,
    CITED_AS,
    CLAIM,
    CONSTRUCT,
    DOSE_STEP,
    POPULATION,
    REF_KINDS,
    SCHEMA,
    Field,
)

# The IRI kind each record folder mints into (agents and molecules depend on the record).
FOLDER_KIND = {
    "publications": "publication", "organizations": "org", "diseases": "disease",
    "adverse_events": "ae", "studies": "trial", "results": "result", "ae_observations": "aeobs",
    "profiles": "profile", "approvals": "approval", "dosing": "dosing", "washout": "washout",
    "relapse": "relapse", "risk_factors": "riskfactor", "associations": "association",
    "strata": "stratum", "generations": "generation",
}
# The ontology class of each record folder where it is fixed.
FOLDER_CLASS = {
    "publications": IA.Publication, "organizations": IA.Organization, "diseases": IA.Disease,
    "adverse_events": IA.AdverseEvent, "results": IA.OutcomeResult,
    "ae_observations": IA.AdverseEventObservation, "profiles": IA.AdverseEventProfile,
    "approvals": IA.RegulatoryApproval, "dosing": IA.DosingRegimen, "washout": IA.WashoutInterval,
    "relapse": IA.RelapsePhenotype, "risk_factors": IA.RiskFactor,
    "associations": IA.RiskFactorAssociation, "strata": IA.RiskStratum,
    "generations": IA.CARGenerationDefinition,
}
MOLECULE_TYPES = {
    "antigen": ("antigen", IA.Antigen), "gene": ("gene", IA.Gene),
    "costimulatory": ("domain", IA.CostimulatoryDomain), "activation": ("domain", IA.ActivationDomain),
}
ORG_TYPES = {"agency", "group", "institution", "company", "registry"}
DISAGREEMENT_TYPES = {"disagreement": ("disagreement", IA.Disagreement),
                      "misprint": ("misprint", IA.Misprint)}


def kinds_in_folder(folder: str) -> tuple[str, ...]:
    """The IRI kinds the records of a facts folder may mint into."""
    if folder == "agents":
        return ("agent", "procedure", "regimen")
    if folder == "molecules":
        return ("antigen", "gene", "domain")
    if folder == "disagreements":
        return ("disagreement", "misprint")
    return (FOLDER_KIND[folder],)


class Vocabulary:
    """What the ontology declares: classes with their superclasses, and named individuals."""

    def __init__(self, ontology: Graph):
        self.graph = ontology
        self.classes = {c for c in ontology.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
        self.individuals: dict[URIRef, set[URIRef]] = {}
        for ind in ontology.subjects(RDF.type, OWL.NamedIndividual):
            types = {t for t in ontology.objects(ind, RDF.type) if t in self.classes}
            self.individuals[ind] = {s for t in types for s in self.superclasses(t)}

    def superclasses(self, cls: URIRef) -> set[URIRef]:
        return set(self.graph.transitive_objects(cls, RDFS.subClassOf))

    def individual(self, name: str, of: URIRef) -> URIRef | None:
        iri = IA[name]
        return iri if of in self.individuals.get(iri, set()) else None

    def members(self, of: URIRef) -> list[str]:
        return sorted(str(i).rsplit("/", 1)[1] for i, t in self.individuals.items() if of in t)

    def subclass(self, name: str, of: URIRef) -> URIRef | None:
        iri = IA[name]
        return iri if iri in self.classes and of in self.superclasses(iri) else None

    def subclasses(self, of: URIRef) -> list[str]:
        return sorted(str(c).rsplit("/", 1)[1] for c in self.classes
                      if str(c).startswith(str(IA)) and of in self.superclasses(c))


@dataclass
class Built:
    """The output of the build step: graphs plus counts for the progress report."""

    asserted: Graph
    provenance: Graph
    passages: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    iris: dict[tuple[str, str], URIRef] = field(default_factory=dict)  # (IRI kind, id) -> IRI

    def find(self, folder: str, rid: str) -> URIRef | None:
        """The IRI of record `rid` of a facts folder, whatever IRI kind it minted into."""
        return next((self.iris[(k, rid)] for k in kinds_in_folder(folder) if (k, rid) in self.iris), None)


class Builder:
    def __init__(self, ontology: Graph, facts: FactSet, corpus: Corpus):
        self.vocab = Vocabulary(ontology)
        self.facts = facts
        self.corpus = corpus
        self.asserted = Graph()
        self.provenance = Graph()
        self.iris: dict[tuple[str, str], URIRef] = {}
        self.where: dict[tuple[str, str], Located] = {}
        self.citations: dict[tuple[str, int], tuple[URIRef, URIRef]] = {}
        self.passages: set[str] = set()

    # ---- pass 1: identities -------------------------------------------------------------
    def register(self, kind: str, slug: object, record: Located, field_name: str = "id") -> URIRef:
        if not isinstance(slug, str | int) or isinstance(slug, bool):
            raise record.error(field_name, "id must be a string")
        slug = str(slug)
        try:
            iri = mint(kind, slug)
        except ValueError as exc:
            raise record.error(field_name, str(exc)) from exc
        if (kind, slug) in self.iris:
            first = self.where[(kind, slug)]
            raise record.error(field_name, f"duplicate id {slug!r} (first at {first.file}:{first.line})")
        self.iris[(kind, slug)] = iri
        self.where[(kind, slug)] = record
        return iri

    def identify(self) -> None:
        for folder, record in self.facts:
            rid = record.get("id")
            if rid is None:
                raise record.error("id", "every record needs an id")
            kind = self.kind_of(folder, record)
            self.register(kind, rid, record)
            for arm in record.get("arms") or [] if folder == "studies" else []:
                if isinstance(arm, Located):
                    self.register("arm", f"{rid}.{arm.get('id')}", arm)
            for construct in record.get("constructs") or [] if folder == "agents" else []:
                if isinstance(construct, Located):
                    self.register("construct", construct.get("id"), construct)
        for record in self.facts.of("publications"):
            for entry in record.get("cited_as") or []:
                if not isinstance(entry, Located):
                    raise record.error("cited_as", "each cited_as entry is a mapping")
                doc, number = entry.get("doc"), entry.get("number")
                if (doc, number) in self.citations:
                    raise entry.error("number", f"reference {doc} #{number} is cited twice")
                ref_iri = mint("reference", f"{doc}-{number}")
                self.citations[(doc, number)] = (ref_iri, self.iris[("publication", str(record["id"]))])

    def kind_of(self, folder: str, record: Located) -> str:
        if folder == "agents":
            classes = record.get("classes") or []
            if "Procedure" in classes:
                return "procedure"
            if "TreatmentRegimen" in classes:
                return "regimen"
            return "agent"
        if folder == "molecules":
            kind = MOLECULE_TYPES.get(record.get("type"))
            if not kind:
                raise record.error("type", f"molecule type must be one of {sorted(MOLECULE_TYPES)}")
            return kind[0]
        if folder == "disagreements":
            kind = DISAGREEMENT_TYPES.get(record.get("type"))
            if not kind:
                raise record.error("type", f"type must be one of {sorted(DISAGREEMENT_TYPES)}")
            return kind[0]
        return FOLDER_KIND[folder]

    # ---- pass 2: conversion ---------------------------------------------------------------
    def build(self) -> Built:
        self.identify()
        counts: dict[str, int] = {}
        for folder, record in self.facts:
            kind = self.kind_of(folder, record)
            subject = self.iris[(kind, str(record["id"]))]
            self.convert(folder, record, subject)
            counts[folder] = counts.get(folder, 0) + 1
        return Built(self.asserted, self.provenance, len(self.passages), counts, dict(self.iris))

    def convert(self, folder: str, record: Located, subject: URIRef) -> None:
        fields = SCHEMA[folder]
        self.check_fields(record, fields)
        passages = self.sources(record, subject)
        figures: list[tuple[str, object]] = []
        add = self.asserted.add
        if folder in FOLDER_CLASS:
            add((subject, RDF.type, FOLDER_CLASS[folder]))
        special: dict[str, Callable[[], None]] = {
            "population": lambda: self.population(record, subject, passages, figures),
            "arms": lambda: self.arms(record, subject, passages, figures),
            "constructs": lambda: self.constructs(record, subject),
            "steps": lambda: self.dose_steps(record, subject, figures),
            "ci": lambda: self.confidence_interval(record, subject, figures),
            "cited_as": lambda: self.cited_as(record, subject),
            "claims": lambda: self.claims(record, subject),
        }
        for f in fields:
            if f.name not in record or record[f.name] is None:
                continue
            if f.name in special:
                special[f.name]()
                continue
            if f.type == "special":
                continue
            if f.name == "classes":
                for cls in self.values(record, f):
                    add((subject, RDF.type, cls))
                continue
            for value in self.values(record, f):
                if f.predicate is not None:
                    add((subject, f.predicate, value))
            if f.figure:
                figures += [(f.name, v) for v in self.raw_list(record, f)]
        self.specific(folder, record, subject)
        check_figures(record, figures, passages, self.corpus)

    def specific(self, folder: str, record: Located, subject: URIRef) -> None:
        """What a kind adds beyond its field table: types that depend on values, labels."""
        add = self.asserted.add
        if folder == "molecules":
            add((subject, RDF.type, MOLECULE_TYPES[record["type"]][1]))
        elif folder == "organizations":
            if record["type"] not in ORG_TYPES:
                raise record.error("type", f"organization type must be one of {sorted(ORG_TYPES)}")
            if record["type"] == "agency":
                add((subject, RDF.type, IA.RegulatoryAgency))
        elif folder == "disagreements":
            add((subject, RDF.type, DISAGREEMENT_TYPES[record["type"]][1]))
            if record["type"] == "disagreement":
                if not record.get("aspect"):
                    raise record.error("aspect", "a disagreement says in a few words what it is about")
                if len(record.get("statements") or []) + len(record.get("claims") or []) < 2:
                    raise record.error("statements", "a disagreement links at least two conflicting statements")
            elif not (record.get("printed") and record.get("likely")):
                raise record.error("printed", "a misprint gives what is printed and what is likely meant")
        elif folder == "results":
            if "unit" not in record:
                add((subject, IA.unit, IA.Percent))
            if "statistic" not in record:
                add((subject, IA.statistic, IA.Rate))
        elif folder == "ae_observations" and "incidence" in record:
            add((subject, IA.unit, IA.Percent))
        elif folder == "publications":
            add((subject, RDFS.label, Literal(str(record["title"]), lang="en")))
            if record.get("license") == "CC-BY-4.0":
                add((subject, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))
        if folder in ("studies", "agents", "molecules", "diseases", "organizations", "adverse_events",
                      "relapse", "risk_factors") and "label" not in record:
            raise record.error("label", "this kind of record needs a label")
        if (subject, RDFS.label, None) not in self.asserted:
            add((subject, RDFS.label, Literal(self.describe(folder, record), lang="en")))

    def describe(self, folder: str, record: Located) -> str:
        """A readable label for an n-ary node, made from its fields."""
        def name(kind: str, key: str) -> str:
            iri = self.iris.get((kind, str(key)))
            label = self.asserted.value(iri, RDFS.label) if iri is not None else None
            return str(label) if label is not None else str(key)

        def local(value: object) -> str:
            label = self.vocab.graph.value(IA[str(value)], RDFS.label)
            return str(label) if label is not None else str(value)

        if folder == "results":
            unit = "%" if record.get("unit", "Percent") == "Percent" else " " + local(record["unit"])
            parts = [name("trial", record["study"]) + ":", local(record["measure"]),
                     f"{record['value']}{unit}"]
            if record.get("timepoint_label"):
                parts.append(f"({record['timepoint_label']})")
            if record.get("arm"):
                parts.append(f"[{record['arm']}]")
            if record.get("subgroup"):
                parts.append(f"[{record['subgroup']}]")
            return " ".join(parts)
        if folder == "ae_observations":
            figure = f"{record['incidence']}%" if "incidence" in record else f"n={record.get('count')}"
            return (f"{name('trial', record['study'])}: {name('ae', record['event'])} "
                    f"{local(record['grade'])} {figure}")
        if folder == "approvals":
            return (f"{name('agent', record['agent'])}: {local(record['status'])} by "
                    f"{name('org', record['agency'])} {record.get('year', '')}").strip()
        if folder == "washout":
            return f"washout {record['value']} {local(record['unit'])} before {local(record['before'])}"
        if folder == "generations":
            return f"{local(record['generation'])} ({record.get('doc', '')})"
        if folder == "profiles":
            return f"{name('ae', record['event'])}: {local(record['aspect'])}"
        return str(record["id"])

    # ---- fields -------------------------------------------------------------------------------
    def check_fields(self, record: Located, fields: list[Field]) -> None:
        names = {f.name for f in fields}
        for key in record:
            if key not in names:
                raise record.error(key, f"unknown field; allowed: {sorted(names)}")
        for f in fields:
            if f.required and record.get(f.name) in (None, [], ""):
                raise record.error(f.name, "required field is missing")

    def raw_list(self, record: Located, f: Field) -> list[object]:
        value = record[f.name]
        if f.many:
            return value if isinstance(value, list) else [value]
        if isinstance(value, list):
            raise record.error(f.name, "takes one value, not a list")
        return [value]

    def values(self, record: Located, f: Field) -> Iterable[URIRef | Literal]:
        for raw in self.raw_list(record, f):
            yield self.value(record, f, raw)

    def value(self, record: Located, f: Field, raw: object) -> URIRef | Literal:
        t = f.type
        if t in ("label", "alt"):
            if not isinstance(raw, str) or not raw.strip():
                raise record.error(f.name, "must be a non-empty string")
            return Literal(raw.strip(), lang="en")
        if t == "text":
            if isinstance(raw, bool) or not isinstance(raw, str | int | float):
                raise record.error(f.name, "must be a string")
            return Literal(str(raw))
        if t == "int":
            if isinstance(raw, bool) or not isinstance(raw, int):
                raise record.error(f.name, f"must be an integer, got {raw!r}")
            return Literal(raw, datatype=XSD.integer)
        if t == "dec":
            return Literal(self.decimal(record, f.name, raw), datatype=XSD.decimal)
        if t.startswith("enum:"):
            of = IA[t[5:]]
            iri = self.vocab.individual(str(raw), of)
            if iri is None:
                raise record.error(f.name, f"{raw!r} is not a {t[5:]}; allowed: {self.vocab.members(of)}")
            return iri
        if t.startswith("class:"):
            of = IA[t[6:]]
            iri = self.vocab.subclass(str(raw), of)
            if iri is None:
                allowed = self.vocab.subclasses(of)
                raise record.error(f.name, f"{raw!r} is not a class under {t[6:]}; allowed: {allowed}")
            return iri
        if t.startswith("ref:"):
            return self.ref(record, f.name, t[4:], raw)
        raise AssertionError(f"unhandled field type {t}")

    def decimal(self, record: Located, name: str, raw: object) -> Decimal:
        if isinstance(raw, bool):
            raise record.error(name, "must be a number")
        try:
            return Decimal(str(raw))
        except InvalidOperation as exc:
            raise record.error(name, f"must be a number, got {raw!r}") from exc

    def ref(self, record: Located, name: str, ref_type: str, raw: object) -> URIRef:
        if ref_type == "any":
            folder, _, rid = str(raw).partition("/")
            if folder not in SCHEMA or not rid:
                raise record.error(name, f"{raw!r}: refer to any record as 'folder/id'")
            kinds = kinds_in_folder(folder)
        elif ref_type == "arm":
            study = record.get("study")
            rid, kinds = f"{study}.{raw}", ("arm",)
        else:
            rid, kinds = str(raw), REF_KINDS[ref_type]
        for kind in kinds:
            if (kind, rid) in self.iris:
                return self.iris[(kind, rid)]
        raise record.error(name, f"no {ref_type} with id {raw!r}")

    # ---- nested structures ---------------------------------------------------------------------
    def nested(self, parent: Located, name: str, item: object, fields: list[Field],
               subject: URIRef, figures: list[tuple[str, object]] | None) -> None:
        if not isinstance(item, Located):
            raise parent.error(name, "must be a mapping")
        self.check_fields(item, fields)
        for f in fields:
            if f.type == "special" or item.get(f.name) is None:
                continue
            for value in self.values(item, f):
                if f.predicate is not None:
                    self.asserted.add((subject, f.predicate, value))
            if f.figure and figures is not None:
                figures += [(f"{name}.{f.name}", v) for v in self.raw_list(item, f)]

    def population(self, record: Located, owner: URIRef, passages: list[Passage],
                   figures: list[tuple[str, object]]) -> None:
        node = URIRef(str(owner) + "#population")
        pop = record["population"]
        self.asserted.add((node, RDF.type, IA.Population))
        predicate = IA.approvalPopulation if (owner, RDF.type, IA.RegulatoryApproval) in self.asserted \
            else IA.studiesPopulation
        self.asserted.add((owner, predicate, node))
        self.nested(record, "population", pop, POPULATION, node, figures)
        if "age_min" in pop or "age_max" in pop:
            if pop.get("age_unit") is None:
                self.asserted.add((node, IA.ageUnit, IA.Year))
            lo, hi = pop.get("age_min"), pop.get("age_max")
            if lo is not None and hi is not None and Decimal(str(lo)) > Decimal(str(hi)):
                raise pop.error("age_min", f"minimum age {lo} exceeds maximum age {hi}")
        if (node, RDFS.label, None) not in self.asserted:
            self.asserted.add((node, RDFS.label, Literal(f"population of {record['id']}", lang="en")))
        self.link_sources(node, passages)

    def arms(self, record: Located, study: URIRef, passages: list[Passage],
             figures: list[tuple[str, object]]) -> None:
        for arm in record["arms"]:
            iri = self.iris[("arm", f"{record['id']}.{arm.get('id')}")]
            self.asserted.add((iri, RDF.type, IA.StudyArm))
            self.asserted.add((study, IA.hasArm, iri))
            self.asserted.add((iri, IA.armOf, study))
            self.nested(record, "arms", arm, ARM, iri, figures)
            if arm.get("population") is not None:
                self.population(arm, iri, passages, figures)

    def constructs(self, record: Located, product: URIRef) -> None:
        for item in record["constructs"]:
            iri = self.iris[("construct", str(item.get("id")))]
            self.asserted.add((iri, RDF.type, IA.CARConstruct))
            self.asserted.add((product, IA.hasCARConstruct, iri))
            self.nested(record, "constructs", item, CONSTRUCT, iri, None)
            if (iri, RDFS.label, None) not in self.asserted:
                self.asserted.add((iri, RDFS.label, Literal(f"CAR construct of {record['label']}", lang="en")))
            self.sources(item, iri)

    def dose_steps(self, record: Located, regimen: URIRef, figures: list[tuple[str, object]]) -> None:
        for order, step in enumerate(record["steps"], start=1):
            node = URIRef(f"{regimen}#step{order}")
            self.asserted.add((node, RDF.type, IA.DoseStep))
            self.asserted.add((regimen, IA.hasDoseStep, node))
            self.asserted.add((node, IA.stepOrder, Literal(order, datatype=XSD.integer)))
            self.nested(record, "steps", step, DOSE_STEP, node, figures)
            label = f"step {order}: {step.get('dose')} {step.get('unit')} {step.get('schedule', '')}"
            self.asserted.add((node, RDFS.label, Literal(label.strip(), lang="en")))

    def confidence_interval(self, record: Located, subject: URIRef,
                            figures: list[tuple[str, object]]) -> None:
        ci = record["ci"]
        if not isinstance(ci, list) or len(ci) != 2:
            raise record.error("ci", "a confidence interval is [lower, upper]")
        lo, hi = (self.decimal(record, "ci", x) for x in ci)
        if lo > hi:
            raise record.error("ci", f"lower bound {lo} exceeds upper bound {hi}")
        self.asserted.add((subject, IA.ciLower, Literal(lo, datatype=XSD.decimal)))
        self.asserted.add((subject, IA.ciUpper, Literal(hi, datatype=XSD.decimal)))
        if "ci_level" not in record:
            self.asserted.add((subject, IA.ciLevel, Literal(Decimal(95), datatype=XSD.decimal)))
        figures += [("ci", lo), ("ci", hi)]

    def claims(self, record: Located, disagreement: URIRef) -> None:
        """Label disagreements: each review's claim is a node derived from its own passage."""
        for number, claim in enumerate(record["claims"], start=1):
            if not isinstance(claim, Located):
                raise record.error("claims", "each claim is a mapping {value, source}")
            self.check_fields(claim, CLAIM)
            node = URIRef(f"{disagreement}#claim{number}")
            self.asserted.add((node, RDF.type, IA.Claim))
            self.asserted.add((node, IA.claimedValue, Literal(str(claim["value"]))))
            self.asserted.add((node, RDFS.label, Literal(f"claim: {claim['value']}", lang="en")))
            self.asserted.add((disagreement, IA.conflictingStatement, node))
            self.sources(claim, node)

    def cited_as(self, record: Located, publication: URIRef) -> None:
        for entry in record["cited_as"]:
            self.check_fields(entry, CITED_AS)
            doc, number = entry["doc"], entry["number"]
            ref_iri, _ = self.citations[(doc, number)]
            review = self.ref(entry, "doc", "publication", doc)
            add = self.asserted.add
            add((ref_iri, RDF.type, IA.BibliographicReference))
            add((ref_iri, RDFS.label, Literal(f"{doc} reference {number}", lang="en")))
            add((ref_iri, IA.citingDocument, review))
            add((ref_iri, IA.citedPublication, publication))
            add((ref_iri, IA.referenceNumber, Literal(number, datatype=XSD.integer)))
            if entry.get("note"):
                add((ref_iri, IA.curatorNote, Literal(str(entry["note"]))))
            span = entry.get("span")
            if span is not None:
                section = "References"
                passage = parse_source(entry, "span", {"doc": doc, "at": section, "span": span}, self.corpus)
                self.passage_node(passage)
                self.provenance.add((ref_iri, PROV.wasDerivedFrom, mint("passage", passage.slug)))

    # ---- provenance -------------------------------------------------------------------------------
    def sources(self, record: Located, subject: URIRef) -> list[Passage]:
        raw: list[tuple[str, object]] = []
        if record.get("source") is not None:
            raw.append(("source", record["source"]))
        if record.get("sources") is not None:
            if not isinstance(record["sources"], list):
                raise record.error("sources", "sources is a list of source mappings")
            raw += [("sources", s) for s in record["sources"]]
        passages = [parse_source(record, name, value, self.corpus) for name, value in raw]
        for passage in passages:
            for number in passage.refs:
                if (passage.doc, number) not in self.citations:
                    raise record.error("source", f"{passage.doc} has no reference number {number}")
        self.link_sources(subject, passages)
        return passages

    def link_sources(self, subject: URIRef, passages: list[Passage]) -> None:
        for passage in passages:
            node = self.passage_node(passage)
            self.provenance.add((subject, PROV.wasDerivedFrom, node))
            for number in passage.refs:
                _, publication = self.citations[(passage.doc, number)]
                self.provenance.add((subject, PROV.hadPrimarySource, publication))

    def passage_node(self, passage: Passage) -> URIRef:
        node = mint("passage", passage.slug)
        if passage.slug in self.passages:
            return node
        self.passages.add(passage.slug)
        add = self.provenance.add
        add((node, RDF.type, IA.Passage))
        add((node, RDFS.label, Literal(
            f"{passage.doc}, {passage.section}, characters {passage.start}-{passage.end}", lang="en")))
        add((node, IA.inDocument, mint("publication", passage.doc)))
        add((node, IA.section, Literal(passage.section)))
        add((node, OA.start, Literal(passage.start, datatype=XSD.integer)))
        add((node, OA.end, Literal(passage.end, datatype=XSD.integer)))
        for number in passage.refs:
            add((node, IA.citesReference, self.citations[(passage.doc, number)][0]))
        return node


def build_graphs(ontology: Graph, facts: FactSet, corpus: Corpus) -> Built:
    """Convert all facts; raises FactError naming file, line and field on the first problem."""
    return Builder(ontology, facts, corpus).build()


__all__ = ["Built", "FactError", "build_graphs"]
