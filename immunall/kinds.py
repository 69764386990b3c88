"""The one table of record kinds: folder, IRI segment, class, fields, label rule and page title.

Everything that depends on a kind of curated record reads it from here: the build (which fields a
record may have, what they become, which numbers must be printed in the passage), the IRI minting
(`kg.ids.mint`), the pages and the search (segments and titles). Adding a kind is one entry here,
its class in the ontology and its shape in `shapes/`.

Field types:
  label / text          English label (rdf:langString @en), plain string (xsd:string)
  name                  a name that is also an identifier (acronym, brand, code name): plain string,
                        so `ia:acronym "ELIANA"` matches exactly (see README, "Literals")
  int / dec             xsd:integer / xsd:decimal
  rel                   a comparator as printed ("<", "≤", "up to", "about", ...) -> an ia:Comparator
  enum:Class            local name of a named individual of that ontology class (or a subclass)
  class:Class           local name of that ontology class or one of its subclasses
  ref:kind              id of another record (see REF_KINDS); `ref:any` is "folder/id";
                        `ref:arm`, `ref:cohort`, `ref:report` are ids within the record's study
  special               handled by name in kg/build.py (source, population, arms, claims, ...)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import DCTERMS, RDFS, SKOS, Namespace, URIRef

_IA = Namespace("https://w3id.org/immunall/ontology/")
_IAO = Namespace("http://purl.obolibrary.org/obo/IAO_")


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    predicate: URIRef | None = None
    many: bool = False
    required: bool = False
    figure: bool = False  # a number that must be printed in the record's passage


def F(name: str, type_: str, pred: URIRef | str | None = None, *, many: bool = False,  # noqa: N802
      required: bool = False, figure: bool = False) -> Field:
    """A field; a string predicate is an ia: term."""
    predicate = pred if pred is None or isinstance(pred, URIRef) else _IA[pred]
    return Field(name, type_, predicate, many, required, figure)


# ---- fields shared by several kinds ---------------------------------------------------------------
ID = F("id", "special", required=True)
LABEL = F("label", "label", RDFS.label)
ALT = F("alt", "alt", SKOS.altLabel, many=True)
ABBR = F("abbreviation", "name", "abbreviation", many=True)
DEFINITION = F("definition", "text", _IAO["0000115"])
NOTE = F("note", "text", "curatorNote")
SOURCE = F("source", "special")
SOURCES = F("sources", "special")
BASIS = F("basis", "special")  # outside knowledge: what a fact rests on when no passage states it
NAMES = F("names", "special")  # names attributed to the review passage that uses them
COMMON = [ID, NOTE, SOURCE, SOURCES, BASIS]
NAMED = [*COMMON, LABEL, ALT, ABBR, DEFINITION, NAMES]

# A figure's value, as printed: the number, its upper bound, its comparator, its unit; "stated"
# records a value the words give without a number ("none", "all").
VALUE = [
    F("value", "dec", "value", figure=True),
    F("value_upper", "dec", "valueUpper", figure=True),
    F("relation", "rel", "valueRelation"),
    F("stated", "enum:StatedValue", "statedAs"),
    F("printed", "text", "printedValue"),
]
TIMEPOINT = [
    F("timepoint", "dec", "timepoint"),
    F("timepoint_unit", "enum:Unit", "timepointUnit"),
    F("timepoint_label", "text", "timepointLabel"),
]
GROUP_REFS = [
    F("report", "ref:report", "fromReport"),
    F("arm", "ref:arm", "forArm"),
    F("cohort", "ref:cohort", "forCohort"),
    F("subgroup", "text", "subgroup"),
]
STATISTICS = [
    F("ci", "special"),
    F("ci_level", "dec", "ciLevel"),
    F("p", "dec", "pValue", figure=True),
    F("p_relation", "rel", "pValueRelation"),
    F("p_sides", "int", "pValueSides"),
]

POPULATION = [
    F("label", "label", RDFS.label),
    F("disease", "ref:disease", "hasDisease", many=True),
    F("setting", "enum:TherapySetting", "therapySetting", many=True),
    F("line", "enum:LineOfTherapy", "lineOfTherapy", many=True),
    F("risk", "enum:RiskGroup", "riskGroup", many=True),
    F("age_groups", "enum:AgeGroup", "ageGroup", many=True),
    F("age_min", "dec", "minAge", figure=True),
    F("age_max", "dec", "maxAge", figure=True),
    F("age_unit", "enum:Unit", "ageUnit"),
    F("age_relation", "rel", "ageRelation"),
    F("age_printed", "text", "printedValue"),
]

COUNTS = [
    F("enrolled", "int", "enrolledCount", figure=True),
    F("treated", "int", "treatedCount", figure=True),
    F("evaluable", "int", "evaluableCount", figure=True),
]

# A treatment group (arm) or a subgroup (cohort) of a study, with its N.
GROUP = [
    F("id", "special", required=True),
    F("label", "label", RDFS.label, required=True),
    F("interventions", "ref:intervention", "hasIntervention", many=True),
    *COUNTS,
    F("population", "special"),
    F("arm", "ref:arm", "withinArm"),
    NOTE, SOURCE, SOURCES,
]

# A data cut of a study: the publication(s) that report it, its year and follow-up, its N.
REPORT = [
    F("id", "special", required=True),
    F("label", "label", RDFS.label, required=True),
    F("publications", "ref:publication", "reportedIn", many=True),
    F("year", "int", "reportYear"),
    F("follow_up", "dec", "medianFollowUp", figure=True),
    F("follow_up_unit", "enum:Unit", "followUpUnit"),
    *COUNTS,
    F("population", "special"),
    NOTE, SOURCE, SOURCES,
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
    NOTE, SOURCE, SOURCES, BASIS,
]

DOSE_STEP = [
    F("dose", "dec", "dose", figure=True, required=True),
    F("dose_upper", "dec", "doseUpper", figure=True),
    F("unit", "enum:DoseUnit", "doseUnit", required=True),
    F("unit_printed", "text", "printedUnit"),
    F("schedule", "text", "schedule"),
    F("days", "int", "onDay", many=True, figure=True),          # days 8 and 15
    F("from_day", "int", "fromDay", figure=True),               # days 1-7
    F("to_day", "int", "toDay", figure=True),
    F("for_days", "int", "durationDays", figure=True),          # x 7 days, for 28 days
    F("every", "dec", "repeatEvery", figure=True),              # every 3-4 weeks
    F("every_upper", "dec", "repeatEveryUpper", figure=True),
    F("every_unit", "enum:Unit", "repeatEveryUnit"),
    F("increment", "dec", "doseIncrement", figure=True),       # escalating by 50 mg/m2 each time
]

# One side of a disagreement: a fact record (`fact: results/x`) or a statement about an attribute.
CLAIM = [
    F("fact", "ref:any"),
    F("subject", "ref:any", "claimAbout"),
    F("property", "special"),
    F("term", "special"),
    *VALUE,
    F("unit", "enum:Unit", "unit"),
    NOTE, SOURCE, SOURCES, BASIS,
]

NAME = [
    F("name", "special", required=True),
    F("type", "special"),
    SOURCE, SOURCES,
]

CITED_AS = [
    F("doc", "ref:publication", required=True),
    F("number", "int", "referenceNumber", required=True),
    F("span", "special"),
    F("note", "text", "curatorNote"),
]

BASIS_FIELDS = [
    F("from", "enum:KnowledgeSource", "outsideKnowledge", required=True),
    F("detail", "text", DCTERMS.source),
]


@dataclass(frozen=True)
class Kind:
    """A kind of curated record: where its files live, the IRIs and class it gets, its fields."""

    folder: str                        # facts/<folder>/*.yaml
    segment: str                       # the IRI kind (see SEGMENTS) its records mint into
    cls: str | None                    # its ontology class, when fixed by the kind
    fields: list[Field]
    title: str                         # plural, for people: page headings, search hit kinds
    label_required: bool = False       # a curated label, not one made from the fields
    statement: bool = False            # a review's statement (a figure, finding, rule): needs its passage
    by_field: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)
    # ^ field -> value -> (segment, class) where the record's IRI kind depends on a field

    def segments(self) -> tuple[str, ...]:
        found = [self.segment] + [seg for table in self.by_field.values() for seg, _ in table.values()]
        return tuple(dict.fromkeys(found))


KINDS: dict[str, Kind] = {k.folder: k for k in [
    Kind("publications", "publication", "Publication", [
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
    ], "publications"),
    Kind("organizations", "org", "Organization", [*NAMED, F("type", "text", required=True)],
         "organizations", label_required=True),
    Kind("molecules", "antigen", None, [
        *NAMED,
        F("type", "special", required=True),
        F("encoded_by", "ref:gene", "encodedBy"),
    ], "molecules", label_required=True, by_field={"type": {
        "antigen": ("antigen", "Antigen"), "gene": ("gene", "Gene"),
        "costimulatory": ("domain", "CostimulatoryDomain"), "activation": ("domain", "ActivationDomain"),
    }}),
    Kind("diseases", "disease", "Disease", NAMED, "diseases", label_required=True),
    Kind("agents", "agent", None, [
        *NAMED,
        F("classes", "class:Intervention", many=True, required=True),
        F("brand", "name", "brandName", many=True),
        F("code", "name", "codeName", many=True),
        F("targets", "ref:antigen", "targetsAntigen", many=True),
        F("engages", "ref:antigen", "engagesEffectorAntigen", many=True),
        F("payload", "ref:agent", "hasPayload"),
        F("manufacturer", "ref:org", "manufacturer", many=True),
        F("dual", "enum:DualTargetingStrategy", "dualTargetingStrategy"),
        F("constructs", "special"),
        F("components", "ref:intervention", "hasComponent", many=True),
        F("role", "enum:RegimenRole", "regimenRole", many=True),
        F("condition", "text", "condition"),
    ], "therapeutic agents", label_required=True, by_field={"classes": {
        "Procedure": ("procedure", "Procedure"), "TreatmentRegimen": ("regimen", "TreatmentRegimen"),
    }}),
    Kind("adverse_events", "ae", "AdverseEvent", [
        *NAMED,
        F("managed_with", "ref:intervention", "managedWith", many=True),
        F("risk_factors", "ref:riskfactor", "hasRiskFactor", many=True),
        F("grading", "enum:GradingSystem", "gradingSystem", many=True),
        F("associated_with", "ref:intervention", "associatedWithTherapy", many=True),
    ], "adverse events", label_required=True),
    Kind("studies", "trial", None, [
        *NAMED,
        F("classes", "class:ClinicalStudy", many=True, required=True),
        F("acronym", "name", "acronym", many=True),
        F("nct", "name", "nctId", many=True),
        F("registry_id", "name", "registryId", many=True),  # as printed, when it fits no pattern
        F("isrctn", "name", "isrctnId", many=True),
        F("chictr", "name", "chictrId", many=True),
        F("protocol", "name", "protocolId", many=True),
        F("phase", "enum:TrialPhase", "phase"),
        F("status", "enum:StudyStatus", "status"),
        F("design", "enum:StudyDesignFeature", "designFeature", many=True),
        F("conducted_by", "ref:org", "conductedBy", many=True),
        F("opened", "int", "openedYear", figure=True),
        F("agents", "ref:agent", "evaluatesAgent", many=True),
        F("population", "special"),
        F("arms", "special"),
        F("cohorts", "special"),
        F("reports", "special"),
        *COUNTS,
        F("screened", "int", "screenedCount", figure=True),
        F("sites", "int", "siteCount", figure=True),
        F("follow_up", "dec", "medianFollowUp", figure=True),
        F("follow_up_unit", "enum:Unit", "followUpUnit"),
        F("related", "ref:study", "relatedStudy", many=True),
        F("grading", "enum:GradingSystem", "gradingSystem", many=True),
    ], "clinical studies", label_required=True),
    Kind("results", "result", "OutcomeResult", [
        *COMMON,
        F("study", "ref:study", "resultOf", required=True),
        *GROUP_REFS,
        F("measure", "enum:OutcomeMeasure", "measure", required=True),
        *VALUE,
        F("unit", "enum:Unit", "unit"),
        F("statistic", "enum:Statistic", "statistic"),
        *TIMEPOINT,
        F("ci", "special"),
        F("ci_level", "dec", "ciLevel"),
        F("pm", "dec", "plusMinus", figure=True),
        F("numerator", "int", "numerator", figure=True),
        F("denominator", "int", "denominator", figure=True),
        F("denominator_label", "text", "denominatorLabel"),
        F("relapse_phenotype", "ref:relapse", "relapsePhenotype"),
    ], "outcome figures", statement=True),
    Kind("comparisons", "comparison", "Comparison", [
        *COMMON,
        F("study", "ref:study", "comparisonOf", required=True),
        F("report", "ref:report", "fromReport"),
        F("arms", "ref:arm", "comparesArm", many=True),
        F("cohorts", "ref:cohort", "comparesCohort", many=True),
        F("results", "ref:result", "comparesResult", many=True),
        F("subgroup", "text", "subgroup"),
        F("measure", "enum:OutcomeMeasure", "measure", required=True),
        *TIMEPOINT,
        F("effect", "enum:EffectMeasure", "effectMeasure"),
        F("effect_value", "dec", "effectValue", figure=True),
        *STATISTICS,
        F("significance", "enum:Significance", "significance"),
        F("printed", "text", "printedValue"),
    ], "comparisons", statement=True),
    Kind("ae_observations", "aeobs", "AdverseEventObservation", [
        *COMMON,
        F("study", "ref:study", "observationOf", required=True),
        *GROUP_REFS,
        F("event", "ref:ae", "event", required=True),
        F("grade", "enum:GradeQualifier", "gradeQualifier", required=True),
        F("incidence", "dec", "value", figure=True),
        F("relation", "rel", "valueRelation"),
        F("stated", "enum:StatedValue", "statedAs"),
        F("count", "int", "numerator", figure=True),
        F("denominator", "int", "denominator", figure=True),
        F("grading_system", "enum:GradingSystem", "gradingSystem"),
        *TIMEPOINT,
        F("printed", "text", "printedValue"),
    ], "adverse-event figures", statement=True),
    Kind("findings", "finding", "QualitativeFinding", [
        *COMMON,
        F("label", "label", RDFS.label, required=True),
        F("about", "ref:any", "findingAbout", many=True, required=True),
        F("kind", "enum:FindingKind", "findingKind", required=True),
        F("cause", "enum:ClosureCause", "closureCause"),
        F("measure", "enum:OutcomeMeasure", "measure"),
        F("year", "int", "eventYear", figure=True),
        F("printed", "text", "printedValue"),
    ], "qualitative findings", statement=True),
    Kind("profiles", "profile", "AdverseEventProfile", [
        *COMMON,
        F("event", "ref:ae", "event", required=True),
        F("aspect", "enum:ProfileAspect", "profileAspect", required=True),
        F("value", "dec", "value", required=True, figure=True),
        F("value_upper", "dec", "valueUpper", figure=True),
        F("relation", "rel", "valueRelation"),
        F("unit", "enum:Unit", "unit", required=True),
        F("grade", "enum:GradeQualifier", "gradeQualifier"),
        F("therapy", "ref:intervention", "associatedWithTherapy", many=True),
        F("studies", "ref:study", "summarisesStudy", many=True),
        F("context", "text", "subgroup"),
    ], "adverse-event profiles", statement=True),
    Kind("approvals", "approval", "RegulatoryApproval", [
        *COMMON,
        F("agent", "ref:agent", "approvedAgent", required=True),
        F("agency", "ref:org", "agency", required=True),
        F("year", "int", "approvalYear", figure=True),
        F("status", "enum:ApprovalStatus", "approvalStatus", required=True),
        F("indication", "ref:disease", "indication", many=True),
        F("population", "special"),
        F("based_on", "ref:study", "basedOnStudy", many=True),
    ], "regulatory approvals", statement=True),
    Kind("dosing", "dosing", "DosingRegimen", [
        *COMMON,
        LABEL,
        F("agent", "ref:agent", "dosingOf", required=True),
        F("study", "ref:study", "inStudy"),
        F("steps", "special"),
        F("cycle_days", "int", "cycleLengthDays", figure=True),
        F("max_cycles", "int", "maxCycles", figure=True),
        F("assessment_day", "int", "responseAssessmentDay", figure=True),
        F("route", "text", "route"),
        F("condition", "text", "condition"),
    ], "dosing regimens"),
    Kind("washout", "washout", "WashoutInterval", [
        *COMMON,
        F("interventions", "ref:intervention", "washoutOf", many=True, required=True),
        F("value", "dec", "value", required=True, figure=True),
        F("unit", "enum:Unit", "unit", required=True),
        F("before", "enum:TherapyMilestone", "intervalBefore", required=True),
        F("relation", "rel", "valueRelation"),
        F("condition", "text", "condition"),
    ], "washout intervals", statement=True),
    Kind("thresholds", "threshold", "Threshold", [
        *COMMON,
        LABEL,
        F("analyte", "text", "analyte", required=True),
        F("relation", "rel", "valueRelation", required=True),
        F("value", "dec", "value", required=True, figure=True),
        F("value_upper", "dec", "valueUpper", figure=True),
        F("unit", "enum:Unit", "unit", required=True),
        F("applies_to", "ref:intervention", "thresholdFor", many=True),
        F("before", "enum:TherapyMilestone", "intervalBefore"),
        F("purpose", "text", "condition"),
        F("printed", "text", "printedValue"),
    ], "thresholds", statement=True),
    Kind("management", "rule", "ManagementRule", [
        *COMMON,
        LABEL,
        F("event", "ref:ae", "ruleForEvent", required=True),
        F("grade", "enum:GradeQualifier", "gradeQualifier"),
        F("treatment", "ref:intervention", "recommendsTreatment", many=True, required=True),
        F("condition", "text", "condition"),
    ], "management rules", statement=True),
    Kind("relapse", "relapse", "RelapsePhenotype", [
        *NAMED,
        F("treatment_options", "ref:intervention", "treatmentOption", many=True),
        F("risk_factors", "ref:riskfactor", "hasRiskFactor", many=True),
        F("associated_with", "ref:intervention", "associatedWithTherapy", many=True),
    ], "relapse phenotypes", label_required=True),
    Kind("risk_factors", "riskfactor", "RiskFactor", NAMED, "risk factors", label_required=True),
    Kind("associations", "association", "RiskFactorAssociation", [
        *COMMON,
        F("factor", "ref:riskfactor", "riskFactor", required=True),
        F("outcome", "enum:OutcomeMeasure", "associatedOutcome", many=True),
        F("hazard_ratio", "dec", "hazardRatio", figure=True),
        F("multiplier", "dec", "effectMultiplier"),
        F("p", "dec", "pValue", figure=True),
        F("p_relation", "rel", "pValueRelation"),
        F("threshold", "dec", "threshold", figure=True),
        F("threshold_unit", "enum:Unit", "thresholdUnit"),
        F("study", "ref:study", "inStudy"),
        F("therapy", "ref:intervention", "associatedWithTherapy", many=True),
        F("context", "text", "subgroup"),
    ], "risk-factor associations", statement=True),
    Kind("strata", "stratum", "RiskStratum", [
        *COMMON,
        LABEL,
        F("study", "ref:study", "inStudy", required=True),
        F("risk_group", "enum:RiskGroup", "riskGroup", required=True),
        F("site", "enum:AnatomicSite", "relapseSite", required=True),
        F("time_relation", "rel", "valueRelation"),
        F("time_months", "dec", "timeToRelapseMonths", figure=True),
        F("mrd_relation", "rel", "mrdRelation"),
        F("mrd_threshold", "dec", "mrdThreshold", figure=True),
    ], "risk strata", statement=True),
    Kind("generations", "generation", "CARGenerationDefinition", [
        *COMMON,
        F("generation", "enum:CARGeneration", "definesGeneration", required=True),
        F("doc", "ref:publication", "definedIn", required=True),
        F("features", "text", "featureLabel", many=True, required=True),
        F("costim_count", "int", "costimulatoryDomainCount"),
    ], "CAR generation definitions"),
    Kind("disagreements", "disagreement", "Disagreement", [
        *COMMON,
        F("kind", "enum:DisagreementKind", "disagreementKind", required=True),
        F("concerns", "ref:any", "concerns", many=True, required=True),
        F("aspect", "text", "aspect", required=True),
        F("claims", "special", required=True),
        F("printed", "text", "printedValue"),
        F("likely", "text", "likelyMeant"),
    ], "disagreements"),
]}

# Which record folder (and which IRI kinds) each `ref:` type points into.
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
    "cohort": ("cohort",),
    "report": ("report",),
    "result": ("result",),
    "ae": ("ae",),
    "riskfactor": ("riskfactor",),
    "relapse": ("relapse",),
}

# The URL path segment of each IRI kind: record kinds and the nodes that hang off them.
SEGMENTS: dict[str, str] = {
    "agent": "agent", "procedure": "procedure", "regimen": "regimen", "antigen": "antigen",
    "gene": "gene", "domain": "domain", "construct": "construct", "disease": "disease",
    "population": "population", "trial": "trial", "arm": "arm", "cohort": "cohort", "report": "report",
    "result": "result", "comparison": "comparison", "aeobs": "ae-observation", "ae": "adverse-event",
    "finding": "finding", "approval": "approval", "dosing": "dosing", "washout": "washout",
    "threshold": "threshold", "rule": "management-rule", "relapse": "relapse-phenotype",
    "riskfactor": "risk-factor", "association": "risk-association", "stratum": "risk-stratum",
    "publication": "publication", "reference": "reference", "passage": "passage", "org": "organization",
    "concept": "concept", "disagreement": "disagreement", "generation": "car-generation",
    "profile": "ae-profile", "mapping": "mapping",
}

# Comparators as printed -> the ia:Comparator individual (the printed words stay in printedValue).
RELATIONS: dict[str, str] = {
    "<": "LessThan", "less than": "LessThan", "under": "LessThan", "below": "LessThan",
    "≤": "AtMost", "<=": "AtMost", "up to": "AtMost", "within": "AtMost", "at most": "AtMost",
    "no more than": "AtMost", "maximum": "AtMost",
    ">": "GreaterThan", "more than": "GreaterThan", "over": "GreaterThan", "above": "GreaterThan",
    "≥": "AtLeast", ">=": "AtLeast", "at least": "AtLeast", "minimum": "AtLeast",
    "about": "Approximately", "approximately": "Approximately", "~": "Approximately",
    "around": "Approximately", "roughly": "Approximately", "nearly": "Approximately",
    "=": "EqualTo",
}

# Months in one unit of time (numerator, denominator), for ia:timepointMonths: a year is 12 months,
# a month the Julian 365.25 / 12 days; a cycle or course has no fixed length and gets none.
MONTHS_PER_UNIT: dict[str, tuple[str, str]] = {
    "Year": ("12", "1"), "Month": ("1", "1"), "Week": ("12", "52.1775"), "Day": ("12", "365.25"),
}


def segments_of(folder: str) -> tuple[str, ...]:
    """The IRI kinds the records of a facts folder may mint into."""
    return KINDS[folder].segments()


FOLDERS = list(KINDS)
