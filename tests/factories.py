"""factory-boy factories. Cases are built through the services, so their references,
deadlines, status rows and history are what the application itself would write."""

import datetime as dt

import factory
import nhs_number
from django.contrib.auth import get_user_model
from django.utils import timezone

from casework import services
from casework.models import Case, ServiceArea, Subject, Team
from casework.workflow import CaseKind, Outcome, Status
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
    postcode = "LS1 4AP"


STATUS_PATH = {
    # The transitions a complaint goes through to reach each state.
    Status.ACKNOWLEDGED: [Status.ACKNOWLEDGED],
    Status.INVESTIGATING: [Status.ACKNOWLEDGED, Status.INVESTIGATING],
    Status.RESPONSE_DRAFTED: [Status.ACKNOWLEDGED, Status.INVESTIGATING, Status.RESPONSE_DRAFTED],
    Status.AWAITING_APPROVAL: [
        Status.ACKNOWLEDGED,
        Status.INVESTIGATING,
        Status.RESPONSE_DRAFTED,
        Status.AWAITING_APPROVAL,
    ],
    Status.CLOSED: [
        Status.ACKNOWLEDGED,
        Status.INVESTIGATING,
        Status.RESPONSE_DRAFTED,
        Status.AWAITING_APPROVAL,
        Status.CLOSED,
    ],
}


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
        path = (
            STATUS_PATH.get(status, [])
            if kind == CaseKind.COMPLAINT
            else ([status] if status and status != Status.OPEN else [])
        )
        for step in path:
            case = services.change_status(
                case,
                step,
                by=by,
                at=at,
                reason=f"Moved to {step} by the test",
                outcome=Outcome.UPHELD if step == Status.CLOSED else "",
            )
        return case

    @classmethod
    def _build(cls, model_class, **kwargs):
        raise NotImplementedError("Cases are created through the services; use create().")


def subject(code="COMMUNICATIONS"):
    return Subject.objects.get(code=code)


def service_area(code="MATERNITY"):
    return ServiceArea.objects.get(code=code)
