"""The national written complaints returns: KO41a (hospital and community health services)
and KO41b (GP and dental), for one organisation and one financial year.

Sections follow NHS England's collection (see `casework.ko41` for the coded lists, their
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

import csv
import datetime as dt
import io
import re
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
    Subquery,
    Value,
    When,
)
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear

from casework import ko41 as codes
from casework.models import Case, CaseParty, PartyRole, ServiceArea, StaffGroup, Subject
from casework.workflow import RESPONSE_OUTCOMES, Outcome
from contacts.models import Organisation, OrganisationType
from contacts.validators import normalise_ods_code

from .queries import NO_VALUE, statutory_complaints
from .suppression import suppress

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


def _age_band_expression():
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


def _count_by_age(new) -> dict[str, int]:
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
        .values_list("band")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


def _coded_section(new, field: str, model, section: str) -> list[Line]:
    counts = dict(
        new.values_list(f"{field}__code").annotate(n=Count("id", distinct=True)).order_by()
    )
    lines = [
        Line(section, code, name, counts.pop(code, 0))
        for code, name in model.objects.order_by("position", "name").values_list("code", "name")
    ]
    lines.append(Line(section, NOT_RECORDED, NO_VALUE, counts.pop(None, 0)))
    return lines


def _open_at_end_of(day: dt.date) -> Q:
    """Not closed by the end of `day` (a complaint closed on `day` is no longer open)."""
    return Q(closed_on__isnull=True) | Q(closed_on__gt=day)


def ko41_return(
    return_type: str, organisation: Organisation, start: dt.date, end: dt.date
) -> list[Line]:
    """Every line of the return, in the order of the collection's sections."""
    check_return_type(return_type, organisation)
    about = Q(organisation=organisation)
    if return_type == "a":
        about |= Q(organisation__parent=organisation, organisation__org_type="trust_site")
    complaints = statutory_complaints(Case.objects.filter(about))
    new = complaints.filter(received_on__range=(start, end))
    response = list(RESPONSE_OUTCOMES)
    closed_in_year = Q(closed_on__range=(start, end))

    summary = complaints.aggregate(
        # Brought forward: received before the year and still open when it began.
        brought_forward=Count(
            "id", filter=Q(received_on__lt=start) & _open_at_end_of(start - dt.timedelta(days=1))
        ),
        new=Count("id", filter=Q(received_on__range=(start, end))),
        resolved=Count("id", filter=closed_in_year & Q(outcome__in=response)),
        closed_without_response=Count("id", filter=closed_in_year & ~Q(outcome__in=response)),
        carried_forward=Count("id", filter=Q(received_on__lte=end) & _open_at_end_of(end)),
        upheld=Count("id", filter=closed_in_year & Q(outcome=Outcome.UPHELD)),
        partly=Count("id", filter=closed_in_year & Q(outcome=Outcome.PARTLY_UPHELD)),
        not_upheld=Count("id", filter=closed_in_year & Q(outcome=Outcome.NOT_UPHELD)),
    )  # fmt: skip

    year = f"{start.year}-{(start.year + 1) % 100:02d}"
    lines = [
        Line("Organisation", "RETURN", "Return", RETURN_NAMES[return_type]),
        Line("Organisation", "ODS_CODE", "Organisation code", organisation.ods_code),
        Line("Organisation", "NAME", "Organisation name", organisation.name),
        Line("Organisation", "YEAR", "Financial year", year),
        Line("Summary", "BROUGHT_FORWARD", "Brought forward", summary["brought_forward"]),
        Line("Summary", "NEW", "New complaints received", summary["new"]),
        Line("Summary", "RESOLVED", "Complaints resolved", summary["resolved"]),
        Line(
            "Summary",
            "CLOSED_WITHOUT_RESPONSE",
            "Closed without a response: withdrawn or not taken forward (local line)",
            summary["closed_without_response"],
        ),
        Line("Summary", "CARRIED_FORWARD", "Carried forward", summary["carried_forward"]),
    ]  # fmt: skip
    outcome_counts = {
        "UPHELD": summary["upheld"],
        "PARTIALLY_UPHELD": summary["partly"],
        "NOT_UPHELD": summary["not_upheld"],
    }
    lines += [Line("Outcome", c, label, outcome_counts[c]) for c, label in codes.OUTCOMES]

    ages = _count_by_age(new)
    lines += [Line("Age of patient", c, label, ages.get(c, 0)) for c, label, *_ in codes.AGE_BANDS]

    represented = new.annotate(
        on_behalf=Exists(
            CaseParty.objects.filter(case=OuterRef("pk"), role=PartyRole.REPRESENTATIVE)
        )
    )
    status_counts = dict(represented.values_list("on_behalf").annotate(n=Count("id")).order_by())
    by_status = {
        "PATIENT": status_counts.get(False, 0),
        "ON_BEHALF_OF_PATIENT": status_counts.get(True, 0),
    }
    lines += [
        Line("Status of complainant", c, label, by_status[c])
        for c, label in codes.COMPLAINANT_STATUSES
    ]  # fmt: skip

    if return_type == "a":
        lines += _coded_section(new, "service_area", ServiceArea, "Service area")
    lines += _coded_section(new, "subjects", Subject, "Subject area")
    lines += _coded_section(
        new, "staff_groups", StaffGroup, "Profession" if return_type == "a" else "Staff group"
    )
    return lines


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
