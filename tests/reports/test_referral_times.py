"""Referrals by provider on the Providers report, checked against hand-counted figures."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.models import Case
from casework.referrals import services as referrals
from casework.workflow import CaseKind
from reports import queries
from reports.queries import ReportFilters
from tests.factories import CaseFactory, OrganisationFactory, PersonFactory

# The Providers page's default period ends today: the clock is stopped so a referral made
# "three days ago" is in it whatever day (or financial year end) the suite runs on.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

D = dt.date


def at(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def sent_referral(officer, practice, received, sent):
    person = PersonFactory()
    case = CaseFactory(kind=CaseKind.COMPLAINT, received_on=received, person=person)
    referral = referrals.start_referral(
        case, organisation=practice, part="all", by=officer, at=at(sent)
    )
    referrals.record_consent(
        referral,
        given_by=person,
        method="phone",
        given_on=sent,
        scope="All of it",
        by=officer,
        at=at(sent),
    )
    return referrals.send_referral(referral, by=officer, at=at(sent))


def test_referral_times_by_provider(officer):
    practice = OrganisationFactory(
        name="Riverside Surgery", complaints_contact_email="c@gp.example.nhs.uk"
    )
    # Sent Mon 6 Jan 2025: acknowledgement due Thu 9 Jan.
    quick = sent_referral(officer, practice, D(2025, 1, 6), D(2025, 1, 6))
    referrals.record_provider_acknowledgement(
        quick, acknowledged_on=D(2025, 1, 8), by=officer, at=at(D(2025, 1, 8))
    )
    # Answered Mon 13 Jan: 5 working days after sending.
    referrals.record_provider_response(
        quick, received_on=D(2025, 1, 13), summary="Apology", by=officer, at=at(D(2025, 1, 13))
    )
    slow = sent_referral(officer, practice, D(2025, 1, 6), D(2025, 1, 6))
    # Acknowledged late (Fri 10 Jan), answered Mon 20 Jan: 10 working days.
    referrals.record_provider_acknowledgement(
        slow, acknowledged_on=D(2025, 1, 10), by=officer, at=at(D(2025, 1, 10))
    )
    referrals.record_provider_response(
        slow, received_on=D(2025, 1, 20), summary="Reviewed", by=officer, at=at(D(2025, 1, 20))
    )
    sent_referral(officer, practice, D(2025, 1, 7), D(2025, 1, 7))  # still outstanding

    filters = ReportFilters(D(2025, 1, 1), D(2025, 1, 31))
    [row] = queries.referral_response_times(Case.objects.all(), filters)
    assert row["organisation__name"] == "Riverside Surgery"
    assert (row["sent"], row["acknowledged_in_time"], row["answered"], row["outstanding"]) == (
        3,
        1,
        2,
        1,
    )
    assert row["median_working_days"] == 7.5  # of 5 and 10


def test_providers_page_shows_referrals_with_small_numbers_suppressed(
    client, commissioner, officer
):
    practice = OrganisationFactory(complaints_contact_email="c@gp.example.nhs.uk")
    today = timezone.localdate()
    sent_referral(officer, practice, today - dt.timedelta(days=3), today - dt.timedelta(days=1))
    client.force_login(commissioner)
    page = client.get(reverse("reports:providers")).content.decode()
    assert "Referrals to providers and how quickly they answered" in page
    assert practice.name in page and "&lt;5" in page
