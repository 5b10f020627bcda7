"""An officer signs in, logs a contact from a new person, finds that person again by search
and logs a second contact on the same case, then reads the case and its history."""

import pytest
from django.contrib.auth.models import Group

from casework.models import Case
from config import roles
from tests.e2e.conftest import assert_accessible, follow
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


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


def sign_in(page, username, password):
    page.goto("/")
    assert_accessible(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="My work").wait_for()


def test_officer_logs_two_contacts_for_one_person_and_reads_the_case(page, officer_login):
    sign_in(page, *officer_login)
    assert_accessible(page)

    # First contact: search finds nobody, so add a new person.
    page.get_by_role("link", name="Log a contact").first.click()
    page.get_by_label("Name, date of birth, NHS number, phone or postcode").fill("Bloggs")
    page.get_by_role("button", name="Search").click()
    page.get_by_text("No one matches").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Add a new person").click()

    # A mistyped NHS number is explained, and nothing typed is lost.
    page.get_by_label("First name").fill("Jo")
    page.get_by_label("Last name").fill("Bloggs")
    page.get_by_label("Date of birth").fill("15/03/1984")
    page.get_by_label("NHS number").fill("943 476 5918")
    page.locator("#id_person-phone").fill("07700 900123")
    page.get_by_label("Postcode").fill("LS1 4AP")
    page.get_by_role("radio", name="Phone", exact=True).check()
    page.get_by_label("What kind of matter is a new case?").select_option("pals_concern")
    page.get_by_label("What was said").fill("Could not get through to the ward for two days.")
    page.get_by_role("button", name="Save contact").click()
    page.get_by_text("There is a problem").wait_for()
    assert "check digit" in page.content()
    assert page.get_by_label("Last name").input_value() == "Bloggs"
    assert_accessible(page)
    page.get_by_label("NHS number").fill("943 476 5919")
    page.get_by_role("button", name="Save contact").click()
    page.get_by_text("Contact logged on case").wait_for()
    reference = Case.objects.get().reference
    assert reference in page.content()
    assert_accessible(page)

    # Second contact: found by NHS number, joins the open case.
    page.get_by_role("link", name="Log a contact").first.click()
    page.get_by_label("Name, date of birth, NHS number, phone or postcode").fill("9434765919")
    page.get_by_role("button", name="Search").click()
    follow(page, page.get_by_role("link", name="Choose Jo Bloggs"))
    assert reference in page.content()
    page.get_by_label("Email", exact=True).check()
    page.get_by_label(f"{reference}: PALS concern, open").check()
    page.get_by_label("What was said").fill("Emailed to say the ward has now called back.")
    page.get_by_role("button", name="Save contact").click()
    page.get_by_text(f"Contact logged on case {reference}").wait_for()
    assert Case.objects.count() == 1

    # The case tells the whole story: both contacts, and the history with reasons.
    page.get_by_role("tab", name="Contacts (2)").click()
    contacts = page.get_by_role("tabpanel", name="Contacts (2)")
    assert contacts.get_by_text("Could not get through to the ward").is_visible()
    assert contacts.get_by_text("the ward has now called back").is_visible()
    page.get_by_role("tab", name="History").click()
    history = page.locator("#history")
    assert "Contact logged on " + reference in history.inner_text()
    assert "Olive Officer" in history.inner_text()
    assert_accessible(page)
