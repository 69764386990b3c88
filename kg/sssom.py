"""Mappings -> an SSSOM mapping set (TSV with its YAML metadata block), for mapping tools.

SSSOM is what ontology people exchange mappings in (OxO, sssom-py, Biomappings), so every link
the graph makes, and the ontology's own class alignments, are written there too, with the same
CURIEs as the rest of the build (kg/prefixes.py) and the same justification and confidence as
the mapping nodes in the graph.
"""

from __future__ import annotations

import yaml

from kg import prefixes
from kg.ids import BASE
from kg.mappings import AUTHOR, Mapping

SET_ID = f"{BASE}mappings.sssom.tsv"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
COLUMNS = ("subject_id", "subject_label", "subject_type", "predicate_id", "object_id", "mapping_justification",
           "confidence", "author_label", "comment")
CLASS_PREDICATES = {"rdfs:subClassOf", "owl:equivalentClass"}


def _cell(value: object) -> str:
    """One TSV cell: no tabs or line breaks, no '|' (SSSOM's separator of multiple values)."""
    return " ".join(str(value).replace("|", "/").split())


def row(m: Mapping) -> dict[str, str]:
    return {
        "subject_id": prefixes.compact(str(m.subject)),
        "subject_label": _cell(m.subject_label),
        "subject_type": "owl class" if m.predicate in CLASS_PREDICATES else "owl named individual",
        "predicate_id": m.predicate,
        "object_id": m.curie,
        "mapping_justification": m.justification,
        "confidence": "" if m.confidence is None else f"{m.confidence:g}",
        "author_label": AUTHOR,
        # SSSOM's see_also takes URIs; where the id was seen is free text, so it goes in the comment.
        "comment": _cell(f"{m.comment}. Seen in: {'; '.join(m.evidence)}"),
    }


def _prefix_of(curie: str) -> str:
    return curie.partition(":")[0]


def metadata(rows: list[dict[str, str]], version: str) -> dict[str, object]:
    used = {_prefix_of(r[c]) for r in rows for c in ("subject_id", "predicate_id", "object_id",
                                                       "mapping_justification")}
    curie_map = {p: iri for p, iri in prefixes.prefix_map().items() if p in used}
    return {
        "curie_map": curie_map,
        "mapping_set_id": SET_ID,
        "mapping_set_version": version,
        "mapping_set_title": "ImmunALL mappings to other vocabularies",
        "mapping_set_description": (
            "Links from ImmunALL agents, molecules, diseases, adverse events, studies, publications and "
            "ontology terms to NCIt, MONDO, DOID, EFO, HP, OAE, MAXO, ChEBI, DrugBank, MeSH, UNII, RxNorm, "
            "UMLS, UniProt, HGNC, NCBI Gene, Ensembl, ClinicalTrials.gov, DOI, IAO, OBI and PROV; confidence "
            "0.95 for identifiers seen at their authority or in two agreeing sources, 0.8 for one secondary "
            "source."),
        "license": LICENSE,
        "creator_label": [AUTHOR],
        "mapping_provider": BASE,
    }


def sssom_tsv(mappings: list[Mapping], version: str) -> str:
    """The mapping set, sorted so equal data gives equal bytes."""
    rows = sorted((row(m) for m in mappings), key=lambda r: (r["subject_id"], r["predicate_id"], r["object_id"]))
    header = yaml.safe_dump(metadata(rows, version), sort_keys=False, allow_unicode=True, width=10_000)
    lines = [f"#{line}" for line in header.splitlines()]
    lines.append("\t".join(COLUMNS))
    lines += ["\t".join(r[c] for c in COLUMNS) for r in rows]
    return "\n".join(lines) + "\n"
