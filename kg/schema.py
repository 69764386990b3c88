"""The fields each kind of curated record may have, their types and the predicates they map to.

This table is the contract between curators and the build: `build.py` reads it to convert
records, to reject unknown fields and to find the figures that must appear in the passage.

Types:
  label / alt / text  English label, English synonym (many), plain string
  int / dec           xsd:integer / xsd:decimal
  enum:Class          local name of a named individual of that ontology class (or a subclass)
  class:Class         local name of that ontology class or one of its subclasses
  ref:kind            id of another record of that kind (see REF_KINDS); `ref:any` is "folder/id"
  special             handled by name in build.py (source, population, arms, constructs, ...)
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import DCTERMS, RDFS, SKOS, URIRef

from kg.ids import IA, IAO


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    predicate: URIRef | None = None
    many: bool = False
    required: bool = False
    figure: bool = False  # a number that must be printed in the record's passage


def F(name: str, type_: str, pred: URIRef | str | None = None, *, many: bool = False,
      required: bool = False, figure: bool = False) -> Field:  # noqa: N802 - a table constructor
    predicate = pred if pred is None or isinstance(pred, URIRef) else IA[pred]
    return Field(name, type_, predicate, many, required, figure)


ID = F("id", "special", required=True)
LABEL = F("label", "label", RDFS.label)
ALT = F("alt", "alt", SKOS.altLabel, many=True)
ABBR = F("abbreviation", "alt", IA.abbreviation, many=True)
DEFINITION = F("definition", "text", IAO["0000115"])
NOTE = F("note", "text", IA.curatorNote)
SOURCE = F("source", "special")
SOURCES = F("sources", "special")
COMMON = [ID, NOTE, SOURCE, SOURCES]
NAMED = [*COMMON, LABEL, ALT, ABBR, DEFINITION]

POPULATION = [
    F("label", "label", RDFS.label),
    F("disease", "ref:disease", "hasDisease", many=True),
    F("setting", "enum:TherapySetting", "therapySetting", many=True),
    F("risk", "enum:RiskGroup", "riskGroup", many=True),
    F("age_groups", "enum:AgeGroup", "ageGroup", many=True),
    F("age_min", "dec", "minAge", figure=True),
    F("age_max", "dec", "maxAge", figure=True),
    F("age_unit", "enum:Unit", "ageUnit"),
    F("age_qualifier", "text", "ageQualifier"),
]

ARM = [
    F("id", "special", required=True),
    F("label", "label", RDFS.label, required=True),
    F("interventions", "ref:intervention", "hasIntervention", many=True),
    F("enrolled", "int", "enrolledCount"),
    F("treated", "int", "treatedCount"),
    F("evaluable", "int", "evaluableCount"),
    F("population", "special"),
    NOTE,
]

CONSTRUCT = [
    F("id", "special", required=True),
    F("label", "label", RDFS.label),
    F("targets", "ref:antigen", "constructTargetsAntigen", many=True, required=True),
    F("costim", "ref:domain", "constructHasCostimulatoryDomain", many=True),
    F("activation", "ref:domain", "hasActivationDomain"),
    F("generation", "enum:CARGeneration", "carGeneration"),
    F("scfv", "enum:ScFvOrigin", "scFvOrigin", many=True),
    F("vector", "enum:ViralVector", "vector", many=True),
    F("cell_source", "enum:CellSource", "cellSource"),
    F("editing", "enum:GeneEditingTechnology", "geneEditing", many=True),
    F("edited_genes", "ref:gene", "editedGene", many=True),
    F("dual", "enum:DualTargetingStrategy", "dualTargetingStrategy"),
    NOTE, SOURCE, SOURCES,
]

DOSE_STEP = [
    F("dose", "dec", "dose", figure=True, required=True),
    F("dose_upper", "dec", "doseUpper", figure=True),
    F("unit", "text", "doseUnit", required=True),
    F("schedule", "text", "schedule"),
]

CLAIM = [
    F("value", "text", "claimedValue", required=True),
    F("source", "special", required=True),
]

CITED_AS = [
    F("doc", "ref:publication", required=True),
    F("number", "int", "referenceNumber", required=True),
    F("span", "special"),
    F("note", "text", IA.curatorNote),
]

SCHEMA: dict[str, list[Field]] = {
    "publications": [
        *COMMON,
        F("type", "text"),
        F("file", "text", "sourceFile"),
        F("authors", "text", "authorList"),
        F("title", "text", DCTERMS.title, required=True),
        F("journal", "text", "journal"),
        F("year", "int", "year"),
        F("volume", "text", "volume"),
        F("pages", "text", "pages"),
        F("doi", "text", "doi"),
        F("publisher", "text", DCTERMS.publisher),
        F("place", "text", "placeOfPublication"),
        F("license", "text"),
        F("cited_as", "special"),
    ],
    "organizations": [*NAMED, F("type", "text", required=True)],
    "molecules": [
        *NAMED,
        F("type", "text", required=True),
        F("encoded_by", "ref:gene", "encodedBy"),
    ],
    "diseases": NAMED,
    "agents": [
        *NAMED,
        F("classes", "class:Intervention", many=True, required=True),
        F("brand", "alt", IA.brandName, many=True),
        F("code", "alt", IA.codeName, many=True),
        F("targets", "ref:antigen", "targetsAntigen", many=True),
        F("engages", "ref:antigen", "engagesEffectorAntigen", many=True),
        F("payload", "ref:agent", "hasPayload"),
        F("manufacturer", "ref:org", "manufacturer", many=True),
        F("dual", "enum:DualTargetingStrategy", "dualTargetingStrategy"),
        F("constructs", "special"),
        F("components", "ref:intervention", "hasComponent", many=True),
        F("role", "enum:RegimenRole", "regimenRole", many=True),
        F("condition", "text", "condition"),
    ],
    "adverse_events": [
        *NAMED,
        F("managed_with", "ref:intervention", "managedWith", many=True),
        F("risk_factors", "ref:riskfactor", "hasRiskFactor", many=True),
        F("grading", "enum:GradingSystem", "gradingSystem", many=True),
        F("associated_with", "ref:intervention", "associatedWithTherapy", many=True),
    ],
    "studies": [
        *NAMED,
        F("classes", "class:ClinicalStudy", many=True, required=True),
        F("acronym", "alt", IA.acronym, many=True),
        F("nct", "text", "nctId", many=True),
        F("registry_id", "text", "registryId", many=True),  # as printed, when it fits no pattern
        F("isrctn", "text", "isrctnId", many=True),
        F("chictr", "text", "chictrId", many=True),
        F("protocol", "text", "protocolId", many=True),
        F("phase", "enum:TrialPhase", "phase"),
        F("status", "enum:StudyStatus", "status"),
        F("design", "enum:StudyDesignFeature", "designFeature", many=True),
        F("conducted_by", "ref:org", "conductedBy", many=True),
        F("opened", "int", "openedYear", figure=True),
        F("agents", "ref:agent", "evaluatesAgent", many=True),
        F("population", "special"),
        F("arms", "special"),
        F("enrolled", "int", "enrolledCount", figure=True),
        F("treated", "int", "treatedCount", figure=True),
        F("evaluable", "int", "evaluableCount", figure=True),
        F("screened", "int", "screenedCount", figure=True),
        F("follow_up", "dec", "medianFollowUp", figure=True),
        F("follow_up_unit", "enum:Unit", "timepointUnit"),
        F("related", "ref:study", "relatedStudy", many=True),
        F("grading", "enum:GradingSystem", "gradingSystem", many=True),
    ],
    "results": [
        *COMMON,
        F("study", "ref:study", "resultOf", required=True),
        F("measure", "enum:OutcomeMeasure", "measure", required=True),
        F("value", "dec", "value", required=True, figure=True),
        F("value_upper", "dec", "valueUpper", figure=True),
        F("value_relation", "text", "valueRelation"),
        F("unit", "enum:Unit", "unit"),
        F("statistic", "enum:Statistic", "statistic"),
        F("timepoint", "dec", "timepoint"),
        F("timepoint_unit", "enum:Unit", "timepointUnit"),
        F("timepoint_label", "text", "timepointLabel"),
        F("arm", "ref:arm", "forArm"),
        F("subgroup", "text", "subgroup"),
        F("ci", "special"),
        F("ci_level", "dec", "ciLevel"),
        F("pm", "dec", "plusMinus", figure=True),
        F("p", "dec", "pValue", figure=True),
        F("p_relation", "text", "pValueRelation"),
        F("p_sides", "int", "pValueSides"),
        F("numerator", "int", "numerator", figure=True),
        F("denominator", "int", "denominator", figure=True),
        F("denominator_label", "text", "denominatorLabel"),
        F("compared_with", "ref:result", "comparedWith", many=True),
        F("relapse_phenotype", "ref:relapse", "relapsePhenotype"),
        F("printed", "text", "printedValue"),
    ],
    "ae_observations": [
        *COMMON,
        F("study", "ref:study", "observationOf", required=True),
        F("event", "ref:ae", "event", required=True),
        F("grade", "enum:GradeQualifier", "gradeQualifier", required=True),
        F("incidence", "dec", "value", figure=True),
        F("count", "int", "numerator", figure=True),
        F("denominator", "int", "denominator", figure=True),
        F("arm", "ref:arm", "forArm"),
        F("subgroup", "text", "subgroup"),
        F("grading_system", "enum:GradingSystem", "gradingSystem"),
        F("timepoint_label", "text", "timepointLabel"),
        F("printed", "text", "printedValue"),
    ],
    "profiles": [
        *COMMON,
        F("event", "ref:ae", "event", required=True),
        F("aspect", "enum:ProfileAspect", "profileAspect", required=True),
        F("value", "dec", "value", required=True, figure=True),
        F("value_upper", "dec", "valueUpper", figure=True),
        F("unit", "enum:Unit", "unit", required=True),
        F("grade", "enum:GradeQualifier", "gradeQualifier"),
        F("therapy", "ref:intervention", "associatedWithTherapy", many=True),
        F("context", "text", "subgroup"),
    ],
    "approvals": [
        *COMMON,
        F("agent", "ref:agent", "approvedAgent", required=True),
        F("agency", "ref:org", "agency", required=True),
        F("year", "int", "approvalYear", figure=True),
        F("status", "enum:ApprovalStatus", "approvalStatus", required=True),
        F("indication", "ref:disease", "indication", many=True),
        F("population", "special"),
        F("based_on", "ref:study", "basedOnStudy", many=True),
    ],
    "dosing": [
        *COMMON,
        LABEL,
        F("agent", "ref:agent", "dosingOf", required=True),
        F("study", "ref:study", "inStudy"),
        F("steps", "special"),
        F("route", "text", "route"),
        F("condition", "text", "condition"),
    ],
    "washout": [
        *COMMON,
        F("interventions", "ref:intervention", "washoutOf", many=True, required=True),
        F("value", "dec", "value", required=True, figure=True),
        F("unit", "enum:Unit", "unit", required=True),
        F("before", "enum:TherapyMilestone", "intervalBefore", required=True),
        F("value_relation", "text", "valueRelation"),
        F("condition", "text", "condition"),
    ],
    "relapse": [
        *NAMED,
        F("treatment_options", "ref:intervention", "treatmentOption", many=True),
        F("risk_factors", "ref:riskfactor", "hasRiskFactor", many=True),
        F("associated_with", "ref:intervention", "associatedWithTherapy", many=True),
    ],
    "risk_factors": NAMED,
    "associations": [
        *COMMON,
        F("factor", "ref:riskfactor", "riskFactor", required=True),
        F("outcome", "enum:OutcomeMeasure", "associatedOutcome", many=True),
        F("hazard_ratio", "dec", "hazardRatio", figure=True),
        F("multiplier", "dec", "effectMultiplier"),
        F("p", "dec", "pValue", figure=True),
        F("p_relation", "text", "pValueRelation"),
        F("threshold", "dec", "threshold", figure=True),
        F("study", "ref:study", "inStudy"),
        F("therapy", "ref:intervention", "associatedWithTherapy", many=True),
        F("context", "text", "subgroup"),
    ],
    "strata": [
        *COMMON,
        LABEL,
        F("study", "ref:study", "inStudy", required=True),
        F("risk_group", "enum:RiskGroup", "riskGroup", required=True),
        F("site", "enum:AnatomicSite", "relapseSite", required=True),
        F("time_relation", "text", "valueRelation"),
        F("time_months", "dec", "timeToRelapseMonths", figure=True),
        F("mrd_relation", "text", "condition"),
        F("mrd_threshold", "dec", "mrdThreshold", figure=True),
    ],
    "generations": [
        *COMMON,
        F("generation", "enum:CARGeneration", "definesGeneration", required=True),
        F("doc", "ref:publication", "definedIn", required=True),
        F("features", "text", "featureLabel", many=True, required=True),
        F("costim_count", "int", "costimulatoryDomainCount"),
    ],
    "disagreements": [
        *COMMON,
        F("type", "text", required=True),
        F("concerns", "ref:any", "concerns", many=True, required=True),
        F("aspect", "text", "aspect"),
        F("statements", "ref:any", "conflictingStatement", many=True),
        F("claims", "special"),
        F("printed", "text", "printedValue"),
        F("likely", "text", "likelyMeant"),
    ],
}

KINDS = list(SCHEMA)

# Which record folder (and which IRI kind) each `ref:` type points into.
REF_KINDS: dict[str, tuple[str, ...]] = {
    "publication": ("publication",),
    "org": ("org",),
    "antigen": ("antigen",),
    "gene": ("gene",),
    "domain": ("domain",),
    "disease": ("disease",),
    "agent": ("agent",),
    "intervention": ("agent", "procedure", "regimen"),
    "study": ("trial",),
    "arm": ("arm",),
    "result": ("result",),
    "ae": ("ae",),
    "riskfactor": ("riskfactor",),
    "relapse": ("relapse",),
}
