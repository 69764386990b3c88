"""Source locators -> passages, and the check that every figure is printed in its passage.

A wrong figure is worse than a missing one, so each number a record states must occur in
the text of at least one passage the record cites; the build fails naming the record if not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from kg.corpus import Corpus, normalise
from kg.facts import Located


@dataclass(frozen=True)
class Passage:
    doc: str
    section: str
    start: int
    end: int
    refs: tuple[int, ...]

    @property
    def slug(self) -> str:
        return f"{self.doc}-{self.start}-{self.end}"


def parse_source(record: Located, field: str, value: object, corpus: Corpus) -> Passage:
    """One `source` mapping, checked against the corpus."""
    if not isinstance(value, dict):
        raise record.error(field, "a source is a mapping {doc, at, span: [start, end], refs}")
    unknown = set(value) - {"doc", "at", "span", "refs"}
    if unknown:
        raise record.error(field, f"unknown source keys {sorted(unknown)}")
    doc = value.get("doc")
    if doc not in corpus:
        raise record.error(field, f"unknown review {doc!r}; expected one of {sorted(corpus.documents)}")
    text = corpus[doc].text
    span = value.get("span")
    if (
        not isinstance(span, list)
        or len(span) != 2
        or not all(isinstance(x, int) and not isinstance(x, bool) for x in span)
        or not 0 <= span[0] < span[1] <= len(text)
    ):
        raise record.error(field, f"span must be [start, end] with 0 <= start < end <= {len(text)}")
    at = value.get("at")
    if not isinstance(at, str) or not at.strip():
        raise record.error(field, "source needs `at`: the section, table or figure as printed")
    if normalise(at) not in corpus[doc].searchable:
        raise record.error(field, f"section {at!r} does not occur in {corpus[doc].file}")
    refs = value.get("refs", [])
    if not isinstance(refs, list) or not all(isinstance(r, int) for r in refs):
        raise record.error(field, "refs must be a list of reference numbers")
    return Passage(doc=doc, section=at.strip(), start=span[0], end=span[1], refs=tuple(refs))


_WORDS = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
]
_TENS = {20: "twenty", 30: "thirty", 40: "forty", 50: "fifty", 60: "sixty", 70: "seventy",
         80: "eighty", 90: "ninety"}


def _number_words(n: int) -> list[str]:
    if 0 <= n < len(_WORDS):
        return [_WORDS[n]]
    if 20 <= n < 100:
        tens, unit = divmod(n, 10)
        word = _TENS[tens * 10]
        if unit == 0:
            return [word]
        return [f"{word}-{_WORDS[unit]}", f"{word} {_WORDS[unit]}", f"{word}{_WORDS[unit]}"]
    return []


def spellings(value: Decimal | int | float) -> list[str]:
    """The ways a number may be printed: 74 / 74.0 / 74.00, 0.03 / .03, 2,536, forty-nine."""
    number = Decimal(str(value))
    plain = format(number.normalize(), "f")
    forms = {plain}
    if "." in plain:
        # YAML reads 0.020 as 0.02: accept the printed trailing zeros as well
        for printed in (plain, plain + "0", plain + "00"):
            forms.add(printed)
            if printed.startswith("0."):
                forms.add(printed[1:])
    else:
        forms.update({plain + ".0", plain + ".00"})
        whole = int(plain)
        if abs(whole) >= 1000:
            forms.add(f"{whole:,}")
        forms.update(_number_words(whole))
    return sorted(forms, key=len, reverse=True)


def printed_in(value: Decimal | int | float, text: str) -> bool:
    """True when `value` occurs in `text` as a number of its own (not inside a longer one)."""
    for form in spellings(value):
        if form[0].isalpha():
            if re.search(rf"(?<![A-Za-z]){re.escape(form)}(?![a-z])", text, re.I):
                return True
        elif re.search(rf"(?<![\d.,]){re.escape(form)}(?!\.?\d|,\d)", text):
            return True
    return False


def check_figures(record: Located, figures: list[tuple[str, object]], passages: list[Passage],
                  corpus: Corpus) -> None:
    """Fail naming the record and field when a figure is in none of its passages."""
    if not figures:
        return
    if not passages:
        raise record.error(None, f"record {record.get('id')!r} states figures but cites no source")
    texts = [corpus[p.doc].text[p.start:p.end] for p in passages]
    for field, value in figures:
        if not any(printed_in(value, text) for text in texts):
            where = ", ".join(f"{p.doc}[{p.start}:{p.end}]" for p in passages)
            raise record.error(
                field,
                f"figure {value} of record {record.get('id')!r} is not printed in its passage {where}",
            )


# The words a review uses to state a value without printing it: none of the patients, or all of them.
STATED_WORDS = {
    "StatedNone": r"\b(no|none|not|nor|neither|without|zero|nil|free of|never|absent|did not|no one)\b",
    "StatedAll": r"\b(all|every|each|100\s?%|entire|universally|both)\b",
}


def check_stated(record: Located, stated: str, passages: list[Passage], corpus: Corpus) -> None:
    """A value stated as none or all must come from words of absence or totality in its passage."""
    pattern = STATED_WORDS.get(stated)
    if pattern is None:
        return
    if not passages:
        raise record.error("stated", f"record {record.get('id')!r} states {stated} but cites no source")
    if not any(re.search(pattern, corpus[p.doc].text[p.start:p.end], re.I) for p in passages):
        raise record.error("stated", f"{stated}: no word of {'absence' if stated == 'StatedNone' else 'totality'} "
                                     f"in the passage of {record.get('id')!r}")
