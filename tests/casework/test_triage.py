"""The triage queue: one queue ordered by priority then age, how long each has waited, and the
four things staff do with a contact — mark priority (alerting the duty manager when urgent),
attach it to a case, open a case from it, or resolve it on the spot."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from casework.exceptions import CaseworkError
from casework.models import Case, CaseParty, Consent, PartyRole
from casework.triage import services as triage
from casework.workflow import CaseKind, Status
from contacts import intake
from contacts.models import Channel, Contact, Priority, TriageStatus
from tests.clock import FROZEN_NOW
from tests.factories import CaseFactory

NOW = FROZEN_NOW
pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def waiting(hours_ago=1, priority=Priority.NORMAL, **fields):
    contact = Contact(
        channel=fields.pop("channel", Channel.EMAIL),
        contacted_at=NOW - dt.timedelta(hours=hours_ago),
        summary=fields.pop("summary", "Please call me about my appointment."),
        triage_status=TriageStatus.WAITING,
        priority=priority,
        **fields,
    )
    contact.save()
    return contact


def test_the_queue_puts_urgent_and_safeguarding_first_then_the_longest_waiting(db):
    old_normal = waiting(hours_ago=50)
    new_high = waiting(hours_ago=1, priority=Priority.HIGH)
    new_urgent = waiting(hours_ago=2, priority=Priority.URGENT_CLINICAL)
    older_safeguarding = waiting(hours_ago=3, priority=Priority.SAFEGUARDING)
    newest_normal = waiting(hours_ago=0)
    done = waiting(hours_ago=100)
    triage.resolve_on_the_spot(done, by=None, at=NOW, note="Answered by phone")
    assert list(triage.waiting_contacts()) == [
        older_safeguarding,
        new_urgent,
        new_high,
        old_normal,
        newest_normal,
    ]


def test_the_queue_page_shows_how_long_each_has_waited(officer_client):
    waiting(hours_ago=50, sender_name="Pat Jones")
    page = officer_client.get(reverse("triage_queue")).content.decode()
    assert "Pat Jones" in page
    assert "2\xa0days" in page


@pytest.mark.parametrize(
    "fixture, allowed",
    [("officer", True), ("manager", True), ("investigator", False), ("commissioner", False)],
)
@pytest.mark.django_db
def test_only_unit_wide_roles_work_the_queue(client, request, fixture, allowed):
    client.force_login(request.getfixturevalue(fixture))
    contact = waiting()
    for url in (reverse("triage_queue"), reverse("triage_contact", args=[contact.pk])):
        assert client.get(url).status_code == (200 if allowed else 403)


def test_marking_a_safeguarding_concern_alerts_the_complaints_managers(
    officer, manager, django_capture_on_commit_callbacks
):
    manager.email = "mina@example.nhs.uk"
    manager.save()
    contact = waiting()
    with django_capture_on_commit_callbacks(execute=True):
        triage.set_priority(contact, Priority.SAFEGUARDING, by=officer, at=NOW)
    contact.refresh_from_db()
    assert contact.priority == Priority.SAFEGUARDING
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["mina@example.nhs.uk"]
    assert "Safeguarding concern" in mail.outbox[0].subject
    # The alert links to the contact and does not copy what was said into e-mail.
    assert reverse("triage_contact", args=[contact.pk]) in mail.outbox[0].body
    assert contact.summary not in mail.outbox[0].body
    record = contact.history.latest()
    assert record.history_user == officer
    assert "Normal to Safeguarding concern" in record.history_change_reason


def test_a_duty_manager_address_setting_takes_the_alert_instead(
    officer, manager, settings, django_capture_on_commit_callbacks
):
    settings.DUTY_MANAGER_EMAIL = "duty@example.nhs.uk"
    with django_capture_on_commit_callbacks(execute=True):
        triage.set_priority(waiting(), Priority.URGENT_CLINICAL, by=officer, at=NOW)
    assert [m.to for m in mail.outbox] == [["duty@example.nhs.uk"]]


def test_raising_to_high_alerts_nobody(officer, manager, django_capture_on_commit_callbacks):
    manager.email = "mina@example.nhs.uk"
    manager.save()
    with django_capture_on_commit_callbacks(execute=True):
        triage.set_priority(waiting(), Priority.HIGH, by=officer, at=NOW)
    assert mail.outbox == []


def test_attaching_to_a_case_takes_it_off_the_queue(officer_client, officer):
    case = CaseFactory()
    contact = waiting()
    response = officer_client.post(
        reverse("triage_contact", args=[contact.pk]),
        {"action": "attach", "attach-case_reference": case.reference.lower()},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.case == case
    assert contact.triage_status == TriageStatus.ATTACHED
    assert contact.triaged_by == officer
    assert contact not in triage.waiting_contacts()


def test_attaching_to_a_case_that_does_not_exist_says_so(officer_client):
    contact = waiting()
    response = officer_client.post(
        reverse("triage_contact", args=[contact.pk]),
        {"action": "attach", "attach-case_reference": "COMP-2020-999999"},
    )
    page = response.content.decode()
    assert "There is a problem" in page
    assert "There is no case COMP-2020-999999 that you can see" in page
    contact.refresh_from_db()
    assert contact.triage_status == TriageStatus.WAITING


def test_a_case_opened_from_a_public_complaint_on_behalf_records_the_people_and_consent(
    officer_client, officer
):
    received = NOW - dt.timedelta(days=3)
    contact = intake.record_public_submission(
        at=received,
        summary="My father's operation was cancelled three times.",
        declared_kind="complaint",
        sender_name="Alex Morgan",
        sender_email="alex@example.com",
        on_behalf=True,
        patient_name="Geoff Morgan",
        patient_date_of_birth=dt.date(1940, 1, 2),
        relationship_to_patient="child",
        representative_basis="given",
        event_date=dt.date(2026, 1, 5),
    )
    page = officer_client.get(reverse("triage_contact", args=[contact.pk])).content.decode()
    # The kind the person chose is proposed.
    assert '<option value="complaint" selected>' in page
    response = officer_client.post(
        reverse("triage_contact", args=[contact.pk]),
        {"action": "open_case", "open_case-kind": "complaint"},
    )
    case = Case.objects.get()
    assert response["Location"] == reverse("case_detail", args=[case.reference])
    assert case.kind == CaseKind.COMPLAINT
    assert case.status == Status.RECEIVED
    # SI 2009/309 reg 13: the clock runs from the day the form came in, not from triage.
    assert case.received_on == timezone.localdate(received)
    assert case.event_date == dt.date(2026, 1, 5)
    parties = {(p.person.full_name, p.role): p for p in CaseParty.objects.select_related("person")}
    assert set(parties) == {
        ("Alex Morgan", PartyRole.REPRESENTATIVE),
        ("Alex Morgan", PartyRole.COMPLAINANT),
        ("Geoff Morgan", PartyRole.PATIENT),
    }
    assert parties[("Alex Morgan", PartyRole.REPRESENTATIVE)].consent == Consent.GIVEN
    assert parties[("Geoff Morgan", PartyRole.PATIENT)].person.date_of_birth == dt.date(1940, 1, 2)
    contact.refresh_from_db()
    assert contact.case == case and contact.triage_status == TriageStatus.ATTACHED


def test_resolving_on_the_spot_needs_a_note(officer_client, officer):
    contact = waiting()
    page = officer_client.post(
        reverse("triage_contact", args=[contact.pk]), {"action": "resolve", "resolve-note": ""}
    ).content.decode()
    assert "Say how the contact was resolved" in page
    officer_client.post(
        reverse("triage_contact", args=[contact.pk]),
        {"action": "resolve", "resolve-note": "Gave the visiting hours"},
    )
    contact.refresh_from_db()
    assert contact.triage_status == TriageStatus.RESOLVED
    assert contact.triage_note == "Gave the visiting hours"
    assert contact.history.latest().history_user == officer


def test_a_contact_already_dealt_with_cannot_be_dealt_with_again(officer):
    contact = waiting()
    triage.resolve_on_the_spot(contact, by=officer, at=NOW, note="Done")
    with pytest.raises(CaseworkError, match="already dealt with"):
        triage.open_case_from_contact(contact, kind=CaseKind.ENQUIRY, by=officer, at=NOW)


def test_a_case_reference_in_an_email_subject_finds_the_case(db):
    case = CaseFactory()
    assert triage.case_from_subject(f"RE: FW: {case.reference} reply") == case
    assert triage.case_from_subject("About COMP-1999-000001") is None
    assert triage.case_from_subject("No reference here") is None


def test_attachments_are_served_only_to_those_who_may_see_the_contact(
    client, officer, investigator, commissioner
):
    contact = waiting()
    attachment = intake.add_attachment(contact, name="letter.pdf", data=b"%PDF-1.4 x")
    url = reverse("contact_attachment", args=[attachment.pk])
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(commissioner)
    assert client.get(url).status_code == 403
    client.force_login(investigator)
    assert client.get(url).status_code == 404
    client.force_login(officer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == b"%PDF-1.4 x"


def test_files_of_a_contact_attached_to_a_case_are_listed_on_the_case_page(officer_client, officer):
    case = CaseFactory()
    contact = waiting()
    attachment = intake.add_attachment(contact, name="scan.pdf", data=b"%PDF-1.4 x")
    triage.attach_to_case(contact, case, by=officer, at=NOW)
    page = officer_client.get(reverse("case_detail", args=[case.reference])).content.decode()
    assert reverse("contact_attachment", args=[attachment.pk]) in page
    assert "scan.pdf" in page
