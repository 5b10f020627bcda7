"""A complaints manager takes a complaint from receipt to closed in the browser: log it,
acknowledge it, allocate it, investigate, draft and approve the response, send it and close."""

import subprocess

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from casework.models import Case
from casework.workflow import Outcome, Status
from config import roles
from tests.e2e.conftest import assert_accessible, follow
from tests.e2e.test_contact_journey import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def manager_login(db):
    user = UserFactory(
        username="maya",
        first_name="Maya",
        last_name="Marsh",
        password="correct-horse-battery-staple",
    )
    user.groups.add(Group.objects.get(name=roles.MANAGER))
    return "maya", "correct-horse-battery-staple"


def do_action(page, link_text, fill=None):
    follow(page, page.get_by_role("link", name=link_text))
    assert_accessible(page)
    if fill:
        fill(page)
    page.locator("main form button[type=submit]").click()
    page.get_by_text(f"{link_text}: done.").wait_for()


def generate_and_download(page, case, kind_label, filename_kind, tmp_path) -> str:
    """Generate a letter from the case's Letters tab, download it, return its text."""
    page.locator("a.nhsuk-tabs__tab[href='#letters']").click()
    page.get_by_role("link", name="Generate a letter").click()
    page.get_by_role("radio", name=kind_label).check()
    page.get_by_role("button", name="Generate the letter").click()
    page.get_by_text("generated for Pat Jones").wait_for()
    assert_accessible(page)
    page.locator("a.nhsuk-tabs__tab[href='#letters']").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"Download {kind_label} letter to Pat Jones").click()
    download = download_info.value
    assert download.suggested_filename == f"{case.reference}-{filename_kind}.pdf"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    result = subprocess.run(["pdftotext", str(saved), "-"], capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())  # pdftotext wraps lines


def test_complaint_from_receipt_to_closed(page, manager_login, tmp_path):
    sign_in(page, *manager_login)
    page.goto("/contacts/new/?new=1")
    page.get_by_label("First name").fill("Pat")
    page.get_by_label("Last name").fill("Jones")
    page.get_by_label("Address").fill("1 Park Row\nLeeds")
    page.get_by_label("Postcode").fill("LS1 5HD")
    page.get_by_role("radio", name="Letter", exact=True).check()
    page.get_by_label("What kind of matter is a new case?").select_option("complaint")
    page.get_by_label("What was said").fill("Discharged at night without medication.")
    page.get_by_role("button", name="Save contact").click()
    page.get_by_text("Contact logged on case").wait_for()
    case = Case.objects.get()
    assert "Acknowledge the complaint" in page.content()
    assert_accessible(page)

    today = timezone.localdate().strftime("%d/%m/%Y")

    def acknowledge(p):
        p.get_by_role("radio", name="Letter").check()
        p.locator("#id_discussion_offered_0").check()
        p.locator("#id_discussion_held_1").check()

    do_action(page, "Acknowledge the complaint", acknowledge)
    letter = generate_and_download(
        page, case, "Acknowledgement (reg 13)", "acknowledgement", tmp_path
    )
    assert case.reference in letter and "Pat Jones" in letter

    # Allocate to an investigator (here the manager) through Edit details, with a reason.
    page.get_by_role("link", name="Edit details").click()
    page.get_by_label("Assignee").select_option(label="Maya Marsh")
    page.get_by_label("Reason for the change").fill("Allocated to Maya")
    page.get_by_role("button", name="Save changes").click()
    page.get_by_text("Case details saved.").wait_for()

    do_action(page, "Start the investigation")
    do_action(
        page,
        "Record findings, actions and learning",
        lambda p: p.get_by_label("Findings", exact=True).fill("No medication was given."),
    )

    def draft(p):
        p.get_by_label("How the complaint was considered").fill("We read the discharge notes.")
        p.get_by_label("The conclusions reached").fill("The discharge fell short.")
        p.get_by_label("Remedial action taken or to be taken").fill("New discharge checklist.")

    do_action(page, "Draft the response", draft)
    do_action(page, "Send for approval")
    do_action(page, "Approve the response")
    letter = generate_and_download(
        page, case, "Final response (reg 14(2))", "final-response", tmp_path
    )
    assert "The discharge fell short." in letter
    assert "Parliamentary and Health Service Ombudsman" in letter

    def send(p):
        p.get_by_role("radio", name="Upheld", exact=True).check()
        p.get_by_label("Date the signed response was sent").fill(today)

    do_action(page, "Record the response as sent and close", send)

    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.outcome == Outcome.UPHELD
    assert case.response_in_time is True
    assert "Closed" in page.locator("h1").inner_text()
    page.get_by_role("tab", name="History").click()
    history = page.locator("#history").inner_text()
    assert "Response approved" in history and "Allocated to Maya" in history
    assert_accessible(page)
