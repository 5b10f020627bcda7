"""Referrals to other organisations (casework/referrals/services.py): consent first, every refusal,
the organisation's deadlines, the pack and the e-mail, replies, chasers, reg 7 and reg 9."""

import datetime as dt
import io
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from casework.exceptions import CaseworkError
from casework.letters.models import LetterKind, LetterTemplate
from casework.letters.services import generate_letter
from casework.referrals import services as referrals
from casework.referrals.models import CommissionerDecisionChoice, Referral, ReferralChaser
from casework.tasks import chase_overdue_referrals_task
from casework.workflow import ContactMethod, Outcome, ReferralStatus
from tests.factories import CaseFactory, OrganisationFactory, PersonFactory, UserFactory

# Mon 6 Jan 2025: three working days later is Thu 9 Jan (RULES.md).
SENT_AT = timezone.make_aware(dt.datetime(2025, 1, 6, 10, 0))


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def practice(db):
    return OrganisationFactory(
        ods_code="A81001",
        name="Densham Surgery",
        complaints_contact_name="Pat Practice-Manager",
        complaints_contact_email="complaints@densham.example",
        complaints_contact_address="Densham Surgery\n1 High Street\nLeeds",
    )


@pytest.fixture
def owner(db):
    return UserFactory(username="owner", email="owner@unit.example")


@pytest.fixture
def complainant(db):
    return PersonFactory(
        given_name="Jo", family_name="Bloggs", address="2 Low Road\nLeeds", postcode="LS2 1AA"
    )


@pytest.fixture
def case(practice, complainant, owner):
    return CaseFactory(
        organisation=practice,
        person=complainant,
        by=owner,
        received_on=dt.date(2025, 1, 2),
        description="The practice cancelled my appointment three times without telling me.",
    )


def consented(case, org, complainant, by, part="all"):
    referral = referrals.start_referral(case, organisation=org, part=part, by=by, at=SENT_AT)
    return referrals.record_consent(
        referral,
        given_by=complainant,
        method=ContactMethod.PHONE,
        given_on=dt.date(2025, 1, 3),
        scope="Share the complaint and my contact details with the practice",
        by=by,
        at=SENT_AT,
    )


@pytest.fixture
def sent(case, practice, complainant, owner):
    referral = consented(case, practice, complainant, owner)
    return referrals.send_referral(referral, by=owner, at=SENT_AT)


def pdf_text(field_file) -> str:
    """The PDF's text as pdftotext (poppler-utils) reads it, with line breaks evened out."""
    with field_file.open("rb") as handle, tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
        tmp.write(handle.read())
        tmp.flush()
        text = subprocess.run(
            ["pdftotext", tmp.name, "-"], capture_output=True, text=True, check=True
        ).stdout
    return " ".join(text.split())


# --- Consent first -------------------------------------------------------------------------


def test_send_refuses_a_referral_without_consent_even_when_called_directly(
    case, practice, owner, mailoutbox
):
    referral = referrals.start_referral(
        case, organisation=practice, part="all", by=owner, at=SENT_AT
    )
    with pytest.raises(CaseworkError, match="Record the complainant's consent to share"):
        referrals.send_referral(referral, by=owner, at=SENT_AT)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.AWAITING_CONSENT
    assert referral.sent_on is None
    assert not referral.pack
    assert mailoutbox == []


def test_consent_to_share_with_one_organisation_does_not_cover_another(
    case, practice, complainant, owner, mailoutbox
):
    consented(case, practice, complainant, owner)
    other = OrganisationFactory(
        ods_code="V006578", name="Smile Dental", complaints_contact_email="c@smile.example"
    )
    to_other = referrals.start_referral(case, organisation=other, part="all", by=owner, at=SENT_AT)
    with pytest.raises(CaseworkError, match="consent to share the complaint with Smile Dental"):
        referrals.send_referral(to_other, by=owner, at=SENT_AT)
    assert mailoutbox == []


def test_a_referral_row_forced_to_ready_without_consent_is_still_refused(case, practice, owner):
    referral = referrals.start_referral(
        case, organisation=practice, part="all", by=owner, at=SENT_AT
    )
    Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.READY)
    with pytest.raises(CaseworkError, match="Record the complainant's consent"):
        referrals.send_referral(referral, by=owner, at=SENT_AT)


def test_the_database_refuses_a_sent_referral_without_consent(case, practice, owner):
    referral = referrals.start_referral(
        case, organisation=practice, part="all", by=owner, at=SENT_AT
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(sent_on=dt.date(2025, 1, 6))


def test_consent_must_come_from_someone_on_the_case(case, practice, owner):
    referral = referrals.start_referral(
        case, organisation=practice, part="all", by=owner, at=SENT_AT
    )
    for stranger in (PersonFactory(), None):
        with pytest.raises(CaseworkError, match="complainant, the patient or their representative"):
            referrals.record_consent(
                referral,
                given_by=stranger,
                method=ContactMethod.PHONE,
                given_on=dt.date(2025, 1, 3),
                scope="All of it",
                by=owner,
                at=SENT_AT,
            )


@pytest.mark.parametrize(
    ("given_on", "scope", "message"),
    [
        (dt.date(2025, 1, 7), "All of it", "today or in the past"),
        (None, "All of it", "today or in the past"),
        (dt.date(2024, 12, 1), "All of it", "before the case was received"),
        (dt.date(2025, 1, 3), "  ", "what the consent covers"),
    ],
)
def test_consent_needs_a_real_date_and_a_scope(
    case, practice, complainant, owner, given_on, scope, message
):
    referral = referrals.start_referral(
        case, organisation=practice, part="all", by=owner, at=SENT_AT
    )
    with pytest.raises(CaseworkError, match=message):
        referrals.record_consent(
            referral,
            given_by=complainant,
            method=ContactMethod.PHONE,
            given_on=given_on,
            scope=scope,
            by=owner,
            at=SENT_AT,
        )


# --- Bad input -----------------------------------------------------------------------------


def test_an_unknown_ods_code_is_refused(case, owner):
    with pytest.raises(
        CaseworkError, match="No organisation in the directory has the ODS code Z99999"
    ):
        referrals.start_referral(case, organisation="z99999", part="all", by=owner, at=SENT_AT)


def test_a_closed_organisation_is_refused_when_planning(case, owner):
    closed = OrganisationFactory(
        ods_code="A81009",
        name="Old Surgery",
        closed_on=dt.date(2024, 3, 31),
        complaints_contact_email="old@example.invalid",
    )
    with pytest.raises(CaseworkError, match="Old Surgery .* closed on 31 March 2024"):
        referrals.start_referral(case, organisation="A81009", part="all", by=owner, at=SENT_AT)
    assert not closed.referrals.exists()


def test_an_organisation_that_closed_after_consent_is_refused_at_sending(
    case, practice, complainant, owner, mailoutbox
):
    referral = consented(case, practice, complainant, owner)
    practice.closed_on = dt.date(2025, 1, 5)
    practice.save()
    with pytest.raises(CaseworkError, match="cannot go to a closed organisation"):
        referrals.send_referral(referral, by=owner, at=SENT_AT)
    assert mailoutbox == []


def test_an_organisation_without_a_complaints_email_is_refused(case, complainant, owner):
    no_contact = OrganisationFactory(ods_code="A81010", name="Quiet Surgery")
    referral = consented(case, no_contact, complainant, owner)
    with pytest.raises(CaseworkError, match="Quiet Surgery .* has no complaints contact e-mail"):
        referrals.send_referral(referral, by=owner, at=SENT_AT)


def test_a_duplicate_referral_of_the_same_part_is_refused(case, practice, complainant, owner):
    consented(case, practice, complainant, owner, part="Appointments")
    with pytest.raises(CaseworkError, match="already has a referral of “appointments”"):
        referrals.start_referral(
            case, organisation=practice, part="appointments", by=owner, at=SENT_AT
        )
    # A different part of the same complaint may go to the same organisation.
    other = referrals.start_referral(
        case, organisation=practice, part="Prescriptions", by=owner, at=SENT_AT
    )
    assert other.pk


def test_the_database_refuses_a_duplicate_part_whatever_its_case(case, practice, owner):
    referrals.start_referral(case, organisation=practice, part="all", by=owner, at=SENT_AT)
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.create(case=case, organisation=practice, part="ALL", created_at=SENT_AT)


def test_a_referral_is_sent_only_once(sent, owner, mailoutbox):
    with pytest.raises(CaseworkError, match="already sent on 6 January 2025"):
        referrals.send_referral(sent, by=owner, at=SENT_AT)
    assert len(mailoutbox) == 1


# --- Sending -------------------------------------------------------------------------------


def test_sending_sets_the_organisations_deadlines(sent, settings):
    assert sent.status == ReferralStatus.SENT
    assert sent.sent_on == dt.date(2025, 1, 6)
    # Three working days after the day of sending.
    assert sent.acknowledgement_due == dt.date(2025, 1, 9)
    # 25 working days by default: Mon 6 Jan 2025 + 25 working days = Mon 10 Feb 2025.
    assert sent.response_due == dt.date(2025, 2, 10)
    assert not sent.response_due_agreed


def test_the_default_response_period_is_configurable(case, practice, complainant, owner, settings):
    settings.REFERRAL_RESPONSE_WORKING_DAYS = 10
    referral = referrals.send_referral(
        consented(case, practice, complainant, owner), by=owner, at=SENT_AT
    )
    assert referral.response_due == dt.date(2025, 1, 20)


def test_an_agreed_response_date_is_kept(case, practice, complainant, owner):
    referral = referrals.send_referral(
        consented(case, practice, complainant, owner),
        by=owner,
        at=SENT_AT,
        response_due=dt.date(2025, 3, 3),
    )
    assert referral.response_due == dt.date(2025, 3, 3)
    assert referral.response_due_agreed


def test_the_pack_is_emailed_to_the_complaints_contact_with_the_pdf_attached(sent, mailoutbox):
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["complaints@densham.example"]
    assert sent.case.reference in message.subject
    assert "respond by 10 February 2025" in message.subject
    ((name, content, mimetype),) = message.attachments
    assert mimetype == "application/pdf"
    assert name.endswith(".pdf")
    assert content.startswith(b"%PDF")


def test_the_pack_is_addressed_to_the_contact_and_carries_the_complaint_and_consent(sent):
    text = pdf_text(sent.pack)
    assert "Pat Practice-Manager" in text
    assert "1 High Street" in text
    assert sent.case.reference in text
    assert "Complaint referred to you for a response" in text
    assert "cancelled my appointment three times" in text
    assert "Jo Bloggs" in text
    assert "Given by Jo Bloggs (phone) on 3 January 2025" in text
    assert "Thursday 9 January 2025" in text
    assert "Monday 10 February 2025" in text


def test_the_complainant_gets_a_letter_saying_where_the_complaint_went(sent, complainant):
    # It is a letter on the case (Letters tab: downloaded, marked as sent), not a loose file.
    notice = sent.notice
    assert notice.kind == LetterKind.REFERRAL_NOTICE
    assert notice.recipient == complainant
    assert list(sent.case.letters.all()) == [notice]
    assert not notice.is_sent
    text = pdf_text(notice.pdf)
    assert f"Your complaint: reference {sent.case.reference}" in text
    assert "Dear Jo Bloggs" in text
    assert "2 Low Road" in text  # to the complainant
    assert "Your complaint is about services provided by Densham Surgery" in text
    assert "Densham Surgery 1 High Street Leeds" in text  # where it went
    assert "acknowledge it by Thursday 9 January 2025" in text
    assert "respond by Monday 10 February 2025" in text
    assert "Parliamentary and Health Service Ombudsman" in text
    assert sent.history.latest().history_change_reason == (
        "Referral pack sent to Densham Surgery (A81001) (complaints@densham.example)"
    )


def test_the_letter_follows_the_wording_an_administrator_set(case, practice, complainant, owner):
    template = LetterTemplate.objects.get(kind=LetterKind.REFERRAL_NOTICE)
    template.body = "Dear {{ recipient_name }}, {{ referred_to_name }} now has your complaint."
    template.save()
    referral = referrals.send_referral(
        consented(case, practice, complainant, owner), by=owner, at=SENT_AT
    )
    assert "Dear Jo Bloggs, Densham Surgery now has your complaint." in pdf_text(
        referral.notice.pdf
    )


def test_without_a_postal_address_the_referral_goes_and_says_the_letter_could_not_be_made(
    case, practice, complainant, owner, mailoutbox
):
    complainant.address = ""
    complainant.save()
    referral = referrals.send_referral(
        consented(case, practice, complainant, owner), by=owner, at=SENT_AT
    )
    assert referral.sent_on == SENT_AT.date()
    assert len(mailoutbox) == 1
    assert referral.notice is None
    assert not case.letters.exists()
    assert "Add Jo Bloggs's postal address" in referral.notice_refused
    assert "no letter to the complainant: Add Jo Bloggs's postal address" in (
        referral.history.latest().history_change_reason
    )


def test_a_letter_made_by_hand_afterwards_describes_the_referral_sent(case, complainant, owner):
    # The case is about the practice, but this part went to the trust: the letter, generated
    # from the Letters tab once the address is known, says where it went and the dates.
    trust = OrganisationFactory(
        name="Leeds Teaching Hospitals",
        complaints_contact_email="pals@lth.example",
        complaints_contact_address="Complaints Team\nBeckett Street\nLeeds",
    )
    complainant.address = ""
    complainant.save()
    referrals.send_referral(consented(case, trust, complainant, owner), by=owner, at=SENT_AT)
    complainant.address = "2 Low Road\nLeeds"
    complainant.save()
    letter = generate_letter(
        case, LetterKind.REFERRAL_NOTICE, recipient=complainant, by=owner, at=SENT_AT
    )
    text = pdf_text(letter.pdf)
    assert "provided by Leeds Teaching Hospitals" in text
    assert "Complaints Team Beckett Street Leeds" in text
    assert "acknowledge it by Thursday 9 January 2025" in text


def test_a_switched_off_template_does_not_hold_the_referral_back(
    case, practice, complainant, owner
):
    LetterTemplate.objects.filter(kind=LetterKind.REFERRAL_NOTICE).update(is_active=False)
    referral = referrals.send_referral(
        consented(case, practice, complainant, owner), by=owner, at=SENT_AT
    )
    assert referral.sent_on == SENT_AT.date()
    assert referral.notice is None
    assert "There is no Where the complaint was sent" in referral.notice_refused


def test_without_a_complaints_address_the_pack_and_letter_use_the_organisation_s_own(
    case, complainant, owner
):
    practice = OrganisationFactory(
        ods_code="B86009",
        name="Kirkstall Surgery",
        complaints_contact_email="complaints@kirkstall.example",
        complaints_contact_address="",
        address="5 Abbey Road\nLeeds",
        postcode="LS5 3HS",
    )
    referral = referrals.send_referral(
        consented(case, practice, complainant, owner), by=owner, at=SENT_AT
    )
    assert "Kirkstall Surgery (B86009) 5 Abbey Road Leeds LS5 3HS" in pdf_text(referral.pack)
    assert "5 Abbey Road Leeds LS5 3HS" in pdf_text(referral.notice.pdf)


def test_a_part_referral_says_which_part(case, practice, complainant, owner):
    referral = referrals.send_referral(
        consented(case, practice, complainant, owner, part="The cancelled appointments"),
        by=owner,
        at=SENT_AT,
    )
    assert "The cancelled appointments" in pdf_text(referral.pack)
    notice = pdf_text(referral.notice.pdf)
    assert "Part of your complaint (The cancelled appointments) is about services" in notice
    assert "we have sent the details of that part to them" in notice


def test_a_mail_server_failure_leaves_the_referral_unsent(
    case, practice, complainant, owner, settings
):
    settings.EMAIL_BACKEND = "tests.casework.test_referrals.RefusingBackend"
    referral = consented(case, practice, complainant, owner)
    with pytest.raises(OSError):
        referrals.send_referral(referral, by=owner, at=SENT_AT)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.READY
    assert referral.sent_on is None
    # Neither the pack nor the complainant's letter is left behind in file storage.
    assert not [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]
    assert not case.letters.exists()


class RefusingBackend:
    """A mail backend whose server is down (a stand-in for an unreachable SMTP host)."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_every_step_is_in_the_referral_history_with_who_and_why(sent, owner):
    reasons = [h.history_change_reason for h in sent.history.order_by("history_id")]
    assert reasons[0].startswith("Referral to Densham Surgery (A81001) planned")
    assert reasons[1] == "Consent to share with Densham Surgery (A81001) given by Jo Bloggs"
    assert reasons[2].startswith("Referral pack sent to Densham Surgery")
    assert {h.history_user for h in sent.history.all()} == {owner}


# --- Replies -------------------------------------------------------------------------------


def test_acknowledgement_and_response_with_a_document_then_closure(sent, owner):
    at = SENT_AT + dt.timedelta(days=20)
    referrals.record_provider_acknowledgement(
        sent, acknowledged_on=dt.date(2025, 1, 8), by=owner, at=at
    )
    document = SimpleUploadedFile(
        "response.pdf", b"%PDF-1.4 the practice's reply", "application/pdf"
    )
    referral = referrals.record_provider_response(
        sent,
        received_on=dt.date(2025, 1, 24),
        summary="The practice apologised and changed its booking process.",
        outcome=Outcome.UPHELD,
        document=document,
        by=owner,
        at=at,
    )
    assert referral.status == ReferralStatus.RESPONSE_RECEIVED
    assert referral.response_document.read().startswith(b"%PDF")
    referral = referrals.close_referral(
        referral, outcome=Outcome.UPHELD, reason="", by=owner, at=at
    )
    assert referral.status == ReferralStatus.CLOSED
    assert referral.closed_on == dt.date(2025, 1, 26)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("reply.exe", b"MZ\x90\x00", "must be a PDF, Word"),
        ("reply.pdf", b"MZ\x90\x00 not a pdf", "named .pdf but is not a PDF file"),
        ("reply.pdf", b"", "is empty"),
    ],
)
def test_a_response_document_is_checked_for_type(sent, owner, name, content, message):
    with pytest.raises(CaseworkError, match=message):
        referrals.record_provider_response(
            sent,
            received_on=dt.date(2025, 1, 24),
            summary="Reply",
            document=SimpleUploadedFile(name, content),
            by=owner,
            at=SENT_AT + dt.timedelta(days=20),
        )


def test_a_response_document_over_10_mb_is_refused(sent, owner):
    big = SimpleUploadedFile("reply.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024))
    with pytest.raises(CaseworkError, match="10 MB or smaller"):
        referrals.record_provider_response(
            sent,
            received_on=dt.date(2025, 1, 24),
            summary="Reply",
            document=big,
            by=owner,
            at=SENT_AT + dt.timedelta(days=20),
        )


def test_a_reply_cannot_predate_the_referral(sent, owner):
    with pytest.raises(CaseworkError, match="cannot be before the referral was sent"):
        referrals.record_provider_acknowledgement(
            sent, acknowledged_on=dt.date(2025, 1, 5), by=owner, at=SENT_AT
        )


def test_closing_without_a_response_needs_a_reason(sent, owner):
    with pytest.raises(CaseworkError, match="give the reason"):
        referrals.close_referral(sent, outcome=Outcome.WITHDRAWN, reason=" ", by=owner, at=SENT_AT)


# --- Chasers -------------------------------------------------------------------------------


def test_overdue_acknowledgements_are_chased_once_a_day_and_the_owner_told(sent, mailoutbox):
    mailoutbox.clear()
    friday = dt.date(2025, 1, 10)  # acknowledgement was due Thu 9 Jan
    now = timezone.make_aware(dt.datetime(2025, 1, 10, 7, 15))
    assert referrals.chase_overdue_referrals(dt.date(2025, 1, 9), now=now) == 0
    assert referrals.chase_overdue_referrals(friday, now=now) == 1
    assert referrals.chase_overdue_referrals(friday, now=now) == 0
    assert [m.to for m in mailoutbox] == [["complaints@densham.example"], ["owner@unit.example"]]
    assert "acknowledgement overdue" in mailoutbox[0].subject
    assert "Jo Bloggs" not in mailoutbox[1].body
    assert sent.case.reference in mailoutbox[1].body
    chaser = ReferralChaser.objects.get()
    assert (chaser.kind, chaser.sent_on) == ("acknowledgement", friday)
    # The next working day it is chased again.
    monday = timezone.make_aware(dt.datetime(2025, 1, 13, 7, 15))
    assert referrals.chase_overdue_referrals(dt.date(2025, 1, 13), now=monday) == 1
    assert ReferralChaser.objects.count() == 2


def test_an_acknowledged_referral_is_chased_only_after_its_response_date(sent, owner, mailoutbox):
    referrals.record_provider_acknowledgement(
        sent, acknowledged_on=dt.date(2025, 1, 8), by=owner, at=SENT_AT + dt.timedelta(days=2)
    )
    mailoutbox.clear()
    now = timezone.make_aware(dt.datetime(2025, 2, 10, 7, 15))
    assert referrals.chase_overdue_referrals(dt.date(2025, 2, 10), now=now) == 0
    assert referrals.chase_overdue_referrals(dt.date(2025, 2, 11), now=now) == 1
    assert "response overdue" in mailoutbox[0].subject


def test_the_daily_task_and_command_chase(sent, mailoutbox):
    mailoutbox.clear()
    Referral.objects.filter(pk=sent.pk).update(acknowledgement_due=dt.date(2000, 1, 3))
    assert chase_overdue_referrals_task.delay().get() == 1
    out = io.StringIO()
    call_command("chase_referrals", stdout=out)
    assert "Chased 0 overdue referrals." in out.getvalue()


# --- Reg 7 and reg 9 ------------------------------------------------------------------------


def test_the_commissioner_cannot_pass_a_complaint_to_the_provider_without_consent(
    case, practice, owner
):
    with pytest.raises(CaseworkError, match="only if the complainant consents"):
        referrals.record_commissioner_decision(
            case,
            provider=practice,
            decision=CommissionerDecisionChoice.PASS_TO_PROVIDER,
            complainant_consents=False,
            reasons="The practice is best placed",
            by=owner,
            at=SENT_AT,
        )
    decision = referrals.record_commissioner_decision(
        case,
        provider=practice,
        decision=CommissionerDecisionChoice.HANDLE_ITSELF,
        complainant_consents=False,
        reasons="The complainant does not want the practice to know",
        by=owner,
        at=SENT_AT,
    )
    assert decision.decided_by == owner
    assert decision.decided_on == dt.date(2025, 1, 6)


def test_the_commissioner_decision_names_the_provider(case, owner):
    with pytest.raises(CaseworkError, match="Choose the provider"):
        referrals.record_commissioner_decision(
            case,
            provider=None,
            decision=CommissionerDecisionChoice.HANDLE_ITSELF,
            complainant_consents=False,
            reasons="The complainant does not want the practice to know",
            by=owner,
            at=SENT_AT,
        )


def test_one_coordinated_response_brings_the_parts_together(case, practice, complainant, owner):
    trust = OrganisationFactory(
        ods_code="RX1", name="City Hospitals NHS Trust", complaints_contact_email="c@trust.example"
    )
    to_trust = referrals.send_referral(
        consented(case, trust, complainant, owner, part="The hospital discharge"),
        by=owner,
        at=SENT_AT,
    )
    referrals.set_involved_body(
        case, organisation=practice, part="Appointments at the practice", is_lead=True, by=owner
    )
    referrals.set_involved_body(
        case, organisation=trust, part="The hospital discharge", is_lead=False, by=owner
    )
    with pytest.raises(CaseworkError, match="Waiting for the response from City Hospitals"):
        referrals.produce_coordinated_response(case, by=owner, at=SENT_AT)
    referrals.record_provider_response(
        to_trust,
        received_on=dt.date(2025, 1, 20),
        summary="The discharge letter was sent late; the ward has changed its checklist.",
        outcome=Outcome.PARTLY_UPHELD,
        by=owner,
        at=SENT_AT + dt.timedelta(days=20),
    )
    lead = referrals.produce_coordinated_response(case, by=owner, at=SENT_AT)
    text = pdf_text(lead.coordinated_response)
    assert "Our co-ordinated response to your complaint" in text
    assert "Densham Surgery (lead)" in text
    assert "Appointments at the practice" in text
    assert "the ward has changed its checklist" in text


def test_making_another_body_lead_replaces_the_lead(case, practice, owner):
    trust = OrganisationFactory(ods_code="RX1", name="City Hospitals NHS Trust")
    referrals.set_involved_body(case, organisation=practice, part="A", is_lead=True, by=owner)
    referrals.set_involved_body(case, organisation=trust, part="B", is_lead=True, by=owner)
    assert [b.organisation for b in case.involved_bodies.filter(is_lead=True)] == [trust]


def test_the_complaints_contact_is_edited_with_a_reason(practice, owner):
    with pytest.raises(CaseworkError, match="Give a reason"):
        referrals.update_complaints_contact(
            practice, name="A", email="a@example.invalid", address="", by=owner, reason=""
        )
    org = referrals.update_complaints_contact(
        practice,
        name="Ann New",
        email="new@densham.example",
        address="",
        by=owner,
        reason="Practice manager changed",
    )
    assert org.complaints_contact_email == "new@densham.example"
    assert org.history.latest().history_change_reason == "Practice manager changed"


# --- Screens -------------------------------------------------------------------------------


def test_the_case_page_offers_consent_not_sending_until_consent_is_recorded(
    officer_client, case, practice, complainant, owner
):
    referral = referrals.start_referral(
        case, organisation=practice, part="all", by=owner, at=SENT_AT
    )
    page = officer_client.get(f"/cases/{case.reference}/").content.decode()
    assert "Referrals (1)" in page
    assert f"/referrals/{referral.pk}/consent/" in page
    assert f"/referrals/{referral.pk}/send/" not in page
    # The referral's own history is part of the case's History tab.
    assert "Referral to Densham Surgery (A81001) planned: all" in page
    detail = officer_client.get(f"/cases/{case.reference}/referrals/{referral.pk}/")
    assert "Send the referral" not in detail.content.decode()
    # Going to the send page by its address does not offer it either.
    response = officer_client.get(f"/cases/{case.reference}/referrals/{referral.pk}/send/")
    assert response.status_code == 302
    response = officer_client.post(
        f"/cases/{case.reference}/referrals/{referral.pk}/send/", {"confirm": "on"}
    )
    referral.refresh_from_db()
    assert referral.sent_on is None


def test_sending_from_the_page_links_the_letter_or_says_why_there_is_none(
    officer_client, case, practice, complainant, owner
):
    # With an address: the referral page links the letter, not yet marked as sent.
    referral = consented(case, practice, complainant, owner)
    url = f"/cases/{case.reference}/referrals/{referral.pk}/"
    response = officer_client.post(url + "send/", {"confirm": "on"}, follow=True)
    page = response.content.decode()
    assert "Referral sent to complaints@densham.example." in page
    referral.refresh_from_db()
    assert f"/cases/{case.reference}/letters/{referral.notice.pk}/pdf/" in page
    assert "not yet marked as sent: see the Letters tab" in page

    # Without one: sent all the same, and the page says what to do about the letter.
    other = OrganisationFactory(complaints_contact_email="complaints@other.example")
    complainant.address = ""
    complainant.save()
    second = consented(case, other, complainant, owner)
    url = f"/cases/{case.reference}/referrals/{second.pk}/"
    page = officer_client.post(url + "send/", {"confirm": "on"}, follow=True).content.decode()
    assert "Referral sent to complaints@other.example." in page
    assert (
        "No letter to the complainant was made: Add Jo Bloggs&#x27;s postal address before "
        "generating a letter. Then generate “Where the complaint was sent (regs 6 and 7)” "
        "from the case&#x27;s Letters tab."
    ) in page


def test_the_case_page_query_count_does_not_grow_with_referrals(
    officer_client, case, complainant, owner, django_assert_max_num_queries
):
    url = f"/cases/{case.reference}/"
    officer_client.get(url)
    with django_assert_max_num_queries(40) as few:
        officer_client.get(url)
    for n in range(6):
        org = OrganisationFactory(complaints_contact_email=f"c{n}@example.invalid")
        consented(case, org, complainant, owner)
    with django_assert_max_num_queries(40) as many:
        page = officer_client.get(url)
    assert "Referrals (6)" in page.content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)


def test_an_unknown_ods_code_is_explained_by_the_field(officer_client, case):
    response = officer_client.post(
        f"/cases/{case.reference}/referrals/new/", {"ods_code": "Q99999", "part": "all"}
    )
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_ods_code"' in page
    assert "No organisation in the directory has the ODS code Q99999" in page
    assert 'value="Q99999"' in page


def test_an_investigator_cannot_refer_a_case_outside_their_team(client, investigator, case):
    client.force_login(investigator)
    response = client.get(f"/cases/{case.reference}/referrals/new/")
    assert response.status_code == 404


def test_the_register_lists_open_referrals_by_organisation_with_working_days_outstanding(
    officer_client, sent
):
    page = officer_client.get("/referrals/").content.decode()
    assert "Densham Surgery (A81001)" in page
    assert sent.case.reference in page
    # Sent Mon 6 Jan 2025: many working days have passed since, and it is overdue.
    assert "Overdue" in page


@pytest.mark.parametrize("who", ["investigator", "commissioner"])
def test_the_register_is_for_officers_and_managers(db, client, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/referrals/").status_code == 403


def test_the_organisation_page_shows_its_referrals_and_how_quickly_it_answers(
    officer_client, sent, owner
):
    referrals.record_provider_response(
        sent,
        received_on=dt.date(2025, 1, 16),
        summary="Apology",
        by=owner,
        at=SENT_AT + dt.timedelta(days=20),
    )
    page = officer_client.get(f"/organisations/{sent.organisation.pk}/").content.decode()
    assert sent.case.reference in page
    assert "1 of 1 answered" in page
    assert "10.0 days" in page


def test_organisations_are_found_by_name_code_or_postcode(officer_client, practice):
    assert "Densham Surgery" in officer_client.get("/organisations/?q=a81001").content.decode()
    assert (
        "No organisation matches"
        in officer_client.get("/organisations/?q=nowhere").content.decode()
    )


def test_the_complaints_contact_form_needs_a_reason_and_keeps_what_was_typed(
    officer_client, practice
):
    url = f"/organisations/{practice.pk}/complaints-contact/"
    response = officer_client.post(
        url,
        {"complaints_contact_name": "Ann New", "complaints_contact_email": "not-an-email"},
    )
    page = response.content.decode()
    assert "Enter an email address like complaints@example.nhs.uk" in page
    assert "Enter the reason for the change" in page
    assert 'value="Ann New"' in page
    response = officer_client.post(
        url,
        {
            "complaints_contact_name": "Ann New",
            "complaints_contact_email": "ann@densham.example",
            "reason": "New practice manager",
        },
    )
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.complaints_contact_email == "ann@densham.example"


def test_a_wrong_response_document_is_explained_and_nothing_saved(officer_client, sent):
    url = f"/cases/{sent.case.reference}/referrals/{sent.pk}/response/"
    response = officer_client.post(
        url,
        {
            "received_on": "16/01/2025",
            "summary": "Their reply",
            "document": SimpleUploadedFile("reply.pdf", b"MZ not a pdf"),
        },
    )
    page = response.content.decode()
    assert "named .pdf but is not a PDF file" in page
    assert "Their reply" in page
    sent.refresh_from_db()
    assert sent.status == ReferralStatus.SENT


def test_the_pack_is_downloaded_only_by_those_who_see_the_case(
    officer_client, client, investigator, sent
):
    url = f"/cases/{sent.case.reference}/referrals/{sent.pk}/files/pack/"
    response = officer_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(investigator)
    assert client.get(url).status_code == 404


def test_a_chaser_the_mail_server_refused_is_not_recorded_and_goes_on_the_retry(
    sent, settings, mailoutbox
):
    mailoutbox.clear()
    friday = dt.date(2025, 1, 10)
    now = timezone.make_aware(dt.datetime(2025, 1, 10, 7, 15))
    settings.EMAIL_BACKEND = "tests.casework.test_referrals.RefusingBackend"
    with pytest.raises(OSError):
        referrals.chase_overdue_referrals(friday, now=now)
    assert not ReferralChaser.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert referrals.chase_overdue_referrals(friday, now=now) == 1
    assert ReferralChaser.objects.count() == 1


def test_the_register_runs_a_fixed_number_of_queries(
    officer_client, case, complainant, owner, django_assert_max_num_queries
):
    for n in range(8):
        org = OrganisationFactory(complaints_contact_email=f"c{n}@example.invalid")
        referrals.send_referral(consented(case, org, complainant, owner), by=owner, at=SENT_AT)
    with django_assert_max_num_queries(8):
        page = officer_client.get("/referrals/")
    assert page.content.decode().count(f">{case.reference}</a>") == 8


def test_the_commissioner_decision_form_explains_passing_on_needs_consent(
    officer_client, case, practice
):
    url = f"/cases/{case.reference}/commissioner-decision/"
    response = officer_client.post(
        url,
        {
            "provider": practice.pk,
            "complainant_consents": "no",
            "decision": "pass_to_provider",
            "reasons": "The practice is best placed to answer",
        },
    )
    page = response.content.decode()
    assert "Without the complainant&#x27;s consent the commissioner handles" in page
    assert "The practice is best placed to answer" in page
    response = officer_client.post(
        url,
        {
            "provider": practice.pk,
            "complainant_consents": "yes",
            "decision": "pass_to_provider",
            "reasons": "The practice is best placed to answer",
        },
    )
    assert response.status_code == 302
    page = officer_client.get(f"/cases/{case.reference}/").content.decode()
    assert "Pass it to the provider to handle (with consent)" in page


def test_the_bodies_of_a_joint_complaint_and_the_coordinated_response_from_the_screens(
    officer_client, case, practice
):
    url = f"/cases/{case.reference}/organisations/"
    response = officer_client.post(
        url, {"ods_code": "a81001", "part": "Appointments", "is_lead": "on"}
    )
    assert response.status_code == 302
    page = officer_client.get(url).content.decode()
    assert "Densham Surgery (A81001)" in page and "Lead" in page
    response = officer_client.post(url, {"produce": "1"}, follow=True)
    assert "Co-ordinated response produced." in response.content.decode()
    download = officer_client.get(f"{url}coordinated-response/")
    assert b"".join(download.streaming_content).startswith(b"%PDF")
