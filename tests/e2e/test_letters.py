"""An officer generates an acknowledgement letter from a complaint's page, downloads the PDF
and records that it was sent; axe checks every page on the way."""

import datetime as dt
import re
import subprocess

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from casework.letters.models import Letter
from casework.workflow import CaseKind
from config import roles
from tests.e2e.conftest import assert_accessible
from tests.factories import CaseFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def complaint(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    officer = UserFactory(
        username="olive",
        first_name="Olive",
        last_name="Officer",
        password="correct-horse-battery-staple",
    )
    officer.groups.add(Group.objects.get(name=roles.CUSTOMER_CARE))
    jo = PersonFactory(
        title="", given_name="Jo", family_name="Bloggs", address="14 Park Row\nLeeds"
    )
    return CaseFactory(
        kind=CaseKind.COMPLAINT,
        person=jo,
        by=officer,
        received_on=timezone.localdate() - dt.timedelta(days=1),
    )


def test_officer_generates_downloads_and_sends_an_acknowledgement(page, complaint, tmp_path):
    page.goto("/")
    page.get_by_label("Username").fill("olive")
    page.get_by_label("Password").fill("correct-horse-battery-staple")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="My work").wait_for()

    page.goto(f"/cases/{complaint.reference}/")
    page.get_by_role("tab", name="Letters (0)").click()
    assert_accessible(page)
    page.get_by_role("link", name="Generate a letter").click()
    page.get_by_role("heading", name="Generate a letter").wait_for()
    assert_accessible(page)

    # Forgetting to choose the letter is explained by the field; the recipient stays chosen.
    page.get_by_role("button", name="Generate the letter").click()
    page.get_by_text("There is a problem").wait_for()
    assert page.get_by_role("radio", name="Jo Bloggs (complainant, patient)").is_checked()
    assert_accessible(page)

    page.get_by_role("radio", name="Acknowledgement (reg 13)").check()
    page.get_by_role("button", name="Generate the letter").click()
    page.get_by_text("Acknowledgement of a complaint generated for Jo Bloggs").wait_for()
    page.get_by_role("tab", name="Letters (1)").click()
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role(
            "link", name="Download Acknowledgement (reg 13) letter to Jo Bloggs"
        ).click()
    download = download_info.value
    assert download.suggested_filename == f"{complaint.reference}-acknowledgement.pdf"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes()[:5] == b"%PDF-"
    text = subprocess.run(["pdftotext", str(saved), "-"], capture_output=True, check=True)
    assert complaint.reference in text.stdout.decode()
    assert "Jo Bloggs" in text.stdout.decode()

    page.get_by_role("link", name="Mark as sent").click()
    page.get_by_role("heading", name="Mark the letter as sent").wait_for()
    assert_accessible(page)
    page.get_by_role("radio", name="Email").check()
    page.get_by_role("button", name="Mark as sent").click()
    page.get_by_text("marked as sent").wait_for()
    page.get_by_role("tab", name="Letters (1)").click()
    sent_cell = page.locator("#letters").get_by_role("cell", name=re.compile(r"^Sent .+ by email"))
    assert sent_cell.is_visible()
    assert_accessible(page)
    letter = Letter.objects.get()
    assert letter.sent_method == "email" and letter.sent_by.username == "olive"
