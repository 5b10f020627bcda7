"""A complaints manager signs in with two-factor sign-in, restricts a case to named staff,
reads who accessed it, exports a subject access request and opens the retention review;
every page is checked with axe-core under the real Content-Security-Policy."""

import pytest
from django.contrib.auth.models import Group
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.models import Case
from casework.records.models import AccessLog
from casework.workflow import CaseKind
from config import roles
from tests.e2e.conftest import assert_accessible, follow
from tests.factories import CaseFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def manager_and_case(db, settings):
    settings.OTP_REQUIRED_FOR_MANAGERS = True
    manager = UserFactory(
        username="mina", first_name="Mina", last_name="Manager", password=PASSWORD
    )
    manager.groups.add(Group.objects.get(name=roles.MANAGER))
    person = PersonFactory(given_name="Sam", family_name="Staffmember")
    case = CaseFactory(kind=CaseKind.COMPLAINT, person=person, by=manager)
    return manager, case, person


def _code(user) -> str:
    device = TOTPDevice.objects.get(user=user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def test_manager_protects_a_case_and_audits_access(page, manager_and_case):
    manager, case, person = manager_and_case
    page.goto("/")
    page.get_by_label("Username").fill("mina")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # Two-factor sign-in is required for managers: enrol first.
    page.get_by_role("heading", name="Set up two-factor sign-in").wait_for()
    assert_accessible(page)
    page.get_by_label("Code from your authenticator app").fill(_code(manager))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.get_by_role("heading", name="My work").wait_for()

    page.goto(f"/cases/{case.reference}/")
    assert_accessible(page)
    follow(page, page.get_by_role("link", name="Who may see it, and litigation hold"))
    assert_accessible(page)
    # Restricting without a reason is explained by the field; nothing is lost.
    page.get_by_label("Only named staff may see this case").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Select why the case is restricted").first.wait_for()
    assert_accessible(page)
    assert page.get_by_label("Only named staff may see this case").is_checked()
    page.get_by_label("Why it is restricted").select_option("staff")
    page.get_by_label("Reason for the change").fill("The complainant works on the ward")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Restricted case").wait_for()
    assert Case.objects.get(pk=case.pk).restricted

    page.get_by_role("link", name="Who accessed this case").click()
    page.get_by_role("heading", name="Who accessed this case").wait_for()
    assert page.get_by_text("Mina Manager (mina)").is_visible()
    assert_accessible(page)

    page.goto(f"/people/{person.pk}/")
    assert_accessible(page)
    follow(page, page.get_by_role("link", name="Subject access request: export everything held"))
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as JSON (machine-readable)").click()
    assert download.value.suggested_filename == f"subject-access-person-{person.pk}.json"
    assert AccessLog.objects.filter(action="export", object_id=str(person.pk)).exists()

    page.get_by_role("link", name="Retention").first.click()
    page.get_by_role("heading", name="Records past their retention period").wait_for()
    assert_accessible(page)
