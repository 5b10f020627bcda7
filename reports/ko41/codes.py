"""National KO41 coded lists, as plain data (no Django imports).

Used by a data migration to seed the editable reference tables (Subject, ServiceArea,
StaffGroup) and by the KO41 report. Administrators can edit, add and deactivate the seeded
rows in the admin; this module is the starting point, not the live source of truth.

Collections
    KO41a: Hospital and Community Health Services (HCHS) written complaints, collected
    annually from the 2022-23 reporting period (quarterly 2015-16 to 2021-22).
    KO41b: Primary Care (GP and Dental) written complaints, annual; GP practices and ICBs
    submit through SDCS, dental practices through the NHSBSA web tool.

Sources consulted (NHS England, formerly NHS Digital; guidance for the 2024-25 collection,
pages last edited April-June 2025):
    [KO41A_COLLECTION] "KO41a Hospital and Community Health Services Complaints collection"
        https://digital.nhs.uk/data-and-information/data-collections-and-data-sets/
        data-collections/hospital-and-community-health-services-complaints-collection-ko41a
    [KO41A_GUIDELINES] "KO41a NHS hospital and community health services written complaints:
        Guidelines" and "... Support and further guidance" (same path + /ko41a-nhs-hospital-
        and-community-health-services/guidelines and /support-and-further-guidance)
    [KO41B_GP] "Primary care written complaints guidance notes KO41b - GP collection"
        (.../primary-care-gp-and-dental-complaints-collection-ko41b/primary-care-written-
        complaints-guidance/: completing-the-return, summary-information,
        other-ko41b-form-information)
    [KO41B_ICB] "Primary care written complaints KO41b guidance notes - ICB collection"
    [KO41B_DENTAL] "Primary care written complaints KO41b guidance notes - dental collection"
    [PUBLICATION] "Data on Written Complaints in the NHS" (2021-22 and 2022-23 editions,
        Definitions and Data Quality pages)

The category lists themselves live in NHS England's "KO41a complaints data items lookup
and validations" workbook and the SDCS templates, which could not be retrieved. Only the
lists marked "verified" in PROVENANCE are complete and in the national wording; the others
hold what could be sourced and are incomplete or provisional. See
docs/decisions/0002-ko41-coded-lists.md for the detail and for how to complete them.
"""

# Source keys used in PROVENANCE and SUBJECT_AREA_SOURCES.
SOURCES = {
    "KO41A_COLLECTION": (
        "KO41a Hospital and Community Health Services Complaints collection (NHS England)",
        "https://digital.nhs.uk/data-and-information/data-collections-and-data-sets/"
        "data-collections/hospital-and-community-health-services-complaints-collection-ko41a",
    ),
    "KO41A_GUIDELINES": (
        "KO41a NHS hospital and community health services written complaints: Guidelines; "
        "Support and further guidance (NHS England)",
        "https://digital.nhs.uk/data-and-information/data-collections-and-data-sets/"
        "data-collections/hospital-and-community-health-services-complaints-collection-ko41a/"
        "ko41a-nhs-hospital-and-community-health-services/support-and-further-guidance",
    ),
    "KO41B_GP": (
        "Primary care written complaints guidance notes KO41b - GP collection, 2024-25 "
        "(NHS England)",
        "https://digital.nhs.uk/data-and-information/data-collections-and-data-sets/"
        "data-collections/primary-care-gp-and-dental-complaints-collection-ko41b/"
        "primary-care-written-complaints-guidance",
    ),
    "KO41B_ICB": (
        "Primary care written complaints KO41b guidance notes - ICB collection, 2024-25 "
        "(NHS England)",
        "https://digital.nhs.uk/data-and-information/data-collections-and-data-sets/"
        "data-collections/primary-care-gp-and-dental-complaints-collection-ko41b/"
        "primary-care-written-complaints-guidance-notes---icb-collection",
    ),
    "KO41B_DENTAL": (
        "Primary care written complaints KO41b guidance notes - dental collection, 2024-25 "
        "(NHS England)",
        "https://digital.nhs.uk/data-and-information/data-collections-and-data-sets/"
        "data-collections/primary-care-gp-and-dental-complaints-collection-ko41b/"
        "dental-complaints-guidance",
    ),
    "PUBLICATION": (
        "Data on Written Complaints in the NHS, 2021-22 and 2022-23: Definitions; Data Quality",
        "https://digital.nhs.uk/data-and-information/publications/statistical/"
        "data-on-written-complaints-in-the-nhs",
    ),
    # Third party, not NHS England: a trust's complaints analysis whose subject list is
    # labelled "Canonical Subjects (KO41a aligned)". Best wording found for the KO41a subject
    # areas, but it is one trust's local coding and may differ from the national list.
    "UHB_HPEG": (
        "Lodd193/HPEG-Reports (GitHub), SUBJECTS_CANON 'KO41a aligned' (third party)",
        "https://github.com/Lodd193/HPEG-Reports",
    ),
}

# How far each list can be trusted: "verified" (complete, national wording),
# "provisional" (best wording found, not confirmed against the national list) or
# "incomplete" (only the entries that could be sourced; the national list has more).
PROVENANCE = {
    "SUBJECT_AREAS": (
        "provisional",
        "UHB_HPEG list plus 'Values' from the KO41A_GUIDELINES worked example; "
        "'Communications' and 'Other' confirmed by NHS England guidance.",
    ),
    "SERVICE_AREAS": (
        "provisional",
        "'Mental Health' from the KO41A_GUIDELINES worked example; the rest are the service "
        "areas of the published KO41a tables as the project's engineers know them, not yet "
        "checked against the data items workbook.",
    ),
    "PROFESSIONS": (
        "provisional",
        "'Scientific, Therapeutic and Technical' from the KO41A_GUIDELINES worked example; the "
        "rest as the project's engineers know the KO41a professions, not yet checked against "
        "the data items workbook.",
    ),
    "AGE_BANDS": (
        "provisional",
        "'Age unknown' from KO41B_GP and KO41B_ICB; the numeric bands were not found in the "
        "guidance and are the engineers' best recollection (see AGE_BANDS).",
    ),
    "COMPLAINANT_STATUSES": (
        "provisional",
        "From 'made by, or on behalf of, patients' (KO41B_GP, KO41A_GUIDELINES); the form's "
        "box labels were not found.",
    ),
    "OUTCOMES": ("verified", "KO41B_GP summary information; PUBLICATION definitions."),
    "SERVICE_AREAS_KO41B": (
        "verified",
        "KO41b collects no service area: its detailed breakdown is age, complainant status, "
        "subject and professional area (KO41B_GP, KO41B_ICB, KO41B_DENTAL).",
    ),
    "KO41B_SUBJECT_AREAS": ("incomplete", "Only 'Communications' (KO41B_GP, KO41B_ICB)."),
    "KO41B_PROFESSIONS": ("incomplete", "No staff group names were found."),
}

# KO41a section 7 "Subject area". A complaint counts once in the total but under each
# subject it raises. The guidance says complaints that fit no category go in "other".
SUBJECT_AREAS = (
    ("ACCESS_TO_TREATMENT_OR_DRUGS", "Access to Treatment or Drugs"),
    (
        "ADMISSIONS_DISCHARGES_TRANSFERS",
        "Admissions, Discharges, and Transfers "
        "(excluding delayed discharge due to absence of care package)",
    ),
    ("APPOINTMENTS", "Appointments"),
    ("CLINICAL_TREATMENT", "Clinical Treatment"),
    ("COMMUNICATIONS", "Communications"),
    ("CONSENT", "Consent"),
    ("END_OF_LIFE_CARE", "End of Life Care"),
    ("FACILITIES_SERVICES", "Facilities Services"),
    ("PATIENT_CARE", "Patient Care including Nutrition/Hydration"),
    ("PRESCRIBING_ERRORS", "Prescribing Errors"),
    ("PRIVACY_DIGNITY_WELLBEING", "Privacy, Dignity, and Wellbeing"),
    ("RESTRAINT", "Restraint"),
    ("STAFF", "Staff"),
    ("TRUST_ADMINISTRATION", "Trust Administration"),
    # Written "Values" in the national worked example; the full label was not found.
    ("VALUES", "Values"),
    ("WAITING_TIMES", "Waiting Times"),
    ("OTHER", "Other"),
)

# Which source supports each subject area code.
SUBJECT_AREA_SOURCES: dict[str, tuple[str, ...]] = {
    code: ("UHB_HPEG",) for code, _ in SUBJECT_AREAS
}
SUBJECT_AREA_SOURCES.update(
    {
        "COMMUNICATIONS": ("UHB_HPEG", "KO41B_GP", "KO41B_ICB"),
        "VALUES": ("KO41A_GUIDELINES",),
        "OTHER": ("UHB_HPEG", "KO41A_GUIDELINES"),
    }
)

# KO41a section 5 "Service area" (provisional: see PROVENANCE).
SERVICE_AREAS = (
    ("INPATIENT", "Inpatient"),
    ("OUTPATIENT", "Outpatient"),
    ("ACCIDENT_AND_EMERGENCY", "Accident and Emergency"),
    ("MATERNITY", "Maternity"),
    ("MENTAL_HEALTH", "Mental Health"),
    ("LEARNING_DISABILITIES", "Learning Disabilities"),
    ("COMMUNITY_HOSPITALS", "Community Hospitals"),
    ("COMMUNITY_SERVICES", "Community Services"),
    ("AMBULANCE_SERVICES", "Ambulance Services"),
    ("OTHER", "Other"),
)

# KO41b has no service area section.
SERVICE_AREAS_KO41B = ()

# KO41a section 8 "Profession" (provisional: see PROVENANCE).
PROFESSIONS = (
    ("MEDICAL", "Medical (including surgical)"),
    ("NURSING_MIDWIFERY_HEALTH_VISITING", "Nursing, Midwifery and Health Visiting"),
    ("ALLIED_HEALTH_PROFESSIONALS", "Allied Health Professionals"),
    ("SCIENTIFIC_THERAPEUTIC_TECHNICAL", "Scientific, Therapeutic and Technical"),
    ("AMBULANCE_STAFF", "Ambulance Staff"),
    ("ADMINISTRATIVE_AND_CLERICAL", "Administrative and Clerical"),
    ("SUPPORT_SERVICES", "Support Services"),
    ("MANAGEMENT", "Management"),
    ("OTHER", "Other"),
)

# KO41a section 3 / KO41b "Age of patient": (code, label, min age inclusive, max age
# inclusive, or None for the open-ended top band). The unknown band has both bounds None.
# PROVISIONAL: only the unknown box could be sourced (see PROVENANCE). The numeric bands are
# the ones the published KO41 tables are remembered to use by the project's engineers; they
# are deliberately fine-grained (0-17, 18-64, 65-74, 75-84, 85+) so that coarser national
# bands can be made by merging rows. Check them against the data items workbook.
AGE_BANDS = (
    ("AGE_0_17", "0 to 17", 0, 17),
    ("AGE_18_64", "18 to 64", 18, 64),
    ("AGE_65_74", "65 to 74", 65, 74),
    ("AGE_75_84", "75 to 84", 75, 84),
    ("AGE_85_PLUS", "85 and over", 85, None),
    ("AGE_UNKNOWN", "Age unknown", None, None),
)
AGE_UNKNOWN_CODE = "AGE_UNKNOWN"

# KO41a section 4 / KO41b "Status of complainant" (provisional wording).
COMPLAINANT_STATUSES = (
    ("PATIENT", "Patient"),
    ("ON_BEHALF_OF_PATIENT", "On behalf of the patient"),
)

# Resolved complaints, as the summary sections word them ("Number upheld", ...).
OUTCOMES = (
    ("UPHELD", "Upheld"),
    ("PARTIALLY_UPHELD", "Partially upheld"),
    ("NOT_UPHELD", "Not upheld"),
)

# KO41b (GP, dental and ICB returns). Age of patient, status of complainant and outcomes
# are the same sections as KO41a above.
KO41B_SUBJECT_AREAS = (("COMMUNICATIONS", "Communications"),)
# KO41b calls this section "Staff group".
KO41B_PROFESSIONS = ()
KO41B_STAFF_GROUPS = KO41B_PROFESSIONS

# Every (code, name) list, by name, for seeding and for the tests.
CODED_LISTS = {
    "SUBJECT_AREAS": SUBJECT_AREAS,
    "SERVICE_AREAS": SERVICE_AREAS,
    "SERVICE_AREAS_KO41B": SERVICE_AREAS_KO41B,
    "PROFESSIONS": PROFESSIONS,
    "COMPLAINANT_STATUSES": COMPLAINANT_STATUSES,
    "OUTCOMES": OUTCOMES,
    "KO41B_SUBJECT_AREAS": KO41B_SUBJECT_AREAS,
    "KO41B_PROFESSIONS": KO41B_PROFESSIONS,
}

# Lists whose national version has an "Other" catch-all, with its code.
OTHER_CODES = {"SUBJECT_AREAS": "OTHER", "SERVICE_AREAS": "OTHER", "PROFESSIONS": "OTHER"}
