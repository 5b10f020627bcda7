"""The benchmark data generator writes a realistic, usable data set."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from casework import deadlines, services
from casework.letters.models import Letter, LetterKind
from casework.models import Case, CaseParty, PartyRole, StaffGroup, StatusChange, Subject
from casework.referrals import services as referrals
from casework.referrals.models import Referral
from casework.workflow import CaseKind, ReferralStatus, Status
from contacts.models import Contact, Organisation, OrganisationType, Person

pytestmark = pytest.mark.django_db

REFERRABLE_TYPES = {
    OrganisationType.GP_PRACTICE,
    OrganisationType.DENTAL_PRACTICE,
    OrganisationType.PHARMACY,
    OrganisationType.OPTOMETRIST,
    OrganisationType.TRUST,
}


@pytest.fixture
def generated():
    call_command("generate_data", cases=400, seed=7, stdout=open("/dev/null", "w"))


def test_generator_fills_every_kind_and_organisation_type(generated):
    assert Case.objects.count() == 400
    assert set(Case.objects.values_list("kind", flat=True)) == set(CaseKind.values)
    assert set(Organisation.objects.values_list("org_type", flat=True)) >= {
        OrganisationType.GP_PRACTICE,
        OrganisationType.DENTAL_PRACTICE,
        OrganisationType.PHARMACY,
        OrganisationType.TRUST,
    }
    complaint_statuses = set(
        Case.objects.filter(kind=CaseKind.COMPLAINT).values_list("status", flat=True)
    )
    assert {Status.RECEIVED, Status.CLOSED} <= complaint_statuses
    # Every case allocated to a team: PALS, or a division's complaints team.
    teams = dict(Case.objects.values_list("kind").annotate(n=Count("team", distinct=True)))
    assert not Case.objects.filter(team__isnull=True).exists()
    assert teams[CaseKind.COMPLAINT] > 1 and teams[CaseKind.ENQUIRY] == 1
    per_case = Contact.objects.count() / Case.objects.count()
    assert 2 <= per_case <= 4
    assert Person.objects.annotate(n=Count("contacts")).filter(n__gte=5).exists()


def test_generated_cases_have_parties_status_rows_and_history(generated):
    case = Case.objects.filter(kind=CaseKind.COMPLAINT, status=Status.CLOSED).first()
    assert CaseParty.objects.filter(case=case).count() == 2
    assert StatusChange.objects.filter(case=case).last().new_status == Status.CLOSED
    assert case.history.count() == 1 and case.outcome
    assert Case.objects.filter(status=Status.RECEIVED, due_on__isnull=True).count() == 0


def test_references_continue_after_generated_data(generated):
    year = timezone.localdate().year
    last = Case.objects.filter(reference__startswith=f"COMP-{year}-").order_by("-reference")
    new = services.next_reference(CaseKind.COMPLAINT, year)
    assert new not in set(Case.objects.values_list("reference", flat=True))
    if last.exists():
        assert new > last.first().reference


def test_a_generated_case_opens_on_its_page(generated, officer_client):
    case = Case.objects.filter(kind=CaseKind.COMPLAINT).first()
    response = officer_client.get(reverse("case_detail", args=[case.reference]))
    assert response.status_code == 200


def test_generating_twice_continues_the_reference_series(generated):
    call_command("generate_data", cases=50, seed=8, stdout=open("/dev/null", "w"))
    references = list(Case.objects.values_list("reference", flat=True))
    assert len(references) == len(set(references)) == 450


def test_generated_referrals_go_to_the_organisations_only_with_consent(generated):
    referrals = list(Referral.objects.select_related("case", "organisation"))
    complaints = Case.objects.filter(kind=CaseKind.COMPLAINT).count()
    assert 0.05 * complaints <= len({r.case_id for r in referrals}) <= 0.3 * complaints
    assert {r.case.kind for r in referrals} == {CaseKind.COMPLAINT}
    assert {r.organisation.org_type for r in referrals} <= REFERRABLE_TYPES
    assert all(r.organisation.closed_on is None for r in referrals)
    sent = [r for r in referrals if r.sent_on]
    assert sent
    for referral in sent:
        complainant = referral.case.parties.get(role=PartyRole.COMPLAINANT).person_id
        assert referral.consent_given_by_id == complainant
        assert referral.case.received_on <= referral.consent_given_on <= referral.sent_on
        assert referral.consent_method and referral.consent_scope
        assert referral.acknowledgement_due == deadlines.acknowledgement_due(referral.sent_on)
        assert referral.response_due > referral.sent_on
        assert referral.sent_to == referral.organisation.complaints_contact_email
    for referral in referrals:
        if referral.status == ReferralStatus.AWAITING_CONSENT:
            assert referral.consent_given_on is None and referral.sent_on is None
        if referral.status == ReferralStatus.READY:
            assert referral.consent_given_on and referral.sent_on is None
        if referral.status == ReferralStatus.CLOSED:
            assert referral.outcome and referral.closed_on
        if referral.response_received_on:
            assert referral.acknowledged_on <= referral.response_received_on
        assert not referral.pack and not referral.response_document


def test_generated_letters_follow_each_complaints_acknowledgement_and_response(generated):
    complaints = Case.objects.filter(kind=CaseKind.COMPLAINT)
    for case in complaints.exclude(acknowledged_on=None):
        letter = case.letters.get(kind=LetterKind.ACKNOWLEDGEMENT)
        assert letter.sent_on == case.acknowledged_on == letter.generated_at.date()
        assert letter.sent_method == "letter"
    for case in complaints.filter(status=Status.CLOSED):
        letter = case.letters.get(kind=LetterKind.FINAL_RESPONSE)
        assert letter.sent_on == case.response_sent_on
    assert not Letter.objects.filter(case__acknowledged_on=None).exists()
    letter = Letter.objects.select_related("generated_by", "recipient").first()
    assert letter.recipient_name == letter.recipient.full_name
    assert letter.recipient_address.endswith(letter.recipient.postcode)
    assert letter.pdf.name == f"letters/generated/{letter.pk}.pdf"
    assert letter.generated_by.username == "generated-data"
    assert not letter.generated_by.is_active and not letter.generated_by.has_usable_password()
    assert not Letter.objects.filter(sent_by=None).exists()


def test_a_few_generated_cases_are_restricted(generated):
    restricted = Case.objects.filter(restricted=True)
    assert 1 <= restricted.count() <= 0.02 * Case.objects.count()
    assert not restricted.filter(restriction_reason="").exists()


def test_generated_referrals_and_letters_have_one_history_row_each(generated):
    assert Referral.history.count() == Referral.objects.count() > 0
    assert Letter.history.count() == Letter.objects.count() > 0
    assert set(Letter.history.values_list("history_change_reason", flat=True)) == {"Generated"}


def test_generating_twice_continues_referrals_and_letters(generated):
    first_referral = Referral.objects.order_by("-id").values_list("id", flat=True).first()
    first_letter = Letter.objects.order_by("-id").values_list("id", flat=True).first()
    before = Referral.objects.count(), Letter.objects.count()
    call_command("generate_data", cases=150, seed=8, stdout=open("/dev/null", "w"))
    new_referrals = Referral.objects.filter(id__gt=first_referral)
    new_letters = Letter.objects.filter(id__gt=first_letter)
    assert new_referrals.exists() and new_letters.exists()
    assert Referral.objects.count() == before[0] + new_referrals.count()
    assert Letter.objects.count() == before[1] + new_letters.count()
    assert Referral.history.count() == Referral.objects.count()
    assert get_user_model().objects.filter(username="generated-data").count() == 1


def test_the_application_adds_rows_after_generated_data(generated, officer):
    """The id sequences continue after the generated rows (PostgreSQL's are set explicitly)."""
    case = Case.objects.filter(kind=CaseKind.COMPLAINT).exclude(status=Status.CLOSED).first()
    org = Organisation.objects.filter(closed_on=None).last()
    referral = referrals.start_referral(
        case, organisation=org, part="A new part", by=officer, at=timezone.now()
    )
    assert referral.pk > Referral.objects.exclude(pk=referral.pk).order_by("-pk")[0].pk
    # On PostgreSQL an id taken by a generated row would make add() skip the new link silently.
    subject = Subject.objects.exclude(cases=case).last()
    group = StaffGroup.objects.exclude(cases=case).last()
    case.subjects.add(subject)
    case.staff_groups.add(group)
    assert case.subjects.filter(pk=subject.pk).exists()
    assert case.staff_groups.filter(pk=group.pk).exists()


def test_every_generated_reference_points_at_a_real_row(generated):
    """On PostgreSQL the generator skips the per-row foreign-key triggers while it loads (as
    pg_restore does), so check here that every reference it wrote is whole."""
    from django.apps import apps
    from django.db import connection

    orphans = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            for field in model._meta.concrete_fields:
                if not field.is_relation or not field.many_to_one and not field.one_to_one:
                    continue
                table, column = model._meta.db_table, field.column
                target = field.related_model._meta
                cursor.execute(
                    f'SELECT COUNT(*) FROM "{table}" t LEFT JOIN "{target.db_table}" r '
                    f'ON r."{field.target_field.column}" = t."{column}" '
                    f'WHERE t."{column}" IS NOT NULL AND r."{field.target_field.column}" IS NULL'
                )
                if (n := cursor.fetchone()[0]) and model._meta.managed:
                    orphans[f"{table}.{column}"] = n
    assert orphans == {}
