"""Fill an empty database with realistic demo data: a user per role, teams, organisations of
every type, a few hundred people, contacts and cases across every kind and status.

Everything is written through the services, so references, deadlines, status rows and
history are what real use would produce. Running it again on a database that already has
demo data changes nothing.
"""

import datetime as dt
import random

import nhs_number
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from faker import Faker

from casework import services
from casework.complaints import services as complaints
from casework.demo import advance_complaint
from casework.models import Case, ServiceArea, StaffGroup, Subject, Team
from casework.workflow import CaseKind, Outcome, Status
from config import roles
from contacts.models import Channel, Organisation, OrganisationType

DEMO_PASSWORD = "demo-pals-2026"

DEMO_USERS = (
    ("officer", "Olivia", "Okafor", roles.CUSTOMER_CARE, "Customer care"),
    ("investigator", "Ian", "Ibbotson", roles.INVESTIGATOR, "Complaints investigations"),
    ("manager", "Maya", "Marsh", roles.MANAGER, "Complaints investigations"),
    ("commissioner", "Colin", "Carter", roles.COMMISSIONER, None),
    ("admin", "Ada", "Adeyemi", roles.ADMINISTRATOR, None),
)

ORGANISATIONS = (
    ("QWO", "West Yorkshire Integrated Care Board", OrganisationType.ICB),
    ("RR8", "Leeds Teaching Hospitals NHS Trust", OrganisationType.TRUST),
    ("RXF", "Mid Yorkshire Teaching NHS Trust", OrganisationType.TRUST),
    ("RY6", "Leeds Community Healthcare NHS Trust", OrganisationType.TRUST),
    ("RX8", "Yorkshire Ambulance Service NHS Trust", OrganisationType.TRUST),
    ("RR8RA", "St James's University Hospital", OrganisationType.TRUST_SITE),
    ("B86001", "Burley Park Medical Centre", OrganisationType.GP_PRACTICE),
    ("B86002", "Chapel Allerton Surgery", OrganisationType.GP_PRACTICE),
    ("B86003", "Harehills Corner Practice", OrganisationType.GP_PRACTICE),
    ("B86004", "Kirkstall Lane Medical Centre", OrganisationType.GP_PRACTICE),
    ("B86005", "Roundhay Road Surgery", OrganisationType.GP_PRACTICE),
    ("V12345", "Headingley Dental Care", OrganisationType.DENTAL_PRACTICE),
    ("V12346", "Armley Smile Dental Practice", OrganisationType.DENTAL_PRACTICE),
    ("FA123", "Meanwood Pharmacy", OrganisationType.PHARMACY),
    ("FB456", "Crossgates Late Night Pharmacy", OrganisationType.PHARMACY),
    ("TP001", "Horsforth Opticians", OrganisationType.OPTOMETRIST),
    ("00DA", "Leeds City Council", OrganisationType.LOCAL_AUTHORITY),
)

SUMMARIES = {
    CaseKind.ENQUIRY: [
        "Asked how to request a copy of their medical records.",
        "Wanted to know visiting times on the children's ward.",
        "Asked which GP practices near them are taking new patients.",
    ],
    CaseKind.PALS_CONCERN: [
        "Has been waiting three weeks for a call back about a cancelled appointment.",
        "Cannot get through to the outpatient booking line; phone rings out.",
        "Father's hearing aids went missing during his ward stay.",
        "Discharge letter has not reached the GP, repeat prescription delayed.",
    ],
    CaseKind.COMPLIMENT: [
        "Wanted to thank the maternity team for their kindness during a difficult birth.",
        "Praised the paramedics who attended their mother's fall.",
    ],
    CaseKind.COMMENT: [
        "Suggests clearer signs to the eye clinic from the main car park.",
        "Would like text reminders for dental appointments.",
    ],
    CaseKind.COMPLAINT: [
        "Complains that a diagnosis of a fracture was missed in A&E and only found a week later.",
        "Unhappy with the attitude of reception staff and being refused an appointment.",
        "Mother was discharged late at night without transport or medication.",
        "Dentist charged for a course of treatment that was not completed.",
        "Pharmacy gave the wrong strength of medication; patient was unwell for days.",
    ],
}

KIND_WEIGHTS = {
    CaseKind.ENQUIRY: 25,
    CaseKind.PALS_CONCERN: 35,
    CaseKind.COMPLIMENT: 10,
    CaseKind.COMMENT: 5,
    CaseKind.COMPLAINT: 25,
}


class Command(BaseCommand):
    help = "Load realistic demo data (users per role, organisations, people, contacts, cases)."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=300, help="How many cases (default 300)")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed")

    def handle(self, *args, cases, seed, **options):
        users = self._users()
        if Case.objects.exists():
            self.stdout.write("Demo data already present; nothing added.")
        else:
            self._load(users, cases, seed)
        self.stdout.write(self.style.SUCCESS(f"\nDemo users (password for all: {DEMO_PASSWORD})"))
        for username, _first, _last, role, _team in DEMO_USERS:
            self.stdout.write(f"  {username:<14} {role}")

    def _users(self):
        User = get_user_model()
        users = {}
        teams = {}
        for username, first, last, role, team_name in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.nhs.uk",
                    "is_staff": role == roles.ADMINISTRATOR,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            user.groups.add(Group.objects.get(name=role))
            if team_name:
                if team_name not in teams:
                    teams[team_name], _ = Team.objects.get_or_create(name=team_name)
                teams[team_name].members.add(user)
            users[username] = user
        return users

    @transaction.atomic
    def _load(self, users, how_many, seed):
        rng = random.Random(seed)
        random.seed(seed)  # nhs_number.generate uses the global generator
        fake = Faker("en_GB")
        fake.seed_instance(seed)
        officer, manager, investigator = users["officer"], users["manager"], users["investigator"]
        investigations = Team.objects.get(name="Complaints investigations")
        icb = None
        organisations = []
        for code, name, org_type in ORGANISATIONS:
            org = Organisation.objects.create(
                ods_code=code,
                name=name,
                org_type=org_type,
                is_independent_contractor=org_type
                in (
                    OrganisationType.GP_PRACTICE,
                    OrganisationType.DENTAL_PRACTICE,
                    OrganisationType.PHARMACY,
                    OrganisationType.OPTOMETRIST,
                ),
                parent=icb if org_type != OrganisationType.ICB else None,
                address=fake.street_address() + "\nLeeds",
                postcode=fake.postcode(),
                complaints_contact_name=f"Complaints lead, {name}",
                complaints_contact_email=f"complaints@{code.lower()}.example.nhs.uk",
            )
            if org_type == OrganisationType.ICB:
                icb = org
            organisations.append(org)
        subjects = list(Subject.objects.all())
        areas = list(ServiceArea.objects.all())
        staff_groups = list(StaffGroup.objects.all())
        people = []
        for number in nhs_number.generate(
            for_region=nhs_number.REGION_SYNTHETIC, quantity=how_many // 2 + 10
        ):
            people.append(
                services.create_person(
                    by=officer,
                    reason="Demo data",
                    given_name=fake.first_name(),
                    family_name=fake.last_name(),
                    date_of_birth=fake.date_of_birth(minimum_age=0, maximum_age=95),
                    nhs_number=number if rng.random() < 0.8 else "",
                    phone=fake.phone_number(),
                    email=fake.email() if rng.random() < 0.5 else "",
                    address=fake.street_address() + "\nLeeds",
                    postcode=fake.postcode(),
                )
            )
        today = timezone.localdate()
        kinds = list(KIND_WEIGHTS)
        weights = [KIND_WEIGHTS[k] for k in kinds]
        for _ in range(how_many):
            kind = rng.choices(kinds, weights)[0]
            received = today - dt.timedelta(days=rng.randint(0, 540))
            at = timezone.make_aware(
                dt.datetime.combine(received, dt.time(rng.randint(8, 17), rng.randint(0, 59)))
            )
            person = rng.choice(people)
            relationship = (
                "self"
                if rng.random() < 0.75
                else rng.choice(["child", "partner", "parent", "carer", "advocate"])
            )
            contact = services.log_contact(
                by=officer,
                at=max(at, timezone.now()) if received == today else at,
                channel=rng.choice(Channel.values),
                contacted_at=min(at, timezone.now()),
                summary=rng.choice(SUMMARIES[kind]),
                person=person,
                relationship=relationship,
                new_case_kind=kind,
                organisation=rng.choice(organisations),
                service_area=rng.choice(areas),
                from_organisation=rng.choice(organisations) if rng.random() < 0.1 else None,
            )
            case = contact.case
            coded = rng.sample(subjects, rng.randint(1, 2))
            services.update_case_details(
                case,
                by=manager,
                reason="Coded and allocated at triage",
                subjects=coded,
                staff_groups=rng.sample(staff_groups, 1),
                team=investigations if kind == CaseKind.COMPLAINT else None,
                assignee=(
                    investigator if kind == CaseKind.COMPLAINT and rng.random() < 0.6 else officer
                ),
            )
            if rng.random() < 0.3:
                later = min(at + dt.timedelta(days=rng.randint(1, 10)), timezone.now())
                services.log_contact(
                    by=officer,
                    at=timezone.now(),
                    channel=Channel.PHONE,
                    contacted_at=later,
                    summary="Called for an update; explained where things are.",
                    person=person,
                    relationship=relationship,
                    case=case,
                )
            self._progress(case, kind, rng, users, at, received, today)
        self.stdout.write(
            f"Loaded {how_many} cases, {len(people)} people and {len(organisations)} organisations."
        )

    def _progress(self, case, kind, rng, users, at, received, today):
        age = (today - received).days
        manager, officer, investigator = users["manager"], users["officer"], users["investigator"]
        if kind == CaseKind.COMPLAINT:
            # Older complaints are further along; a few are closed without a response.
            if age > 30 and rng.random() < 0.1:
                complaints.close_without_response(
                    case,
                    outcome=rng.choice([Outcome.WITHDRAWN, Outcome.NOT_TAKEN_FORWARD]),
                    reason="Demo: the complainant withdrew",
                    by=manager,
                    at=at,
                )
                return
            stages = [
                Status.RECEIVED,
                Status.ACKNOWLEDGED,
                Status.INVESTIGATING,
                Status.RESPONSE_DRAFTED,
                Status.AWAITING_APPROVAL,
                Status.CLOSED,
                Status.REOPENED,
            ]
            target = stages[min(len(stages) - 1, rng.randint(0, max(0, age // 15)))]
            if target == Status.REOPENED and rng.random() < 0.8:
                target = Status.CLOSED
            if target != Status.RECEIVED:
                advance_complaint(
                    case,
                    target,
                    by=officer,
                    manager=manager,
                    investigator=investigator,
                    at=timezone.now(),
                    outcome=rng.choice([Outcome.UPHELD, Outcome.PARTLY_UPHELD, Outcome.NOT_UPHELD]),
                    step=dt.timedelta(days=rng.randint(2, 12)),
                )
            return
        if age <= 5 or rng.random() < 0.2:
            return
        when = min(at + dt.timedelta(days=rng.randint(1, 5)), timezone.now())
        if kind == CaseKind.PALS_CONCERN and rng.random() < 0.15:
            services.escalate_to_complaint(
                case, by=manager, at=when, reason="Demo: wants a formal investigation"
            )
            return
        services.change_status(
            case, Status.RESOLVED, by=officer, at=when, reason="Demo: resolved informally"
        )
