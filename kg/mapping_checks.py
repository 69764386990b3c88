"""Guards on the mappings: a wrong link is worse than a missing one, so the build fails on these.

Each failure names the crosswalk (or fact) file, line and field of the mapping at fault:
- every local id matches its prefix's bioregistry pattern;
- no entity is linked twice to one id, nor to two ids of one prefix without a recorded reason;
- an antigen or CAR domain takes protein ids, a gene takes gene ids (NCIt has both concepts);
- no entity is an exactMatch of ids from two different `same` clusters (the MONDO/NCIt
  cross-wiring of B-ALL), nor of an id its guard forbids.
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import URIRef

from kg import prefixes
from kg.build import Built
from kg.mappings import PREDICATES, Mapping, MappingSet

PROTEIN_KINDS = {"antigen", "domain"}
EXACT = PREDICATES["exactMatch"]


def check_patterns(mappings: list[Mapping]) -> None:
    for m in mappings:
        if prefixes.entry(m.prefix) is None:
            raise m.error(f"{m.curie}: prefix {m.prefix!r} is not in the prefix map (kg/prefixes.py)")
        pattern = prefixes.pattern(m.prefix)
        if pattern is not None and not pattern.match(m.local_id):
            where = f" ({m.row.where})" if m.row else ""
            raise m.error(f"{m.curie}{where}: {m.local_id!r} does not match {m.prefix}'s pattern {pattern.pattern}")


def check_unique(mappings: list[Mapping]) -> None:
    """One link per (entity, id), and a reason for every second id of one prefix."""
    seen: dict[tuple[URIRef, str], Mapping] = {}
    by_prefix: dict[tuple[URIRef, str], list[Mapping]] = defaultdict(list)
    for m in mappings:
        first = seen.setdefault((m.subject, m.curie), m)
        if first is not m:
            raise m.error(f"{m.subject_label} is linked to {m.curie} twice (also by {_where(first)})")
        by_prefix[(m.subject, m.prefix)].append(m)
    for (_, prefix), group in by_prefix.items():
        plain = [m for m in group if not m.reasoned]
        if len(group) > 1 and len(plain) > 1:
            ids = ", ".join(f"{m.curie} ({_where(m)})" for m in group)
            raise plain[1].error(f"{plain[1].subject_label} has several {prefix} ids ({ids}); "
                                 "record a reason for each id beyond the first")


def check_molecules(mappings: list[Mapping], built: Built) -> None:
    """Gene ids only on genes, protein ids only on antigens and domains (the table's row kind)."""
    kinds = {iri: kind for (kind, _), iri in built.iris.items() if kind in PROTEIN_KINDS | {"gene"}}
    for m in mappings:
        kind = kinds.get(m.subject)
        if kind is None or m.row is None:
            continue
        row_kind = _molecule_kind(m)
        if kind == "gene" and row_kind == "protein" or kind in PROTEIN_KINDS and row_kind == "gene":
            raise m.error(f"{m.curie} is a {row_kind} id ({m.row.where}) but {m.subject_label} is a record of kind "
                          f"{kind}: use the {'gene' if kind == 'gene' else 'protein'} rows")


def _molecule_kind(m: Mapping) -> str | None:
    """The table's row kind, or what its note says (`NCIt gene concept` / `NCIt protein concept`)."""
    assert m.row is not None
    note = (m.row.note or "").lower()
    if "gene concept" in note:
        return "gene"
    if "protein concept" in note:
        return "protein"
    return m.row.kind if m.row.kind in ("gene", "protein") else None


def check_clusters(result: MappingSet) -> None:
    """No entity exactly matches two concepts their own authorities keep apart."""
    exact: dict[URIRef, list[Mapping]] = defaultdict(list)
    for m in result.mappings:
        if m.predicate == EXACT:
            exact[m.subject].append(m)
    for group in exact.values():
        hits = [(m, record) for m in group for ids, record in result.clusters if m.curie in ids]
        records = {id(record) for _, record in hits}
        if len(records) > 1:
            (first, a), (second, b) = hits[0], next(h for h in hits if h[1] is not hits[0][1])
            raise second.error(f"{second.subject_label} is an exactMatch of {first.curie} ({_where(first)}) and "
                               f"{second.curie}, which belong to different concepts "
                               f"({a.file}:{a.line} and {b.file}:{b.line})")


def check_guards(result: MappingSet) -> None:
    for guard in result.guards:
        for m in result.mappings:
            if m.subject != guard.subject:
                continue
            if m.curie in guard.avoid:
                raise m.error(f"{m.curie} must never be linked to {m.subject_label}: {guard.reason} "
                              f"({guard.record.file}:{guard.record.line})")
            if m.curie in guard.not_exact and m.predicate == EXACT:
                raise m.error(f"{m.curie} must not be an exactMatch of {m.subject_label}: {guard.reason} "
                              f"({guard.record.file}:{guard.record.line})")


def check_all(result: MappingSet, built: Built) -> None:
    """The specific diagnoses first: a gene id on an antigen also gives it two NCIt ids."""
    check_patterns(result.mappings)
    check_molecules(result.mappings, built)
    check_guards(result)
    check_clusters(result)
    check_unique(result.mappings)


def _where(m: Mapping) -> str:
    return f"{m.origin.file}:{m.origin.line_of(m.field)}" if m.origin is not None else "the ontology"
