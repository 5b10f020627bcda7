"""A member of the public, not signed in, sends the feedback form: empty first (every error
listed and shown by its field), then filled in, and gets the confirmation with a reference
that staff then find in the triage queue. axe-core checks every page."""

import pytest
from django.core.cache import cache

from contacts.models import Contact, TriageStatus
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


def test_a_member_of_the_public_sends_the_form_from_empty_to_confirmation(page, tmp_path):
    page.goto("/feedback/")
    page.get_by_role("heading", name="Contact us about your care").wait_for()
    assert_accessible(page)

    page.get_by_role("button", name="Send").click()
    page.get_by_text("There is a problem").wait_for()
    summary = page.locator(".nhsuk-error-summary").inner_text()
    assert "Select what you would like to do" in summary
    assert "Enter your full name" in summary
    assert "Tell us what happened" in summary
    assert page.locator("#id_your_name-error").inner_text().endswith("Enter your full name")
    assert_accessible(page)

    page.get_by_role("radio", name="Make a complaint").check()
    page.get_by_role("radio", name="Someone else – I am writing on their behalf").check()
    page.get_by_label("Your full name").fill("Alex Morgan")
    page.get_by_label("Your email address").fill("alex@example.com")
    page.get_by_label("Tell us what happened").fill("My father's operation was cancelled twice.")
    page.get_by_role("button", name="Send").click()
    page.get_by_text("There is a problem").wait_for()
    # Writing for someone else needs the regulation 5 details; what was typed is kept.
    assert "Select why you are acting for them" in page.locator(".nhsuk-error-summary").inner_text()
    assert page.get_by_label("Your full name").input_value() == "Alex Morgan"
    assert_accessible(page)

    page.get_by_label("Their full name").fill("Geoff Morgan")
    page.get_by_label("Your relationship to them").select_option("child")
    page.get_by_role("radio", name="The patient has asked me to act for them and consents").check()
    page.get_by_label(
        "I declare that what I have said about why I am acting for them is true"
    ).check()
    letter = tmp_path / "letter.pdf"
    letter.write_bytes(b"%PDF-1.4\n% a letter\n")
    page.get_by_label("Add a file (optional)").set_input_files(str(letter))
    page.get_by_role("button", name="Send").click()

    page.get_by_role("heading", name="We have received your message").wait_for()
    contact = Contact.objects.get()
    assert contact.reference in page.content()
    assert contact.triage_status == TriageStatus.WAITING
    assert contact.attachments.get().content_type == "application/pdf"
    assert "alex@example.com" in page.content()
    assert_accessible(page)
