"""The national written complaints returns: KO41a (hospital and community health services)
and KO41b (GP and dental), for a financial year: one organisation's (`ko41_return`), or a
whole unit's (`ko41_unit_return`): every organisation with a statutory complaint open in the
year (KO41a: trusts and other non-practice organisations, each trust's sites on its return;
KO41b: GP and dental practices), or those named, each exactly its own return, and their total
(every count the sum of the organisations'). The unit return is counted in a few grouped
queries, whatever the number of organisations; `unit_to_csv` writes it in a long format in
which every row names its organisation, the total last (code TOTAL). Statutory complaints
with no organisation recorded are on no return; the unit return counts them so the command
can say so.

Sections follow NHS England's collection (see `reports.ko41.codes` for the coded lists, their
sources and how far each is verified): organisation; summary (brought forward, new,
resolved, carried forward); outcome of resolved complaints (upheld, partially upheld, not
upheld); age of patient; status of complainant; service area (KO41a only); subject area;
profession (KO41b: staff group).

Counting rules:
- Statutory complaints only: formal complaints without a reg 8 exclusion (SI 2009/309 reg 8).
- The detailed sections count the complaints *new* in the year. A complaint with several
  aspects counts once in the total but under each of its subjects and professions (a case has
  one service area). Complaints with none recorded count under "Not recorded", so gaps in the
  coding show up rather than vanish.
- Resolved = closed in the year with a response (upheld, partly or not upheld). Complaints
  closed without a response (withdrawn, not taken forward) are shown on a separate,
  clearly-labelled local line so that brought forward + new - resolved - closed without a
  response = carried forward.
- A trust's return includes its sites (organisations of type "NHS trust site" whose parent
  it is). A complaint transferred to another organisation is counted by the organisation
  the case is recorded against, which is the one dealing with it.
- Age is the patient's age in whole years on the day the complaint was received (the first
  patient recorded on the case); no patient or no date of birth is "Age unknown".
- Status of complainant: "on behalf of the patient" when the case has a representative,
  otherwise "patient".
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from dataclasses import dataclass

from django.db.models import Case as Choose
from django.db.models import (
    CharField,
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear

from casework.models import (
    Case,
    CaseParty,
    PartyRole,
    ServiceArea,
    StaffGroup,
    Subject,
)
from casework.workflow import RESPONSE_OUTCOMES, Outcome
from contacts.models import Organisation, OrganisationType
from contacts.validators import normalise_ods_code
from reports.ko41 import codes
from reports.queries import NO_VALUE, statutory_complaints
from reports.suppression import suppress

RETURN_NAMES = {
    "a": "KO41a: hospital and community health services",
    "b": "KO41b: GP and dental practices",
}
KO41B_TYPES = {OrganisationType.GP_PRACTICE, OrganisationType.DENTAL_PRACTICE}
NOT_RECORDED = "NOT_RECORDED"
YEAR_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


class KO41Error(ValueError):
    """Input a person typed that cannot make a return; the message says what to change."""


def parse_year(text: str) -> tuple[dt.date, dt.date]:
    """ "2025-26" → (1 April 2025, 31 March 2026). Anything else raises KO41Error."""
    text = (text or "").strip()
    match = YEAR_PATTERN.match(text)
    if not match:
        raise KO41Error(
            f'"{text}" is not a financial year. Write it as the year it starts, a hyphen and '
            "the last two digits of the year it ends, like 2025-26."
        )
    first, second = int(match[1]), int(match[2])
    if second != (first + 1) % 100:
        raise KO41Error(
            f'"{text}" is not a financial year: a year starting in April {first} ends in '
            f"March {first + 1}, so write {first}-{(first + 1) % 100:02d}."
        )
    return dt.date(first, 4, 1), dt.date(first + 1, 3, 31)


def find_organisation(ods_code: str) -> Organisation:
    code = normalise_ods_code(ods_code or "")
    if not code:
        raise KO41Error("Enter the organisation's ODS code, like RX1 or A81001.")
    try:
        return Organisation.objects.get(ods_code=code)
    except Organisation.DoesNotExist:
        raise KO41Error(
            f'No organisation has the ODS code "{code}". Check the code, or add the '
            "organisation to the directory first."
        ) from None


def check_return_type(return_type: str, organisation: Organisation) -> None:
    if return_type not in RETURN_NAMES:
        raise KO41Error('Choose return "a" (hospital and community) or "b" (GP and dental).')
    is_practice = organisation.org_type in KO41B_TYPES
    if return_type == "b" and not is_practice:
        raise KO41Error(
            f"KO41b is for GP and dental practices; {organisation.name} is "
            f"{organisation.get_org_type_display().lower()}. Use KO41a."
        )
    if return_type == "a" and is_practice:
        raise KO41Error(
            f"{organisation.name} is a {organisation.get_org_type_display().lower()}: its "
            "complaints go on KO41b."
        )


@dataclass(frozen=True)
class Line:
    section: str
    code: str
    item: str
    value: object


def _age_band_expression() -> tuple[Subquery[DateField], Choose, list[When], str]:
    """The KO41 age band of the case's patient on the day of receipt, as a SQL CASE."""
    patient_dob = Subquery(
        CaseParty.objects.filter(case=OuterRef("pk"), role=PartyRole.PATIENT)
        .order_by("id")
        .values("person__date_of_birth")[:1],
        output_field=DateField(),
    )
    birthday_to_come = Choose(
        When(
            Q(received_month__lt=F("birth_month"))
            | Q(received_month=F("birth_month"), received_day__lt=F("birth_day")),
            then=Value(1),
        ),
        default=Value(0),
    )
    unknown = Value(codes.AGE_UNKNOWN_CODE)
    # No patient or no birth date; a negative age means a mistyped birth date.
    whens = [When(patient_dob__isnull=True, then=unknown), When(age__lt=0, then=unknown)]
    numeric = [band for band in codes.AGE_BANDS if band[0] != codes.AGE_UNKNOWN_CODE]
    whens += [When(age__lte=high, then=Value(code)) for code, _, _, high in numeric if high]
    top = next(code for code, _, _, high in numeric if high is None)
    return patient_dob, birthday_to_come, whens, top


def _count_by_age(new: QuerySet) -> dict[tuple[int, str], int]:
    patient_dob, birthday_to_come, whens, top = _age_band_expression()
    rows = (
        new.annotate(patient_dob=patient_dob)
        .annotate(
            received_month=ExtractMonth("received_on"),
            received_day=ExtractDay("received_on"),
            birth_month=ExtractMonth("patient_dob"),
            birth_day=ExtractDay("patient_dob"),
        )
        .annotate(age=ExtractYear("received_on") - ExtractYear("patient_dob") - birthday_to_come)
        .annotate(band=Choose(*whens, default=Value(top), output_field=CharField()))
        .values_list("reporter", "band")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(reporter, band): n for reporter, band, n in rows}


def _coded_counts(new: QuerySet, field: str, section: str) -> dict[tuple[int, str, str], int]:
    rows = (
        new.values_list("reporter", f"{field}__code")
        .annotate(n=Count("id", distinct=True))
        .order_by()
    )
    return {(reporter, section, code or NOT_RECORDED): n for reporter, code, n in rows}


def _open_at_end_of(day: dt.date) -> Q:
    """Not closed by the end of `day` (a complaint closed on `day` is no longer open)."""
    return Q(closed_on__isnull=True) | Q(closed_on__gt=day)


SUMMARY = (
    ("BROUGHT_FORWARD", "Brought forward"),
    ("NEW", "New complaints received"),
    ("RESOLVED", "Complaints resolved"),
    (
        "CLOSED_WITHOUT_RESPONSE",
        "Closed without a response: withdrawn or not taken forward (local line)",
    ),
    ("CARRIED_FORWARD", "Carried forward"),
)
OUTCOME_CODES = {
    "UPHELD": Outcome.UPHELD,
    "PARTIALLY_UPHELD": Outcome.PARTLY_UPHELD,
    "NOT_UPHELD": Outcome.NOT_UPHELD,
}


def _template(return_type: str) -> list[tuple[str, str, str]]:
    """(section, code, item) of every counted line of the return, in the collection's order."""
    lines = [("Summary", code, item) for code, item in SUMMARY]
    lines += [("Outcome", code, item) for code, item in codes.OUTCOMES]
    lines += [("Age of patient", code, item) for code, item, *_ in codes.AGE_BANDS]
    lines += [("Status of complainant", code, item) for code, item in codes.COMPLAINANT_STATUSES]
    coded: list[tuple[type[Subject] | type[StaffGroup] | type[ServiceArea], str]] = [
        (Subject, "Subject area")
    ]
    coded.append((StaffGroup, "Profession" if return_type == "a" else "Staff group"))
    if return_type == "a":
        coded.insert(0, (ServiceArea, "Service area"))
    for model, section in coded:
        lines += [
            (section, code, name)
            for code, name in model.objects.order_by("position", "name").values_list("code", "name")
        ]
        lines.append((section, NOT_RECORDED, NO_VALUE))
    return lines


def _counts(
    complaints: QuerySet, return_type: str, start: dt.date, end: dt.date
) -> dict[int, dict]:
    """Every count of the return for each reporting organisation (the `reporter` each
    complaint is annotated with): {reporter: {(section, code): n}}. A handful of grouped
    queries, however many organisations."""
    # Only complaints open at some point of the year can count anywhere in the return.
    complaints = complaints.filter(
        Q(received_on__lte=end) & (Q(closed_on__isnull=True) | Q(closed_on__gte=start))
    )
    new = complaints.filter(received_on__range=(start, end))
    response = list(RESPONSE_OUTCOMES)
    closed_in_year = Q(closed_on__range=(start, end))
    summary = complaints.values("reporter").annotate(
        # Brought forward: received before the year and still open when it began.
        BROUGHT_FORWARD=Count(
            "id", filter=Q(received_on__lt=start) & _open_at_end_of(start - dt.timedelta(days=1))
        ),
        NEW=Count("id", filter=Q(received_on__range=(start, end))),
        RESOLVED=Count("id", filter=closed_in_year & Q(outcome__in=response)),
        CLOSED_WITHOUT_RESPONSE=Count("id", filter=closed_in_year & ~Q(outcome__in=response)),
        CARRIED_FORWARD=Count("id", filter=Q(received_on__lte=end) & _open_at_end_of(end)),
        **{
            code: Count("id", filter=closed_in_year & Q(outcome=outcome))
            for code, outcome in OUTCOME_CODES.items()
        },
    ).order_by()  # fmt: skip
    counts: dict[int, dict] = {}
    for row in summary:
        reporter = row.pop("reporter")
        if not any(row[code] for code, _ in SUMMARY):
            continue  # no complaint of this organisation was open in the year
        by_line = counts.setdefault(reporter, {})
        for code, n in row.items():
            by_line[("Outcome" if code in OUTCOME_CODES else "Summary", code)] = n
    for (reporter, band), n in _count_by_age(new).items():
        counts.setdefault(reporter, {})[("Age of patient", band)] = n
    represented = new.annotate(
        on_behalf=Exists(
            CaseParty.objects.filter(case=OuterRef("pk"), role=PartyRole.REPRESENTATIVE)
        )
    )
    for reporter, on_behalf, n in (
        represented.values_list("reporter", "on_behalf").annotate(n=Count("id")).order_by()
    ):
        code = "ON_BEHALF_OF_PATIENT" if on_behalf else "PATIENT"
        counts.setdefault(reporter, {})[("Status of complainant", code)] = n
    coded = [("subjects", "Subject area")]
    coded.append(("staff_groups", "Profession" if return_type == "a" else "Staff group"))
    if return_type == "a":
        coded.append(("service_area", "Service area"))
    for field, section in coded:
        for (reporter, _, code), n in _coded_counts(new, field, section).items():
            counts.setdefault(reporter, {})[(section, code)] = n
    return counts


def _lines(template: list[tuple[str, str, str]], counts: dict) -> list[Line]:
    return [
        Line(section, code, item, counts.get((section, code), 0))
        for section, code, item in template
    ]


def _year_text(start: dt.date) -> str:
    return f"{start.year}-{(start.year + 1) % 100:02d}"


def _heading(return_type: str, organisation: Organisation, start: dt.date) -> list[Line]:
    return [
        Line("Organisation", "RETURN", "Return", RETURN_NAMES[return_type]),
        Line("Organisation", "ODS_CODE", "Organisation code", organisation.ods_code),
        Line("Organisation", "NAME", "Organisation name", organisation.name),
        Line("Organisation", "YEAR", "Financial year", _year_text(start)),
    ]


def ko41_return(
    return_type: str, organisation: Organisation, start: dt.date, end: dt.date
) -> list[Line]:
    """Every line of the return, in the order of the collection's sections."""
    check_return_type(return_type, organisation)
    about = Q(organisation=organisation)
    if return_type == "a":
        about |= Q(organisation__parent=organisation, organisation__org_type="trust_site")
    complaints = statutory_complaints(Case.objects.filter(about)).annotate(
        reporter=Value(organisation.pk)
    )
    counts = _counts(complaints, return_type, start, end).get(organisation.pk, {})
    return _heading(return_type, organisation, start) + _lines(_template(return_type), counts)


@dataclass(frozen=True)
class UnitReturn:
    """The return for many organisations at once: each organisation's lines (exactly its own
    return) and a total whose every count is the sum of theirs."""

    return_type: str
    year: str
    returns: list[tuple[Organisation, list[Line]]]
    total: list[Line]
    not_recorded: int  # complaints open in the year with no organisation: on no return


def _reporting_organisation() -> Choose:
    """KO41a: a trust site's complaints are its parent trust's, as on the trust's return."""
    return Choose(
        When(
            organisation__org_type=OrganisationType.TRUST_SITE,
            organisation__parent__isnull=False,
            then=F("organisation__parent_id"),
        ),
        default=F("organisation_id"),
    )


def ko41_unit_return(
    return_type: str,
    start: dt.date,
    end: dt.date,
    organisations: list[Organisation] | None = None,
) -> UnitReturn:
    """The return for every organisation with a statutory complaint open in the year (KO41a:
    trusts and other non-practice organisations, their sites rolled up into them; KO41b: GP
    and dental practices), or for the `organisations` named, and their total."""
    if return_type not in RETURN_NAMES:
        raise KO41Error('Choose return "a" (hospital and community) or "b" (GP and dental).')
    for organisation in organisations or []:
        check_return_type(return_type, organisation)
    complaints = statutory_complaints(Case.objects.filter(organisation__isnull=False))
    if return_type == "b":
        complaints = complaints.filter(organisation__org_type__in=KO41B_TYPES)
        complaints = complaints.annotate(reporter=F("organisation_id"))
    else:
        complaints = complaints.exclude(organisation__org_type__in=KO41B_TYPES)
        complaints = complaints.annotate(reporter=_reporting_organisation())
    if organisations is not None:
        complaints = complaints.filter(reporter__in=[org.pk for org in organisations])
    counts = _counts(complaints, return_type, start, end)
    if organisations is None:
        organisations = list(Organisation.objects.filter(pk__in=counts).order_by("ods_code"))
    template = _template(return_type)
    returns = [
        (org, _heading(return_type, org, start) + _lines(template, counts.get(org.pk, {})))
        for org in organisations
    ]
    total_counts: Counter = Counter()
    for by_line in counts.values():
        total_counts.update(by_line)
    total = [
        Line("Organisation", "RETURN", "Return", RETURN_NAMES[return_type]),
        Line("Organisation", "ORGANISATIONS", "Organisations in this file", len(returns)),
        Line("Organisation", "YEAR", "Financial year", _year_text(start)),
    ] + _lines(template, total_counts)
    unrecorded = statutory_complaints(Case.objects.filter(organisation__isnull=True)).filter(
        Q(received_on__lte=end) & (Q(closed_on__isnull=True) | Q(closed_on__gte=start))
    )
    return UnitReturn(return_type, _year_text(start), returns, total, unrecorded.count())


def to_csv(lines: list[Line], suppressed: bool = False) -> str:
    """The return as CSV: Section, Code, Item, Value. With `suppressed` (commissioners), counts
    from 1 to 4 are written as "<5"."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Section", "Code", "Item", "Value"])
    for line in lines:
        value = line.value
        if suppressed and isinstance(value, int):
            value = suppress(value)
        writer.writerow([line.section, line.code, line.item, value])
    return out.getvalue()


UNIT_HEADER = ["Organisation code", "Organisation name", "Section", "Code", "Item", "Value"]
TOTAL_CODE = "TOTAL"


def unit_to_csv(unit: UnitReturn, suppressed: bool = False) -> str:
    """Every organisation's return, one after another, then the total; each row names its
    organisation. With `suppressed` each count from 1 to 4 (totals too) is written as "<5"."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(UNIT_HEADER)
    blocks = [(org.ods_code, org.name, lines) for org, lines in unit.returns]
    blocks.append((TOTAL_CODE, f"All {len(unit.returns)} organisations", unit.total))
    for code, name, lines in blocks:
        for line in lines:
            value = line.value
            if suppressed and isinstance(value, int) and line.section != "Organisation":
                value = suppress(value)
            writer.writerow([code, name, line.section, line.code, line.item, value])
    return out.getvalue()
