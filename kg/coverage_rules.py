"""Whole categories of printed numbers that are not facts, recognised by their form.

Each rule returns the character spans of a review it excuses; a number is excused by a rule
when it lies inside one of that rule's spans. Every rule is tied to a form that a figure does not
take (a bracketed list of integers, a heading number at the start of a short line, a number glued
to the letters of a name), so a figure such as "CR rate of 81%" is never inside a span;
`tests/test_coverage_numbers.py` holds each rule to that.

Numbers that carry a grade, phase or other controlled value are not excused here: they count as
used when a fact node links to the value concept whose label prints them (kg/coverage_graph.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from kg.coverage_numbers import POWER

Span = tuple[int, int]

REFERENCES = re.compile(r"^#*\s*References\s*$", re.M)
BODY_START = re.compile(r"^(?:#+\s*)?(?:Abstract\b|(?:[0-9]+\.\s+)?Introduction\s*$)", re.M)
METADATA_LABEL = re.compile(
    r"^[ \t*]*(?:Citation|Academic Editors?|Received|Copyright|Correspondence|Publisher[’']s Note"
    r"|Author Contributions|Funding|Institutional Review Board Statement|Informed Consent Statement"
    r"|Data Availability Statement|Conflicts of Interest)\b[^\n]*",
    re.M,
)
# text of the body that the extraction ran into a metadata box: a sentence going on in lower case
SPILL = re.compile(r"\.\s+[a-z]+\s")
URL = re.compile(r"(?:https?://|www\.|doi:\s*)\S+(?:\s(?=[a-z][\w.-]*[0-9/])\S+)?|\b[\w.+-]+@[\w-]+\.[\w.]+")
INTEGER_LIST = r"[0-9]+(?:\s*[,–-]\s*[0-9]+)*"
CITATION = re.compile(rf"\[\s*{INTEGER_LIST}\s*\]|(?<!10)<sup>\s*{INTEGER_LIST}\s*</sup>")
HEADING_NUMBER = re.compile(r"^[ \t#*]*[0-9]{1,2}(?:\.[0-9]{1,2})*\.(?=[ \t]+[A-Z])", re.M)
LABEL_NUMBER = re.compile(
    r"\b(?:Tables?|Figures?|Figs?\.|Sections?)[ \t*]*[0-9]+(?:\.[0-9]+)*"
    r"(?:(?:\s*(?:,|and|–|-)\s*)[0-9]+(?:\.[0-9]+)*)*"
)
# a number glued to a name: CD19, AALL1331, NCT02435849, m2 (letters before it); IL-6, ZUMA-4,
# ITCC-059 (an upper-case acronym and a hyphen before it); 4-1BB, 19-BBz, CD3ζ (an upper-case or
# Greek letter right after it, or after a hyphen)
GLUED = (
    re.compile(r"(?<=[A-Za-zα-ωΑ-Ω])(?P<n>[0-9]+(?:\.[0-9]+)?)"),
    re.compile(r"\b[A-Z][A-Z0-9]{1,9}-(?P<n>[0-9]+)"),
    re.compile(r"(?<![0-9.,])(?P<n>[0-9]+)(?=(?:-[0-9]*)?[A-Zα-ωΑ-Ω])"),
)
UNIT_EXPONENT = re.compile(r"(?<=[A-Za-z}])\^\{?[0-9]\}?|(?<=[A-Za-z])<sup>[0-9]</sup>")


def reference_list(text: str) -> list[Span]:
    """The numbered reference list: titles, volumes, pages and years of the cited works."""
    match = REFERENCES.search(text)
    return [(match.start(), len(text))] if match else []


def front_matter(text: str) -> list[Span]:
    """Title, authors, affiliations and addresses: everything before the abstract or introduction."""
    match = BODY_START.search(text)
    return [(0, match.start())] if match else []


def metadata_box(text: str) -> list[Span]:
    """A labelled box of article metadata (Citation:, Received:, Copyright:, Correspondence ...),
    up to where body text the extraction ran into it goes on."""
    spans = []
    for match in METADATA_LABEL.finditer(text):
        spill = SPILL.search(text, match.start(), match.end())
        spans.append((match.start(), spill.start() + 1 if spill else match.end()))
    return spans


def address(text: str) -> list[Span]:
    """Web addresses, DOIs and e-mail addresses."""
    return [m.span() for m in URL.finditer(text)]


def citation(text: str) -> list[Span]:
    """A citation: a bracketed or superscript list of reference numbers only ([3,4], [32–34],
    <sup>16,17</sup>); "[1-sided p = 0.03]" is not one."""
    return [m.span() for m in CITATION.finditer(text)]


def heading_number(text: str) -> list[Span]:
    """The number of a numbered heading or list item at the start of a line, closed by a dot and
    followed by a capital (1.1.3. CAR T, 2. A tyrosine kinase inhibitor ...)."""
    return [m.span() for m in HEADING_NUMBER.finditer(text)]


def label_number(text: str) -> list[Span]:
    """The number of a table, figure or section named in the text (Table 1, Figures 1–3)."""
    return [m.span() for m in LABEL_NUMBER.finditer(text)]


def identifier(text: str) -> list[Span]:
    """Digits that are part of a name or code: CD19, NCT02435849, IL-6, ZUMA-4, 4-1BB, CD3ζ."""
    return [m.span("n") for pattern in GLUED for m in pattern.finditer(text)]


def unit_exponent(text: str) -> list[Span]:
    """The exponent of a unit symbol (mg/m^2, m<sup>2</sup>)."""
    return [m.span() for m in UNIT_EXPONENT.finditer(text)]


def power_of_ten(text: str) -> list[Span]:
    """The base 10 and the exponent of "×10^6": the mantissa before them is the number."""
    return [(m.start("base"), m.end("exp")) for m in POWER.finditer(text)]


RULES: dict[str, Callable[[str], list[Span]]] = {
    "reference-list": reference_list,
    "front-matter": front_matter,
    "metadata-box": metadata_box,
    "address": address,
    "citation": citation,
    "heading-number": heading_number,
    "label-number": label_number,
    "identifier": identifier,
    "unit-exponent": unit_exponent,
    "power-of-ten": power_of_ten,
}


class Excuser:
    """The spans of every rule over one review, asked once per number."""

    def __init__(self, text: str):
        self.spans = {name: sorted(rule(text)) for name, rule in RULES.items()}

    def rule_for(self, start: int, end: int) -> str | None:
        """The first rule whose span holds [start, end), or None."""
        for name, spans in self.spans.items():
            if any(s <= start and end <= e for s, e in spans):
                return name
        return None
