"""A new officer's whole referral loop in the browser: the directory is imported from an ODS
file, the officer gives the GP practice a complaints contact, logs a complaint about it,
records the complainant's consent, refers it, records the practice's response, closes the
referral and then the case. axe-core checks every page."""

import csv
import io
import re

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from casework.models import Case
from casework.referrals.models import Referral
from casework.workflow import ReferralStatus, Status
from config import roles
from tests.e2e.conftest import assert_accessible, follow
from tests.e2e.test_contact_journey import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def epraccur_row(code, name, postcode):
    cells = [""] * 27
    cells[0:4] = [code, name, "Y63", "QWO"]
    cells[4:10] = ["THE SURGERY", "1 HIGH STREET", "", "LEEDS", "", postcode]
    cells[10], cells[12], cells[13], cells[14] = "19740401", "A", "B", "15F"
    cells[17], cells[21], cells[25] = "0113 000 0000", "0", "4"
    return cells


@pytest.fixture
def directory(tmp_path):
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow(epraccur_row("A81001", "DENSHAM SURGERY", "LS1 4AP"))
    writer.writerow(epraccur_row("A81002", "QUEENS PARK MEDICAL CENTRE", "LS2 1AA"))
    path = tmp_path / "epraccur.csv"
    path.write_text(out.getvalue())
    summary = io.StringIO()
    call_command("import_organisations", str(path), "--format", "epraccur", stdout=summary)
    assert "Created: 2" in summary.getvalue()


@pytest.fixture
def officer_login(db):
    user = UserFactory(
        username="olive",
        first_name="Olive",
        last_name="Officer",
        password="correct-horse-battery-staple",
    )
    user.groups.add(Group.objects.get(name=roles.CUSTOMER_CARE))
    return "olive", "correct-horse-battery-staple"


def test_officer_refers_a_complaint_about_a_gp_practice_and_closes_it(
    page, officer_login, directory, settings, tmp_path, mailoutbox
):
    settings.MEDIA_ROOT = tmp_path / "media"
    sign_in(page, *officer_login)
    assert_accessible(page)

    # The practice came from the ODS file without a complaints contact: add one.
    page.get_by_role("link", name="Organisations").click()
    page.get_by_label("Name, ODS code or postcode").fill("A81001")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"[?&]q=A81001"))
    assert_accessible(page)
    follow(page, page.get_by_role("link", name="DENSHAM SURGERY"))
    assert "Not recorded: referrals cannot be sent until it is" in page.content()
    assert_accessible(page)
    page.get_by_role("link", name="Change the complaints contact").click()
    page.get_by_label("Name (optional)").fill("Pat Manager")
    page.get_by_label("Email (optional)").fill("complaints@densham.example")
    page.get_by_label("Reason for the change").fill("Practice manager told us by phone")
    assert_accessible(page)
    page.get_by_role("button", name="Save the complaints contact").click()
    page.get_by_text("Complaints contact saved.").wait_for()
    assert_accessible(page)

    # Log a complaint about the practice from a new person.
    page.get_by_role("link", name="Log a contact").first.click()
    page.get_by_label("Name, date of birth, NHS number, phone or postcode").fill("Bloggs")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Add a new person").click()
    page.get_by_label("First name").fill("Jo")
    page.get_by_label("Last name").fill("Bloggs")
    page.get_by_label("Address").fill("2 Low Road\nLeeds")
    page.get_by_label("Postcode").fill("LS2 1AA")
    page.get_by_role("radio", name="Phone", exact=True).check()
    page.get_by_label("What kind of matter is a new case?").select_option("complaint")
    # The organisation field is a text box with suggestions (the directory is too big to list).
    page.get_by_label("Organisation it is about").press_sequentially("densham", delay=30)
    page.get_by_role("listbox").get_by_role("option", name="DENSHAM SURGERY").click()
    assert page.get_by_label("Organisation it is about").input_value() == (
        "DENSHAM SURGERY (A81001)"
    )
    page.get_by_label("What was said").fill("My appointments were cancelled three times.")
    assert_accessible(page)
    page.get_by_role("button", name="Save contact").click()
    page.get_by_text("Contact logged on case").wait_for()
    case = Case.objects.get()
    assert_accessible(page)

    # Plan the referral: a mistyped code is explained by the field.
    page.get_by_role("tab", name="Referrals (0)").click()
    page.get_by_role("link", name="Refer to another organisation").click()
    page.get_by_label("ODS code of the organisation").fill("A8100")
    page.get_by_role("button", name="Plan the referral").click()
    page.get_by_text("There is a problem").wait_for()
    assert "No organisation in the directory has the ODS code A8100" in page.content()
    assert_accessible(page)
    page.get_by_label("ODS code of the organisation").fill("a81001")
    page.get_by_role("button", name="Plan the referral").click()
    page.get_by_text("Record consent next").wait_for()
    # No send button without consent.
    assert page.get_by_role("link", name="Send the referral").count() == 0
    assert_accessible(page)

    # Consent first.
    page.get_by_role("link", name="Record consent").click()
    page.get_by_label("Jo Bloggs (complainant, patient)").check()
    page.get_by_role("radio", name="Phone", exact=True).check()
    page.get_by_label("What does the consent cover?").fill(
        "The complaint and Jo's contact details, to the practice"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Record consent").click()
    page.get_by_text("Consent recorded").wait_for()
    assert_accessible(page)

    # Send: the pack goes to the practice's complaints contact with the PDF attached.
    page.get_by_role("link", name="Send the referral").click()
    page.get_by_role("button", name="Send the referral").click()
    page.get_by_text("There is a problem").wait_for()
    assert "Confirm you have checked where the referral is going" in page.content()
    assert_accessible(page)
    page.get_by_label("I have checked the pack goes to the right organisation").check()
    page.get_by_role("button", name="Send the referral").click()
    page.get_by_text("Referral sent to complaints@densham.example").wait_for()
    assert_accessible(page)
    assert [m.to for m in mailoutbox] == [["complaints@densham.example"]]
    assert mailoutbox[0].attachments[0][2] == "application/pdf"
    assert page.get_by_role("link", name="Referral pack (PDF)").is_visible()
    assert page.get_by_role("link", name="Letter to the complainant (PDF)").is_visible()
    # It is a letter on the case, to the complainant's address, like any other letter.
    notice = Referral.objects.get().notice
    assert notice.recipient_name == "Jo Bloggs" and "Leeds" in notice.recipient_address

    # The practice answers.
    page.get_by_role("link", name="Record the response").click()
    page.get_by_label("What does the response say?").fill(
        "The practice apologised and has changed how it books appointments."
    )
    page.get_by_label("Outcome").select_option("upheld")
    response_pdf = tmp_path / "practice-response.pdf"
    response_pdf.write_bytes(b"%PDF-1.4\n% the practice's response\n")
    page.get_by_label("The response document").set_input_files(str(response_pdf))
    page.locator("#id_received_on").fill(
        page.evaluate("() => new Date().toLocaleDateString('en-GB')")
    )
    assert_accessible(page)
    page.get_by_role("button", name="Record the response").click()
    page.get_by_text("Response recorded.").wait_for()
    assert page.get_by_role("link", name="The organisation's response").is_visible()
    assert_accessible(page)

    # Close the referral, then the case.
    page.get_by_role("link", name="Close the referral").click()
    page.get_by_label("Outcome of the referral").select_option("upheld")
    assert_accessible(page)
    page.get_by_role("button", name="Close the referral").click()
    page.get_by_text("Referral closed.").wait_for()
    assert_accessible(page)
    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.CLOSED
    assert referral.response_document

    page.get_by_role("link", name="Back to the case").click()
    # The practice answered the complainant itself (reg 7(4)): the unit closes its own case
    # as not taken forward by it, through the complaint's own closing action.
    page.get_by_role("link", name="Close without a response").click()
    page.get_by_label("It is not being taken forward").check()
    page.get_by_label("Reason").fill("Passed to the practice, which responded to the referral.")
    page.get_by_role("button", name="Close the complaint").click()
    page.get_by_text("Close without a response: done.").wait_for()
    assert_accessible(page)
    case.refresh_from_db()
    assert case.status == Status.CLOSED

    # The register has nothing open; the practice's page shows the referral and its answer.
    page.get_by_role("link", name="Referrals").first.click()
    page.get_by_text("No open referrals.").wait_for()
    assert_accessible(page)
    page.goto(f"/organisations/{referral.organisation_id}/")
    assert case.reference in page.content()
    assert "1 of 1 answered" in page.content()
    assert_accessible(page)
