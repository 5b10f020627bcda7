"""Importing the organisations directory from ODS files written in the published layouts:
27 positional columns, no header row (contacts/ods.py)."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from casework.referrals.models import Referral
from contacts.models import Organisation, OrganisationType
from contacts.ods import import_organisations
from tests.factories import CaseFactory, UserFactory

TODAY = dt.date(2026, 11, 23)


def ods_row(
    code,
    name,
    *,
    postcode="LS1 4AP",
    address=("THE SURGERY", "1 HIGH STREET", "", "LEEDS", "WEST YORKSHIRE"),
    opened="19740401",
    closed="",
    status="A",
    subtype="B",
    parent="15F",
    telephone="0113 000 0000",
    setting="4",
):
    """One row in the epraccur family layout (columns 1-27)."""
    cells = [""] * 27
    cells[0], cells[1], cells[2], cells[3] = code, name, "Y63", "QWO"
    cells[4:9] = list(address)
    cells[9], cells[10], cells[11] = postcode, opened, closed
    cells[12], cells[13], cells[14] = status, subtype, parent
    cells[15], cells[16], cells[17] = "20220701", "", telephone
    cells[21] = "0"
    cells[23] = "1"
    cells[25] = setting
    return cells


def csv_text(rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


def write(tmp_path, rows, name="epraccur.csv"):
    path = tmp_path / name
    path.write_text(csv_text(rows), encoding="utf-8")
    return path


def run_command(path, fmt="epraccur", *extra):
    out = io.StringIO()
    call_command("import_organisations", str(path), "--format", fmt, *extra, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_epraccur_creates_gp_practices_with_address_postcode_and_commissioner(tmp_path):
    path = write(
        tmp_path,
        [
            ods_row("A81001", "THE DENSHAM SURGERY"),
            ods_row("A81002", "QUEENS PARK MEDICAL CENTRE", postcode="TS18 1HU"),
        ],
    )
    output = run_command(path)
    assert "Created: 2" in output
    assert "Rejected: 0" in output
    practice = Organisation.objects.get(ods_code="A81001")
    assert practice.name == "THE DENSHAM SURGERY"
    assert practice.org_type == OrganisationType.GP_PRACTICE
    assert practice.is_independent_contractor
    assert practice.address == "THE SURGERY\n1 HIGH STREET\nLEEDS\nWEST YORKSHIRE"
    assert practice.postcode == "LS1 4AP"
    assert practice.opened_on == dt.date(1974, 4, 1)
    assert practice.closed_on is None
    assert practice.parent_ods_code == "15F"
    assert practice.history.latest().history_change_reason == "Imported from the ODS epraccur file"


@pytest.mark.django_db
def test_rerunning_the_same_file_changes_nothing(tmp_path):
    path = write(tmp_path, [ods_row("A81001", "THE DENSHAM SURGERY")])
    run_command(path)
    history_rows = Organisation.history.count()
    output = run_command(path)
    assert "Created: 0" in output
    assert "Updated: 0" in output
    assert "Unchanged: 1" in output
    assert Organisation.history.count() == history_rows


@pytest.mark.django_db
def test_a_newer_file_renames_and_closes_and_old_referrals_keep_their_organisation(tmp_path):
    run_command(
        write(
            tmp_path,
            [ods_row("A81001", "THE DENSHAM SURGERY"), ods_row("A81002", "QUEENS PARK MC")],
        )
    )
    practice = Organisation.objects.get(ods_code="A81002")
    case = CaseFactory(organisation=practice)
    referral = Referral.objects.create(
        case=case, organisation=practice, part="all", created_at=dt.datetime.now(dt.UTC)
    )
    newer = write(
        tmp_path,
        [
            ods_row("A81001", "DENSHAM SURGERY (RENAMED)"),
            ods_row("A81002", "QUEENS PARK MC", closed="20261031", status="C"),
        ],
        name="epraccur-newer.csv",
    )
    output = run_command(newer)
    assert "Updated: 1" in output
    assert "Closed: 1" in output
    assert Organisation.objects.get(ods_code="A81001").name == "DENSHAM SURGERY (RENAMED)"
    practice.refresh_from_db()
    assert practice.closed_on == dt.date(2026, 10, 31)
    referral.refresh_from_db()
    assert referral.organisation_id == practice.pk
    assert Organisation.objects.count() == 2


@pytest.mark.django_db
def test_the_import_keeps_the_complaints_contact_staff_entered(tmp_path):
    path = write(tmp_path, [ods_row("A81001", "THE DENSHAM SURGERY")])
    run_command(path)
    Organisation.objects.filter(ods_code="A81001").update(
        complaints_contact_email="complaints@densham.example"
    )
    run_command(write(tmp_path, [ods_row("A81001", "DENSHAM")], name="again.csv"))
    assert (
        Organisation.objects.get(ods_code="A81001").complaints_contact_email
        == "complaints@densham.example"
    )


@pytest.mark.django_db
def test_malformed_rows_are_reported_with_line_numbers_and_the_rest_imported(tmp_path):
    short = ods_row("A81004", "SHORT ROW")[:12]
    rows = [
        ods_row("A81001", "GOOD ONE"),
        short,
        ods_row("A81005", "BAD DATE", opened="2026-01-01"),
        ods_row("12345", "NOT A PRACTICE CODE"),
        ods_row("A81006", ""),
        ods_row("A81001", "DUPLICATE"),
        ods_row("A81007", "CLOSES BEFORE OPENING", opened="20200101", closed="20190101"),
        ods_row("A81008", "GOOD TWO"),
    ]
    output = run_command(write(tmp_path, rows))
    assert "Created: 2" in output
    assert "Rejected: 6" in output
    assert "line 2: has 12 columns; the published epraccur layout has 27" in output
    assert "line 3: the open date (column 11) '2026-01-01' is not a date in the form YYYYMMDD" in (
        output
    )
    assert "line 4: '12345' is not a gp practices code (like A81001)" in output
    assert "line 5: A81006 has no name (column 2)" in output
    assert "line 6: A81001 appears again (first on line 1)" in output
    assert "line 7: A81007 closes (01/01/2019) before it opens" in output
    assert set(Organisation.objects.values_list("ods_code", flat=True)) == {"A81001", "A81008"}


@pytest.mark.django_db
def test_strict_writes_nothing_when_any_row_is_rejected(tmp_path):
    rows = [ods_row("A81001", "GOOD ONE"), ods_row("A81002", "BAD", opened="yesterday")]
    with pytest.raises(CommandError, match="1 rows rejected; nothing was written"):
        run_command(write(tmp_path, rows), "epraccur", "--strict")
    assert Organisation.objects.count() == 0


@pytest.mark.django_db
def test_a_file_of_a_few_thousand_practices_is_imported_in_batches(
    tmp_path, django_assert_max_num_queries
):
    rows = [ods_row(f"B{n:05d}", f"PRACTICE NUMBER {n}") for n in range(3000)]
    path = write(tmp_path, rows)
    # Batches, never a query per row (SQLite splits inserts by its parameter limit).
    with django_assert_max_num_queries(200):
        summary = import_organisations(path.read_bytes(), "epraccur", today=TODAY)
    assert summary.created == 3000
    assert Organisation.objects.count() == 3000
    with django_assert_max_num_queries(40):
        again = import_organisations(path.read_bytes(), "epraccur", today=TODAY)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3000)


@pytest.mark.django_db
def test_trusts_and_their_sites_are_linked_whichever_file_comes_first(tmp_path):
    site = ods_row(
        "RX1RA", "NOTTINGHAM CITY HOSPITAL", status="", subtype="", parent="RX1", setting=""
    )
    run_command(write(tmp_path, [site], name="ets.csv"), "ets")
    trust = ods_row(
        "RX1", "NOTTINGHAM UNIVERSITY HOSPITALS NHS TRUST", status="", subtype="", parent=""
    )
    run_command(write(tmp_path, [trust], name="etr.csv"), "etr")
    site_org = Organisation.objects.get(ods_code="RX1RA")
    assert site_org.org_type == OrganisationType.TRUST_SITE
    assert site_org.parent.ods_code == "RX1"
    assert Organisation.objects.get(ods_code="RX1").org_type == OrganisationType.TRUST
    assert not site_org.is_independent_contractor


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fmt", "code", "org_type"),
    [
        ("egdpprac", "V006578", OrganisationType.DENTAL_PRACTICE),
        ("edispensary", "FA123", OrganisationType.PHARMACY),
    ],
)
def test_dental_practices_and_pharmacies_import_as_independent_contractors(
    tmp_path, fmt, code, org_type
):
    run_command(write(tmp_path, [ods_row(code, "HIGH STREET", parent="15F")], f"{fmt}.csv"), fmt)
    org = Organisation.objects.get(ods_code=code)
    assert org.org_type == org_type
    assert org.is_independent_contractor


@pytest.mark.django_db
def test_a_closed_status_without_a_close_date_closes_on_the_import_day():
    summary = import_organisations(
        csv_text([ods_row("A81001", "GONE", status="C")]), "epraccur", today=TODAY
    )
    assert summary.created == 1
    assert Organisation.objects.get().closed_on == TODAY


@pytest.mark.django_db
def test_a_windows_1252_file_is_read(tmp_path):
    path = tmp_path / "epraccur.csv"
    path.write_bytes(csv_text([ods_row("A81001", "ST JOHN’S SURGERY")]).encode("cp1252"))
    run_command(path)
    assert Organisation.objects.get().name == "ST JOHN’S SURGERY"


@pytest.mark.django_db
def test_the_history_records_who_imported(tmp_path):
    user = UserFactory(username="admin-importer")
    import_organisations(csv_text([ods_row("A81001", "X")]), "epraccur", by=user, today=TODAY)
    assert Organisation.objects.get().history.latest().history_user == user


@pytest.mark.django_db
def test_an_administrator_uploads_a_file_in_the_admin_and_sees_the_summary(client, administrator):
    client.force_login(administrator)
    upload = io.BytesIO(
        csv_text([ods_row("A81001", "GOOD"), ods_row("A81002", "BAD", opened="x")]).encode()
    )
    upload.name = "epraccur.csv"
    response = client.post(
        "/admin/contacts/organisation/import/", {"format": "epraccur", "file": upload}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Created: 1" in text
    assert "Line 2: the open date (column 11) &#x27;x&#x27; is not a date" in text
    assert Organisation.objects.get().ods_code == "A81001"


@pytest.mark.django_db
def test_the_admin_upload_explains_a_missing_file(client, administrator):
    client.force_login(administrator)
    response = client.post("/admin/contacts/organisation/import/", {"format": "epraccur"})
    assert "Choose the file to upload" in response.content.decode()


@pytest.mark.django_db
def test_staff_without_the_administrator_role_cannot_reach_the_admin_upload(client, officer):
    client.force_login(officer)
    response = client.get("/admin/contacts/organisation/import/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.django_db
def test_a_progress_bar_is_drawn_on_a_terminal_and_not_in_a_pipe(tmp_path):
    path = write(tmp_path, [ods_row(f"B{n:05d}", f"PRACTICE {n}") for n in range(1200)])
    terminal = Terminal()
    call_command("import_organisations", str(path), "--format", "epraccur", stdout=terminal)
    drawn = terminal.getvalue()
    assert "\rImporting GP practices [############------------------] 500/1200" in drawn
    assert "[##############################] 1200/1200" in drawn
    assert "Created: 1200" in drawn
    piped = run_command(path)
    assert "\r" not in piped
    assert "Unchanged: 1200" in piped
