"""Every download and export lands in the access log once, whichever view sent it; every
stored file leaves through casework.access.serve_private_file, so none is kept in a cache."""

import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from casework.access import DOWNLOAD, EXPORT
from casework.letters.models import LetterKind
from casework.letters.services import generate_letter
from casework.records.models import AccessLog
from casework.referrals import services as referrals
from casework.workflow import CaseKind, ContactMethod
from contacts.models import ContactAttachment
from tests.factories import CaseFactory, OrganisationFactory, PersonFactory

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


@pytest.fixture
def sent_referral(officer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    person = PersonFactory(address="2 Low Road\nLeeds")
    case = CaseFactory(kind=CaseKind.COMPLAINT, person=person)
    org = OrganisationFactory(complaints_contact_email="complaints@densham.example")
    now = timezone.now()
    referral = referrals.start_referral(case, organisation=org, part="all", by=officer, at=now)
    referrals.record_consent(
        referral,
        given_by=person,
        method=ContactMethod.PHONE,
        given_on=now.date(),
        scope="All of it",
        by=officer,
        at=now,
    )
    return referrals.send_referral(referral, by=officer, at=now)


def _assert_one_private_download(response, case, user, filename_end):
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "private, no-store"
    b"".join(response.streaming_content)
    (row,) = AccessLog.objects.filter(action=DOWNLOAD)
    assert (row.user, row.case) == (user, case)
    assert row.detail.endswith(filename_end)


def test_a_referral_pack_download_is_logged_once_and_never_cached(
    officer_client, officer, sent_referral
):
    case = sent_referral.case
    response = officer_client.get(
        reverse("referral_file", args=[case.reference, sent_referral.pk, "pack"])
    )
    _assert_one_private_download(response, case, officer, ".pdf")
    assert AccessLog.objects.get(action=DOWNLOAD).object_type == "referral_file"


def test_an_attachment_download_is_logged_against_the_contact_s_case(
    officer_client, officer, sent_referral
):
    case = sent_referral.case
    contact = case.contacts.first()
    attachment = ContactAttachment.objects.create(
        contact=contact,
        file=ContentFile(b"%PDF-1.4 test", name="letter.pdf"),
        original_name="Letter from Jo.pdf",
        content_type="application/pdf",
        size=13,
    )
    response = officer_client.get(reverse("contact_attachment", args=[attachment.pk]))
    _assert_one_private_download(response, case, officer, "Letter from Jo.pdf")
    assert response["Content-Type"] == "application/pdf"


def test_a_file_missing_from_storage_is_a_404_that_says_so(officer_client, sent_referral):
    case = sent_referral.case
    sent_referral.pack.storage.delete(sent_referral.pack.name)
    response = officer_client.get(
        reverse("referral_file", args=[case.reference, sent_referral.pk, "pack"])
    )
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert "is missing from file storage. Ask your system administrator" in page
    assert not AccessLog.objects.filter(action=DOWNLOAD).exists()
