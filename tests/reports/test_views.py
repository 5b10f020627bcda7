"""The report pages: who may see them, small-number suppression, downloads, bad input."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from casework.workflow import CaseKind
from tests.factories import OrganisationFactory, PersonFactory

from .conftest import make_case

D = dt.date
pytestmark = pytest.mark.django_db
PERIOD = {"start": "01/04/2025", "end": "30/06/2025"}


def row(label: str, value: str) -> str:
    """A report table row as rendered: the label header and its figure."""
    return f'{label}</th><td class="nhsuk-table__cell nhsuk-table__cell--numeric">{value}</td>'


@pytest.fixture
def cases(by):
    org = OrganisationFactory(name="Riverside Surgery", ods_code="A81001")
    patient = PersonFactory(given_name="Zebedee", family_name="Quartermain")
    make_case(by, D(2025, 4, 3), organisation=org, person=patient, subjects=["COMMUNICATIONS"])
    make_case(by, D(2025, 4, 10), organisation=org, subjects=["COMMUNICATIONS"])
    make_case(by, D(2025, 5, 10), organisation=org)
    for day in range(1, 8):  # seven PALS concerns in June: a count above the threshold
        make_case(by, D(2025, 6, day), kind=CaseKind.PALS_CONCERN, organisation=org)
    return org


@pytest.mark.parametrize(
    "name", ["overview", "trends", "compliance", "providers", "workload", "ko41", "annual_reports"]
)
def test_officers_may_not_read_reports(client, officer, name):
    client.force_login(officer)
    assert client.get(reverse(f"reports:{name}")).status_code == 403


@pytest.mark.parametrize("name", ["overview", "trends", "compliance", "providers", "workload"])
def test_managers_read_every_report(client, manager, cases, name):
    client.force_login(manager)
    assert client.get(reverse(f"reports:{name}"), PERIOD).status_code == 200


def test_workload_is_for_managers_only(client, commissioner):
    client.force_login(commissioner)
    assert client.get(reverse("reports:workload")).status_code == 403
    page = client.get(reverse("reports:overview")).content.decode()
    assert reverse("reports:workload") not in page
    assert reverse("reports:trends") in page


def test_commissioners_see_small_counts_suppressed(client, commissioner, cases):
    client.force_login(commissioner)
    page = client.get(reverse("reports:trends"), PERIOD).content.decode()
    # Cases by organisation: 10 at Riverside; by kind: 3 complaints (<5), 7 PALS concerns.
    assert row("Riverside Surgery", "10") in page
    assert row("Formal complaint", "&lt;5") in page
    assert row("PALS concern", "7") in page


def test_managers_see_real_counts(client, manager, cases):
    client.force_login(manager)
    page = client.get(reverse("reports:trends"), PERIOD).content.decode()
    assert row("Formal complaint", "3") in page


@pytest.mark.parametrize("name", ["trends", "compliance", "providers"])
def test_commissioners_never_see_names_or_free_text(client, commissioner, cases, name):
    client.force_login(commissioner)
    page = client.get(reverse(f"reports:{name}"), PERIOD).content.decode()
    assert "Zebedee" not in page and "Quartermain" not in page
    assert "builder" not in page  # the user who logged the cases


def test_csv_download_is_suppressed_for_commissioners(client, commissioner, cases):
    client.force_login(commissioner)
    response = client.get(
        reverse("reports:trends"), {**PERIOD, "download": "csv", "table": "by-kind"}
    )
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="trends-by-kind.csv"' in response["Content-Disposition"]
    rows = response.content.decode().splitlines()
    assert rows[0] == "Kind,Cases"
    assert "PALS concern,7" in rows
    assert "Formal complaint,<5" in rows


def test_excel_download_has_the_same_figures(client, manager, cases):
    client.force_login(manager)
    response = client.get(
        reverse("reports:trends"), {**PERIOD, "download": "xlsx", "table": "by-kind"}
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "Cases by kind"
    assert ("Kind", "Cases") == rows[1][:2]
    assert ("Formal complaint", 3) in [r[:2] for r in rows]


def test_monthly_chart_table_downloads(client, manager, cases):
    client.force_login(manager)
    response = client.get(
        reverse("reports:trends"), {**PERIOD, "download": "csv", "table": "cases-by-month"}
    )
    assert response.content.decode().splitlines()[1:] == [
        "April 2025,2,common cause",
        "May 2025,1,common cause",
        "June 2025,7,common cause",
    ]


def test_an_unknown_table_is_not_found(client, manager):
    client.force_login(manager)
    response = client.get(reverse("reports:trends"), {"download": "csv", "table": "nope"})
    assert response.status_code == 404


def test_the_trend_page_draws_an_svg_chart_with_its_table(client, manager, cases):
    client.force_login(manager)
    page = client.get(reverse("reports:trends"), PERIOD).content.decode()
    assert "<svg" in page and "app-xmr__mean" in page
    assert "All cases: monthly counts" in page


def test_bad_dates_are_explained_and_kept(client, manager):
    client.force_login(manager)
    page = client.get(reverse("reports:trends"), {"start": "31/02/2025", "end": "01/01/2025"})
    html = page.content.decode()
    assert "There is a problem" in html
    assert "Enter a real date, like 01/04/2026" in html
    assert 'value="31/02/2025"' in html


def test_an_end_before_the_start_is_explained(client, manager):
    client.force_login(manager)
    html = client.get(
        reverse("reports:compliance"), {"start": "01/05/2025", "end": "01/04/2025"}
    ).content.decode()
    assert "The end date must be the same as or after the start date" in html


def test_an_unknown_organisation_is_explained(client, manager):
    client.force_login(manager)
    html = client.get(reverse("reports:trends"), {"organisation": "999999"}).content.decode()
    assert "Choose an organisation from the list" in html


def test_an_empty_period_says_so(client, commissioner, cases):
    client.force_login(commissioner)
    html = client.get(
        reverse("reports:trends"), {"start": "01/01/2020", "end": "31/03/2020"}
    ).content.decode()
    assert "No contacts or cases were recorded in this period" in html
    html = client.get(
        reverse("reports:compliance"), {"start": "01/01/2020", "end": "31/03/2020"}
    ).content.decode()
    assert "No statutory complaints were received in this period" in html


def test_compliance_rates_from_fewer_than_five_are_hidden_from_commissioners(
    client, commissioner, cases
):
    client.force_login(commissioner)
    html = client.get(reverse("reports:compliance"), PERIOD).content.decode()
    assert "&lt;5 cases" in html


def test_providers_page_says_when_no_referrals_were_sent(client, commissioner, cases):
    client.force_login(commissioner)
    html = client.get(reverse("reports:providers"), PERIOD).content.decode()
    assert "Riverside Surgery" in html
    assert "No referrals were sent for cases received in this period." in html


def test_ko41_download_from_the_site(client, manager, cases):
    client.force_login(manager)
    response = client.get(
        reverse("reports:ko41"), {"return_type": "b", "year": "2025-26", "organisation": "A81001"}
    )
    assert response["Content-Disposition"] == 'attachment; filename="KO41b-A81001-2025-26.csv"'
    assert "Summary,NEW,New complaints received,3" in response.content.decode().splitlines()


def test_ko41_form_explains_bad_input_by_the_field(client, commissioner, cases):
    client.force_login(commissioner)
    html = client.get(
        reverse("reports:ko41"), {"return_type": "a", "year": "2025-27", "organisation": "ZZ9"}
    ).content.decode()
    assert "There is a problem" in html
    assert "so write 2025-26" in html
    assert "No organisation has the ODS code &quot;ZZ9&quot;" in html
    assert 'value="2025-27"' in html


@pytest.mark.parametrize(
    "page, table", [("compliance", "by-organisation"), ("providers", "complaints-by-provider")]
)
def test_a_long_table_shows_the_largest_hundred_rows_and_downloads_them_all(
    client, manager, by, page, table
):
    from reports.views import PAGE_ROWS

    day = dt.date(2025, 10, 1)
    for n in range(PAGE_ROWS + 3):
        org = OrganisationFactory(name=f"Practice {n:03d}")
        for _ in range(2 if n == 0 else 1):
            make_case(by, day, organisation=org)
    client.force_login(manager)
    period = {"start": "01/10/2025", "end": "31/10/2025"}
    html = client.get(reverse(f"reports:{page}"), period).content.decode()
    assert "The 100 largest are shown here; 3 more are in the download." in html
    assert html.index("Practice 000") < html.index("Practice 001")  # most complaints first
    assert "Practice 102" not in html
    csv = client.get(
        reverse(f"reports:{page}"), {**period, "download": "csv", "table": table}
    ).content.decode()
    assert all(f"Practice {n:03d}" in csv for n in range(PAGE_ROWS + 3))
