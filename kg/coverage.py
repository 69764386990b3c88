"""Which names the reviews mention that the graph lacks.

The scan does not start from the graph (that would only find what is already there): it reads
the reviews with patterns for registry ids, protocol numbers, trial acronyms, drug and product
names, antigens and adverse events, and then looks each hit up among the graph's labels,
synonyms and identifiers. Terms that are not entities (abbreviations of measures, units, ...)
are listed once, with a reason, in `facts/coverage/names-stoplist.txt`. The numbers check is
kg/coverage_check.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kg.corpus import Corpus

PATTERNS: dict[str, re.Pattern[str]] = {
    "registry id": re.compile(r"\b(?:NCT\d{6,9}|ISRCTN\d{6,9}|ChiCTR[-A-Z]*\d{6,12})\b"),
    "protocol": re.compile(r"\b(?:AALL\d{4}|A\d{6}|ITCC-?\d{3}|ZUMA-\d+|PLAT-\d+|ALLR\d|AUGMENT-\d+)\b"),
    "acronym": re.compile(r"\b[A-Z][A-Za-z]*[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*\b(?!-)"),
    "agent": re.compile(
        r"\b(?:[a-z]+ )?[a-z]+(?:mab|mumab|zumab|ximab|leucel|cel|tinib|nib|rabine|mustine|micin|mycin|platin|"
        r"poside|phamide|cristine|rubicin|aspargase|asparaginase|trexate|purine|guanine|sone|solone|"
        r"kinra|menib|lidomide|urea|xantrone)\b",
        re.I,
    ),
    "antigen": re.compile(r"\bCD\d{1,3}\b"),
    "adverse event": re.compile(
        r"\b(?:[A-Za-z]+(?:penia|emia|itis)"
        r"|(?:[\w-]+ ){1,3}syndrome"
        r"|[\w-]+ aplasia"
        r"|(?:hepatic|renal|organ|hematologic|neurologic) toxicity|neurotoxicity"
        r"|(?:respiratory|renal|hepatic) failure"
        r"|[\w]+-[\w-]+ disease"
        r"|CRS|ICANS|SOS|VOD|HLH|MAS|IEC-HS|GVHD|GvHD|aHUS)\b"
    ),
}


NAMES_COLUMNS = ("category", "term", "doc", "start", "section")


@dataclass(frozen=True)
class Hit:
    category: str
    term: str
    doc: str
    start: int
    section: str


def normalise(text: str) -> str:
    return re.sub(r"[\s\u2010-\u2015-]+", " ", text).strip().casefold()


def load_stoplist(path: Path) -> set[str]:
    """`term  # reason` lines; the reason is required so the list stays reviewed."""
    terms = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        term, _, reason = line.partition("#")
        if not reason.strip():
            raise ValueError(f"{path}: stoplist entry {term.strip()!r} needs a reason after '#'")
        terms.add(normalise(term))
    return terms


def scan(corpus: Corpus, stoplist: set[str]) -> list[Hit]:
    hits = []
    for doc in corpus.documents.values():
        text = doc.text
        end_of_body = _references_start(text)
        for category, pattern in PATTERNS.items():
            for match in pattern.finditer(text, 0, end_of_body):
                term = match.group(0)
                if normalise(term) in stoplist:
                    continue
                if category == "acronym" and any(
                    PATTERNS[c].fullmatch(term) for c in ("registry id", "protocol")
                ):
                    continue  # already reported under its own category
                hits.append(Hit(category, term, doc.short_id, match.start(), doc.section_at(match.start())))
    return hits


def _references_start(text: str) -> int:
    """Names are looked for in the body; reference lists hold titles, not entity mentions."""
    match = re.search(r"^#*\s*References\s*$", text, re.M)
    return match.start() if match else len(text)


GENERIC_HEADS = {"syndrome", "disease", "toxicity", "failure", "aplasia"}


def is_known(category: str, term: str, known: set[str]) -> bool:
    """A phrase is known when it, or a tail of it of two words or more, is a name in the graph
    ("fatal respiratory failure" -> "respiratory failure"); a one-word tail counts unless it is a
    generic head such as "syndrome"."""
    words = normalise(term).split(" ")
    for i in range(len(words)):
        tail = " ".join(words[i:])
        if tail in GENERIC_HEADS:
            continue
        if tail in known:
            return True
        # a truncated mention of a longer name: the end of one ("effector cell-associated
        # neurotoxicity syndrome"), or for drugs the start of one ("gemtuzumab" ozogamicin)
        specific = len(words) - i > 1 or category in ("acronym", "protocol", "agent")
        if specific and any(name.endswith(" " + tail) for name in known):
            return True
        if category != "adverse event" and any(name.startswith(tail + " ") for name in known):
            return True
    return False


def missing(hits: Iterable[Hit], known: set[str]) -> list[Hit]:
    """Hits whose term matches no label, synonym or identifier."""
    return [hit for hit in hits if not is_known(hit.category, hit.term, known)]


KNOWN_NAMES = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX ia: <https://w3id.org/immunall/ontology/>
SELECT DISTINCT ?name WHERE {
  { ?x rdfs:label ?name } UNION { ?x skos:altLabel ?name } UNION { ?x ia:brandName ?name }
  UNION { ?x ia:codeName ?name } UNION { ?x ia:acronym ?name } UNION { ?x ia:abbreviation ?name }
  UNION { ?x ia:registryId ?name } UNION { ?x ia:nctId ?name } UNION { ?x ia:isrctnId ?name }
  UNION { ?x ia:chictrId ?name } UNION { ?x ia:protocolId ?name } UNION { ?x ia:printedValue ?name }
}
"""


def known_names(store: object) -> set[str]:
    """Every label, synonym and identifier in the built store, normalised; protocol ids also
    without their group prefix ("COG AALL1331" -> "aall1331")."""
    names = set()
    for row in store.query(KNOWN_NAMES, use_default_graph_as_union=True):  # type: ignore[attr-defined]
        name = normalise(str(row["name"].value))
        names.add(name)
        names.update(part for part in name.split(" ") if re.match(r"^[a-z]+\d{3,}$", part))
    return names
