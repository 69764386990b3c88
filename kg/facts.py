"""Reading the curated YAML facts while keeping the file and line of every record and field.

Errors in the facts must say where they are (file, line, field), so the loader records the
line of every mapping and of every key.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


class FactError(Exception):
    """A problem in the curated facts, located by file, line and field."""

    def __init__(self, file: Path | str, line: int | None, field: str | None, message: str):
        self.file, self.line, self.field, self.message = str(file), line, field, message
        where = self.file + (f":{line}" if line else "")
        super().__init__(f"{where}: {'field ' + repr(field) + ': ' if field else ''}{message}")


class Located(dict):
    """A YAML mapping that knows its file, its line and the line of each key."""

    file: Path
    line: int
    lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)

    def error(self, field: str | None, message: str) -> FactError:
        return FactError(self.file, self.line_of(field) if field else self.line, field, message)


def _loader_for(path: Path) -> type[yaml.SafeLoader]:
    class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # the C parser when libyaml is there
        pass

    def construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> Located:
        loader.flatten_mapping(node)
        mapping = Located()
        mapping.file, mapping.line, mapping.lines = path, node.start_mark.line + 1, {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if key in mapping:
                raise FactError(path, key_node.start_mark.line + 1, str(key), "duplicate key")
            mapping[key] = loader.construct_object(value_node, deep=True)
            mapping.lines[key] = key_node.start_mark.line + 1
        return mapping

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return Loader


def load_file(path: Path) -> list[Located]:
    """The records of one fact file: a YAML list of mappings."""
    try:
        data: Any = yaml.load(path.read_text(encoding="utf-8"), Loader=_loader_for(path))  # noqa: S506
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise FactError(path, mark.line + 1 if mark else None, None, f"YAML: {exc.problem}") from exc
    except UnicodeDecodeError as exc:
        raise FactError(path, None, None, f"not UTF-8: {exc}") from exc
    if data is None:
        return []
    if not isinstance(data, list):
        raise FactError(path, 1, None, "a fact file must be a YAML list of records")
    for item in data:
        if not isinstance(item, Located):
            raise FactError(path, None, None, f"every list item must be a mapping, got {item!r}")
    return data


@dataclass(frozen=True)
class FactSet:
    """All records, by kind (the folder name)."""

    records: dict[str, list[Located]]

    def __iter__(self) -> Iterator[tuple[str, Located]]:
        for kind, items in self.records.items():
            for record in items:
                yield kind, record

    def of(self, kind: str) -> list[Located]:
        return self.records.get(kind, [])


# Folders of the facts tree that another loader reads: the mapping crosswalk (kg/mappings.py), the
# coverage check's stoplist and not-a-fact list (kg/coverage.py, kg/coverage_notfacts.py).
OTHER_FOLDERS = ("mappings", "coverage")


def load_facts(folder: Path, kinds: list[str], others: tuple[str, ...] = OTHER_FOLDERS) -> FactSet:
    """Every `<kind>/*.yaml` under `folder`, in a stable order; unknown folders are errors.

    `others` are folders another loader reads, skipped here.
    """
    if not folder.is_dir():
        raise FactError(folder, None, None, "facts folder not found")
    for child in sorted(folder.iterdir()):
        if child.is_dir() and child.name not in kinds and child.name not in others:
            raise FactError(child, None, None, f"unknown kind of fact; expected one of {kinds}")
    records: dict[str, list[Located]] = {}
    for kind in kinds:
        files = sorted((folder / kind).glob("*.yaml")) if (folder / kind).is_dir() else []
        records[kind] = [record for path in files for record in load_file(path)]
    return FactSet(records)
