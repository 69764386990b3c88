"""Synthetic graphs shaped like ImmunALL's, seeded and reproducible, at 100k, 1M and 10M triples.

The real graph (dist/current/immunall.nq) comes first, unchanged, so every competency question
still finds its answer. Then synthetic trials are added until the target is reached, each with
what a curated trial has: a population (`<trial>#population`), arms, outcome results with numeric
values, units, timepoints, confidence intervals and arms, adverse-event observations with grades
and incidences, the passages of synthetic reviews they derive from (`passage/<doc>-<start>-<end>`
with section, `oa:start`, `oa:end`, cited references) and primary sources. Trials evaluate agents
from a pool that grows with the graph (CAR T products with constructs, antibodies, chemotherapy),
which target antigens; events come from a pool too. Pools are drawn with a Zipf law and include
the real entities (CD19, tisagenlecleucel, CRS), so the real hubs grow as they would in a bigger
curation. What HermiT would add (superclass types, inverses, the CAR chain to antigens, the
defined classes CARTTrial and CD19DirectedTherapy) goes to the inferred graph, passages to the
provenance graph, registry links to the mappings graph: the same five graphs, IRI patterns and
ontology terms as the real data, so the real pages and queries run on it unchanged.

Written outside dist/ as a store generation the server opens (kg/load.py's layout):
`.bench/<name>/stores/<version>/{immunall.nq, oxigraph/, build.json}` and `.bench/<name>/current`.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import json
import os
import random
import shutil
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

GENERATOR_VERSION = "1"
BASE = "https://w3id.org/immunall/"
IA = BASE + "ontology/"
GRAPH = {name: f"<{BASE}graph/{name}>" for name in ("ontology", "asserted", "inferred", "provenance", "mappings")}
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
LABEL = f"<{RDFS}label>"
ALT = "<http://www.w3.org/2004/02/skos/core#altLabel>"
EXACT = "<http://www.w3.org/2004/02/skos/core#exactMatch>"
DEFINITION = "<http://purl.obolibrary.org/obo/IAO_0000115>"
DERIVED = "<http://www.w3.org/ns/prov#wasDerivedFrom>"
PRIMARY = "<http://www.w3.org/ns/prov#hadPrimarySource>"
OA_START = "<http://www.w3.org/ns/oa#start>"
OA_END = "<http://www.w3.org/ns/oa#end>"
DCT_TITLE = "<http://purl.org/dc/terms/title>"
XSD = "http://www.w3.org/2001/XMLSchema#"

SIZES = {"100k": 100_000, "1m": 1_000_000, "10m": 10_000_000}
DEFAULT_SEED = 20240601

SYLLABLES = ("ba", "be", "ca", "ce", "da", "de", "fi", "ga", "ki", "lo", "ma", "mi", "na", "no", "pa",
             "ri", "sa", "ta", "te", "ti", "to", "va", "ve", "xi", "zo", "lu", "mu", "ru", "su", "zu")
CAR_SUFFIX = ("cabtagene autoleucel", "leucel", "cel")
MAB_SUFFIX = ("tumomab", "zumab", "ximab", "mab")
CHEMO_SUFFIX = ("platin", "rubicin", "abine", "taxel")
AE_WORDS = ("neurotoxicity", "syndrome", "cytopenia", "infection", "hepatotoxicity", "colitis", "pneumonitis",
            "rash", "nephropathy", "encephalopathy", "hypotension", "fever", "lymphopenia", "mucositis")
SECTIONS = ("1. Introduction", "2. CAR T-Cell Therapy", "2.1. Outcomes", "2.2. Toxicity", "3. Antibodies",
            "Table 1", "Table 2", "Table 3", "Table 4", "4. Discussion")


def iri(path: str) -> str:
    return f"<{BASE}{path}>"


def ia(name: str) -> str:
    return f"<{IA}{name}>"


def en(text: str) -> str:
    return f'"{text}"@en'


def plain(text: str) -> str:
    return f'"{text}"'


def integer(value: int) -> str:
    return f'"{value}"^^<{XSD}integer>'


def decimal(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    return f'"{text}"^^<{XSD}decimal>'


class Zipf:
    """Draw from a list with weights 1/rank^s: a few hubs, a long tail."""

    def __init__(self, items: list[str], rng: random.Random, s: float = 1.0) -> None:
        self.items = items
        self.rng = rng
        self.cum = list(itertools.accumulate(1.0 / (rank + 1) ** s for rank in range(len(items))))

    def draw(self) -> str:
        return self.items[bisect.bisect_left(self.cum, self.rng.random() * self.cum[-1])]

    def sample(self, k: int) -> list[str]:
        picked: list[str] = []
        for _ in range(k * 4):
            item = self.draw()
            if item not in picked:
                picked.append(item)
            if len(picked) == k:
                break
        return picked


@dataclass
class Pools:
    """Terms the synthetic data draws from, read from the real store so they are valid."""

    measures: list[str]
    grades: list[str]
    phases: list[str]
    statuses: list[str]
    designs: list[str]
    settings: list[str]
    age_groups: list[str]
    diseases: list[str]
    organizations: list[str]
    generations: list[str]
    costimulatory: list[str]
    activation: list[str]
    sources: list[str]
    vectors: list[str]
    real_agents: list[str]
    real_car_agents: set[str]
    real_antigens: list[str]
    real_events: list[str]
    superclasses: dict[str, list[str]]  # class IRI (<...>) -> its named superclasses


def _objects(store: ox.Store, prop: str) -> list[str]:
    rows = store.query(f"SELECT DISTINCT ?o WHERE {{ ?s <{IA}{prop}> ?o FILTER(isIRI(?o)) }} ORDER BY ?o",
                       use_default_graph_as_union=True)
    return [str(row[0]) for row in rows]


def _members(store: ox.Store, cls: str) -> list[str]:
    rows = store.query(f"SELECT DISTINCT ?s WHERE {{ ?s a <{IA}{cls}> FILTER(isIRI(?s)) }} ORDER BY ?s",
                       use_default_graph_as_union=True)
    return [str(row[0]) for row in rows]


def _superclasses(store: ox.Store) -> dict[str, list[str]]:
    parents: dict[str, set[str]] = defaultdict(set)
    for row in store.query(f"SELECT ?c ?p WHERE {{ GRAPH {GRAPH['ontology']} {{ ?c <{RDFS}subClassOf> ?p }} "
                           "FILTER(isIRI(?c) && isIRI(?p)) }"):
        parents[str(row[0])].add(str(row[1]))
    closure: dict[str, list[str]] = {}
    for cls in list(parents):
        seen: list[str] = []
        frontier = sorted(parents[cls])
        while frontier:
            nxt = []
            for parent in frontier:
                if parent not in seen:
                    seen.append(parent)
                    nxt += sorted(parents.get(parent, ()))
            frontier = nxt
        closure[cls] = seen
    return closure


def read_pools(store: ox.Store) -> Pools:
    agents = [a for a in _members(store, "CARTCellProduct") + _members(store, "MonoclonalAntibody")
              if "/agent/" in a]
    rank = {iri("agent/tisagenlecleucel"): 0, iri("agent/blinatumomab"): 1}
    agents.sort(key=lambda a: (rank.get(a, 2), a))
    antigens = _members(store, "Antigen")
    antigens.sort(key=lambda a: (0 if a.endswith("/CD19>") else 1 if a.endswith("/CD22>") else 2, a))
    events = _members(store, "AdverseEvent")
    events.sort(key=lambda a: (0 if a.endswith("/CRS>") else 1 if a.endswith("/ICANS>") else 2, a))
    return Pools(
        measures=_objects(store, "measure"), grades=_objects(store, "gradeQualifier"),
        phases=_objects(store, "phase"), statuses=_objects(store, "status"),
        designs=_objects(store, "designFeature"), settings=_objects(store, "therapySetting"),
        age_groups=_objects(store, "ageGroup"), diseases=_objects(store, "hasDisease"),
        organizations=_objects(store, "conductedBy"), generations=_objects(store, "carGeneration"),
        costimulatory=_objects(store, "constructHasCostimulatoryDomain"),
        activation=_objects(store, "hasActivationDomain"), sources=_objects(store, "cellSource"),
        vectors=_objects(store, "vector"), real_agents=agents,
        real_car_agents=set(_members(store, "CARTCellProduct")), real_antigens=antigens, real_events=events,
        superclasses=_superclasses(store),
    )


class Writer:
    """N-Quads lines into a file, counted."""

    def __init__(self, path: Path) -> None:
        self.file = path.open("w", encoding="utf-8", buffering=1 << 20)
        self.count = 0

    def q(self, s: str, p: str, o: str, graph: str = "asserted") -> None:
        self.file.write(f"{s} {p} {o} {GRAPH[graph]} .\n")
        self.count += 1

    def typed(self, s: str, cls: str, pools: Pools, extra: tuple[str, ...] = ()) -> None:
        self.q(s, RDF_TYPE, cls)
        for parent in [*pools.superclasses.get(cls, ()), *extra]:
            self.q(s, RDF_TYPE, parent, "inferred")

    def close(self) -> None:
        self.file.close()


class Generator:
    """One synthetic graph; `run(target)` writes trials until `target` triples are written."""

    def __init__(self, writer: Writer, pools: Pools, seed: int, target: int) -> None:
        self.w = writer
        self.p = pools
        self.rng = random.Random(seed)
        self.target = target
        # Pools grow with the graph: about one agent per 6 trials, one antigen per 150, ...
        trials = max(20, target // 520)
        self.agents = self._agents(max(30, trials // 6))
        self.agent_pick = Zipf(self.agents, self.rng, 1.0)
        self.events = self._events(max(40, trials // 40))
        self.event_pick = Zipf(self.events, self.rng, 1.1)
        self.publications = self._publications(max(60, trials // 2))
        self.reviews = self._reviews(max(2, trials // 100))
        self.names: set[str] = set()

    # -- vocabulary ---------------------------------------------------------------------------------

    def word(self, syllables: int) -> str:
        return "".join(self.rng.choice(SYLLABLES) for _ in range(syllables))

    def unique(self, make: Callable[[], str]) -> str:
        for _ in range(100):
            name = make()
            if name not in self.names:
                self.names.add(name)
                return name
        name = f"{make()}{len(self.names)}"
        self.names.add(name)
        return name

    # -- shared pools -------------------------------------------------------------------------------

    def _antigens(self, count: int) -> list[str]:
        out = list(self.p.real_antigens)
        for n in range(count):
            antigen = iri(f"antigen/SYN{n + 1}")
            self.w.typed(antigen, ia("Antigen"), self.p)
            self.w.q(antigen, LABEL, en(f"SYN{n + 1}"))
            self.w.q(antigen, ALT, en(f"synthetic antigen {n + 1}"))
            self.w.q(antigen, DEFINITION, plain(f"Synthetic surface antigen number {n + 1}."))
            out.append(antigen)
        return out

    def _agents(self, count: int) -> list[str]:
        rng, w = self.rng, self.w
        antigens = self._antigens(max(10, count // 25))
        antigen_pick = Zipf(antigens, rng, 1.2)
        cd19 = f"<{BASE}antigen/CD19>"
        out = list(self.p.real_agents)
        self.car_agents = set(self.p.real_car_agents)
        for n in range(count):
            stem = self.word(3)
            kind = rng.random()
            agent = iri(f"agent/synth-{stem}-{n}")
            target = antigen_pick.draw()
            code = f"{stem[:3].upper()}-{rng.randint(10, 999)}"
            if kind < 0.55:
                name = f"{stem}{rng.choice(CAR_SUFFIX)}"
                w.typed(agent, ia("CARTCellProduct"), self.p,
                        (ia("SecondGenerationCARTProduct"),) + ((ia("CD19DirectedTherapy"),) if target == cd19 else ()))
                construct = iri(f"construct/synth-{stem}-{n}-CAR")
                w.q(agent, ia("hasCARConstruct"), construct)
                w.typed(construct, ia("CARConstruct"), self.p)
                w.q(construct, LABEL, en(f"{name} CAR"))
                w.q(construct, ia("constructTargetsAntigen"), target)
                w.q(construct, ia("constructHasCostimulatoryDomain"), rng.choice(self.p.costimulatory))
                w.q(construct, ia("hasActivationDomain"), rng.choice(self.p.activation))
                w.q(construct, ia("carGeneration"), rng.choice(self.p.generations))
                w.q(construct, ia("cellSource"), rng.choice(self.p.sources))
                w.q(construct, ia("vector"), rng.choice(self.p.vectors))
                w.q(agent, ia("targetsAntigen"), target, "inferred")
                self.car_agents.add(agent)
            elif kind < 0.85:
                name = f"{stem}{rng.choice(MAB_SUFFIX)}"
                w.typed(agent, ia("MonoclonalAntibody"), self.p,
                        (ia("CD19DirectedTherapy"),) if target == cd19 else ())
                w.q(agent, ia("targetsAntigen"), target)
            else:
                name = f"{stem}{rng.choice(CHEMO_SUFFIX)}"
                w.typed(agent, ia("ChemotherapyAgent"), self.p)
                target = ""
            if target:
                w.q(target, ia("targetedBy"), agent, "inferred")
            w.q(agent, LABEL, en(name))
            w.q(agent, ALT, en(f"{stem}-{'cel' if kind < 0.55 else 'mab'}"))
            w.q(agent, ia("codeName"), en(code))
            if rng.random() < 0.3:
                w.q(agent, ia("brandName"), en(stem.capitalize() + rng.choice(("ra", "via", "tix", "lyn"))))
            w.q(agent, DEFINITION, plain(f"Synthetic therapeutic agent {name}."))
            w.q(agent, EXACT, f"<http://purl.obolibrary.org/obo/NCIT_C9{n:06d}>", "mappings")
            out.append(agent)
        return out

    def _events(self, count: int) -> list[str]:
        out = list(self.p.real_events)
        for n in range(count):
            stem = self.word(2)
            event = iri(f"adverse-event/synth-{stem}-{n}")
            name = f"{stem} {self.rng.choice(AE_WORDS)}"
            self.w.typed(event, ia("AdverseEvent"), self.p)
            self.w.q(event, LABEL, en(name))
            self.w.q(event, ALT, en(f"{stem.upper()}{n}"))
            self.w.q(event, DEFINITION, plain(f"Synthetic adverse event {name}."))
            self.w.q(event, ia("gradingSystem"), ia("LeeCriteria"))
            out.append(event)
        return out

    def _publications(self, count: int) -> list[str]:
        out = []
        for n in range(count):
            author = self.word(3).capitalize()
            year = self.rng.randint(2005, 2025)
            pub = iri(f"publication/synth{author.lower()}{year}-{n}")
            title = f"Outcomes of {self.word(3)} therapy in pediatric leukemia, cohort {n}"
            self.w.typed(pub, ia("Publication"), self.p)
            self.w.q(pub, LABEL, en(title))
            self.w.q(pub, DCT_TITLE, plain(title))
            self.w.q(pub, ia("year"), integer(year))
            self.w.q(pub, ia("authorList"), plain(f"{author}, A.; {self.word(2).capitalize()}, B.; et al."))
            self.w.q(pub, ia("journal"), plain(self.rng.choice(("Blood", "J Clin Oncol", "Leukemia", "NEJM"))))
            self.w.q(pub, ia("volume"), plain(str(self.rng.randint(1, 140))))
            self.w.q(pub, ia("pages"), plain(f"{self.rng.randint(1, 900)}-{self.rng.randint(901, 1800)}"))
            out.append(pub)
        return out

    def _reviews(self, count: int) -> list[tuple[str, str, list[str]]]:
        """Synthetic reviews: (slug, IRI, their numbered references)."""
        out = []
        for n in range(count):
            slug = f"synthreview{n + 1}"
            review = iri(f"publication/{slug}")
            self.w.typed(review, ia("Publication"), self.p)
            self.w.q(review, LABEL, en(f"Synthetic review {n + 1} of immunotherapy for pediatric ALL"))
            self.w.q(review, DCT_TITLE, plain(f"Synthetic review {n + 1} of immunotherapy for pediatric ALL"))
            self.w.q(review, ia("year"), integer(2020 + n % 6))
            authors = f"{self.word(3).capitalize()}, R.; {self.word(2).capitalize()}, S."
            self.w.q(review, ia("authorList"), plain(authors))
            refs = []
            for number in range(1, 121):
                ref = iri(f"reference/{slug}-{number}")
                self.w.q(ref, RDF_TYPE, ia("BibliographicReference"))
                self.w.q(ref, LABEL, en(f"{slug} reference {number}"))
                self.w.q(ref, ia("referenceNumber"), integer(number))
                self.w.q(ref, ia("citingDocument"), review)
                self.w.q(ref, ia("citedPublication"), self.rng.choice(self.publications))
                refs.append(ref)
            out.append((slug, review, refs))
        return out

    # -- trials -------------------------------------------------------------------------------------

    def run(self) -> int:
        number = 0
        while self.w.count < self.target:
            self.trial(number)
            number += 1
        return number

    def passages(self, count: int) -> list[str]:
        slug, review, refs = self.rng.choice(self.reviews)
        out = []
        for _ in range(count):
            start = self.rng.randint(0, 400_000)
            end = start + self.rng.randint(80, 900)
            passage = iri(f"passage/{slug}-{start}-{end}")
            section = self.rng.choice(SECTIONS)
            w = self.w
            w.q(passage, RDF_TYPE, ia("Passage"), "provenance")
            w.q(passage, LABEL, en(f"{slug}, {section}, characters {start}-{end}"), "provenance")
            w.q(passage, ia("inDocument"), review, "provenance")
            w.q(passage, ia("section"), plain(section), "provenance")
            w.q(passage, OA_START, integer(start), "provenance")
            w.q(passage, OA_END, integer(end), "provenance")
            for ref in self.rng.sample(refs, self.rng.randint(1, 2)):
                w.q(passage, ia("citesReference"), ref, "provenance")
            out.append(passage)
        return out

    def trial(self, number: int) -> None:
        rng, w, p = self.rng, self.w, self.p
        nct = f"NCT9{number:07d}"
        trial = iri(f"trial/{nct}")
        acronym = self.unique(lambda: f"{self.word(2).upper()}-{rng.randint(1, 99)}")
        agents = [self.agent_pick.draw()] + ([self.agent_pick.draw()] if rng.random() < 0.2 else [])
        cls = rng.choice((ia("SingleArmTrial"), ia("SingleArmTrial"), ia("RandomizedControlledTrial"),
                          ia("InterventionalTrial"), ia("RetrospectiveCohortStudy")))
        car = any(a in self.car_agents for a in agents)
        w.typed(trial, cls, p, (ia("CARTTrial"),) if car else ())
        w.q(trial, LABEL, en(acronym))
        w.q(trial, ia("acronym"), en(acronym))
        w.q(trial, ia("nctId"), plain(nct))
        w.q(trial, ia("phase"), rng.choice(p.phases))
        w.q(trial, ia("status"), rng.choice(p.statuses))
        w.q(trial, ia("conductedBy"), rng.choice(p.organizations))
        enrolled = rng.randint(12, 600)
        w.q(trial, ia("enrolledCount"), integer(enrolled))
        w.q(trial, ia("treatedCount"), integer(rng.randint(10, enrolled)))
        w.q(trial, ia("medianFollowUp"), decimal(round(rng.uniform(3, 60), 1)))
        for feature in rng.sample(p.designs, rng.randint(1, 3)):
            w.q(trial, ia("designFeature"), feature)
        w.q(trial, ia("timepointUnit"), ia("Month"))
        for agent in agents:
            w.q(trial, ia("evaluatesAgent"), agent)
            w.q(agent, ia("evaluatedIn"), trial, "inferred")
        w.q(trial, EXACT, f"<https://www.clinicaltrials.gov/study/{nct}>", "mappings")
        passages = self.passages(rng.randint(4, 9))
        primary = rng.sample(self.publications, 2)
        for passage in passages[:2]:
            w.q(trial, DERIVED, passage, "provenance")
        w.q(trial, PRIMARY, primary[0], "provenance")
        population = iri(f"trial/{nct}#population")
        w.q(trial, ia("studiesPopulation"), population)
        w.q(population, RDF_TYPE, ia("Population"))
        w.q(population, LABEL, en(f"population of {nct}"))
        w.q(population, ia("hasDisease"), rng.choice(p.diseases))
        w.q(population, ia("therapySetting"), rng.choice(p.settings))
        w.q(population, ia("ageGroup"), rng.choice(p.age_groups))
        w.q(population, ia("minAge"), decimal(rng.randint(0, 5)))
        w.q(population, ia("maxAge"), decimal(rng.randint(18, 30)))
        w.q(population, ia("ageUnit"), ia("Year"))
        w.q(population, DERIVED, passages[0], "provenance")
        arms = []
        for n in range(rng.choice((0, 0, 1, 2))):
            arm = iri(f"arm/{nct}.arm{n + 1}")
            w.q(arm, RDF_TYPE, ia("StudyArm"))
            w.q(arm, LABEL, en(f"cohort {n + 1}"))
            w.q(arm, ia("armOf"), trial)
            w.q(trial, ia("hasArm"), arm)
            w.q(arm, ia("hasIntervention"), agents[0])
            w.q(arm, ia("treatedCount"), integer(rng.randint(5, 200)))
            arms.append(arm)
        for n in range(rng.randint(10, 30)):
            self.result(trial, acronym, n, arms, passages, primary)
        for n in range(rng.randint(5, 14)):
            self.observation(trial, acronym, n, arms, passages, primary)

    def result(self, trial: str, acronym: str, n: int, arms: list[str], passages: list[str],
               primary: list[str]) -> None:
        rng, w = self.rng, self.w
        slug = acronym.lower()
        node = iri(f"result/{slug}-r{n}")
        measure = rng.choice(self.p.measures)
        value = round(rng.uniform(5, 98), 1)
        w.q(node, RDF_TYPE, ia("OutcomeResult"))
        w.q(node, LABEL, en(f"{acronym}: {measure.rsplit('/', 1)[-1][:-1]} {value}%"))
        w.q(node, ia("resultOf"), trial)
        w.q(trial, ia("hasResult"), node, "inferred")
        w.q(node, ia("measure"), measure)
        w.q(node, ia("statistic"), ia("Rate"))
        w.q(node, ia("value"), decimal(value))
        w.q(node, ia("unit"), ia("Percent"))
        if rng.random() < 0.6:
            w.q(node, ia("timepoint"), decimal(rng.choice((1, 3, 6, 12, 24, 36))))
            w.q(node, ia("timepointUnit"), ia("Month"))
        if arms and rng.random() < 0.5:
            w.q(node, ia("forArm"), rng.choice(arms))
        if rng.random() < 0.3:
            w.q(node, ia("subgroup"), plain(rng.choice(("MRD-negative", "prior HSCT", "infants", "CNS3"))))
        if rng.random() < 0.25:
            w.q(node, ia("ciLower"), decimal(max(0.0, round(value - rng.uniform(3, 15), 1))))
            w.q(node, ia("ciUpper"), decimal(min(100.0, round(value + rng.uniform(3, 15), 1))))
            w.q(node, ia("ciLevel"), decimal(95))
        if rng.random() < 0.3:
            denominator = rng.randint(10, 300)
            w.q(node, ia("numerator"), integer(int(denominator * value / 100)))
            w.q(node, ia("denominator"), integer(denominator))
        w.q(node, DERIVED, rng.choice(passages), "provenance")
        w.q(node, PRIMARY, rng.choice(primary), "provenance")

    def observation(self, trial: str, acronym: str, n: int, arms: list[str], passages: list[str],
                    primary: list[str]) -> None:
        rng, w = self.rng, self.w
        node = iri(f"ae-observation/{acronym.lower()}-ae{n}")
        event = self.event_pick.draw()
        grade = rng.choice(self.p.grades)
        value = round(rng.uniform(1, 90), 1)
        severe = grade.rsplit("/", 1)[-1][:-1] in ("Grade3", "Grade3OrHigher", "Grade3to4", "Grade4", "Grade5",
                                                    "Severe")
        w.typed(node, ia("AdverseEventObservation"), self.p,
                (ia("SevereAdverseEventObservation"),) if severe else ())
        w.q(node, LABEL, en(f"{acronym}: {event.rsplit('/', 1)[-1][:-1]} {grade.rsplit('/', 1)[-1][:-1]} {value}%"))
        w.q(node, ia("observationOf"), trial)
        w.q(trial, ia("hasObservation"), node, "inferred")
        w.q(node, ia("event"), event)
        w.q(node, ia("gradeQualifier"), grade)
        w.q(node, ia("value"), decimal(value))
        w.q(node, ia("unit"), ia("Percent"))
        if rng.random() < 0.3:
            denominator = rng.randint(10, 300)
            w.q(node, ia("numerator"), integer(int(denominator * value / 100)))
            w.q(node, ia("denominator"), integer(denominator))
        if arms and rng.random() < 0.3:
            w.q(node, ia("forArm"), rng.choice(arms))
        w.q(node, DERIVED, rng.choice(passages), "provenance")
        w.q(node, PRIMARY, rng.choice(primary), "provenance")


# ---- store generations ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Built:
    name: str
    path: Path  # the generation directory (holds oxigraph/, build.json, immunall.nq)
    triples: int
    seconds: dict[str, float]


def real_quads(real: Path) -> Iterator[str]:
    with (real / "immunall.nq").open(encoding="utf-8") as lines:
        yield from lines


def version_of(real: Path, target: int, seed: int) -> str:
    info = json.loads((real / "build.json").read_text(encoding="utf-8"))
    key = f"{GENERATOR_VERSION}:{info['version']}:{target}:{seed}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def generate(real: Path, out: Path, target: int, seed: int = DEFAULT_SEED,
             progress: Callable[[str], None] = lambda _: None) -> Built:
    """Write (or reuse) the synthetic generation `out/stores/<version>` and point `out/current` at it."""
    version = version_of(real, target, seed)
    final = out / "stores" / version
    if (final / "build.json").is_file() and (final / "oxigraph").is_dir():
        info = json.loads((final / "build.json").read_text(encoding="utf-8"))
        _link_current(out, final)
        return Built(out.name, final, info["triples"], info.get("seconds", {}))
    staging = out / "stores" / f".{version}.{os.getpid()}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    store = ox.Store.read_only(str(real / "oxigraph"))
    pools = read_pools(store)
    del store
    writer = Writer(staging / "immunall.nq")
    for line in real_quads(real):
        writer.file.write(line)
        writer.count += 1
    trials = Generator(writer, pools, seed, target).run()
    writer.close()
    seconds["generate"] = time.perf_counter() - started
    progress(f"{out.name}: {writer.count} quads, {trials} synthetic trials in {seconds['generate']:.1f} s")
    started = time.perf_counter()
    store = ox.Store(str(staging / "oxigraph"))
    store.bulk_load(path=str(staging / "immunall.nq"), format=ox.RdfFormat.N_QUADS)
    store.optimize()
    seconds["load"] = time.perf_counter() - started
    graphs = {}
    for row in store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"):
        graphs[row[0].value] = int(row[1].value)
    del store
    progress(f"{out.name}: loaded into pyoxigraph in {seconds['load']:.1f} s")
    built = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    info = {"version": version, "built": built, "triples": sum(graphs.values()), "graphs": graphs,
            "synthetic": {"target": target, "seed": seed, "trials": trials, "generator": GENERATOR_VERSION},
            "seconds": seconds, "dumps": {}}
    (staging / "build.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    if final.exists():
        shutil.rmtree(final)
    os.replace(staging, final)
    _link_current(out, final)
    return Built(out.name, final, info["triples"], seconds)


def _link_current(out: Path, generation: Path) -> None:
    current = out / "current"
    temp = out / f".current.{os.getpid()}"
    if temp.is_symlink() or temp.exists():
        temp.unlink()
    temp.symlink_to(generation.relative_to(out), target_is_directory=True)
    os.replace(temp, current)
