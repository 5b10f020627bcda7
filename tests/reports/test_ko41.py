"""The KO41 returns, against a hand-counted case set, and the management command."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework import services
from casework.models import PartyRole
from casework.workflow import CaseKind, Outcome, Status
from contacts.models import OrganisationType
from reports import ko41
from tests.factories import OrganisationFactory, PersonFactory

from .conftest import make_case

D = dt.date
pytestmark = pytest.mark.django_db
YEAR = (D(2025, 4, 1), D(2026, 3, 31))


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2025-26", YEAR), (" 2099-00 ", (D(2099, 4, 1), D(2100, 3, 31)))],
)
def test_financial_years_are_read(text, expected):
    assert ko41.parse_year(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-27", "a year starting in April 2025 ends in March 2026, so write 2025-26"),
        ("2025/26", "like 2025-26"),
        ("2025", "like 2025-26"),
        ("25-26", "like 2025-26"),
        ("", "like 2025-26"),
    ],
)
def test_a_year_written_wrongly_is_explained(text, message):
    with pytest.raises(ko41.KO41Error, match=message):
        ko41.parse_year(text)


@pytest.fixture
def orgs(db):
    trust = OrganisationFactory(
        ods_code="RX1",
        name="City Hospitals NHS Trust",
        org_type=OrganisationType.TRUST,
        is_independent_contractor=False,
    )
    site = OrganisationFactory(
        ods_code="RX1RA",
        name="City General",
        parent=trust,
        org_type=OrganisationType.TRUST_SITE,
        is_independent_contractor=False,
    )
    gp = OrganisationFactory(ods_code="A81001", name="Riverside Surgery")
    return trust, site, gp


@pytest.fixture
def year_of_complaints(by, orgs):
    trust, site, gp = orgs
    closed = {"status": Status.CLOSED}
    # K1: received before the year, still open: brought and carried forward.
    make_case(by, D(2025, 3, 10), organisation=trust)
    # K2: received before, resolved (upheld) in the year.
    make_case(
        by,
        D(2025, 2, 15),
        organisation=trust,
        **closed,
        closed_on=D(2025, 4, 20),
        outcome=Outcome.UPHELD,
    )
    # K3: received and closed before the year: nowhere.
    make_case(
        by,
        D(2025, 1, 1),
        organisation=trust,
        **closed,
        closed_on=D(2025, 3, 20),
        outcome=Outcome.UPHELD,
    )
    # K4: new at the trust's site; patient aged 74 (75 next month); two subjects, two
    # professions; partly upheld in the year.
    make_case(
        by,
        D(2025, 5, 5),
        organisation=site,
        person=PersonFactory(date_of_birth=D(1950, 6, 1)),
        **closed,
        closed_on=D(2025, 7, 1),
        outcome=Outcome.PARTLY_UPHELD,
        subjects=["COMMUNICATIONS", "CLINICAL_TREATMENT"],
        service_area="INPATIENT",
        staff_groups=["MEDICAL", "NURSING_MIDWIFERY_HEALTH_VISITING"],
    )
    # K5: new; made by a parent on behalf of a patient who turns 17 on the day of receipt
    # (born 5 June 2008, received 5 June 2025: band 0-17); withdrawn.
    k5 = make_case(
        by,
        D(2025, 6, 5),
        organisation=trust,
        **closed,
        closed_on=D(2025, 8, 1),
        outcome=Outcome.WITHDRAWN,
        subjects=["COMMUNICATIONS"],
        service_area="MATERNITY",
    )
    services.add_party(
        k5,
        PersonFactory(date_of_birth=D(2008, 6, 5)),
        PartyRole.PATIENT,
        by=by,
        reason="Recorded for the test",
    )
    services.add_party(
        k5,
        PersonFactory(),
        PartyRole.REPRESENTATIVE,
        by=by,
        relationship="parent",
        reason="Recorded for the test",
    )
    # K6: new, nobody recorded (age unknown), nothing coded, open.
    make_case(by, D(2026, 2, 1), organisation=trust)
    # K10: new in March, patient aged 86, decided after the year ended: carried forward.
    make_case(
        by,
        D(2026, 3, 10),
        organisation=trust,
        person=PersonFactory(date_of_birth=D(1940, 1, 1)),
        **closed,
        closed_on=D(2026, 4, 1),
        outcome=Outcome.NOT_UPHELD,
    )
    # Never counted for the trust: a reg 8 exclusion, a PALS concern, another organisation's.
    make_case(by, D(2026, 3, 1), organisation=trust, reg8_exclusion="oral_resolved")
    make_case(by, D(2025, 9, 1), organisation=trust, kind=CaseKind.PALS_CONCERN)
    make_case(by, D(2025, 9, 1), organisation=gp, subjects=["COMMUNICATIONS"])


def values(lines, section):
    return {line.code: line.value for line in lines if line.section == section}


def test_ko41a_figures(year_of_complaints, orgs):
    lines = ko41.ko41_return("a", orgs[0], *YEAR)
    assert values(lines, "Organisation") == {
        "RETURN": "KO41a: hospital and community health services",
        "ODS_CODE": "RX1",
        "NAME": "City Hospitals NHS Trust",
        "YEAR": "2025-26",
    }
    assert values(lines, "Summary") == {
        "BROUGHT_FORWARD": 2,
        "NEW": 4,
        "RESOLVED": 1 + 1,
        "CLOSED_WITHOUT_RESPONSE": 1,
        "CARRIED_FORWARD": 3,
    }
    assert values(lines, "Outcome") == {"UPHELD": 1, "PARTIALLY_UPHELD": 1, "NOT_UPHELD": 0}
    assert values(lines, "Age of patient") == {
        "AGE_0_17": 1,
        "AGE_18_64": 0,
        "AGE_65_74": 1,
        "AGE_75_84": 0,
        "AGE_85_PLUS": 1,
        "AGE_UNKNOWN": 1,
    }
    assert values(lines, "Status of complainant") == {"PATIENT": 3, "ON_BEHALF_OF_PATIENT": 1}
    service = values(lines, "Service area")
    assert (service["INPATIENT"], service["MATERNITY"], service["NOT_RECORDED"]) == (1, 1, 2)
    assert sum(service.values()) == 4  # one service area per complaint
    subjects = values(lines, "Subject area")
    assert subjects["COMMUNICATIONS"] == 2
    assert subjects["CLINICAL_TREATMENT"] == 1
    assert subjects["NOT_RECORDED"] == 2
    assert sum(subjects.values()) == 5  # once under each subject: more than the 4 new
    professions = values(lines, "Profession")
    assert professions["MEDICAL"] == 1
    assert professions["NURSING_MIDWIFERY_HEALTH_VISITING"] == 1
    assert professions["NOT_RECORDED"] == 3


def test_summary_balances(year_of_complaints, orgs):
    s = values(ko41.ko41_return("a", orgs[0], *YEAR), "Summary")
    assert (
        s["BROUGHT_FORWARD"] + s["NEW"] - s["RESOLVED"] - s["CLOSED_WITHOUT_RESPONSE"]
        == s["CARRIED_FORWARD"]
    )


def test_ko41b_for_a_gp_practice_has_no_service_area(year_of_complaints, orgs):
    lines = ko41.ko41_return("b", orgs[2], *YEAR)
    assert values(lines, "Summary")["NEW"] == 1
    assert values(lines, "Subject area")["COMMUNICATIONS"] == 1
    assert not values(lines, "Service area")
    assert values(lines, "Staff group")["NOT_RECORDED"] == 1


def test_the_wrong_return_for_the_organisation_is_explained(orgs):
    with pytest.raises(ko41.KO41Error, match="KO41b is for GP and dental practices"):
        ko41.ko41_return("b", orgs[0], *YEAR)
    with pytest.raises(ko41.KO41Error, match="its complaints go on KO41b"):
        ko41.ko41_return("a", orgs[2], *YEAR)


def test_command_writes_the_csv(year_of_complaints, tmp_path):
    output = tmp_path / "ko41a.csv"
    call_command(
        "ko41",
        "--return",
        "a",
        "--year",
        "2025-26",
        "--organisation",
        "rx1",
        "--output",
        str(output),
        stdout=io.StringIO(),
    )
    rows = list(csv.reader(output.open(encoding="utf-8")))
    assert rows[0] == ["Section", "Code", "Item", "Value"]
    assert ["Summary", "NEW", "New complaints received", "4"] in rows
    assert ["Outcome", "PARTIALLY_UPHELD", "Partially upheld", "1"] in rows
    # The national return is submitted in full: no suppression of small numbers.
    assert "<5" not in output.read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "2025-27", "--organisation", "RX1"], "so write 2025-26"),
        (
            ["--year", "2025-26", "--organisation", "ZZZ9"],
            'No organisation has the ODS code "ZZZ9"',
        ),
        (["--year", "2025-26", "--organisation", "A81001"], "its complaints go on KO41b"),
    ],
)
def test_command_explains_bad_input(orgs, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("ko41", "--return", "a", *args, stdout=io.StringIO())


def test_csv_for_commissioners_suppresses_small_counts(year_of_complaints, orgs):
    text = ko41.to_csv(ko41.ko41_return("a", orgs[0], *YEAR), suppressed=True)
    rows = list(csv.reader(io.StringIO(text)))
    assert ["Summary", "NEW", "New complaints received", "<5"] in rows
    assert ["Outcome", "NOT_UPHELD", "Not upheld", "0"] in rows
    assert ["Organisation", "ODS_CODE", "Organisation code", "RX1"] in rows


# --- The whole unit in one run (#14): every organisation's rows and their total.


@pytest.fixture
def unit_of_organisations(by, year_of_complaints, orgs):
    """Beside the trust's year (RX1 with its site) and one GP complaint: a second trust, a
    dental practice, a second GP practice, an organisation whose only complaint closed before
    the year, and a complaint with no organisation recorded."""
    trust_b = OrganisationFactory(
        ods_code="RY2", name="County Community NHS Trust", org_type=OrganisationType.TRUST
    )
    dentist = OrganisationFactory(
        ods_code="V00001", name="Bridge Dental", org_type=OrganisationType.DENTAL_PRACTICE
    )
    gp_b = OrganisationFactory(ods_code="B82002", name="Hill Surgery")
    quiet = OrganisationFactory(
        ods_code="RZ3", name="Quiet NHS Trust", org_type=OrganisationType.TRUST
    )
    make_case(by, D(2025, 10, 1), organisation=trust_b, subjects=["COMMUNICATIONS"])
    make_case(
        by,
        D(2025, 11, 3),
        organisation=trust_b,
        person=PersonFactory(date_of_birth=D(1990, 1, 1)),
        status=Status.CLOSED,
        closed_on=D(2026, 1, 5),
        outcome=Outcome.NOT_UPHELD,
        service_area="MATERNITY",
    )
    make_case(by, D(2025, 12, 1), organisation=dentist)
    make_case(by, D(2026, 1, 1), organisation=gp_b, staff_groups=[])
    make_case(
        by,
        D(2024, 6, 1),
        organisation=quiet,
        status=Status.CLOSED,
        closed_on=D(2024, 9, 1),
        outcome=Outcome.UPHELD,
    )
    make_case(by, D(2025, 7, 1))  # no organisation recorded
    return trust_b, dentist, gp_b, quiet


def test_every_organisation_gets_its_own_return_and_the_total_is_their_sum(
    unit_of_organisations, orgs
):
    trust, site, gp = orgs
    trust_b = unit_of_organisations[0]
    unit = ko41.ko41_unit_return("a", *YEAR)
    # Trusts only (the site is on its trust's return), and not one with nothing in the year.
    assert [org.ods_code for org, _ in unit.returns] == ["RX1", "RY2"]
    for org, lines in unit.returns:
        assert lines == ko41.ko41_return("a", org, *YEAR)
    assert values(unit.total, "Summary") == {
        "BROUGHT_FORWARD": 2,
        "NEW": 4 + 2,
        "RESOLVED": 2 + 1,
        "CLOSED_WITHOUT_RESPONSE": 1,
        "CARRIED_FORWARD": 3 + 1,
    }
    assert values(unit.total, "Outcome") == {"UPHELD": 1, "PARTIALLY_UPHELD": 1, "NOT_UPHELD": 1}
    assert values(unit.total, "Subject area")["COMMUNICATIONS"] == 2 + 1
    assert values(unit.total, "Service area")["MATERNITY"] == 1 + 1
    assert values(unit.total, "Age of patient")["AGE_18_64"] == 1
    for section in ("Summary", "Age of patient", "Subject area", "Profession"):
        for code, total in values(unit.total, section).items():
            assert total == sum(values(lines, section)[code] for _, lines in unit.returns)
    assert values(unit.total, "Organisation")["ORGANISATIONS"] == 2
    assert unit.not_recorded == 1
    assert trust_b in [org for org, _ in unit.returns]


def test_every_practice_gets_its_own_ko41b(unit_of_organisations, orgs):
    unit = ko41.ko41_unit_return("b", *YEAR)
    assert [org.ods_code for org, _ in unit.returns] == ["A81001", "B82002", "V00001"]
    for org, lines in unit.returns:
        assert lines == ko41.ko41_return("b", org, *YEAR)
    assert values(unit.total, "Summary")["NEW"] == 3
    assert not values(unit.total, "Service area")


def test_the_unit_return_costs_the_same_queries_however_many_organisations(
    by, unit_of_organisations, django_assert_max_num_queries
):
    with CaptureQueriesContext(connection) as few:
        ko41.ko41_unit_return("a", *YEAR)
    for n in range(5):
        org = OrganisationFactory(ods_code=f"RT{n}", org_type=OrganisationType.TRUST)
        make_case(by, D(2025, 6, 1), organisation=org, subjects=["COMMUNICATIONS"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        unit = ko41.ko41_unit_return("a", *YEAR)
    assert len(unit.returns) == 2 + 5


def test_command_writes_every_organisation_and_the_total(unit_of_organisations, tmp_path):
    output = tmp_path / "ko41b.csv"
    err = io.StringIO()
    call_command(
        "ko41", "--return", "b", "--year", "2025-26", "--all", "--output", str(output),
        stdout=io.StringIO(), stderr=err,
    )  # fmt: skip
    rows = list(csv.reader(output.open(encoding="utf-8")))
    assert rows[0] == ["Organisation code", "Organisation name", "Section", "Code", "Item", "Value"]
    assert ["A81001", "Riverside Surgery", "Summary", "NEW", "New complaints received", "1"] in rows
    assert ["V00001", "Bridge Dental", "Summary", "NEW", "New complaints received", "1"] in rows
    assert ["TOTAL", "All 3 organisations", "Summary", "NEW", "New complaints received", "3"] in (
        rows
    )
    assert {row[0] for row in rows[1:]} == {"A81001", "B82002", "V00001", "TOTAL"}
    assert "1 statutory complaint(s) open in 2025-26 have no organisation recorded" in (
        err.getvalue()
    )


def test_command_takes_several_organisations(unit_of_organisations):
    out = io.StringIO()
    call_command(
        "ko41", "--return", "a", "--year", "2025-26", "--organisation", "RY2, rz3", stdout=out
    )
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert {row[0] for row in rows[1:]} == {"RY2", "RZ3", "TOTAL"}
    # An organisation named but with nothing in the year still gets its (empty) return.
    assert ["RZ3", "Quiet NHS Trust", "Summary", "NEW", "New complaints received", "0"] in rows
    assert ["TOTAL", "All 2 organisations", "Summary", "NEW", "New complaints received", "2"] in (
        rows
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--organisation", "RY2", "--all"], "not allowed with argument"),
        (["--organisation", "RY2,A81001"], "its complaints go on KO41b"),
        ([], "one of the arguments --organisation --all is required"),
    ],
)
def test_command_explains_which_organisations_it_needs(unit_of_organisations, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("ko41", "--return", "a", "--year", "2025-26", *args, stdout=io.StringIO())


def test_every_organisation_from_the_page_with_small_numbers_suppressed_for_commissioners(
    client, manager, commissioner, unit_of_organisations
):
    query = {"return_type": "a", "year": "2025-26", "scope": "all"}
    client.force_login(manager)
    response = client.get(reverse("reports:ko41"), query)
    assert response["Content-Disposition"] == 'attachment; filename="KO41a-all-2025-26.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert ["TOTAL", "All 2 organisations", "Summary", "NEW", "New complaints received", "6"] in (
        rows
    )
    client.force_login(commissioner)
    rows = list(
        csv.reader(io.StringIO(client.get(reverse("reports:ko41"), query).content.decode()))
    )
    assert [
        "RY2",
        "County Community NHS Trust",
        "Summary",
        "NEW",
        "New complaints received",
        "<5",
    ] in (rows)
    assert ["TOTAL", "All 2 organisations", "Summary", "NEW", "New complaints received", "6"] in (
        rows
    )
    assert ["TOTAL", "All 2 organisations", "Summary", "RESOLVED", "Complaints resolved", "<5"] in (
        rows
    )


def test_the_page_asks_for_an_organisation_only_for_one(client, manager, orgs):
    client.force_login(manager)
    html = client.get(
        reverse("reports:ko41"), {"return_type": "a", "year": "2025-26", "scope": "one"}
    ).content.decode()
    assert "Enter the organisation&#x27;s ODS code, like RX1, or choose every organisation" in html
    page = client.get(reverse("reports:ko41")).content.decode()
    assert "Every organisation with complaints in the year" in page
