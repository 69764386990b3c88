"""The shared reference table of external identifiers (../shared/reference/external_ids.tsv).

Read as it is, with the line of every row, so the build can point at the row behind a mapping and
report rows it leaves out. The notes file (external_ids_notes.tsv) is joined on (label, prefix,
local id): several notes are traps the crosswalk must decide on.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from kg.facts import FactError

TABLE = "external_ids.tsv"
NOTES = "external_ids_notes.tsv"
COLUMNS = ["entity_label", "entity_kind", "prefix", "local_id", "iri", "verified_by", "confidence"]
NOTE_COLUMNS = ["entity_label", "prefix", "local_id", "note"]
CONFIDENCES = ("high", "medium")


@dataclass(frozen=True)
class Row:
    """One identifier of one entity, as the table gives it."""

    label: str
    kind: str  # drug/agent, gene, protein, disease, adverse event, concept, clinical trial
    prefix: str
    local_id: str
    iri: str
    verified_by: tuple[str, ...]
    confidence: str
    file: Path
    line: int
    note: str | None = None

    @property
    def curie(self) -> str:
        return f"{self.prefix}:{self.local_id}"

    @property
    def where(self) -> str:
        return f"{self.file.name}:{self.line}"


def _read(path: Path, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise FactError(path, None, None, f"cannot read the reference table: {exc}") from exc
    lines = text.splitlines()
    if not lines or lines[0].split("\t") != columns:
        raise FactError(path, 1, None, f"expected the columns {columns}")
    rows = []
    for number, values in enumerate(csv.reader(lines[1:], delimiter="\t", quoting=csv.QUOTE_NONE), start=2):
        if not values:
            continue
        if len(values) != len(columns):
            raise FactError(path, number, None, f"{len(values)} columns, expected {len(columns)}")
        rows.append((number, dict(zip(columns, values, strict=True))))
    return rows


def read_reference(folder: Path) -> list[Row]:
    """Every row of the table, with its note when the notes file has one."""
    notes = {(r["entity_label"], r["prefix"], r["local_id"]): r["note"] for _, r in _read(folder / NOTES, NOTE_COLUMNS)}
    rows = []
    for line, r in _read(folder / TABLE, COLUMNS):
        if r["confidence"] not in CONFIDENCES:
            raise FactError(folder / TABLE, line, "confidence", f"{r['confidence']!r} is not one of {CONFIDENCES}")
        evidence = tuple(part.strip() for part in r["verified_by"].split("; ") if part.strip())
        note = notes.get((r["entity_label"], r["prefix"], r["local_id"]))
        rows.append(Row(r["entity_label"], r["entity_kind"], r["prefix"], r["local_id"], r["iri"], evidence,
                        r["confidence"], folder / TABLE, line, note))
    return rows
