"""The search index: every name of every entity, built once per data version, looked up by bisection.

A search used to compare the query with every name of the graph (a regex per name): 0.5-3 s a
request on a 1M-triple graph. Here the names are read once (queries/pages/names.rq; the names a
study takes from the publications that report it and a figure from its study, measure and
timepoint, search-related.rq; the kind of every named entity, ranked-types.rq), as CSV, which
parses an order of magnitude faster than SPARQL JSON, and kept in sorted arrays: an exact or
prefix match is a bisection, a match at the start of a later word a bisection in the sorted
words, and only a query that these leave with fewer hits than asked for scans the joined names
(at C speed, `str.find`), and last compares its words with every distinct word of the index
(rapidfuzz, in C), so that a misspelling still finds the name. Memory is a few strings and
integer arrays per name, no object per name.
"""

from __future__ import annotations

import csv
import io
import re
from array import array
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from server.evaluate import trim_heap
from server.pages import data, model

IA = model.IA
SCAN_LIMIT = 50_000  # names matched by a substring scan, at most: a scan is the slow path

# Kinds people look for come first; figures, passages and references last (nondecreasing ranks:
# the first class an entity belongs to gives its rank).
KIND_RANK = (
    (IA + "ClinicalStudy", 0), (IA + "Intervention", 0), (IA + "Antigen", 0), (IA + "AdverseEvent", 0),
    (IA + "Disease", 1), (IA + "MolecularEntity", 1), (IA + "CARConstruct", 2), (IA + "Organization", 2),
    (IA + "RegulatoryApproval", 2), (IA + "RiskFactor", 2), (IA + "RelapsePhenotype", 2),
    (model.OWL + "Class", 3), (IA + "ValueConcept", 3), (IA + "Publication", 4), (IA + "StudyArm", 5),
    (IA + "Disagreement", 5), (IA + "OutcomeResult", 6), (IA + "AdverseEventObservation", 6),
    (IA + "Population", 7), (IA + "BibliographicReference", 8), (IA + "Passage", 8),
)
UNRANKED = 5
CLASS_RANK = 3  # a class of the ontology that no ranked kind covers
PROPERTY_RANK = {
    model.RDFS + "label": 0, IA + "brandName": 1, IA + "codeName": 1, IA + "acronym": 1, IA + "nctId": 1,
    model.SKOS + "prefLabel": 1, IA + "abbreviation": 2, model.SKOS + "altLabel": 2,
}
OTHER_PROPERTY = 3
FUZZY_SCORE = 80  # rapidfuzz ratio (0-100) a word must reach to stand for a misspelt query word
FUZZY_MIN = 4     # shorter query words must be spelt right: "CD19" is not a misspelling of "CD20"
FUZZY_WORDS = 12  # close words taken per query word

_WORD = re.compile(r"\w+")


def normalise(text: str) -> str:
    return " ".join(text.casefold().split())


def compact(text: str) -> str:
    """Letters and digits only: 'tisa-cel' and 'Tisa cel' both become 'tisacel'."""
    return re.sub(r"[\W_]+", "", text.casefold())


def class_ranks(onto: model.Ontology) -> dict[str, int]:
    """The rank of every class that is, or is below, a ranked class."""
    ranks: dict[str, int] = {}
    for cls, rank in KIND_RANK:
        todo = [cls]
        while todo:
            current = todo.pop()
            if ranks.get(current, 99) > rank:
                ranks[current] = rank
                todo += onto.children.get(current, ())
    return ranks


def _sorted_keys(keys: list[str], entries) -> tuple[list[str], array]:
    """`keys` sorted, with the entry each belongs to (sorting indices: millions of tuples at 10M
    triples cost several times more)."""
    order = sorted(range(len(keys)), key=keys.__getitem__)
    return [keys[i] for i in order], array("i", (entries[i] for i in order))


def _joined(lines: list[str]) -> tuple[str, array]:
    """The lines as one text (for C-speed substring search) and where each line starts in it."""
    starts = array("i")
    offset = 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    return "\n".join(lines), starts


@dataclass
class Candidate:
    """The best name of one entity for a query: (level, kind rank, property rank, length, text)."""

    key: tuple[int, int, int, int, str]
    entry: int


Row = tuple[str, str, str, str]  # (entity, property IRI or how it relates, name, related record or "")


class NameIndex:
    """Names sorted by their normal form; entry `i` is the i-th name in that order. An entry's
    property is the name property, or, for a name taken from a related record (`via`), how."""

    def __init__(self, rows: list[Row], ranks: dict[str, int]) -> None:
        rows = sorted({(normalise(text), text, s, p, via) for s, p, text, via in rows})
        subjects: dict[str, int] = {}
        properties: dict[str, int] = {}
        vias: dict[str, int] = {"": 0}
        self.iris: list[str] = []
        self.properties: list[str] = []
        self.vias: list[str] = [""]
        self.norms: list[str] = []
        self.texts: list[str] = []
        self.subject = array("i")
        self.property = array("h")
        self.via = array("i")
        for norm, text, s, p, via in rows:
            if s not in subjects:
                subjects[s] = len(self.iris)
                self.iris.append(s)
            if p not in properties:
                properties[p] = len(self.properties)
                self.properties.append(p)
            if via not in vias:
                vias[via] = len(self.vias)
                self.vias.append(via)
            self.norms.append(norm)
            self.texts.append(norm if text == norm else text)
            self.subject.append(subjects[s])
            self.property.append(properties[p])
            self.via.append(vias[via])
        self.ranks = bytes(min(ranks.get(iri, UNRANKED), 255) for iri in self.iris)
        self.property_ranks = [PROPERTY_RANK.get(p, OTHER_PROPERTY) for p in self.properties]
        self.flats, self.flat_entries = _sorted_keys([compact(norm) for norm in self.norms],
                                                     range(len(self.norms)))
        words, owners = [], array("i")
        shared: dict[str, str] = {}  # one string per distinct word: at 1M triples 1.2M words, 40k distinct
        for entry, norm in enumerate(self.norms):
            for word in {m.group(0) for m in _WORD.finditer(norm) if m.start() > 0}:
                words.append(shared.setdefault(word, word))
                owners.append(entry)
        self.words, self.word_entries = _sorted_keys(words, owners)
        self.vocabulary = sorted({m.group(0) for norm in self.norms for m in _WORD.finditer(norm)})
        self.joined, self.starts = _joined(self.norms)
        self.joined_flats, self.flat_starts = _joined(self.flats)

    def __len__(self) -> int:
        return len(self.norms)

    # ---- lookups -------------------------------------------------------------------------------

    def _prefixed(self, keys: list[str], prefix: str) -> range:
        low = bisect_left(keys, prefix)
        high = bisect_left(keys, prefix + "\U0010ffff", low)
        return range(low, high)

    def _levels(self, query: str, flat: str, words: list[str]) -> Iterator[tuple[int, Iterator[int]]]:
        """(level, entries) from the best level down; the later ones are computed only if asked."""
        def exact() -> Iterator[int]:
            yield from (e for e in self._prefixed(self.norms, query) if self.norms[e] == query)
            if flat:
                yield from (self.flat_entries[i] for i in self._prefixed(self.flats, flat) if self.flats[i] == flat)

        def prefix() -> Iterator[int]:
            yield from self._prefixed(self.norms, query)
            if flat:
                yield from (self.flat_entries[i] for i in self._prefixed(self.flats, flat))

        def word() -> Iterator[int]:
            first = _WORD.match(query)
            if first is None:  # a query starting with punctuation: look for it after any non-word
                yield from self._scan(re.compile(r"(?<![\w])" + re.escape(query)))
                return
            pattern = re.compile(r"(?<![\w])" + re.escape(query))
            for i in self._prefixed(self.words, first.group(0)):
                entry = self.word_entries[i]
                if pattern.search(self.norms[entry]):
                    yield entry

        def substring() -> Iterator[int]:
            yield from self._find(self.joined, self.starts, query, lambda e: e)
            if len(flat) >= 3:
                yield from self._find(self.joined_flats, self.flat_starts, flat, lambda i: self.flat_entries[i])

        def all_words() -> Iterator[int]:
            if len(words) < 2:
                return
            longest = max(words, key=len)
            for entry in self._find(self.joined, self.starts, longest, lambda e: e):
                norm = self.norms[entry]
                if all(w in norm for w in words):
                    yield entry

        yield 0, exact()
        yield 1, prefix()
        yield 2, word()
        yield 3, substring()
        yield 4, all_words()
        yield 5, self._fuzzy(query)

    def _close(self, word: str) -> set[str]:
        """The words of the index that `word` may be a misspelling of (itself included)."""
        if len(word) < FUZZY_MIN:
            index = bisect_left(self.vocabulary, word)
            return {word} if index < len(self.vocabulary) and self.vocabulary[index] == word else set()
        found = process.extract(word, self.vocabulary, scorer=fuzz.ratio, score_cutoff=FUZZY_SCORE,
                                limit=FUZZY_WORDS)
        return {match for match, _, _ in found}

    def _with_word(self, word: str) -> Iterator[int]:
        """Entries that have `word` as a whole word (at the start of the name or later)."""
        for entry in self._prefixed(self.norms, word):
            following = self.norms[entry][len(word):len(word) + 1]
            if not following or not (following.isalnum() or following == "_"):
                yield entry
        for i in self._prefixed(self.words, word):
            if self.words[i] == word:
                yield self.word_entries[i]

    def _fuzzy(self, query: str) -> Iterator[int]:
        """Entries with a close word for every word of the query, most similar words first."""
        words = _WORD.findall(query)
        if not words:
            return
        close = [self._close(word) for word in words]
        if not all(close):
            return
        rarest = min(close, key=len)
        seen: set[int] = set()
        for word in sorted(rarest):
            for entry in self._with_word(word):
                if entry in seen:
                    continue
                seen.add(entry)
                own = set(_WORD.findall(self.norms[entry]))
                if all(own & options for options in close):
                    yield entry

    def _find(self, joined: str, starts: array, needle: str, entry_of) -> Iterator[int]:
        """Entries whose text contains `needle` (one line of `joined` each), at most SCAN_LIMIT."""
        position = joined.find(needle)
        found = 0
        last = -1
        while position >= 0 and found < SCAN_LIMIT:
            line = bisect_left(starts, position + 1) - 1
            if line != last:
                last = line
                found += 1
                yield entry_of(line)
            position = joined.find(needle, position + 1)

    def _scan(self, pattern: re.Pattern[str]) -> Iterator[int]:
        for count, match in enumerate(pattern.finditer(self.joined)):
            if count >= SCAN_LIMIT:
                return
            yield bisect_left(self.starts, match.start() + 1) - 1

    def find(self, query: str, limit: int) -> list[tuple[str, Candidate]]:
        """The best name per entity, best first, for the first `limit` entities and their ties.

        Levels are exclusive in rank: once the levels so far have `limit` entities, no later
        level can place one among the first, so those are never computed."""
        flat = compact(query)
        words = query.split()
        best: dict[int, Candidate] = {}
        for level, entries in self._levels(query, flat, words):
            for entry in entries:
                subject = self.subject[entry]
                known = best.get(subject)
                if known is not None and known.key[0] < level:
                    continue
                text = self.texts[entry]
                key = (level, self.ranks[subject], self.property_ranks[self.property[entry]], len(text),
                       text.casefold())
                if known is None or key < known.key:
                    best[subject] = Candidate(key, entry)
            if len(best) >= limit:
                break
        ordered = sorted(best.items(), key=lambda item: item[1].key)
        if len(ordered) > limit:  # keep the ties of the last place: the label decides between them
            last = ordered[limit - 1][1].key
            ordered = [item for item in ordered if item[1].key <= last]
        return [(self.iris[subject], candidate) for subject, candidate in ordered]

    def text(self, entry: int) -> str:
        return self.texts[entry]

    def property_of(self, entry: int) -> str:
        return self.properties[self.property[entry]]

    def via_of(self, entry: int) -> str:
        """The related record the name comes from ("" for the entity's own name)."""
        return self.vias[self.via[entry]]


# ---- building ---------------------------------------------------------------------------------------

CSV = "text/csv"


def _csv_rows(name: str, **params: data.Param) -> Iterator[list[str]]:
    """Rows of a whole-graph query as CSV (values only: the queries select IRIs and literals)."""
    body = data.run_raw(data.bind(data.load_query(name), params), CSV)
    # Decoded as read, not as one more copy of the whole answer (22 MB at 1M triples).
    reader = csv.reader(io.TextIOWrapper(io.BytesIO(body), encoding="utf-8", newline=""))
    next(reader, None)  # the header
    return reader


def build() -> NameIndex:
    """Read the names and the kinds, one query after the other: run side by side they held three
    whole-graph answers in memory at once and took two of the query processes from everyone else
    while the server starts."""
    onto = model.ontology()
    properties = [data.iri(row["p"].value) for row in data.select("name-properties")]
    ranks_of_class = class_ranks(onto)
    classes = [data.iri(c) for c in sorted(ranks_of_class)]
    ranks: dict[str, int] = {}
    for row in _csv_rows("ranked-types", classes=classes):
        if len(row) == 2 and row[1] in ranks_of_class:
            subject, rank = row[0], ranks_of_class[row[1]]
            if ranks.get(subject, 99) > rank:
                ranks[subject] = rank
    for cls in onto.parents:
        ranks.setdefault(cls, CLASS_RANK)
    names: list[Row] = [(row[0], row[1], row[2], "") for row in _csv_rows("names", properties=properties)
                        if len(row) == 3]
    names += [(row[0], row[3], row[1], row[2]) for row in _csv_rows("search-related") if len(row) == 4]
    built = NameIndex(names, ranks)
    del names
    trim_heap()  # the answers and rows read are garbage now: give their memory back
    return built


def index() -> NameIndex:
    """The index of the data being served (built by the first search, or in the background)."""
    return data.model("search:index", build)
