"""Who sees what (restricted cases, people) and the append-only record of who looked."""

import json

import pytest
from django.contrib.auth.models import Group
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from casework import services
from casework.access import people_visible_to
from casework.models import Case, PartyRole
from casework.records.models import AccessLog, AppendOnlyError
from casework.records.services import update_case_protection
from casework.workflow import CaseKind
from config import roles
from tests.factories import CaseFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def _restrict(case, by, named=()):
    return update_case_protection(
        case,
        restricted=True,
        restriction_reason="staff",
        restricted_to=list(named),
        litigation_hold=False,
        reason="The complainant is a member of staff",
        by=by,
        at=timezone.now(),
    )


def _manager(username):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=roles.MANAGER))
    return user


def test_viewing_a_case_page_records_who_when_and_from_where(client, officer):
    case = CaseFactory(kind=CaseKind.ENQUIRY, person=PersonFactory(), by=officer)
    client.force_login(officer)
    client.get(
        reverse("case_detail", args=[case.reference]),
        HTTP_USER_AGENT="Test browser 1.0",
        REMOTE_ADDR="10.1.2.3",
    )
    log = AccessLog.objects.get(case=case)
    assert (log.user, log.action, log.object_type, log.object_id) == (
        officer,
        "view",
        "case",
        case.reference,
    )
    assert log.ip_address == "10.1.2.3"
    assert log.user_agent == "Test browser 1.0"
    assert log.at is not None


def test_behind_the_proxy_the_log_records_the_address_the_proxy_saw(client, officer, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    case = CaseFactory(kind=CaseKind.ENQUIRY, person=PersonFactory(), by=officer)
    client.force_login(officer)
    client.get(
        reverse("case_detail", args=[case.reference]),
        REMOTE_ADDR="172.16.0.1",
        # The client wrote the first address; the proxy appended the one it saw.
        HTTP_X_FORWARDED_FOR="203.0.113.66, 10.1.2.3",
    )
    assert AccessLog.objects.get(case=case).ip_address == "10.1.2.3"


def test_viewing_a_person_page_is_recorded(client, officer):
    person = PersonFactory()
    CaseFactory(kind=CaseKind.ENQUIRY, person=person, by=officer)
    client.force_login(officer)
    client.get(reverse("person_detail", args=[person.pk]))
    assert AccessLog.objects.filter(
        user=officer, object_type="person", object_id=str(person.pk)
    ).exists()


def test_the_access_log_cannot_be_changed_or_deleted_through_the_model(officer):
    log = AccessLog.objects.create(
        at=timezone.now(), user=officer, action="view", object_type="case", object_id="X"
    )
    log.object_id = "Y"
    with pytest.raises(AppendOnlyError):
        log.save()
    with pytest.raises(AppendOnlyError):
        log.delete()
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.filter(pk=log.pk).update(object_id="Y")
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.all().delete()
    assert AccessLog.objects.get(pk=log.pk).object_id == "X"


def test_the_database_refuses_to_rewrite_the_access_log(officer):
    log = AccessLog.objects.create(
        at=timezone.now(), user=officer, action="view", object_type="case", object_id="X"
    )
    table = AccessLog._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET object_id = 'Y' WHERE id = %s", [log.pk])
    assert AccessLog.objects.get(pk=log.pk).object_id == "X"


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="DELETE is refused by a PostgreSQL trigger (run with DATABASE_URL=postgres://...)",
)
def test_postgresql_refuses_to_delete_access_log_rows(officer):
    log = AccessLog.objects.create(
        at=timezone.now(), user=officer, action="view", object_type="case", object_id="X"
    )
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AccessLog._meta.db_table} WHERE id = %s", [log.pk])
    assert AccessLog.objects.filter(pk=log.pk).exists()


def test_a_manager_can_list_who_accessed_a_case_from_the_case_page(client, officer, manager):
    case = CaseFactory(kind=CaseKind.ENQUIRY, person=PersonFactory(), by=officer)
    client.force_login(officer)
    client.get(reverse("case_detail", args=[case.reference]))
    client.force_login(manager)
    page = client.get(reverse("case_detail", args=[case.reference])).content.decode()
    assert reverse("case_access_log", args=[case.reference]) in page
    log_page = client.get(reverse("case_access_log", args=[case.reference])).content.decode()
    assert "Olive Officer (officer)" in log_page
    assert "Mina Manager (manager)" in log_page


def test_a_restricted_case_is_seen_only_by_the_named_staff(client, officer, investigator):
    restricting_manager = _manager("restricting-manager")
    other_manager = _manager("other-manager")
    case = CaseFactory(kind=CaseKind.COMPLAINT, person=PersonFactory(), by=officer)
    _restrict(case, restricting_manager, named=[investigator])

    assert set(Case.objects.visible_to(restricting_manager)) == {case}
    # Named, though the case is not on their team.
    assert set(Case.objects.visible_to(investigator)) == {case}
    assert not Case.objects.visible_to(officer).exists()
    assert not Case.objects.visible_to(other_manager).exists()

    client.force_login(officer)
    assert client.get(reverse("case_detail", args=[case.reference])).status_code == 404
    assert case.reference not in client.get(reverse("case_list")).content.decode()


def test_people_known_only_through_a_restricted_case_cannot_be_found(client, officer, manager):
    staff_member = PersonFactory(family_name="Restrictedson")
    case = CaseFactory(kind=CaseKind.COMPLAINT, person=staff_member, by=officer)
    _restrict(case, manager)
    client.force_login(officer)
    results = client.get(reverse("person_search"), {"q": "Restrictedson"}).context["results"]
    assert results == []
    assert client.get(reverse("person_detail", args=[staff_member.pk])).status_code == 404
    client.force_login(manager)
    results = client.get(reverse("person_search"), {"q": "Restrictedson"}).context["results"]
    assert results == [staff_member]


def test_someone_on_a_restricted_case_and_an_ordinary_one_can_still_be_found(
    client, officer, manager
):
    both = PersonFactory(family_name="Twocases")
    only_restricted = PersonFactory(family_name="Onecase")
    restricted = CaseFactory(kind=CaseKind.COMPLAINT, person=both, by=officer)
    CaseFactory(kind=CaseKind.ENQUIRY, person=both, by=officer)
    services.add_party(
        restricted, by=officer, person=only_restricted, role=PartyRole.REPRESENTATIVE
    )
    _restrict(restricted, manager)
    client.force_login(officer)
    assert client.get(reverse("person_search"), {"q": "Twocases"}).context["results"] == [both]
    assert client.get(reverse("person_search"), {"q": "Onecase"}).context["results"] == []


def test_someone_on_no_case_is_found_when_a_hidden_case_has_a_contact_without_a_person(
    client, officer, manager
):
    newcomer = PersonFactory(family_name="Newcomer")
    restricted = CaseFactory(kind=CaseKind.COMPLAINT, person=PersonFactory(), by=officer)
    now = timezone.now()
    services.log_contact(
        by=officer,
        at=now,
        channel="phone",
        contacted_at=now,
        summary="The caller gave no name",
        case=restricted,
    )
    _restrict(restricted, manager)
    assert list(people_visible_to(officer).filter(family_name="Newcomer")) == [newcomer]
    client.force_login(officer)
    assert client.get(reverse("person_search"), {"q": "Newcomer"}).context["results"] == [newcomer]


def test_an_investigator_finds_only_people_on_their_teams_cases(client, investigator, officer):
    stranger = PersonFactory(family_name="Elsewhere")
    CaseFactory(kind=CaseKind.ENQUIRY, person=stranger, by=officer)
    client.force_login(investigator)
    assert client.get(reverse("person_search"), {"q": "Elsewhere"}).context["results"] == []
    assert client.get(reverse("person_detail", args=[stranger.pk])).status_code == 404
    assert client.get(reverse("log_contact"), {"person": stranger.pk}).status_code == 404


def test_subject_access_export_has_everything_held_and_is_logged(client, officer, manager):
    person = PersonFactory(given_name="Sally", family_name="Subject", address="1 High Street")
    case = CaseFactory(kind=CaseKind.COMPLAINT, person=person, by=officer, description="Rude")
    client.force_login(manager)

    response = client.get(reverse("subject_access_json", args=[person.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["person"]["first_name"] == "Sally"
    assert data["person"]["address"] == "1 High Street"
    assert [c["reference"] for c in data["cases"]] == [case.reference]
    assert data["cases"][0]["contacts"][0]["summary"] == "Rude"
    assert data["record_history"][0]["change"] == "Created"

    pdf = client.get(reverse("subject_access_pdf", args=[person.pk]))
    assert pdf.content.startswith(b"%PDF")
    exports = AccessLog.objects.filter(action="export", object_id=str(person.pk))
    assert sorted(exports.values_list("detail", flat=True)) == [
        "Subject access (JSON)",
        "Subject access (PDF)",
    ]


def test_the_subject_access_export_names_who_holds_restricted_cases(client, officer, manager):
    person = PersonFactory()
    open_case = CaseFactory(kind=CaseKind.ENQUIRY, person=person, by=officer)
    case = CaseFactory(kind=CaseKind.COMPLAINT, person=person, by=officer)
    holder = _manager("holder")
    holder.first_name, holder.last_name = "Hana", "Holder"
    holder.save()
    _restrict(case, holder)
    client.force_login(manager)
    data = json.loads(client.get(reverse("subject_access_json", args=[person.pk])).content)
    assert [c["reference"] for c in data["cases"]] == [open_case.reference]
    assert data["restricted_cases_withheld"][0]["named_staff"] == ["Hana Holder"]


def test_only_administrators_reach_the_admin(client, administrator, manager):
    manager.is_staff = True
    manager.save()
    client.force_login(manager)
    assert client.get("/admin/").status_code == 302
    client.force_login(administrator)
    assert client.get("/admin/").status_code == 200


# --- What a refused user reads ---------------------------------------------------------------


def test_a_case_out_of_reach_is_a_page_not_found_that_says_why(officer_client):
    response = officer_client.get("/cases/COMP-1999-000001/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert "No case with that reference, or it is not one you can see." in page
    assert "nhsuk-header" in page  # the service's own page, with its header and navigation


def test_a_page_the_role_does_not_allow_says_so_in_plain_words(client, commissioner):
    client.force_login(commissioner)
    response = client.get("/contacts/new/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "You cannot open this page" in page
    assert "Your role does not give access to this page." in page
    assert "Go to My work" in page


def test_a_new_account_without_a_role_is_told_to_ask_for_one(client):
    client.force_login(UserFactory(username="newstarter"))
    response = client.get("/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Your account has no role yet. Ask an administrator to give you one." in page
    assert "Go to My work" not in page  # it would lead straight back here
