"""Links from ImmunALL entities to other vocabularies: the crosswalk, trial registrations, DOIs.

Three sources, one shape (`Mapping`):
- the curated crosswalk (facts/mappings/*.yaml) decides, for each row of the shared reference
  table, which entity it belongs to and with which SKOS predicate, or why it is left out;
- a study's `nct` registrations link it to ClinicalTrials.gov;
- a publication's `doi` links it to its DOI.
Rows the crosswalk has not reviewed, or whose entity is not in the graph yet, are reported, not
fatal: curation of new facts goes on in parallel. A crosswalk record that names a record which
does not exist is fatal, with file, line and field. The guards (kg/mapping_checks.py) run on the
result.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, URIRef

from kg import prefixes
from kg.build import Built
from kg.facts import FactError, FactSet, Located, load_file
from kg.ids import IA
from kg.reference import Row

FOLDER = "mappings"  # under the facts folder
PREDICATES = {name: f"skos:{name}" for name in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch")}
BY_CONFIDENCE = {"high": "exactMatch", "medium": "closeMatch"}
# SSSOM confidence (0..1) for the table's two levels; kept next to the predicate on every mapping.
CONFIDENCE = {"high": 0.95, "medium": 0.8}
JUSTIFICATION = "semapv:ManualMappingCuration"
AUTHOR = "ImmunALL curators"
TRIAL_KIND = "clinical trial"

ENTRY_KEYS = {"label", "kind", "entity", "pending", "skip", "match", "reason", "rows"}
ROW_KEYS = {"match", "reason", "skip"}
SAME_KEYS = {"same", "source"}
GUARD_KEYS = {"entity", "avoid", "not_exact", "reason"}


@dataclass(frozen=True)
class Mapping:
    """One link: subject (ours) -- predicate -> object (theirs), with how sure and why."""

    subject: URIRef
    subject_label: str
    predicate: str  # a CURIE: skos:exactMatch, ..., rdfs:subClassOf
    prefix: str
    local_id: str
    confidence: float | None
    evidence: tuple[str, ...]  # where the identifier was seen
    comment: str
    reasoned: bool  # carries a curator's reason (needed for a second id of one prefix)
    origin: Located | None  # the record that makes the link; errors point at it
    field: str = "entity"
    row: Row | None = None
    justification: str = JUSTIFICATION

    @property
    def curie(self) -> str:
        return f"{self.prefix}:{self.local_id}"

    @property
    def object(self) -> URIRef:
        iri = prefixes.expand(self.curie)
        if iri is None:
            raise KeyError(f"no prefix {self.prefix!r} in the prefix map")
        return URIRef(iri)

    def error(self, message: str) -> FactError:
        if self.origin is None:
            return FactError("ontology", None, None, message)
        return self.origin.error(self.field, message)


@dataclass(frozen=True)
class Guard:
    """Ids never to link to an entity (`avoid`), or never as exactMatch (`not_exact`)."""

    subject: URIRef
    avoid: frozenset[str]
    not_exact: frozenset[str]
    reason: str
    record: Located


@dataclass
class Report:
    """What the build leaves out, for the curators: printed, never fatal."""

    pending: list[tuple[str, str, list[Row]]] = field(default_factory=list)  # label, why, rows
    skipped: list[tuple[Row, str]] = field(default_factory=list)
    unreviewed: list[Row] = field(default_factory=list)
    trials_not_in_graph: list[Row] = field(default_factory=list)
    bad_registrations: list[tuple[str, str]] = field(default_factory=list)  # study id, value as printed

    def lines(self) -> list[str]:
        out = [f"no entity yet: {label} ({len(rows)} rows: {', '.join(r.curie for r in rows)}): {why}"
               for label, why, rows in self.pending]
        out += [f"skipped {row.curie} of {row.label} ({row.where}): {why}" for row, why in self.skipped]
        out += [f"not reviewed in the crosswalk: {label} ({len(rows)} rows)"
                for label, rows in _by_label(self.unreviewed).items()]
        out += [f"trial not in the graph: {row.local_id} ({row.label})" for row in self.trials_not_in_graph]
        out += [f"registration not linked (not a valid NCT id): {study}: {value!r}"
                for study, value in self.bad_registrations]
        return out


@dataclass
class MappingSet:
    mappings: list[Mapping]
    guards: list[Guard]
    clusters: list[tuple[frozenset[str], Located]]
    report: Report

    def counts(self) -> dict[str, object]:
        """Links per target vocabulary, per predicate and per confidence, and the report's sizes."""
        def tally(key: Callable[[Mapping], str]) -> dict[str, int]:
            return dict(sorted(Counter(key(m) for m in self.mappings).items()))

        return {
            "links": len(self.mappings),
            "by_vocabulary": tally(lambda m: m.prefix),
            "by_predicate": tally(lambda m: m.predicate),
            "by_confidence": tally(lambda m: f"{m.confidence:g}"),
            "labels_without_entity": len(self.report.pending),
            "rows_skipped": len(self.report.skipped),
            "rows_not_reviewed": len(self.report.unreviewed),
            "trials_not_in_graph": len(self.report.trials_not_in_graph),
        }


def _by_label(rows: Iterable[Row]) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = {}
    for row in rows:
        out.setdefault(row.label, []).append(row)
    return out


class Resolver:
    """Turns crosswalk records, reference rows and facts into mappings and a report."""

    def __init__(self, rows: list[Row], facts: FactSet, built: Built, ontology: Graph):
        self.rows = rows
        self.facts = facts
        self.built = built
        self.ontology = ontology
        self.mappings: list[Mapping] = []
        self.report = Report()
        self.covered: set[int] = set()  # table lines decided by some record

    # ---- entities -------------------------------------------------------------------------------
    def entity(self, record: Located, key: str) -> URIRef:
        """`folder/id` of a fact record, or `ontology/Name` of an ontology term; must exist."""
        value = record.get(key)
        if not isinstance(value, str) or "/" not in value:
            raise record.error(key, f"{value!r}: name the entity as folder/id, e.g. agents/blinatumomab")
        folder, _, rid = value.partition("/")
        if folder == "ontology":
            iri = IA[rid]
            declared = {t for t in self.ontology.objects(iri, RDF.type)} & {OWL.Class, OWL.NamedIndividual}
            if not declared:
                raise record.error(key, f"the ontology declares no class or individual {rid!r}")
            return iri
        if folder not in self.facts.records:
            raise record.error(key, f"unknown facts folder {folder!r}; expected one of {sorted(self.facts.records)}")
        found = self.built.find(folder, rid)
        if found is None:
            raise record.error(key, f"no record {value!r}: a mapping must name an entity in the graph")
        return found

    def label(self, iri: URIRef) -> str:
        label = self.built.asserted.value(iri, RDFS.label) or self.ontology.value(iri, RDFS.label)
        return str(label) if label is not None else str(iri).rsplit("/", 1)[-1]

    # ---- the crosswalk ---------------------------------------------------------------------------
    def crosswalk(self, entries: list[Located]) -> None:
        by_label = _by_label(r for r in self.rows if r.kind != TRIAL_KIND)
        seen: set[tuple[str, str | None, str]] = set()
        for entry in entries:
            rows = self.entry_rows(entry, by_label)
            target = entry.get("entity") or entry.get("pending") or entry.get("skip")
            key = (entry["label"], entry.get("kind"), str(target))
            if key in seen:
                raise entry.error("label", "this label, kind and entity are decided twice")
            seen.add(key)
            self.covered |= {r.line for r in rows}
            if "pending" in entry:
                self.report.pending.append((entry["label"], str(entry["pending"]), rows))
            elif "skip" in entry:
                self.report.skipped += [(r, str(entry["skip"])) for r in rows]
            else:
                self.decide(entry, rows, self.entity(entry, "entity"))
        self.report.unreviewed = [r for r in self.rows if r.kind != TRIAL_KIND and r.line not in self.covered]

    def entry_rows(self, entry: Located, by_label: dict[str, list[Row]]) -> list[Row]:
        unknown = set(entry) - ENTRY_KEYS
        if unknown:
            raise entry.error(sorted(unknown)[0], f"unknown field; allowed: {sorted(ENTRY_KEYS)}")
        targets = [k for k in ("entity", "pending", "skip") if k in entry]
        if len(targets) != 1:
            raise entry.error("label", "give exactly one of entity, pending (with why) or skip (with why)")
        for key in ("pending", "skip"):
            if key in entry and (not isinstance(entry[key], str) or not entry[key].strip()):
                raise entry.error(key, "say why, as a sentence")
        label = entry.get("label")
        if label not in by_label:
            raise entry.error("label", f"{label!r} is not an entity_label of the reference table")
        rows = [r for r in by_label[label] if entry.get("kind") in (None, r.kind)]
        if not rows:
            kinds = sorted({r.kind for r in by_label[label]})
            raise entry.error("kind", f"{label!r} has no rows of kind {entry.get('kind')!r}; kinds: {kinds}")
        match = entry.get("match")
        if match is not None and match not in PREDICATES:
            raise entry.error("match", f"{match!r} is not one of {sorted(PREDICATES)}")
        if match is not None and not entry.get("reason"):
            raise entry.error("reason", "an entry-wide match needs a reason")
        return rows

    def row_decisions(self, entry: Located, rows: list[Row]) -> dict[str, Located]:
        decisions = entry.get("rows") or {}
        if not isinstance(decisions, dict):
            raise entry.error("rows", "rows maps a CURIE (prefix:local_id) to {match, reason} or {skip}")
        curies = {r.curie for r in rows}
        for curie, decision in decisions.items():
            if curie not in curies:
                raise entry.error("rows", f"{curie} is not a row of {entry['label']!r}; its rows: {sorted(curies)}")
            if not isinstance(decision, Located) or set(decision) - ROW_KEYS:
                raise entry.error("rows", f"{curie}: a decision is {{match, reason}} or {{skip: why}}")
            if "skip" not in decision and not decision.get("reason"):
                raise decision.error("reason", f"{curie}: a row decision needs a reason")
            if decision.get("match") is not None and decision["match"] not in PREDICATES:
                raise decision.error("match", f"{decision['match']!r} is not one of {sorted(PREDICATES)}")
        return decisions

    def decide(self, entry: Located, rows: list[Row], subject: URIRef) -> None:
        decisions = self.row_decisions(entry, rows)
        for row in rows:
            decision = decisions.get(row.curie)
            if decision is not None and "skip" in decision:
                self.report.skipped.append((row, str(decision["skip"])))
                continue
            match = (decision or {}).get("match") or entry.get("match") or BY_CONFIDENCE[row.confidence]
            reason = (decision or {}).get("reason") or entry.get("reason")
            if reason is None:
                reason = f"{row.confidence} confidence in the reference table"
            comment = "; ".join(part for part in (str(reason), f"table note: {row.note}" if row.note else "") if part)
            self.mappings.append(Mapping(
                subject, self.label(subject), PREDICATES[match], row.prefix, row.local_id,
                CONFIDENCE[row.confidence], row.verified_by, comment,
                reasoned=bool(decision or entry.get("reason")), origin=decision or entry,
                field="match" if decision else "label", row=row))

    # ---- studies and publications ----------------------------------------------------------------------
    def registrations(self) -> None:
        """Each study's ClinicalTrials.gov registrations; table trial rows confirm them."""
        trial_rows = {r.local_id: r for r in self.rows if r.kind == TRIAL_KIND and r.prefix == "clinicaltrials"}
        pattern = prefixes.pattern("clinicaltrials")
        linked: set[str] = set()
        for record in self.facts.of("studies"):
            values = record.get("nct") or []
            values = values if isinstance(values, list) else [values]
            subject = self.built.find("studies", str(record["id"]))
            assert subject is not None
            for value in (str(v) for v in values):
                if pattern is not None and not pattern.match(value):
                    self.report.bad_registrations.append((str(record["id"]), value))
                    continue
                row = trial_rows.get(value)
                evidence = ("registration printed in the review (the study record's source)",)
                comment = "the study record lists this registration"
                if row is not None:
                    evidence += row.verified_by
                    comment += "; the reference table has it too"
                    self.covered.add(row.line)
                self.mappings.append(Mapping(
                    subject, self.label(subject), PREDICATES["exactMatch"], "clinicaltrials", value,
                    CONFIDENCE["high" if row is not None else "medium"], evidence, comment,
                    reasoned=len(values) > 1, origin=record, field="nct", row=row))
                linked.add(value)
        self.report.trials_not_in_graph = [r for nct, r in trial_rows.items() if nct not in linked]

    def dois(self) -> None:
        """A publication's DOI, as printed (the reviews print only glasser2023's own)."""
        for record in self.facts.of("publications"):
            if not record.get("doi"):
                continue
            subject = self.built.find("publications", str(record["id"]))
            assert subject is not None
            self.mappings.append(Mapping(
                subject, self.label(subject), PREDICATES["exactMatch"], "doi", str(record["doi"]),
                CONFIDENCE["high"], ("printed in the publication",), "the DOI the publication prints",
                reasoned=False, origin=record, field="doi"))


def load_records(folder: Path) -> list[Located]:
    """Every record of every mapping file, in file order."""
    return [record for path in sorted(folder.glob("*.yaml")) for record in load_file(path)] if folder.is_dir() else []


def guards_and_clusters(records: list[Located], resolver: Resolver
                        ) -> tuple[list[Guard], list[tuple[frozenset[str], Located]]]:
    guards, clusters = [], []
    for record in records:
        if "same" in record:
            if set(record) - SAME_KEYS or not isinstance(record["same"], list) or len(record["same"]) < 2:
                raise record.error("same", "a cluster is {same: [two or more CURIEs], source: why}")
            clusters.append((frozenset(map(str, record["same"])), record))
        else:
            if set(record) - GUARD_KEYS or not record.get("reason") or not (record.get("avoid") or
                                                                                 record.get("not_exact")):
                raise record.error("entity", "a guard is {entity, avoid: [CURIEs] and/or not_exact: [CURIEs], reason}")
            guards.append(Guard(resolver.entity(record, "entity"), frozenset(map(str, record.get("avoid") or [])),
                                frozenset(map(str, record.get("not_exact") or [])), str(record["reason"]), record))
    return guards, clusters


def resolve(folder: Path, rows: list[Row], facts: FactSet, built: Built, ontology: Graph) -> MappingSet:
    """All mappings with their guards and the report; raises FactError on a broken crosswalk."""
    records = load_records(folder)
    resolver = Resolver(rows, facts, built, ontology)
    resolver.crosswalk([r for r in records if "label" in r])
    resolver.registrations()
    resolver.dois()
    guards, clusters = guards_and_clusters([r for r in records if "label" not in r], resolver)
    return MappingSet(resolver.mappings, guards, clusters, resolver.report)


def ontology_alignments(ontology: Graph) -> list[Mapping]:
    """The ontology's own links: ia classes under or equal to classes of other ontologies, and
    SKOS matches of its terms (units to UO)."""
    out = []
    links = [(RDFS.subClassOf, "rdfs:subClassOf"), (OWL.equivalentClass, "owl:equivalentClass")]
    links += [(URIRef(prefixes.expand(curie) or curie), curie) for curie in PREDICATES.values()]
    for predicate, curie in links:
        for cls, other in ontology.subject_objects(predicate):
            if not (isinstance(cls, URIRef) and isinstance(other, URIRef) and str(cls).startswith(str(IA))):
                continue
            target = prefixes.compact(str(other))
            if target == str(other) or target.startswith(("ia:", "immunall:")):
                continue
            prefix, _, local = target.partition(":")
            label = ontology.value(cls, RDFS.label)
            out.append(Mapping(cls, str(label or cls), curie, prefix, local, None,
                               ("ontology/immunall.ttl",), "axiom of the ImmunALL ontology", True, None))
    return sorted(out, key=lambda m: (str(m.subject), m.curie))
