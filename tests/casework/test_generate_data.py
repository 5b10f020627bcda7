"""The benchmark data generator writes a realistic, usable data set."""

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from casework import services
from casework.models import Case, CaseParty, StatusChange
from casework.workflow import CaseKind, Status
from contacts.models import Contact, Organisation, OrganisationType, Person

pytestmark = pytest.mark.django_db


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
