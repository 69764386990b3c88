"""The source reviews: loading them and resolving locators into passages.

Offsets are Unicode code points into the file as it is in the corpus folder, end exclusive,
so `text[start:end]` is the passage.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path


@dataclass(frozen=True)
class Document:
    short_id: str
    file: str
    title: str
    year: int
    doi: str
    licence: str
    path: Path

    @cached_property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @cached_property
    def searchable(self) -> str:
        """The text with whitespace runs collapsed and case folded, for finding section names."""
        return normalise(self.text)

    def section_at(self, offset: int) -> str:
        """The nearest heading or table/figure caption before `offset`."""
        best = ""
        for match in _HEADING.finditer(self.text, 0, offset):
            best = match.group("h").strip().strip("*#").strip()
        return best


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


# Headings as the extraction prints them: numbered (1.1.3. CAR T), markdown (### ...),
# bold (**...**), table and figure captions, and short title-case lines.
_HEADING = re.compile(
    r"^(?P<h>(?:#+\s.*|\*\*[^*\n]{2,120}\*\*\s*|\d+(?:\.\d+)*\.\s+[^\n]{2,120}|"
    r"\s*\**(?:Table|Figure)\s+\d+[^\n]{0,160}|[A-Z][^\n.:;]{2,100}))$",
    re.M,
)


class Corpus:
    """The reviews listed in the corpus `sources.tsv`, by short id."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.documents: dict[str, Document] = {}
        with (folder / "sources.tsv").open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                self.documents[row["short_id"]] = Document(
                    short_id=row["short_id"],
                    file=row["file"],
                    title=row["title"],
                    year=int(row["year"]),
                    doi=row.get("doi") or "",
                    licence=row.get("licence") or "",
                    path=folder / row["file"],
                )

    def __getitem__(self, short_id: str) -> Document:
        return self.documents[short_id]

    def __contains__(self, short_id: str) -> bool:
        return short_id in self.documents

    def sentence(self, short_id: str, start: int, end: int) -> tuple[int, int]:
        """Widen [start, end) to the enclosing sentence, or table row, of the file."""
        text = self[short_id].text
        left = max(text.rfind(". ", 0, start) + 2, text.rfind("\n", 0, start) + 1)
        stops = [i for i in (text.find(". ", end), text.find("\n", end)) if i != -1]
        right = min(stops) if stops else len(text)
        if right < len(text) and text[right] == ".":
            right += 1
        return left, right

    def locate(self, short_id: str, phrase: str) -> list[tuple[int, int, str]]:
        """Every occurrence of `phrase` (whitespace-insensitive) with its enclosing section."""
        doc = self[short_id]
        pattern = re.compile(r"\s+".join(re.escape(w) for w in phrase.split()))
        return [(m.start(), m.end(), doc.section_at(m.start())) for m in pattern.finditer(doc.text)]
