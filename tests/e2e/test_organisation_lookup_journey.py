"""An officer logging a contact types part of a practice's name into the organisation field,
chooses it from the suggestions and saves: the case is about that practice."""

import pytest
from django.contrib.auth.models import Group

from casework.models import Case
from config import roles
from tests.e2e.conftest import assert_accessible
from tests.factories import OrganisationFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def officer_login(db):
    user = UserFactory(username="olive", password="correct-horse-battery-staple")
    user.groups.add(Group.objects.get(name=roles.CUSTOMER_CARE))
    return "olive", "correct-horse-battery-staple"


def test_officer_chooses_the_organisation_from_suggestions(page, officer_login):
    person = PersonFactory(given_name="Jo", family_name="Bloggs")
    practice = OrganisationFactory(ods_code="B86001", name="Kirkstall Lane Medical Centre")
    OrganisationFactory(ods_code="B86002", name="Kirkgate Surgery")
    for n in range(30):
        OrganisationFactory(ods_code=f"Y{n:05d}", name=f"Pharmacy {n}")

    page.goto("/")
    page.get_by_label("Username").fill(officer_login[0])
    page.get_by_label("Password").fill(officer_login[1])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="My work").wait_for()

    page.goto(f"/contacts/new/?person={person.pk}")
    page.get_by_role("radio", name="Phone", exact=True).check()
    page.get_by_label("What kind of matter is a new case?").select_option("pals_concern")

    field = page.get_by_role("combobox", name="Organisation it is about (optional)")
    field.press_sequentially("kirkstall", delay=30)
    suggestions = page.get_by_role("listbox")
    suggestion = suggestions.get_by_role("option", name="Kirkstall Lane Medical Centre")
    suggestion.wait_for()
    assert "B86001" in suggestion.inner_text()
    assert suggestions.get_by_role("option").count() == 1  # "Kirkgate Surgery" does not match
    assert_accessible(page)
    suggestion.click()
    assert field.input_value() == "Kirkstall Lane Medical Centre (B86001)"

    page.get_by_label("What was said").fill("Could not get an appointment for three weeks.")
    page.get_by_role("button", name="Save contact").click()
    page.get_by_text("Contact logged on case").wait_for()
    assert Case.objects.get().organisation == practice
    assert_accessible(page)
