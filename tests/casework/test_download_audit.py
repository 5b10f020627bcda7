"""Every download and export lands in the access log once, whichever view sent it."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.access import DOWNLOAD, EXPORT
from casework.letters.models import LetterKind
from casework.letters.services import generate_letter
from casework.records.models import AccessLog
from casework.workflow import CaseKind
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_a_letter_download_is_logged_against_its_case(officer_client, officer):
    person = PersonFactory()
    case = CaseFactory(kind=CaseKind.COMPLAINT, person=person)
    letter = generate_letter(
        case, LetterKind.ACKNOWLEDGEMENT, recipient=person, by=officer, at=timezone.now()
    )
    response = officer_client.get(reverse("letter_download", args=[case.reference, letter.pk]))
    assert response.status_code == 200
    rows = AccessLog.objects.filter(action=DOWNLOAD, case=case)
    assert rows.count() == 1
    assert rows.get().user == officer and rows.get().detail.endswith(".pdf")


def test_a_report_export_is_logged_as_an_export(client, commissioner):
    for _ in range(6):
        CaseFactory(kind=CaseKind.PALS_CONCERN)
    client.force_login(commissioner)
    page = client.get(reverse("reports:trends")).content.decode()
    table = re.search(r"download=csv&amp;table=([\w-]+)", page).group(1)
    response = client.get(reverse("reports:trends"), {"download": "csv", "table": table})
    assert response.status_code == 200
    row = AccessLog.objects.get(action=EXPORT)
    assert row.user == commissioner and row.object_type == "reports:trends"
    assert row.detail.endswith(".csv")
