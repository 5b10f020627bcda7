"""Every URL the project routes, requested by anonymous visitors and by each role.

The test walks `get_resolver()` (through every include), fills each path converter with a real
object's value, and compares what happens with EXPECTED below. A URL with no entry fails the
suite: when you add a page, add a line to EXPECTED saying who may use it.

Outcomes: 200 (the page), "login" (redirect to sign-in), "redirect" (elsewhere), 403
(signed in, wrong role), 404 (not found, or a case or person out of the user's scope), 405.
"""

import re
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.files.base import ContentFile
from django.urls import URLResolver, get_resolver
from django.utils import timezone

from casework import services
from casework.letters.models import LetterKind
from casework.letters.services import generate_letter
from casework.models import Case, PartyRole
from casework.referrals import services as referrals
from casework.workflow import CaseKind, Status
from contacts.models import Contact, ContactAttachment
from reports.models import AnnualReport
from tests.factories import (
    CaseFactory,
    OrganisationFactory,
    PersonFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "officer", "investigator", "manager", "commissioner", "administrator")


def _row(anonymous, officer, investigator, manager, commissioner, administrator):
    return dict(
        zip(
            ROLES,
            (anonymous, officer, investigator, manager, commissioner, administrator),
            strict=True,
        )
    )


CASEWORK = _row("login", 200, 200, 200, 403, 403)
MANAGERS = _row("login", 403, 403, 200, 403, 403)
SIGNED_IN = _row("login", 200, 200, 200, 200, 200)
REPORTS = _row("login", 403, 403, 200, 200, 403)
UNIT_WIDE = _row("login", 200, 403, 200, 403, 403)

EXPECTED = {
    "login": _row(200, "redirect", "redirect", "redirect", "redirect", "redirect"),
    # Signing out is a POST (a link cannot sign someone out).
    "logout": _row(405, 405, 405, 405, 405, 405),
    "two_factor_setup": SIGNED_IN,
    "two_factor_verify": SIGNED_IN,
    # Commissioners land on reports; an administrator with no casework role on the admin.
    "home": _row("login", 200, 200, 200, "redirect", "redirect"),
    "log_contact": CASEWORK,
    "case_list": CASEWORK,
    "case_detail": CASEWORK,
    "case_edit": CASEWORK,
    "case_change_status": CASEWORK,
    "case_add_person": CASEWORK,
    "complaint_action": CASEWORK,
    "record_consent": CASEWORK,
    "case_access_log": MANAGERS,
    "case_protection": MANAGERS,
    "deadlines_at_risk": MANAGERS,
    "retention_review": _row("login", 403, 403, 200, 403, 200),
    "retention_destroy": _row("login", 403, 403, 200, 403, 200),
    "person_search": CASEWORK,
    "person_detail": CASEWORK,
    "subject_access": MANAGERS,
    "subject_access_pdf": MANAGERS,
    "subject_access_json": MANAGERS,
    "reports:overview": _row("login", 403, 403, 200, 200, 403),
    # Reports: aggregates for managers and commissioners; workload is the managers' own.
    "reports:trends": REPORTS,
    "reports:compliance": REPORTS,
    "reports:providers": REPORTS,
    "reports:ko41": REPORTS,
    "reports:workload": MANAGERS,
    "reports:annual_reports": REPORTS,
    # An annual report not yet published is the managers' draft; commissioners see it once
    # published. Generating and publishing are POSTs; the world's report has no PDF yet.
    "reports:annual_report": MANAGERS,
    "reports:annual_report_status": MANAGERS,
    "reports:annual_report_generate": _row(405, 405, 405, 405, 405, 405),
    "reports:annual_report_publish": _row(405, 405, 405, 405, 405, 405),
    "reports:annual_report_pdf": _row("login", 403, 403, 404, 404, 403),
    # The public form needs no sign-in; its confirmation only follows a submission.
    "public_feedback": _row(200, 200, 200, 200, 200, 200),
    "public_feedback_done": _row(*["redirect"] * 6),
    # Referrals and the organisations directory: casework, scoped by case.
    "referral_register": UNIT_WIDE,
    "referral_new": CASEWORK,
    "referral_detail": CASEWORK,
    "referral_consent": CASEWORK,
    "referral_send": CASEWORK,
    "referral_acknowledge": CASEWORK,
    "referral_response": CASEWORK,
    "referral_close": CASEWORK,
    "referral_file": CASEWORK,
    "commissioner_decision": CASEWORK,
    "involved_bodies": CASEWORK,
    # No co-ordinated response has been produced for the world's case.
    "coordinated_response_file": _row("login", 404, 404, 404, 403, 403),
    "organisation_list": CASEWORK,
    "organisation_detail": CASEWORK,
    "organisation_contact_edit": CASEWORK,
    # The autocomplete behind organisation fields: the same roles as the organisation pages
    # (commissioners' report filters take a typed ODS code or name instead).
    "organisation_lookup": CASEWORK,
    "letter_new": CASEWORK,
    "letter_download": CASEWORK,
    "letter_mark_sent": CASEWORK,
    # Triage holds contacts no case scopes yet: unit-wide roles only. An investigator cannot
    # fetch a waiting contact's file.
    "triage_queue": UNIT_WIDE,
    "triage_contact": UNIT_WIDE,
    "contact_attachment": _row("login", 200, 404, 200, 403, 403),
}

# The admin is for administrators only; everyone else is sent to its sign-in page. Its many
# URLs follow from the models registered, which ADMIN_MODELS pins exactly (below).
ADMIN_MODELS = {
    "auth.user",
    "auth.group",
    "casework.team",
    "casework.subject",
    "casework.servicearea",
    "casework.staffgroup",
    "contacts.organisation",
    # Administrators edit the wording of letters without a deploy.
    "casework.lettertemplate",
    # Administrators unlock accounts locked by failed sign-ins, and see sign-in attempts.
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
    # Administrators reset a lost authenticator (casework/admin.py).
    "otp_totp.totpdevice",
}


def _walk(resolver, prefix="", namespace=None):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            inner = f"{namespace}:{ns}" if namespace and ns else ns or namespace
            yield from _walk(pattern, prefix + str(pattern.pattern), inner)
        else:
            name = pattern.name or f"<unnamed {prefix + str(pattern.pattern)}>"
            yield (f"{namespace}:{name}" if namespace else name), prefix + str(pattern.pattern)


def all_urls():
    return list(_walk(get_resolver()))


def _fill(route: str, values: dict) -> str:
    """A concrete path for a route: `<conv:name>` and `(?P<name>...)` replaced by values."""
    path = re.sub(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)", lambda m: str(values[m.group(1)]), route)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), path)
    # Regex routes' anchors and simple-history's unnamed groups ("([^/]+)").
    path = path.replace("^", "").replace("$", "")
    path = path.replace("([^/]+)", str(values["object_id"]))
    return "/" + path


@pytest.fixture
def world(db, officer, investigator, manager, commissioner, administrator, team):
    """Real objects for every converter: a complaint on the investigator's team with a
    representative, a person on it, and a closed case past its retention period."""
    now = timezone.now()
    patient = PersonFactory()
    case = CaseFactory(kind=CaseKind.COMPLAINT, person=patient, by=officer)
    services.update_case_details(case, by=manager, reason="Allocate", team=team)
    representative = services.add_party(
        case, PersonFactory(), PartyRole.REPRESENTATIVE, by=officer, relationship="child"
    )
    old = CaseFactory(kind=CaseKind.ENQUIRY, by=officer)
    services.change_status(old, Status.RESOLVED, by=officer, at=now, reason="Answered")
    Case.objects.filter(pk=old.pk).update(closed_on=now.date() - timedelta(days=365 * 11))
    organisation = OrganisationFactory(complaints_contact_email="complaints@gp.example.nhs.uk")
    letter = generate_letter(
        case, LetterKind.ACKNOWLEDGEMENT, recipient=patient, by=officer, at=now
    )
    referral = referrals.start_referral(
        case, organisation=organisation, part="all", by=officer, at=now
    )
    referrals.record_consent(
        referral,
        given_by=patient,
        method="phone",
        given_on=now.date(),
        scope="All of it",
        by=officer,
        at=now,
    )
    referral = referrals.send_referral(referral, by=officer, at=now)
    report = AnnualReport.objects.create(year_start=date(2025, 4, 1))
    waiting = Contact.objects.create(
        channel="email", contacted_at=now, summary="Please call me back"
    )
    attachment = ContactAttachment.objects.create(
        contact=waiting,
        file=ContentFile(b"%PDF-1.4 test", name="letter.pdf"),
        original_name="letter.pdf",
        content_type="application/pdf",
        size=13,
    )
    return {
        "users": {
            "officer": officer,
            "investigator": investigator,
            "manager": manager,
            "commissioner": commissioner,
            "administrator": administrator,
        },
        "case": case,
        "values": {
            "reference": case.reference,
            "pk": patient.pk,
            "party_id": representative.pk,
            "action": "acknowledge",
            "app_label": "casework",
            "url": "no-such-page/",
            "content_type_id": 1,
            "object_id": team.pk,
            "id": officer.pk,
        },
        "retention_reference": old.reference,
        # Each family of URL names its own kind of object in `pk`.
        "pk_for": {
            "letter_": letter.pk,
            "referral_": referral.pk,
            "organisation_": organisation.pk,
            "reports:annual_report": report.pk,
            "triage_contact": waiting.pk,
            "contact_attachment": attachment.pk,
        },
    }


def _values_for(name: str, world) -> dict:
    values = dict(world["values"])
    if name == "retention_destroy":
        values["reference"] = world["retention_reference"]
    for prefix, pk in world["pk_for"].items():
        if name.startswith(prefix):
            values["pk"] = pk
    values.setdefault("kind", "pack")
    match = re.fullmatch(r"admin:(\w+?)_(\w+?)_(?:change|delete|history|simple_history)", name)
    model_key = None
    for key in ADMIN_MODELS:
        app_label, model = key.split(".")
        if name.startswith(f"admin:{app_label}_{model}_") or f"/{app_label}/{model}/" in name:
            model_key = key
    if match or model_key:
        model = apps.get_model(model_key) if model_key else None
        obj = model._default_manager.first() if model else None
        values["object_id"] = obj.pk if obj else 1
        values["pk"] = obj.pk if obj else 1
    return values


def _outcome(response) -> object:
    if response.status_code in (301, 302):
        location = response["Location"]
        if location.startswith(("/accounts/login/", "/admin/login/")):
            return "login"
        return "redirect"
    return response.status_code


def test_every_url_has_an_expectation():
    missing = [
        name for name, _ in all_urls() if not name.startswith("admin:") and name not in EXPECTED
    ]
    assert not missing, (
        "These URLs have no entry in EXPECTED in tests/test_url_matrix.py: "
        + ", ".join(missing)
        + ". Add one per URL saying what anonymous visitors and each role get."
    )
    stale = set(EXPECTED) - {name for name, _ in all_urls()}
    assert not stale, f"EXPECTED lists URLs that no longer exist: {sorted(stale)}"


def test_the_admin_registers_only_what_administrators_manage():
    registered = {m._meta.label_lower for m in admin.site._registry}
    assert registered == ADMIN_MODELS, (
        "The admin's models changed. Case data (cases, people, contacts, the access log) is "
        "never edited in the admin; if this model is reference data administrators manage, "
        "add it to ADMIN_MODELS in tests/test_url_matrix.py."
    )


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_table_says_on_every_url(client, world, role):
    if role != "anonymous":
        client.force_login(world["users"][role])
    wrong = []
    for name, route in all_urls():
        path = _fill(route, _values_for(name, world))
        response = client.get(path)
        got = _outcome(response)
        if name.startswith("admin:"):
            problem = _admin_problem(name, role, got)
            if problem:
                wrong.append(f"{name} {path}: {problem}")
            continue
        expected = EXPECTED[name][role]
        if got != expected:
            wrong.append(f"{name} {path}: expected {expected}, got {got}")
    assert not wrong, f"As {role}:\n" + "\n".join(wrong)


# Records administrators manage are never hard-deleted, even in the admin.
NO_DELETE = ("auth_", "casework_", "contacts_")


def _admin_problem(name: str, role: str, got) -> str:
    """What is wrong with the outcome of an admin URL, or "" if nothing."""
    if name == "admin:login":
        # The admin's sign-in page itself; an administrator already signed in goes on.
        return "" if got in (200, "redirect") else f"got {got}"
    if name == "admin:logout":
        return "" if got in ("redirect", 405) else f"got {got}"
    if role != "administrator":
        return "" if got == "login" else f"expected the admin sign-in page, got {got}"
    if got in ("login", 500):
        return f"an administrator should get the admin page, got {got}"
    if name.endswith("_delete") and name.removeprefix("admin:").startswith(NO_DELETE):
        return "" if got == 403 else f"records are never deleted: expected 403, got {got}"
    if got == 404 and not ("unnamed" in name or name == "admin:view_on_site"):
        return "got 404 for a real object"
    return ""


CASE_URLS = [
    name for name, route in all_urls() if "<str:reference>" in route and name.startswith("case")
] + ["complaint_action", "record_consent"]


@pytest.mark.parametrize("name", sorted(set(CASE_URLS)))
def test_another_teams_case_is_not_found_for_an_investigator(client, world, name):
    other_team = TeamFactory(name="Complaints team B")
    other = CaseFactory(kind=CaseKind.COMPLAINT, person=PersonFactory(), by=UserFactory())
    services.update_case_details(
        other, by=world["users"]["manager"], reason="Allocate", team=other_team
    )
    values = dict(world["values"], reference=other.reference)
    route = dict(all_urls())[name]
    client.force_login(world["users"]["investigator"])
    # Where the role may use the page at all, another team's case does not exist for them.
    expected = 404 if EXPECTED[name]["investigator"] == 200 else EXPECTED[name]["investigator"]
    assert client.get(_fill(route, values)).status_code == expected


@pytest.mark.parametrize("name", sorted(set(CASE_URLS)))
def test_a_restricted_case_is_not_found_for_staff_not_named_on_it(client, world, name):
    manager = world["users"]["manager"]
    from casework.records.services import update_case_protection

    update_case_protection(
        world["case"],
        restricted=True,
        restriction_reason="staff",
        restricted_to=[],
        litigation_hold=False,
        reason="The complainant works here",
        by=manager,
        at=timezone.now(),
    )
    route = dict(all_urls())[name]
    for role in ("officer", "investigator"):
        client.force_login(world["users"][role])
        expected = 404 if EXPECTED[name][role] == 200 else EXPECTED[name][role]
        assert client.get(_fill(route, world["values"])).status_code == expected, role
    client.force_login(manager)
    expected = EXPECTED[name]["manager"]
    assert _outcome(client.get(_fill(route, world["values"]))) == expected
