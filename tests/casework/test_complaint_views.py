"""The complaint action pages: offered only when they apply, refusals shown in plain words."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.models import Case
from casework.workflow import CaseKind, Status
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def action_url(case, slug):
    return reverse("complaint_action", args=[case.reference, slug])


def test_case_page_lists_only_the_actions_that_apply(officer_client):
    case = CaseFactory(kind=CaseKind.COMPLAINT)
    page = officer_client.get(reverse("case_detail", args=[case.reference])).content.decode()
    assert "Acknowledge the complaint" in page and "Record when it happened" in page
    assert "Approve the response" not in page and "Reopen the complaint" not in page
    assert "Change status" not in page  # complaints move only through their actions


def test_acknowledging_through_the_form(officer_client):
    case = CaseFactory(kind=CaseKind.COMPLAINT)
    response = officer_client.post(
        action_url(case, "acknowledge"),
        {
            "on": timezone.localdate().strftime("%d/%m/%Y"),
            "method": "letter",
            "discussion_offered": "yes",
            "discussion_held": "no",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.ACKNOWLEDGED and case.acknowledgement_method == "letter"


def test_acknowledgement_form_errors_keep_what_was_typed(officer_client):
    case = CaseFactory(kind=CaseKind.COMPLAINT)
    response = officer_client.post(
        action_url(case, "acknowledge"),
        {
            "on": "31/02/2026",
            "method": "",
            "discussion_offered": "yes",
            "discussion_held": "no",
            "response_due": "01/06/2027",
        },
    )
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter the date acknowledged as a real date" in page
    assert "Select how the complaint was acknowledged" in page
    assert "Select whether the response date was agreed" in page
    assert 'value="01/06/2027"' in page
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


def test_service_refusal_is_shown_on_the_form(officer_client):
    case = CaseFactory(kind=CaseKind.COMPLAINT, status=Status.ACKNOWLEDGED)
    response = officer_client.post(action_url(case, "start-investigation"), {})
    assert "Allocate the complaint to an investigator first" in response.content.decode()


def test_only_managers_see_and_use_approval(officer_client, client, manager):
    case = CaseFactory(kind=CaseKind.COMPLAINT, status=Status.AWAITING_APPROVAL)
    assert officer_client.post(action_url(case, "approve"), {}).status_code == 403
    client.force_login(manager)
    page = client.get(reverse("case_detail", args=[case.reference])).content.decode()
    assert "Approve the response" in page
    client.post(action_url(case, "approve"), {})
    case.refresh_from_db()
    assert case.response_approved_by == manager


def test_action_that_does_not_apply_says_so(officer_client):
    case = CaseFactory(kind=CaseKind.COMPLAINT)
    page = officer_client.get(action_url(case, "reopen")).content.decode()
    assert "not available while the complaint is received" in page
    officer_client.post(action_url(case, "reopen"), {"reason": "x"})
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


def test_deadlines_at_risk_is_for_managers_and_lists_overdue_first(client, manager, officer):
    old = CaseFactory(kind=CaseKind.COMPLAINT, received_on=dt.date(2025, 1, 6))
    new = CaseFactory(kind=CaseKind.COMPLAINT, received_on=timezone.localdate())
    client.force_login(officer)
    assert client.get(reverse("deadlines_at_risk")).status_code == 403
    client.force_login(manager)
    page = client.get(reverse("deadlines_at_risk")).content.decode()
    assert page.index(old.reference) < page.index(new.reference)
    assert "Overdue by" in page


def test_case_page_warns_when_the_holding_letter_is_due(officer_client):
    case = CaseFactory(
        kind=CaseKind.COMPLAINT, status=Status.ACKNOWLEDGED, received_on=dt.date(2025, 1, 6)
    )
    page = officer_client.get(reverse("case_detail", args=[case.reference])).content.decode()
    assert "No response within the response period" in page
    assert "Record the 6-month holding letter" in page
    assert Case.objects.get(pk=case.pk).status == Status.ACKNOWLEDGED


@pytest.mark.parametrize("status", [Status.RESPONSE_DRAFTED, Status.AWAITING_APPROVAL])
def test_a_complaint_with_a_draft_response_can_be_withdrawn_from_the_page(officer_client, status):
    # The complainant may withdraw at any point until the response is sent.
    case = CaseFactory(kind=CaseKind.COMPLAINT, status=status)
    page = officer_client.get(reverse("case_detail", args=[case.reference])).content.decode()
    assert "Close without a response" in page
    response = officer_client.post(
        action_url(case, "close"),
        {
            "outcome": "withdrawn",
            "reason": "The complainant wrote to withdraw.",
            "reg8_exclusion": "",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.outcome) == (Status.CLOSED, "withdrawn")
    change = case.status_changes.order_by("changed_at").last()
    assert (change.old_status, change.new_status) == (status, Status.CLOSED)


def test_only_managers_see_and_use_return_for_changes(officer_client, client, manager):
    case = CaseFactory(kind=CaseKind.COMPLAINT, status=Status.AWAITING_APPROVAL)
    page = officer_client.get(reverse("case_detail", args=[case.reference])).content.decode()
    assert "Return the draft for changes" not in page
    assert officer_client.post(action_url(case, "return"), {"reason": "x"}).status_code == 403
    client.force_login(manager)
    page = client.get(reverse("case_detail", args=[case.reference])).content.decode()
    assert "Return the draft for changes" in page
    client.post(action_url(case, "return"), {"reason": "Soften the tone"})
    case.refresh_from_db()
    assert case.status == Status.RESPONSE_DRAFTED
