"""The example queries (competency questions): `.rq` files with a header of `# key: value` lines.

Header keys: `title`, `description` (may repeat, lines are joined), `expect` (JSON: what the
answer must hold, taken from the reviews). The same files are the endpoint's example gallery and
the tests of the graph.

`expect` forms:
  {"contains": [{"var": "value", ...}, ...]}   each row's bindings appear in some result row
  {"exact": [{...}, ...]}                      the result rows are exactly these (as a set)
  {"ask": true}                                an ASK answer
  {"min_rows": N}                              at least N rows (combine with contains)
Values compare as strings after normalising numbers ("81" == "81.0").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

FOLDER = Path(__file__).resolve().parents[1] / "questions"


@dataclass(frozen=True)
class Example:
    slug: str
    title: str
    description: str
    query: str
    expect: dict = field(default_factory=dict)


def parse(path: Path) -> Example:
    text = path.read_text(encoding="utf-8")
    header: dict[str, list[str]] = {}
    for line in text.splitlines():
        match = re.match(r"^#\s*(title|description|expect):\s?(.*)$", line)
        if match:
            header.setdefault(match.group(1), []).append(match.group(2).strip())
        elif line.strip() and not line.startswith("#"):
            break
    if "title" not in header:
        raise ValueError(f"{path.name}: the header needs a '# title:' line")
    expect = json.loads(" ".join(header["expect"])) if "expect" in header else {}
    return Example(
        slug=path.stem,
        title=" ".join(header["title"]),
        description=" ".join(header.get("description", [])),
        query=text,
        expect=expect,
    )


def load_all(folder: Path = FOLDER) -> list[Example]:
    return [parse(p) for p in sorted(folder.glob("*.rq"))]
