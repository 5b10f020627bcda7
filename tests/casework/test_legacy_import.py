"""The legacy import, fed messy files written here: UTF-8 and Windows-1252 lines in one file,
comma and semicolon separators, three date formats, blank lines, duplicate rows, a quoted
newline, and rows it must refuse with their line numbers."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from casework.legacy.importer import LegacyImportError, import_legacy, load_mapping
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


# --- Issue #14: what a team migrating for real meets on day one.

FULL_ROW = (
    "OLD-9,complaint,2024-03-04,letter,Jane Smith,,,,,,Communications,Rude receptionist,"
    "2024-03-06,2024-05-01,2024-04-20,upheld,2024-04-22,no"
)
# What an earlier import made of FULL_ROW from a file cut inside its description: a complaint
# with half a description and nothing after it.
CUT_IMPORTED_ROW = "OLD-9,complaint,2024-03-04,letter,Jane Smith,,,,,,,Rude rec,,,,,,"


def test_a_row_with_too_few_or_too_many_fields_is_refused_with_its_line_number(tmp_path):
    path = write(
        tmp_path / "f.csv",
        [
            HEADER,
            "OK-1,enquiry,2024-01-02,phone,Ann Lee,,,,,,,Parking,,,,,,",
            # Cut inside the quoted description: 12 of 18 fields.
            'OLD-9,complaint,2024-03-04,letter,Jane Smith,,,,,,Communications,"Rude rec',
        ],
    )
    report = import_legacy(path)
    assert report.imported == 1
    [error] = report.errors
    assert (error.line, error.legacy_ref) == (3, "OLD-9")
    assert "has 12 fields but the header has 18" in error.reason
    assert "the file ends inside a quoted field" in error.reason
    assert not Case.objects.filter(legacy_reference="OLD-9").exists()

    extra = write(
        tmp_path / "g.csv", [HEADER, "OK-2,enquiry,2024-01-02,phone,Ann Lee,,,,,,,Parking,,,,,,,x"]
    )
    [error] = import_legacy(extra).errors
    assert "has 19 fields but the header has 18" in error.reason


def test_a_file_cut_inside_its_last_quoted_value_refuses_that_row(tmp_path):
    # Every field is there, but the last one's quote never closes: the file was cut short.
    path = write(
        tmp_path / "f.csv",
        [HEADER, 'OLD-9,complaint,2024-03-04,letter,Jane Smith,,,,,,,Rude,,,,,,"ye'],
    )
    report = import_legacy(path)
    assert report.imported == 0
    assert "ends inside a quoted field" in report.errors[0].reason


def test_a_case_imported_from_a_cut_row_is_repaired_when_the_full_file_comes(tmp_path, officer):
    import_legacy(write(tmp_path / "cut.csv", [HEADER, CUT_IMPORTED_ROW]))
    case = Case.objects.get(legacy_reference="OLD-9")
    assert (case.status, case.outcome) == (Status.RECEIVED, "")

    dry = import_legacy(write(tmp_path / "full.csv", [HEADER, FULL_ROW]), dry_run=True)
    assert [d.reference for d in dry.repaired] == [case.reference]
    case.refresh_from_db()
    assert case.status == Status.RECEIVED  # a dry run repairs nothing

    report = import_legacy(tmp_path / "full.csv", by=officer)
    assert report.already_imported == 1 and report.imported == 0
    assert [d.reference for d in report.repaired] == [case.reference]
    case.refresh_from_db()
    assert case.description == "Rude receptionist"
    assert (case.status, case.outcome) == (Status.CLOSED, Outcome.UPHELD)
    assert case.acknowledged_on == dt.date(2024, 3, 6)
    assert case.closed_on == dt.date(2024, 4, 22)
    assert case.response_in_time is True
    assert case.due_on is None
    assert {s.code for s in case.subjects.all()} == {"COMMUNICATIONS"}
    changes = StatusChange.objects.filter(case=case).order_by("changed_at")
    assert [(c.old_status, c.new_status, c.changed_at.date()) for c in changes] == [
        ("", Status.RECEIVED, dt.date(2024, 3, 4)),
        (Status.RECEIVED, Status.ACKNOWLEDGED, dt.date(2024, 3, 6)),
        (Status.ACKNOWLEDGED, Status.CLOSED, dt.date(2024, 4, 22)),
    ]
    latest = case.history.latest()
    assert latest.history_change_reason == "repaired from legacy ref OLD-9"
    assert latest.history_user == officer
    # Every history row says who and why: the repair's own rows, the subjects' included.
    assert not case.history.filter(history_change_reason__isnull=True).exists()
    assert set(
        case.history.exclude(history_change_reason__startswith="imported").values_list(
            "history_user", "history_change_reason"
        )
    ) == {(officer.pk, "repaired from legacy ref OLD-9")}
    # Once repaired, the full file is simply already imported.
    assert import_legacy(tmp_path / "full.csv").differences == []


def test_a_case_worked_since_its_import_is_reported_not_changed(tmp_path, officer):
    from core.history import save_with_reason

    import_legacy(write(tmp_path / "cut.csv", [HEADER, CUT_IMPORTED_ROW]))
    case = Case.objects.get(legacy_reference="OLD-9")
    case.description = "Rude receptionist at the front desk (from the complainant's call)"
    save_with_reason(case, officer, "Details added after a call")

    report = import_legacy(write(tmp_path / "full.csv", [HEADER, FULL_ROW]))
    [difference] = report.differences
    assert not difference.repaired
    assert "staff have worked the case since it was imported" in difference.reason
    assert "closed_date 22/04/2024" in difference.reason
    case.refresh_from_db()
    assert case.status == Status.RECEIVED and case.closed_on is None
    listed = (tmp_path / "full.csv.report.csv").exists()
    assert not listed  # the report file is the command's; the function reports in memory
    call_command("import_legacy", str(tmp_path / "full.csv"))
    report_file = (tmp_path / "full.csv.report.csv").read_text()
    assert f"already imported as {case.reference} with different details" in report_file


def _log_a_call(case, officer):
    from django.utils import timezone

    from casework import services

    now = timezone.now()
    services.log_contact(
        by=officer, at=now, channel="phone", contacted_at=now, summary="Called back", case=case
    )


def _add_a_representative(case, officer):
    from casework import services

    services.add_party(
        case, PersonFactory(), PartyRole.REPRESENTATIVE, by=officer, relationship="carer"
    )


@pytest.mark.parametrize("work", [_log_a_call, _add_a_representative], ids=["call", "party"])
def test_a_case_with_work_hung_off_it_since_its_import_is_reported_not_changed(
    tmp_path, officer, work
):
    # The case row itself is untouched: the work is a call logged or a person added, which
    # live in tables of their own. The repair must still see that staff have been at it.
    import_legacy(write(tmp_path / "cut.csv", [HEADER, CUT_IMPORTED_ROW]))
    case = Case.objects.get(legacy_reference="OLD-9")
    work(case, officer)

    report = import_legacy(write(tmp_path / "full.csv", [HEADER, FULL_ROW]), by=officer)
    [difference] = report.differences
    assert not difference.repaired
    assert "staff have worked the case since it was imported" in difference.reason
    case.refresh_from_db()
    assert (case.status, case.description) == (Status.RECEIVED, "Rude rec")


def test_a_disagreeing_value_is_reported_and_the_case_kept(tmp_path):
    import_legacy(write(tmp_path / "first.csv", [HEADER, FULL_ROW]))
    changed = FULL_ROW.replace("upheld,2024-04-22", "not upheld,2024-04-22")
    report = import_legacy(write(tmp_path / "second.csv", [HEADER, changed]))
    [difference] = report.differences
    assert not difference.repaired
    assert "outcome not_upheld in the file, upheld in the case" in difference.reason
    assert Case.objects.get(legacy_reference="OLD-9").outcome == Outcome.UPHELD


def test_every_problem_of_every_row_is_reported_at_once_grouped_by_kind(tmp_path, capsys):
    path = write(
        tmp_path / "f.csv",
        [
            HEADER,
            "P-1,PALS,2024-03-04,phone,A Person,,,,,,Moaning,Parking,,,,,,",
            "P-2,PALS,31/02/2024,phone,A Person,,,,,,,Parking,,,,,,",
            "P-3,PALS,2024-03-04,telepathy,A Person,,,,,,,,,,,,,",
            "P-4,complaint,2024-03-04,phone,A Person,,,,,,,Fine,,,,,,",
        ],
    )
    report = import_legacy(path, dry_run=True)
    reasons = {e.legacy_ref: e.reason for e in report.errors}
    assert "kind 'PALS' is not one we know" in reasons["P-1"]
    assert "subject 'Moaning' is not one we know" in reasons["P-1"]
    assert "received_date '31/02/2024' is not a date" in reasons["P-2"]
    assert "channel 'telepathy' is not one we know" in reasons["P-3"]
    assert "description is empty" in reasons["P-3"]
    groups = {g.summary: g for g in report.problem_groups()}
    assert groups["kind 'PALS' is not one we know"].lines == [2, 3, 4]
    assert "[values.kind]" in groups["kind 'PALS' is not one we know"].advice
    assert report.problem_groups()[0].summary == "kind 'PALS' is not one we know"

    call_command("import_legacy", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "kind 'PALS' is not one we know: 3 rows (lines 2, 3, 4) — map it in [values.kind]" in (
        out
    )
    assert "subject 'Moaning' is not one we know: 1 row (line 2)" in out
    assert "1 would be" in out


def test_a_value_mapping_applies_to_each_item_of_a_list_cell(tmp_path):
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(
        '[values.subjects]\n"Comms" = "Communications"\n"Values and behaviours" = "Values"\n'
    )
    path = write(
        tmp_path / "f.csv",
        [HEADER, "S-1,enquiry,2024-01-02,phone,Ann Lee,,,,,,Comms;Values and behaviours,Q,,,,,,"],
    )
    report = import_legacy(path, mapping=load_mapping(mapping))
    assert report.errors == []
    names = {s.name for s in Case.objects.get().subjects.all()}
    assert names == {"Communications", "Values"}


OLD_OPEN_ROWS = [
    HEADER,
    "H-1,PALS concern,2021-05-04,phone,Ann Lee,,,,,,,Parking,,,,,,",
    "H-2,enquiry,2021-06-01,phone,Ann Lee,,,,,,,Visiting hours,,,,,,",
    "H-3,complaint,2021-06-01,letter,Ann Lee,,,,,,,Rude staff,,,,,,",
    "H-4,PALS concern,2025-01-06,phone,Ann Lee,,,,,,,Lost glasses,,,,,,",
]


def test_a_dry_run_says_how_many_cases_arrive_open_and_overdue(tmp_path, capsys):
    path = write(tmp_path / "f.csv", OLD_OPEN_ROWS)
    report = import_legacy(path, dry_run=True, today=dt.date(2026, 12, 7))
    assert report.arriving_open == {"pals_concern": 2, "enquiry": 1, "complaint": 1}
    assert report.arriving_overdue == {"pals_concern": 2, "enquiry": 1, "complaint": 1}
    call_command("import_legacy", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "4 case(s) will arrive open" in out
    assert "4 of them already past their deadline" in out
    assert "[closing]" in out


def test_the_mapping_can_resolve_old_informal_cases_as_historic(tmp_path):
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(
        '[closing]\ninformal_without_closed_date = "resolved on received date"\n'
        "received_before = 2024-04-01\n"
    )
    path = write(tmp_path / "f.csv", OLD_OPEN_ROWS)
    report = import_legacy(path, mapping=load_mapping(mapping), today=dt.date(2026, 12, 7))
    assert report.resolved_as_historic == 2
    # The complaint stays open (closing it needs an outcome); the 2025 concern is too recent.
    assert report.arriving_open == {"complaint": 1, "pals_concern": 1}
    concern = Case.objects.get(legacy_reference="H-1")
    assert (concern.status, concern.closed_on, concern.due_on) == (
        Status.RESOLVED,
        dt.date(2021, 5, 4),
        None,
    )
    change = StatusChange.objects.get(case=concern, new_status=Status.RESOLVED)
    assert "resolved as historic" in change.reason
    assert Case.objects.get(legacy_reference="H-3").status == Status.RECEIVED
    assert Case.objects.get(legacy_reference="H-4").status == Status.OPEN


def test_re_running_with_a_closing_rule_resolves_cases_that_arrived_open(tmp_path):
    path = write(tmp_path / "f.csv", OLD_OPEN_ROWS)
    import_legacy(path)
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('[closing]\ninformal_without_closed_date = "resolved on received date"\n')
    report = import_legacy(path, mapping=load_mapping(mapping))
    assert len(report.repaired) == 3
    assert Case.objects.get(legacy_reference="H-2").status == Status.RESOLVED
    assert Case.objects.get(legacy_reference="H-3").status == Status.RECEIVED


@pytest.mark.parametrize(
    "closing, message",
    [
        ('informal_without_closed_date = "shut"', "is not a rule the import knows"),
        ('received_before = "last year"', "is not a date"),
        ("close_all = true", "does not know"),
    ],
)
def test_a_closing_rule_it_cannot_follow_is_refused_in_plain_words(tmp_path, closing, message):
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(f"[closing]\n{closing}\n")
    with pytest.raises(LegacyImportError, match=message):
        load_mapping(mapping)


def test_organisations_not_in_the_directory_are_listed_up_front(tmp_path, capsys, organisation):
    path = write(
        tmp_path / "f.csv",
        [
            HEADER,
            "O-1,enquiry,2024-01-02,phone,Ann Lee,,,,,RX9,,Parking,,,,,,",
            "O-2,enquiry,2024-01-03,phone,Ann Lee,,,,,rx9,,Parking,,,,,,",
            "O-3,enquiry,2024-01-04,phone,Ann Lee,,,,,A81099,,Parking,,,,,,",
            "O-4,enquiry,2024-01-04,phone,Ann Lee,,,,,RX1,,Parking,,,,,,",
        ],
    )
    report = import_legacy(path, dry_run=True)
    assert report.missing_organisations == {"RX9": 2, "A81099": 1}
    call_command("import_legacy", str(path), "--dry-run")
    first = capsys.readouterr().out.splitlines()[0]
    assert "2 organisation(s) are not in the directory: RX9 (2 rows), A81099 (1 row)" in first
    assert "import_organisations" in first


@pytest.mark.parametrize(
    "text, says",
    [
        ("31/02/2024", "31 February 2024 does not exist (February 2024 has 29 days)"),
        ("29/02/2023", "29 February 2023 does not exist (February 2023 has 28 days)"),
        ("2024-13-01", "there is no month 13"),
        ("31 Jun 2024", "31 June 2024 does not exist (June 2024 has 30 days)"),
        ("00/05/2024", "there is no day 0"),
        ("next Tuesday", "is not a date in the form dd/mm/yyyy, yyyy-mm-dd or d Mon yyyy"),
    ],
)
def test_a_date_that_does_not_exist_is_called_so(tmp_path, text, says):
    path = write(tmp_path / "f.csv", [HEADER, f"D-1,enquiry,{text},phone,Ann Lee,,,,,,,Q,,,,,,"])
    [error] = import_legacy(path).errors
    assert f"received_date '{text}' is not a date" in error.reason
    assert says in error.reason


def test_a_repaired_case_can_be_repaired_again_by_a_later_file(tmp_path, officer):
    """A repair is the import's own writing, not staff working the case."""
    cut = "R-1,PALS concern,2021-05-04,phone,Ann Lee,,,,,,,Parkin,,,,,,"
    fuller = "R-1,PALS concern,2021-05-04,phone,Ann Lee,,,,,,Communications,Parking,,,,,,"
    import_legacy(write(tmp_path / "a.csv", [HEADER, cut]))
    assert len(import_legacy(write(tmp_path / "b.csv", [HEADER, fuller]), by=officer).repaired) == 1
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('[closing]\ninformal_without_closed_date = "resolved on received date"\n')
    report = import_legacy(tmp_path / "b.csv", mapping=load_mapping(mapping), by=officer)
    assert len(report.repaired) == 1 and report.left_as_they_are == []
    assert Case.objects.get(legacy_reference="R-1").status == Status.RESOLVED
