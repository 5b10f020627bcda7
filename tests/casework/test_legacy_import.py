"""The legacy import, fed messy files written here: UTF-8 and Windows-1252 lines in one file,
comma and semicolon separators, three date formats, blank lines, duplicate rows, a quoted
newline, and rows it must refuse with their line numbers."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from casework.legacy_import import LegacyImportError, import_legacy, load_mapping
from casework.models import Case, CaseParty, PartyRole, StatusChange
from casework.workflow import CaseKind, Outcome, Status
from contacts.models import Contact, Person
from tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "legacy_ref,kind,received_date,channel,patient_name,patient_nhs_number,patient_dob,"
    "complainant_name,complainant_relationship,organisation_ods_code,subjects,description,"
    "acknowledged_date,response_due_date,response_sent_date,outcome,closed_date,"
    "ombudsman_referred"
)


def write(path, lines, encoding="utf-8", newline="\r\n"):
    """Lines are str (encoded with `encoding`) or bytes (written as they are)."""
    data = b""
    for line in lines:
        data += (line.encode(encoding) if isinstance(line, str) else line) + newline.encode()
    path.write_bytes(data)
    return path


@pytest.fixture
def organisation(db):
    return OrganisationFactory(ods_code="RX1", name="Riverside Hospitals NHS Trust")


@pytest.fixture
def messy_file(tmp_path, organisation):
    return write(
        tmp_path / "old-system.csv",
        [
            HEADER,
            # 2: a closed complaint, ISO dates, acknowledged, answered in time, referred to PHSO.
            "OLD-1,complaint,2024-03-04,letter,Jane Smith,943 476 5919,15/03/1984,,self,RX1,"
            "Communications|Appointments,Rude receptionist,2024-03-06,2024-05-01,2024-04-20,"
            "upheld,2024-04-22,yes",
            "",
            # 4: a Windows-1252 line (é and the euro sign) with d Mon yyyy dates.
            "OLD-2,PALS concern,5 Mar 2024,phone,Zoë Brontë,,,,,,,"
            "Café charged €5 for water,,,,,,no".encode("cp1252"),
            # 5-6: a quoted newline inside the description, dd/mm/yyyy dates, on behalf.
            'OLD-3,complaint,07/03/2024,email,"Smith, Jane",9434765919,15/03/1984,'
            'Tom Smith,partner,,,"Line one\nline two",,,,,,',
            "   ",
            # 8: an exact duplicate of line 2.
            "OLD-1,complaint,2024-03-04,letter,Jane Smith,943 476 5919,15/03/1984,,self,RX1,"
            "Communications|Appointments,Rude receptionist,2024-03-06,2024-05-01,2024-04-20,"
            "upheld,2024-04-22,yes",
            # 9-12: rows it cannot take.
            "OLD-4,complaint,31/02/2024,letter,A Person,,,,,,,Bad date,,,,,,",
            "OLD-5,grumble,2024-03-04,letter,A Person,,,,,,,Unknown kind,,,,,,",
            "OLD-6,complaint,2024-03-04,letter,A Person,943 476 5918,,,,,,Bad NHS number,,,,,,",
            "OLD-3,complaint,2024-03-08,email,Someone Else,,,,,,,Same ref different row,,,,,,",
        ],
    )


def test_a_messy_file_imports_the_good_rows_and_reports_the_bad_by_line(messy_file):
    report = import_legacy(messy_file)
    assert report.imported == 3
    assert report.duplicates == 1
    assert [(e.line, e.legacy_ref) for e in report.errors] == [
        (9, "OLD-4"),
        (10, "OLD-5"),
        (11, "OLD-6"),
        (12, "OLD-3"),
    ]
    reasons = [e.reason for e in report.errors]
    assert "received_date '31/02/2024' is not a date" in reasons[0]
    assert "kind 'grumble' is not one we know" in reasons[1]
    assert "check digit" in reasons[2]
    assert "already on line 5 with different details" in reasons[3]


def test_imported_cases_keep_their_legacy_reference_and_details(messy_file, organisation):
    import_legacy(messy_file)
    closed = Case.objects.get(legacy_reference="OLD-1")
    assert closed.reference.startswith("COMP-2024-")
    assert closed.kind == CaseKind.COMPLAINT
    assert closed.status == Status.CLOSED
    assert closed.outcome == Outcome.UPHELD
    assert closed.received_on == dt.date(2024, 3, 4)
    assert closed.acknowledged_on == dt.date(2024, 3, 6)
    assert closed.response_in_time is True
    assert closed.phso_referred_on == dt.date(2024, 4, 22)
    assert closed.organisation == organisation
    assert {s.code for s in closed.subjects.all()} == {"COMMUNICATIONS", "APPOINTMENTS"}
    concern = Case.objects.get(legacy_reference="OLD-2")
    assert concern.kind == CaseKind.PALS_CONCERN
    assert concern.received_on == dt.date(2024, 3, 5)
    assert concern.description == "Café charged €5 for water"
    assert concern.parties.get().person.full_name == "Zoë Brontë"
    assert Case.objects.get(legacy_reference="OLD-3").description == "Line one\nline two"


def test_people_are_matched_on_nhs_number_else_name_and_date_of_birth(messy_file):
    existing = PersonFactory(
        given_name="Jane", family_name="Smith", nhs_number="9434765919", date_of_birth=None
    )
    import_legacy(messy_file)
    # OLD-1 and OLD-3 are the same patient (by NHS number), the one already on file.
    assert Case.objects.get(legacy_reference="OLD-1").parties.filter(person=existing).exists()
    assert Case.objects.get(legacy_reference="OLD-3").parties.filter(person=existing).exists()
    assert Person.objects.filter(family_name="Smith", given_name="Jane").count() == 1
    # Tom Smith complains for her as her partner.
    tom = CaseParty.objects.get(person__given_name="Tom", role=PartyRole.REPRESENTATIVE)
    assert tom.relationship == "partner"
    assert CaseParty.objects.filter(person=tom.person, role=PartyRole.COMPLAINANT).exists()


def test_matching_on_name_and_date_of_birth_without_an_nhs_number(tmp_path):
    existing = PersonFactory(
        given_name="Ann", family_name="Lee", nhs_number="", date_of_birth=dt.date(1950, 6, 1)
    )
    path = write(
        tmp_path / "f.csv",
        [HEADER, "X-1,enquiry,2024-01-02,phone,ann lee,,1950-06-01,,,,,Parking,,,,,,"],
    )
    import_legacy(path)
    assert Case.objects.get().parties.get().person == existing


def test_history_is_dated_to_the_original_events_with_the_legacy_reason(messy_file):
    import_legacy(messy_file)
    case = Case.objects.get(legacy_reference="OLD-1")
    records = list(case.history.order_by("history_date"))
    assert [r.status for r in records] == [Status.RECEIVED, Status.ACKNOWLEDGED, Status.CLOSED]
    assert [r.history_date.date() for r in records] == [
        dt.date(2024, 3, 4),
        dt.date(2024, 3, 6),
        dt.date(2024, 4, 22),
    ]
    assert {r.history_change_reason for r in records} == {"imported from legacy ref OLD-1"}
    assert {s.subject.code for s in records[0].subjects.all()} == {"COMMUNICATIONS", "APPOINTMENTS"}
    changes = StatusChange.objects.filter(case=case).order_by("changed_at")
    assert [(c.old_status, c.new_status, c.changed_at.date()) for c in changes] == [
        ("", Status.RECEIVED, dt.date(2024, 3, 4)),
        (Status.RECEIVED, Status.ACKNOWLEDGED, dt.date(2024, 3, 6)),
        (Status.ACKNOWLEDGED, Status.CLOSED, dt.date(2024, 4, 22)),
    ]
    contact = Contact.objects.get(case=case)
    assert contact.channel == "letter"
    assert contact.history.get().history_date.date() == dt.date(2024, 3, 4)


def test_a_second_run_creates_nothing_new(messy_file):
    import_legacy(messy_file)
    counts = (Case.objects.count(), Person.objects.count(), Contact.objects.count())
    again = import_legacy(messy_file)
    assert again.imported == 0
    assert again.already_imported == 3
    assert (Case.objects.count(), Person.objects.count(), Contact.objects.count()) == counts


def test_strict_imports_nothing_when_a_row_fails(messy_file):
    report = import_legacy(messy_file, strict=True)
    assert report.imported == 0 and len(report.errors) == 4
    assert not Case.objects.exists() and not Person.objects.exists()


def test_a_dry_run_writes_nothing(messy_file):
    report = import_legacy(messy_file, dry_run=True)
    assert report.to_import == 3
    assert not Case.objects.exists() and not Person.objects.exists()


def test_a_mapping_file_renames_columns_and_maps_values(tmp_path):
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(
        """
[columns]
"Case No" = "legacy_ref"
"Type" = "kind"
"Date Received" = "received_date"
"Summary" = "description"
"Result" = "outcome"
"Date Closed" = "closed_date"

[values.outcome]
"Partially Upheld" = "partly upheld"

[values.kind]
"Formal" = "complaint"
""",
        encoding="utf-8",
    )
    path = write(
        tmp_path / "other-system.csv",
        [
            "Case No;Type;Date Received;Summary;Result;Date Closed",
            "C/77;Formal;01/02/2023;Waited too long;Partially Upheld;1 Jun 2023",
        ],
        encoding="cp1252",
        newline="\n",
    )
    report = import_legacy(path, mapping=load_mapping(mapping))
    assert report.errors == []
    case = Case.objects.get(legacy_reference="C/77")
    assert case.outcome == Outcome.PARTLY_UPHELD
    assert case.closed_on == dt.date(2023, 6, 1)


def test_a_file_without_the_needed_columns_is_refused_whole(tmp_path):
    path = write(tmp_path / "f.csv", ["ref,when", "1,2024-01-01"])
    with pytest.raises(LegacyImportError, match="no legacy_ref, kind, received_date"):
        import_legacy(path)


def test_the_command_writes_the_report_file_and_strict_fails(messy_file, capsys):
    call_command("import_legacy", str(messy_file))
    out = capsys.readouterr().out
    assert "3 imported" in out
    report = (messy_file.parent / "old-system.csv.report.csv").read_text()
    assert report.splitlines()[0] == "line,legacy_ref,reason"
    assert report.splitlines()[1].startswith("9,OLD-4,")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_legacy", str(messy_file), "--strict")


def test_the_command_dry_run_says_nothing_was_written(messy_file, capsys):
    call_command("import_legacy", str(messy_file), "--dry-run")
    assert "Dry run, nothing written" in capsys.readouterr().out
    assert not Case.objects.exists()


def test_an_imported_case_page_shows_its_legacy_reference_and_history(messy_file, officer_client):
    import_legacy(messy_file)
    case = Case.objects.get(legacy_reference="OLD-1")
    response = officer_client.get(reverse("case_detail", args=[case.reference]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Reference in the old system" in page and "OLD-1" in page
    assert "imported from legacy ref OLD-1" in page
