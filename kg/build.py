"""Curated facts -> an RDF dataset of named graphs (asserted facts and their provenance).

Pure: reads the ontology, the facts and the corpus, returns graphs; writes nothing.
Two passes: first every record gets its IRI (so records may refer to each other in any
order), then each record is checked against its kind in `immunall/kinds.py` and converted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from rdflib import OWL, RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from immunall.kinds import (
    BASIS_FIELDS,
    CITED_AS,
    CLAIM,
    CONSTRUCT,
    DOSE_STEP,
    GROUP,
    KINDS,
    MONTHS_PER_UNIT,
    NAME,
    POPULATION,
    REF_KINDS,
    RELATIONS,
    REPORT,
    Field,
    segments_of,
)
from kg.corpus import Corpus
from kg.facts import FactError, FactSet, Located
from kg.ids import IA, OA, mint
from kg.provenance import Passage, check_figures, check_stated, parse_source

ORG_TYPES = {"agency", "group", "institution", "company", "registry"}
# The nested groups and reports of a study: record field -> (IRI kind, class, study -> node, node -> study).
STUDY_PARTS = {
    "arms": ("arm", IA.StudyArm, IA.hasArm, IA.armOf),
    "cohorts": ("cohort", IA.Cohort, IA.hasCohort, IA.cohortOf),
    "reports": ("report", IA.StudyReport, IA.hasReport, IA.reportOf),
}
# Names a record may attribute to a passage: type -> the property the name is a value of.
NAME_TYPES = {"label": RDFS.label, "alt": SKOS.altLabel, "acronym": IA.acronym, "brand": IA.brandName,
              "code": IA.codeName, "abbreviation": IA.abbreviation}
PLAIN_NAMES = {IA.acronym, IA.brandName, IA.codeName, IA.abbreviation}


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
        return next((self.iris[(k, rid)] for k in segments_of(folder) if (k, rid) in self.iris), None)


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
            if folder == "studies":
                for name, (part_kind, *_rest) in STUDY_PARTS.items():
                    for part in record.get(name) or []:
                        if not isinstance(part, Located):
                            raise record.error(name, "each entry is a mapping with an id")
                        self.register(part_kind, f"{rid}.{part.get('id')}", part)
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
        """The IRI kind of a record: its kind's, or the one a field value selects (immunall/kinds.py)."""
        kind = KINDS[folder]
        for name, table in kind.by_field.items():
            value = record.get(name)
            values = value if isinstance(value, list) else [value]
            for v in values:
                if isinstance(v, str) and v in table:
                    return table[v][0]
            if name == "type":  # the type field must name one of the entries
                raise record.error(name, f"{folder} type must be one of {sorted(table)}")
        return kind.segment

    def class_of(self, folder: str, record: Located) -> URIRef | None:
        kind = KINDS[folder]
        for name, table in kind.by_field.items():
            value = record.get(name)
            for v in value if isinstance(value, list) else [value]:
                if isinstance(v, str) and v in table:
                    return IA[table[v][1]]
        return IA[kind.cls] if kind.cls else None

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
        kind = KINDS[folder]
        self.check_fields(record, kind.fields)
        passages = self.sources(record, subject)
        figures: list[tuple[str, object]] = []
        add = self.asserted.add
        cls = self.class_of(folder, record)
        if cls is not None:
            add((subject, RDF.type, cls))
        special: dict[str, Callable[[], None]] = {
            "population": lambda: self.population(record, subject, passages, figures),
            "arms": lambda: self.study_parts(record, subject, "arms", figures),
            "cohorts": lambda: self.study_parts(record, subject, "cohorts", figures),
            "reports": lambda: self.study_parts(record, subject, "reports", figures),
            "constructs": lambda: self.constructs(record, subject),
            "steps": lambda: self.dose_steps(record, subject, figures),
            "ci": lambda: self.confidence_interval(record, subject, figures),
            "cited_as": lambda: self.cited_as(record, subject),
            "claims": lambda: self.claims(record, subject),
            "names": lambda: self.names(record, subject),
            "basis": lambda: self.basis(record, subject),
        }
        for f in kind.fields:
            if f.name not in record or record[f.name] is None:
                continue
            if f.type == "special":
                if f.name in special:
                    special[f.name]()
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
        if record.get("stated") is not None:
            check_stated(record, str(record["stated"]), passages, self.corpus)
        if not passages and record.get("basis") is None and kind.statement:
            raise record.error("source", "every fact cites its passage (source) or states its outside "
                                         "knowledge (basis: {from: ReferenceTable|RegistryRecord|CuratorInference})")

    def specific(self, folder: str, record: Located, subject: URIRef) -> None:
        """What a kind adds beyond its field table: defaults, normalised values, checks, labels."""
        add = self.asserted.add
        if folder == "organizations":
            if record["type"] not in ORG_TYPES:
                raise record.error("type", f"organization type must be one of {sorted(ORG_TYPES)}")
            if record["type"] == "agency":
                add((subject, RDF.type, IA.RegulatoryAgency))
        elif folder == "disagreements":
            if len(record.get("claims") or []) < 2:
                raise record.error("claims", "a disagreement links at least two claims")
            if record["kind"] == "PrintingError" and not (record.get("printed") and record.get("likely")):
                raise record.error("printed", "a misprint gives what is printed and what is likely meant")
        elif folder == "results":
            self.stated_value(record, subject, "value")
            if "unit" not in record:
                add((subject, IA.unit, IA.Percent))
            if "statistic" not in record:
                add((subject, IA.statistic, IA.Rate))
        elif folder == "ae_observations":
            self.stated_value(record, subject, "incidence")
            if "incidence" in record or record.get("stated"):
                add((subject, IA.unit, IA.Percent))
            if "incidence" not in record and "count" not in record and not record.get("stated"):
                raise record.error("incidence", "an observation gives an incidence, a count, or stated: none|all")
        elif folder == "comparisons":
            if len(record.get("arms") or []) + len(record.get("cohorts") or []) \
                    + len(record.get("results") or []) < 2:
                raise record.error("arms", "a comparison names at least two arms, cohorts or results")
            if record.get("effect_value") is not None and record.get("effect") is None:
                raise record.error("effect", "an effect value needs its effect measure (HazardRatio, ...)")
            for result in record.get("results") or []:
                add((self.ref(record, "results", "result", result), IA.comparedIn, subject))
        elif folder == "publications":
            add((subject, RDFS.label, Literal(str(record["title"]), lang="en")))
            if record.get("license") == "CC-BY-4.0":
                add((subject, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))
        self.timepoint_months(record, subject)
        if KINDS[folder].label_required and "label" not in record:
            raise record.error("label", "this kind of record needs a label")
        if (subject, RDFS.label, None) not in self.asserted:
            add((subject, RDFS.label, Literal(self.describe(folder, record), lang="en")))

    def stated_value(self, record: Located, subject: URIRef, value_field: str) -> None:
        """A figure stated in words: none is 0, all is 100% (or the count equals the denominator)."""
        stated = record.get("stated")
        if stated is None:
            if value_field == "value" and record.get("value") is None:
                raise record.error("value", "a result gives a value, or stated: StatedNone|StatedAll")
            return
        if stated not in ("StatedNone", "StatedAll"):
            return  # the enum check has already named the allowed values
        implied = Decimal(0) if stated == "StatedNone" else Decimal(100)
        given = record.get(value_field)
        if given is not None and self.decimal(record, value_field, given) != implied:
            raise record.error(value_field, f"{stated} means a value of {implied}, not {given}")
        if stated == "StatedAll" and record.get("count") is not None and record.get("denominator") is not None \
                and record["count"] != record["denominator"]:
            raise record.error("count", "StatedAll means the count equals the denominator")
        if given is None:
            self.asserted.add((subject, IA.value, Literal(implied, datatype=XSD.decimal)))

    def timepoint_months(self, record: Located, subject: URIRef) -> None:
        """3-year and 36-month figures meet at ia:timepointMonths 36."""
        unit, value = record.get("timepoint_unit"), record.get("timepoint")
        if value is None or unit not in MONTHS_PER_UNIT:
            return
        numerator, denominator = (Decimal(x) for x in MONTHS_PER_UNIT[unit])
        months = (self.decimal(record, "timepoint", value) * numerator / denominator)
        months = months.quantize(Decimal(1)) if unit in ("Year", "Month") else months.quantize(Decimal("0.01"))
        self.asserted.add((subject, IA.timepointMonths, Literal(months, datatype=XSD.decimal)))

    def describe(self, folder: str, record: Located) -> str:
        """A readable label for an n-ary node, made from its fields."""
        def name(kind: str, key: str) -> str:
            iri = self.iris.get((kind, str(key)))
            label = self.asserted.value(iri, RDFS.label) if iri is not None else None
            return str(label) if label is not None else str(key)

        def local(value: object) -> str:
            label = self.vocab.graph.value(IA[str(value)], RDFS.label)
            return str(label) if label is not None else str(value)

        def group() -> str:
            parts = [f"[{record[k]}]" for k in ("report", "arm", "cohort", "subgroup") if record.get(k)]
            return (" " + " ".join(parts)) if parts else ""

        if folder == "results":
            unit = "%" if record.get("unit", "Percent") == "Percent" else " " + local(record["unit"])
            value = record.get("value", 0 if record.get("stated") == "StatedNone" else 100)
            shown = {"StatedNone": "none", "StatedAll": "all"}.get(record.get("stated") or "", f"{value}{unit}")
            parts = [name("trial", record["study"]) + ":", local(record["measure"]), shown]
            if record.get("timepoint_label"):
                parts.append(f"({record['timepoint_label']})")
            return " ".join(parts) + group()
        if folder == "ae_observations":
            if record.get("stated"):
                figure = {"StatedNone": "none", "StatedAll": "all"}[record["stated"]]
            else:
                figure = f"{record['incidence']}%" if "incidence" in record else f"n={record.get('count')}"
            when = f" ({record['timepoint_label']})" if record.get("timepoint_label") else ""
            return (f"{name('trial', record['study'])}: {name('ae', record['event'])} "
                    f"{local(record['grade'])} {figure}{when}{group()}")
        if folder == "comparisons":
            sides = [str(x) for k in ("arms", "cohorts") for x in record.get(k) or []] or ["results"]
            p = f", p {record.get('p_relation', '=')} {record['p']}" if record.get("p") is not None else ""
            return f"{name('trial', record['study'])}: {local(record['measure'])}, {' vs '.join(sides)}{p}"
        if folder == "approvals":
            return (f"{name('agent', record['agent'])}: {local(record['status'])} by "
                    f"{name('org', record['agency'])} {record.get('year', '')}").strip()
        if folder == "washout":
            return f"washout {record['value']} {local(record['unit'])} before {local(record['before'])}"
        if folder == "generations":
            return f"{local(record['generation'])} ({record.get('doc', '')})"
        if folder == "profiles":
            return f"{name('ae', record['event'])}: {local(record['aspect'])}"
        if folder == "disagreements":  # the aspect, and in brackets the kind of difference
            kind = "misprint" if record["kind"] == "PrintingError" else local(record["kind"])
            return f"{record['aspect']} ({kind})"
        if folder == "associations":
            outcomes = ", ".join(local(o) for o in record.get("outcome") or [])
            context = str(record.get("context") or "").split(";")[0]
            factor = name("riskfactor", record["factor"])
            return (f"{factor} as a risk factor" + (f" for {outcomes}" if outcomes else "")
                    + (f" ({context})" if context else ""))
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

    def values(self, record: Located, f: Field, study: object = None) -> Iterable[URIRef | Literal]:
        for raw in self.raw_list(record, f):
            yield self.value(record, f, raw, study)

    def value(self, record: Located, f: Field, raw: object, study: object = None) -> URIRef | Literal:
        t = f.type
        if t in ("label", "alt", "name"):
            if not isinstance(raw, str | int) or isinstance(raw, bool) or not str(raw).strip():
                raise record.error(f.name, "must be a non-empty string")
            return Literal(str(raw).strip()) if t == "name" else Literal(str(raw).strip(), lang="en")
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
        if t == "rel":
            name = RELATIONS.get(str(raw).strip().lower())
            if name is None:
                raise record.error(f.name, f"{raw!r} is not a comparator; allowed: {sorted(RELATIONS)}")
            return IA[name]
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
            return self.ref(record, f.name, t[4:], raw, study)
        raise AssertionError(f"unhandled field type {t}")

    def decimal(self, record: Located, name: str, raw: object) -> Decimal:
        if isinstance(raw, bool):
            raise record.error(name, "must be a number")
        try:
            return Decimal(str(raw))
        except InvalidOperation as exc:
            raise record.error(name, f"must be a number, got {raw!r}") from exc

    def ref(self, record: Located, name: str, ref_type: str, raw: object, study: object = None) -> URIRef:
        if ref_type == "any":
            folder, _, rid = str(raw).partition("/")
            if folder not in KINDS or not rid:
                raise record.error(name, f"{raw!r}: refer to any record as 'folder/id'")
            kinds = segments_of(folder)
        elif ref_type in ("arm", "cohort", "report"):
            rid, kinds = f"{study if study is not None else record.get('study')}.{raw}", (ref_type,)
        else:
            rid, kinds = str(raw), REF_KINDS[ref_type]
        for kind in kinds:
            if (kind, rid) in self.iris:
                return self.iris[(kind, rid)]
        raise record.error(name, f"no {ref_type} with id {raw!r}")

    # ---- nested structures ---------------------------------------------------------------------
    def nested(self, parent: Located, name: str, item: object, fields: list[Field],
               subject: URIRef, figures: list[tuple[str, object]] | None, study: object = None) -> None:
        if not isinstance(item, Located):
            raise parent.error(name, "must be a mapping")
        self.check_fields(item, fields)
        for f in fields:
            if f.type == "special" or item.get(f.name) is None:
                continue
            for value in self.values(item, f, study):
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

    def study_parts(self, record: Located, study: URIRef, name: str,
                    figures: list[tuple[str, object]]) -> None:
        """Arms, cohorts and reports of a study: nodes of their own, each with its N and passages."""
        part_kind, cls, has, of = STUDY_PARTS[name]
        fields = REPORT if name == "reports" else GROUP
        study_passages = self.sources(record, None)
        for item in record[name]:
            iri = self.iris[(part_kind, f"{record['id']}.{item.get('id')}")]
            self.asserted.add((iri, RDF.type, cls))
            self.asserted.add((study, has, iri))
            self.asserted.add((iri, of, study))
            own = self.sources(item, iri)
            item_figures: list[tuple[str, object]] = []
            self.nested(record, name, item, fields, iri, item_figures, study=record["id"])
            if name == "arms" and item.get("arm") is not None:
                raise item.error("arm", "only a cohort lies within an arm")
            if item.get("population") is not None:
                self.population(item, iri, own or study_passages, item_figures)
            if not own:
                self.link_sources(iri, study_passages)
            check_figures(item, item_figures, own or study_passages, self.corpus)

    def constructs(self, record: Located, product: URIRef) -> None:
        for item in record["constructs"]:
            iri = self.iris[("construct", str(item.get("id")))]
            self.asserted.add((iri, RDF.type, IA.CARConstruct))
            self.asserted.add((product, IA.hasCARConstruct, iri))
            self.nested(record, "constructs", item, CONSTRUCT, iri, None)
            if (iri, RDFS.label, None) not in self.asserted:
                self.asserted.add((iri, RDFS.label, Literal(f"CAR construct of {record['label']}", lang="en")))
            self.sources(item, iri)
            if item.get("basis") is not None:
                self.basis(item, iri)

    def dose_steps(self, record: Located, regimen: URIRef, figures: list[tuple[str, object]]) -> None:
        for order, step in enumerate(record["steps"], start=1):
            node = URIRef(f"{regimen}#step{order}")
            self.asserted.add((node, RDF.type, IA.DoseStep))
            self.asserted.add((regimen, IA.hasDoseStep, node))
            self.asserted.add((node, IA.stepOrder, Literal(order, datatype=XSD.integer)))
            self.nested(record, "steps", step, DOSE_STEP, node, figures)
            unit = self.vocab.graph.value(IA[str(step.get("unit"))], SKOS.altLabel) or step.get("unit")
            label = f"step {order}: {step.get('dose')} {step.get('unit_printed') or unit} {step.get('schedule', '')}"
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
        """One way to disagree: each claim is the fact node itself, or a Claim about an attribute."""
        concerns = record.get("concerns") or []
        for number, claim in enumerate(record["claims"], start=1):
            if not isinstance(claim, Located):
                raise record.error("claims", "each claim is a mapping: {fact: folder/id} or a stated attribute")
            self.check_fields(claim, CLAIM)
            if claim.get("fact") is not None:
                target = self.ref(claim, "fact", "any", claim["fact"])
                self.asserted.add((disagreement, IA.hasClaim, target))
                extra = set(claim) - {"fact", "note"}
                if extra:
                    raise claim.error(sorted(extra)[0], "a fact claim only names the fact (and a note)")
                continue
            node = URIRef(f"{disagreement}#claim{number}")
            add = self.asserted.add
            add((node, RDF.type, IA.Claim))
            add((disagreement, IA.hasClaim, node))
            subject = claim.get("subject") or (concerns[0] if concerns else None)
            if subject is None:
                raise claim.error("subject", "a claim names its subject (or the disagreement its concerns)")
            add((node, IA.claimAbout, self.ref(claim, "subject", "any", subject)))
            if claim.get("property") is not None:
                prop = IA[str(claim["property"])]
                if (prop, RDF.type, OWL.ObjectProperty) not in self.vocab.graph and \
                        (prop, RDF.type, OWL.DatatypeProperty) not in self.vocab.graph:
                    raise claim.error("property", f"{claim['property']!r} is not an ontology property")
                add((node, IA.claimProperty, prop))
            if claim.get("term") is not None:
                term = IA[str(claim["term"])]
                if term not in self.vocab.individuals and term not in self.vocab.classes:
                    raise claim.error("term", f"{claim['term']!r} is not a named individual of the ontology")
                add((node, IA.claimedTerm, term))
            said = ("term", "value", "stated", "printed", "source", "sources", "basis")
            if all(claim.get(k) in (None, "", []) for k in said):
                raise claim.error("value", "a claim states a term, a value, what is printed, or cites the passage "
                                           "that states it")
            figures: list[tuple[str, object]] = []
            for f in CLAIM:
                if f.name in ("fact", "subject", "property", "term") or f.type == "special":
                    continue
                if claim.get(f.name) is None:
                    continue
                for value in self.values(claim, f):
                    add((node, f.predicate, value))
                if f.figure:
                    figures += [(f.name, v) for v in self.raw_list(claim, f)]
            passages = self.sources(claim, node)
            if claim.get("basis") is not None:
                self.basis(claim, node)
            elif not passages:
                raise claim.error("source", "a claim cites its passage, or states its basis")
            shown = claim.get("printed") or claim.get("term") or claim.get("value") or \
                ("the curator's reading" if claim.get("basis") else "as stated in its passage")
            add((node, RDFS.label, Literal(f"claim: {shown}", lang="en")))
            check_figures(claim, figures, passages, self.corpus)

    def names(self, record: Located, entity: URIRef) -> None:
        """Names attributed to the passage that uses them; the name is also asserted on the entity."""
        for number, item in enumerate(record["names"], start=1):
            if not isinstance(item, Located):
                raise record.error("names", "each name is a mapping {name, type, source}")
            self.check_fields(item, NAME)
            kind = item.get("type", "alt")
            if kind not in NAME_TYPES:
                raise item.error("type", f"name type must be one of {sorted(NAME_TYPES)}")
            text = str(item["name"]).strip()
            prop = NAME_TYPES[kind]
            node = URIRef(f"{entity}#name{number}")
            add = self.asserted.add
            add((node, RDF.type, IA.NameUsage))
            add((entity, IA.hasNameUsage, node))
            add((node, IA.nameOf, entity))
            add((node, IA.nameUsed, Literal(text)))
            add((node, IA.nameType, prop))
            add((node, RDFS.label, Literal(f"name: {text}", lang="en")))
            add((entity, prop, Literal(text) if prop in PLAIN_NAMES else Literal(text, lang="en")))
            passages = self.sources(item, node)
            if not passages:
                raise item.error("source", "an attributed name cites the passage that uses it")
            for passage in passages:
                add((node, IA.usedIn, mint("publication", passage.doc)))
                if text.casefold() not in self.corpus[passage.doc].text[passage.start:passage.end].casefold():
                    raise item.error("name", f"{text!r} is not printed in {passage.doc}[{passage.start}:{passage.end}]")

    def basis(self, record: Located, subject: URIRef) -> None:
        """Outside knowledge, flagged: what a fact rests on when no passage states it."""
        item = record["basis"]
        if not isinstance(item, Located):
            raise record.error("basis", "basis is a mapping {from: ReferenceTable|RegistryRecord|CuratorInference, "
                                        "detail: ...}")
        self.nested(record, "basis", item, BASIS_FIELDS, subject, None)

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
    def sources(self, record: Located, subject: URIRef | None) -> list[Passage]:
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
        if subject is not None:
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
