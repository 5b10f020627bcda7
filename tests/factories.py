"""factory-boy factories. Cases are built through the services, so their references,
deadlines, status rows and history are what the application itself would write."""

import datetime as dt

import factory
import nhs_number
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from casework import services
from casework.demo import advance_complaint
from casework.models import Case, ServiceArea, Subject, Team
from casework.workflow import CaseKind, Status
from config import roles
from contacts.models import Organisation, OrganisationType, Person


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    password = factory.django.Password("correct-horse-battery-staple")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    ods_code = factory.Sequence(lambda n: f"A{81000 + n}")
    name = factory.Sequence(lambda n: f"Riverside Surgery {n}")
    org_type = OrganisationType.GP_PRACTICE
    is_independent_contractor = True


def valid_nhs_number() -> str:
    return nhs_number.generate(for_region=nhs_number.REGION_SYNTHETIC)[0]


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    given_name = factory.Faker("first_name", locale="en_GB")
    family_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=1, maximum_age=95)
    nhs_number = factory.LazyFunction(valid_nhs_number)
    phone = factory.Sequence(lambda n: f"07700 9{n:05d}")
    address = "1 Park Row\nLeeds"
    postcode = "LS1 4AP"


class CaseFactory(factory.Factory):
    """`CaseFactory(kind=..., status=..., received_on=..., person=...)`; traits
    `acknowledged`, `investigating`, `closed` move a complaint along its workflow."""

    class Meta:
        model = Case

    kind = CaseKind.COMPLAINT
    received_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=1))
    description = factory.Faker("paragraph", locale="en_GB")
    organisation = None
    person = None
    by = factory.SubFactory(UserFactory)
    status = None

    class Params:
        acknowledged = factory.Trait(status=Status.ACKNOWLEDGED)
        investigating = factory.Trait(status=Status.INVESTIGATING)
        closed = factory.Trait(status=Status.CLOSED)

    @classmethod
    def _create(
        cls, model_class, *, kind, received_on, description, organisation, person, by, status
    ):
        at = timezone.now()
        contacted_at = timezone.make_aware(dt.datetime.combine(received_on, dt.time(10, 0)))
        contact = services.log_contact(
            by=by,
            at=at,
            channel="phone",
            contacted_at=min(contacted_at, at),
            summary=description,
            person=person,
            new_case_kind=kind,
            organisation=organisation,
        )
        case = contact.case
        if not status or status in (Status.OPEN, Status.RECEIVED):
            return case
        if kind != CaseKind.COMPLAINT:
            if status == Status.ESCALATED:
                return services.escalate_to_complaint(case, by=by, at=at, reason="Test")
            return services.change_status(case, status, by=by, at=at, reason="Test")
        if person is None and status in (Status.CLOSED, Status.REOPENED):
            # A response letter needs someone to write to.
            person = PersonFactory()
            services.add_party(case, person, "complainant", by=by, relationship="self")
        manager = UserFactory(username="factory-manager")
        manager.groups.add(Group.objects.get(name=roles.MANAGER))
        return advance_complaint(case, status, by=by, manager=manager, at=at)

    @classmethod
    def _build(cls, model_class, **kwargs):
        raise NotImplementedError("Cases are created through the services; use create().")


def subject(code="COMMUNICATIONS"):
    return Subject.objects.get(code=code)


def service_area(code="MATERNITY"):
    return ServiceArea.objects.get(code=code)


def contact_form_data(summary: str = "Could not get through to the ward for two days.", **extra):
    """What an officer posts on Log a contact for a new PALS concern, logged five minutes ago;
    `extra` adds or overrides fields (person_id, organisation, the new-person fields...)."""
    now = timezone.localtime() - dt.timedelta(minutes=5)
    return {
        "channel": "phone",
        "contacted_on": now.strftime("%d/%m/%Y"),
        "contacted_time": now.strftime("%H:%M"),
        "case_choice": "new",
        "kind": CaseKind.PALS_CONCERN,
        "relationship": "self",
        "summary": summary,
        **extra,
    }
