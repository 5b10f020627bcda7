"""A commissioner signs in, opens the trends report, filters it to a period and a kind of
case, and downloads a table as CSV; small numbers are suppressed on the page and in the file,
and every page passes axe-core."""

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from casework.workflow import CaseKind
from config import roles
from tests.e2e.conftest import assert_accessible
from tests.factories import OrganisationFactory, UserFactory
from tests.reports.conftest import make_case

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def commissioner_login(db):
    user = UserFactory(
        username="cora",
        first_name="Cora",
        last_name="Commissioner",
        password="correct-horse-battery-staple",
    )
    user.groups.add(Group.objects.get(name=roles.COMMISSIONER))
    return "cora", "correct-horse-battery-staple"


@pytest.fixture
def cases(db):
    by = UserFactory(username="builder")
    org = OrganisationFactory(name="Riverside Surgery", ods_code="A81001")
    for day in range(1, 8):
        make_case(
            by,
            dt.date(2025, 5, day),
            kind=CaseKind.PALS_CONCERN,
            organisation=org,
            subjects=["COMMUNICATIONS"],
        )
    for day in (3, 17):
        make_case(by, dt.date(2025, 6, day), organisation=org, subjects=["STAFF"])


def test_commissioner_filters_trends_and_downloads_a_csv(page, commissioner_login, cases, tmp_path):
    page.goto("/")
    assert_accessible(page)
    page.get_by_label("Username").fill(commissioner_login[0])
    page.get_by_label("Password").fill(commissioner_login[1])
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("heading", name="Reports", exact=True).wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Trends").click()
    page.get_by_role("heading", name="Trends", exact=True).wait_for()
    assert_accessible(page)

    page.get_by_text("Filter this report").click()
    page.get_by_label("From (optional)", exact=True).fill("01/04/2025")
    page.get_by_label("To (optional)", exact=True).fill("30/06/2025")
    page.get_by_label("Kind").select_option(CaseKind.PALS_CONCERN)
    page.get_by_role("button", name="Apply filters").click()
    page.get_by_text("Cases received from 1 April 2025 to 30 June 2025, filtered").wait_for()
    assert_accessible(page)

    # The chart is drawn with its table; the filtered total is 7 PALS concerns, all in May.
    assert page.locator("svg.app-xmr").count() >= 1
    by_kind = page.get_by_role("table", name="Cases by kind")
    assert "PALS concern" in by_kind.inner_text() and "7" in by_kind.inner_text()
    assert "Formal complaint" not in by_kind.inner_text()
    # Nobody is named on the page.
    assert "builder" not in page.content()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV file of Cases by subject").click()
    download = download_info.value
    assert download.suggested_filename == "trends-by-subject.csv"
    path = tmp_path / "by-subject.csv"
    download.save_as(path)
    assert path.read_text().splitlines() == ["Subject,Cases", "Communications,7"]

    # Without the kind filter, the two complaints about staff are suppressed as <5.
    page.goto("/reports/trends/?start=01%2F04%2F2025&end=30%2F06%2F2025")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV file of Cases by subject").click()
    download_info.value.save_as(path)
    assert path.read_text().splitlines() == ["Subject,Cases", "Communications,7", "Staff,<5"]
    assert_accessible(page)


@pytest.fixture
def manager_login(db):
    user = UserFactory(
        username="mina",
        first_name="Mina",
        last_name="Manager",
        password="correct-horse-battery-staple",
    )
    user.groups.add(Group.objects.get(name=roles.MANAGER))
    return "mina", "correct-horse-battery-staple"


def test_manager_reads_every_report_and_generates_the_annual_report(
    page, manager_login, cases, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    page.goto("/")
    page.get_by_label("Username").fill(manager_login[0])
    page.get_by_label("Password").fill(manager_login[1])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="My work").wait_for()
    page.goto("/reports/")
    for link, heading in [
        ("Compliance", "Compliance with the complaint deadlines"),
        ("Providers", "Complaints by provider"),
        ("Workload", "Workload"),
        ("KO41 returns", "KO41 returns"),
    ]:
        page.goto("/reports/")
        page.get_by_role("link", name=link, exact=True).click()
        page.get_by_role("heading", name=heading, exact=True).wait_for()
        assert_accessible(page)

    # A KO41 year written wrongly is explained by the field.
    page.get_by_label("KO41b: GP and dental practices").check()
    page.get_by_label("Financial year").fill("2025-27")
    page.get_by_label("Organisation ODS code").fill("A81001")
    page.get_by_role("button", name="Download the return").click()
    page.get_by_text("There is a problem").wait_for()
    assert_accessible(page)

    # Every practice's KO41b in one file, with their total.
    page.get_by_label("Financial year").fill("2025-26")
    page.get_by_label("Every organisation with complaints in the year").check()
    page.get_by_label("Organisation ODS code").fill("")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the return").click()
    download = download_info.value
    assert download.suggested_filename == "KO41b-all-2025-26.csv"
    rows = Path(download.path()).read_text(encoding="utf-8").splitlines()
    assert rows[0] == "Organisation code,Organisation name,Section,Code,Item,Value"
    assert any(row.startswith("TOTAL,") for row in rows)

    page.goto("/reports/annual/")
    page.get_by_label("Financial year").fill("2025-26")
    page.get_by_role("button", name="Start the report").click()
    page.get_by_role("heading", name="Annual report 2025-26").wait_for()
    page.get_by_label("Matters of general importance").fill("Communication about appointments.")
    page.get_by_role("button", name="Save the text").click()
    page.get_by_text("The text has been saved.").wait_for()
    page.get_by_role("button", name="Generate the PDF").click()
    page.get_by_text("Ready to download").wait_for()
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the annual report 2025-26 (PDF)").click()
    assert download_info.value.suggested_filename == "annual-report-2025-26.pdf"
