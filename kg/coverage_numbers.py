"""Every number printed in a review, with where it is and the values it can stand for.

The scan reads digits only (number words such as "three-year" are not scanned). A printed
number becomes one `Occurrence` per token: "4.4–30.6" gives two, "≥ 3" gives 3, "74.0 ± 6.4%"
gives 74.0 and 6.4, "1,000" gives 1000. In a power-of-ten form ("1×10^6", "0.2 x10<sup>6</sup>",
"$\\geq 1 \\times 10^{6}$") the mantissa is the number and may stand for itself or for the whole
product; the base 10 and the exponent are marked as parts of the notation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

# a number of its own: not the tail of a longer one ("2.5" is one, "1,000" is one)
_NUMBER = re.compile(r"(?<![0-9])(?<![0-9][.,])(?:[0-9]+(?:,[0-9]{3})*(?![0-9])(?:\.[0-9]+)?|\.[0-9]+)")
# "×10^6", "x10<sup>6</sup>", "\times 10^{6}", "× 10^9": the base and the exponent after a mantissa
POWER = re.compile(
    r"\s*(?:×|\\times|x)\s*(?P<base>10)\s*(?:\^\s*\{?\s*|<sup>\s*)(?P<exp>[0-9]{1,2})(?:\s*\}|\s*</sup>)?"
)


@dataclass(frozen=True)
class Occurrence:
    """One printed number: its document, character span, printed form and candidate values."""

    doc: str
    start: int
    end: int
    printed: str
    values: frozenset[Decimal]
    notation: bool = False  # the base or exponent of a power-of-ten form, not a number of its own


def decimal_of(printed: str) -> Decimal:
    return Decimal(printed.replace(",", ""))


def numbers_in(text: str) -> set[Decimal]:
    """The values of the numbers printed in a short string (a printed value, an enum label)."""
    return {value for occurrence in scan_text("", text) for value in occurrence.values
            if not occurrence.notation}


def scan_text(doc: str, text: str, start: int = 0, end: int | None = None) -> list[Occurrence]:
    """The numbers in `text[start:end]`, in order."""
    stop = len(text) if end is None else end
    found: list[Occurrence] = []
    notation_at: set[int] = set()
    for match in _NUMBER.finditer(text, start, stop):
        if match.start() in notation_at:
            found.append(Occurrence(doc, match.start(), match.end(), match.group(), frozenset(), True))
            continue
        printed = match.group()
        if "," in printed and _in_list_brackets(text, match.start()):
            found += _split_list(doc, printed, match.start())
            continue
        value = decimal_of(printed)
        values = {value}
        power = POWER.match(text, match.end())
        if power:
            values.add(value * (Decimal(10) ** int(power.group("exp"))))
            notation_at.update({power.start("base"), power.start("exp")})
        found.append(Occurrence(doc, match.start(), match.end(), printed, frozenset(values)))
    return found


def _in_list_brackets(text: str, offset: int) -> bool:
    """Inside "[33,340]" or "<sup>1,200</sup>", commas separate numbers: there is no thousands
    grouping in a citation list."""
    left = max(text.rfind("[", 0, offset), text.rfind("<sup>", 0, offset))
    return left != -1 and re.fullmatch(r"(?:\[|<sup>)[0-9,\s–-]*", text[left:offset]) is not None


def _split_list(doc: str, printed: str, start: int) -> list[Occurrence]:
    out = []
    for part in re.finditer(r"[0-9]+", printed):
        out.append(Occurrence(doc, start + part.start(), start + part.end(), part.group(),
                              frozenset({Decimal(part.group())})))
    return out


def context(text: str, start: int, end: int, words: int = 4) -> str:
    """A few words either side of a span, on one line, for a report row."""
    left = " ".join(text[max(0, start - 60):start].split()[-words:])
    right = " ".join(text[end:end + 60].split()[:words])
    return f"{left} [{text[start:end]}] {right}".strip()
