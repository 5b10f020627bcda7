"""A realistic data set at national scale, for the benchmark harness (`make bench`).

`python manage.py generate_data --cases 1000000 --seed 1` writes organisations of every type,
people (a few with many contacts), ~3 contacts per case, every kind and status in realistic
proportions with the milestones each status implies, parties, status changes, referrals of
~15% of complaints to the organisations they are about, letters (acknowledgements, final
responses, holding letters), a few restricted cases, and one history row per record. On
PostgreSQL rows are streamed with COPY; on SQLite (small runs, the test suite) with
executemany. Rows are built from each model's own field list, so a new field with a default
needs no change here.

Letters and referrals are metadata only: no PDF, referral pack or response document is
written. A letter's `pdf` names a file (`letters/generated/<id>.pdf`) that does not exist, so
downloading a generated letter fails; nothing the benchmark measures reads the files. Rows
that need a user (a letter's author, who sent a referral) name one inactive user,
`generated-data`, with no usable password.

Referrals, letters, addresses and restrictions draw on their own random stream, so a seed
still gives the same organisations, people, cases and contacts as before they were added.
"""

import math
import operator
import random
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta

import nhs_number
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, models
from django.utils import timezone

from casework import deadlines
from casework.letters.models import Letter, LetterKind, LetterTemplate
from casework.models import (
    Case,
    CaseParty,
    ReferenceCounter,
    RestrictionReason,
    ServiceArea,
    StaffGroup,
    StatusChange,
    Subject,
    Team,
)
from casework.referrals.models import WHOLE_COMPLAINT, Referral
from casework.workflow import (
    INITIAL_STATUS,
    REFERENCE_PREFIX,
    CaseKind,
    Outcome,
    ReferralStatus,
    Status,
)
from contacts.models import Channel, Contact, Organisation, OrganisationType, Person
from reports import daily_counts

KIND_WEIGHTS = {
    CaseKind.ENQUIRY: 25,
    CaseKind.PALS_CONCERN: 35,
    CaseKind.COMPLIMENT: 10,
    CaseKind.COMMENT: 5,
    CaseKind.COMPLAINT: 25,
}
# The teams cases are allocated to, as a trust's patient experience service is usually
# organised: PALS takes the concerns, enquiries, compliments and comments; complaints go to
# the complaints team of the division the care was in.
PALS_TEAM = "PALS"
COMPLAINT_TEAMS = (
    "Complaints: medicine",
    "Complaints: surgery",
    "Complaints: women and children",
    "Complaints: community and mental health",
)
# Roughly the shape of England's provider landscape, scaled to --organisations.
ORG_MIX = [
    (OrganisationType.GP_PRACTICE, 0.62, "A", True),
    (OrganisationType.DENTAL_PRACTICE, 0.17, "V", True),
    (OrganisationType.PHARMACY, 0.14, "F", True),
    (OrganisationType.OPTOMETRIST, 0.03, "T", True),
    (OrganisationType.TRUST, 0.02, "R", False),
    (OrganisationType.TRUST_SITE, 0.015, "S", False),
    (OrganisationType.ICB, 0.004, "Q", False),
    (OrganisationType.LOCAL_AUTHORITY, 0.011, "L", False),
]
COMPLAINT_PATH = [
    Status.RECEIVED,
    Status.ACKNOWLEDGED,
    Status.INVESTIGATING,
    Status.RESPONSE_DRAFTED,
    Status.AWAITING_APPROVAL,
    Status.CLOSED,
]
SURNAMES = (
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Patel Robinson Wright "
    "Thompson Evans Walker White Roberts Green Hall Wood Jackson Clarke Khan Lewis "
    "Hughes Ahmed Begum Edwards Hill Moore Clark Harrison Scott Young Morris Hussain "
    "Ali Cooper Ward Turner Carter Phillips Mitchell Kaur Singh Murphy Kelly Okafor"
).split()
GIVEN = (
    "Oliver Amelia George Isla Harry Ava Noah Mia Jack Ivy Leo Lily Arthur Freya Muhammad "
    "Grace Oscar Sophia Charlie Florence Jacob Evie Thomas Margaret Joan Peter Susan David "
    "Mary John Patricia Anne Ian Sandra Raj Priya Chidi Ngozi Tomasz Anna"
).split()
POSTAREAS = "LS BD HX HD WF YO HG S M B L NE SW E N W".split()
TOWNS = {
    "LS": "Leeds",
    "BD": "Bradford",
    "HX": "Halifax",
    "HD": "Huddersfield",
    "WF": "Wakefield",
    "YO": "York",
    "HG": "Harrogate",
    "S": "Sheffield",
    "M": "Manchester",
    "B": "Birmingham",
    "L": "Liverpool",
    "NE": "Newcastle upon Tyne",
    "SW": "London",
    "E": "London",
    "N": "London",
    "W": "London",
}
STREETS = "Church High Station Mill Park Victoria Manor School Chapel Green Albert Moor".split()
STREET_KINDS = "Road Street Lane Avenue Close Drive Terrace".split()

# The user named on generated rows that must name one (a letter's author, a referral's sender).
GENERATED_USER = "generated-data"
# Restricted cases (staff complainants, VIPs, safeguarding): about 1 in 500, at least one per
# batch so that even a tiny run exercises the restricted-case scoping.
RESTRICTED_SHARE = 0.002
RESTRICTION_WEIGHTS = {
    RestrictionReason.STAFF: 50,
    RestrictionReason.SAFEGUARDING: 35,
    RestrictionReason.VIP: 15,
}
# Complaints referred to the organisation they are about (SI 2009/309 regs 6(5)-(6), 7),
# mostly independent contractors; a few go to two organisations, one part each (reg 9).
REFERRAL_SHARE = 0.15
TRUST_REFERRAL_SHARE = 0.15
SECOND_REFERRAL_SHARE = 0.1
REFERRABLE_CONTRACTORS = (
    OrganisationType.GP_PRACTICE,
    OrganisationType.DENTAL_PRACTICE,
    OrganisationType.PHARMACY,
    OrganisationType.OPTOMETRIST,
)
REFERRAL_PARTS = {
    OrganisationType.GP_PRACTICE: "Diagnosis and treatment at the practice",
    OrganisationType.DENTAL_PRACTICE: "Dental treatment and charges",
    OrganisationType.PHARMACY: "Dispensing of the prescription",
    OrganisationType.OPTOMETRIST: "Eye test and spectacles",
    OrganisationType.TRUST: "Care at the hospital",
}
RESPONSE_SUMMARIES = (
    "The organisation apologised and explained what happened.",
    "The organisation found no fault and explained its decision.",
    "The organisation apologised and has changed its procedure.",
    "The organisation offered a meeting with the clinician.",
)


class Progress:
    """A one-line progress display on a terminal; silent when output is not a terminal."""

    def __init__(self, total: int, label: str, out=sys.stderr):
        self.total, self.label, self.out = max(total, 1), label, out
        self.done, self.started, self.shown = 0, time.monotonic(), -1
        self.tty = hasattr(out, "isatty") and out.isatty()

    def advance(self, n: int = 1):
        self.done += n
        percent = self.done * 100 // self.total
        if self.tty and percent != self.shown:
            self.shown = percent
            bar = "#" * (percent // 4)
            self.out.write(f"\r{self.label:<14} [{bar:<25}] {percent:3d}% {self.done:,}")
            self.out.flush()

    def close(self):
        if self.tty:
            self.out.write("\n")


def _defaults(model) -> dict:
    """Column → default value for every concrete field (callable defaults evaluated once)."""
    now = timezone.now()
    values = {}
    for f in model._meta.concrete_fields:
        if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
            values[f.column] = now
        elif f.has_default():
            values[f.column] = f.get_default()
        elif f.null:
            values[f.column] = None
        elif isinstance(f, models.CharField | models.TextField | models.FileField):
            values[f.column] = ""
        else:
            values[f.column] = None
    return values


class Writer:
    """Streams rows into a model's table: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self, model):
        self.model = model
        self.columns = [f.column for f in model._meta.concrete_fields]
        self.defaults = _defaults(model)
        # Every model here has several columns, so this returns a tuple (and fast).
        self.values_of = operator.itemgetter(*self.columns)

    def row(self, values: dict) -> tuple:
        merged = dict(self.defaults)
        merged.update(values)
        return self.values_of(merged)

    def write(self, rows: Iterable[dict]) -> int:
        table = connection.ops.quote_name(self.model._meta.db_table)
        cols = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        count = 0
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for values in rows:
                        copy.write_row(self.row(values))
                        count += 1
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                batch = []
                for values in rows:
                    batch.append(self.row(values))
                    if len(batch) >= 5000:
                        cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", batch)
                        count += len(batch)
                        batch = []
                if batch:
                    cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", batch)
                    count += len(batch)
        return count


def _next_id(model) -> int:
    return (model.objects.aggregate(m=models.Max("id"))["m"] or 0) + 1


def _reset_sequences(*model_list):
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in model_list:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
            )
            hist = getattr(model, "history", None)
            if hist is not None:
                htable = hist.model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{htable}', 'history_id'), "
                    f"COALESCE((SELECT MAX(history_id) FROM {htable}), 1))"
                )


class Generator:
    def __init__(
        self,
        *,
        cases: int,
        seed: int,
        organisations: int | None = None,
        years: int = 3,
        out=sys.stderr,
    ):
        self.cases = cases
        self.rng = random.Random(seed)
        # Referrals, letters, addresses and restrictions: a stream of their own (see above).
        self.extra = random.Random(seed * 1_000_003 + 17)
        random.seed(seed)
        self.organisations = organisations or max(50, min(12000, cases // 80 + 40))
        self.people = max(10, int(cases * 0.6))
        self.out = out
        self.today = timezone.localdate()
        self.start = self.today - timedelta(days=365 * years)
        self.now = timezone.now()
        self.tz = timezone.get_current_timezone()
        self.counters: dict[tuple[str, int], int] = {}
        self.counts = {"referrals": 0, "letters": 0, "restricted cases": 0}

    # --- helpers -------------------------------------------------------------------------

    def _aware(self, day: date, minutes: int = 600) -> datetime:
        naive = datetime.combine(day, datetime.min.time()) + timedelta(minutes=minutes)
        # What timezone.make_aware does, without looking the time zone up for every row.
        return naive.replace(tzinfo=self.tz)

    def _write(self, model, rows: list[dict], when_key: str | None = None):
        """The rows, then one "created" history row for each."""
        Writer(model).write(rows)
        Writer(model.history.model).write(self._history(model, rows, "Generated", when_key))

    def _history(
        self, model, rows: Iterable[dict], reason: str, when_key: str | None = None
    ) -> Iterator[dict]:
        # Read the next id now: the rows are consumed inside a COPY, when the connection
        # cannot run another query.
        start = _next_id_history(model)
        return self._history_rows(model, rows, reason, when_key, start)

    def _history_rows(self, model, rows, reason, when_key, start) -> Iterator[dict]:
        base = _defaults(model)
        for history_id, values in enumerate(rows, start=start):
            row = dict(base)
            row.update(values)
            row.update(
                history_id=history_id,
                history_date=values.get(when_key) or self.now if when_key else self.now,
                history_change_reason=reason,
                history_type="+",
                history_user_id=None,
            )
            yield row

    # --- the data ------------------------------------------------------------------------

    def run(self) -> dict:
        # Continue each reference series from where the database has got to.
        self.counters = {(c.prefix, c.year): c.last_number for c in ReferenceCounter.objects.all()}
        self.user_id = _generated_user().pk
        self.templates = dict(
            LetterTemplate.objects.filter(is_active=True).values_list("kind", "id")
        )
        self.pals_team = Team.objects.get_or_create(name=PALS_TEAM)[0].pk
        self.complaint_teams = [
            Team.objects.get_or_create(name=name)[0].pk for name in COMPLAINT_TEAMS
        ]
        timings = {}
        for name, step in (
            ("organisations", self._organisations),
            ("people", self._people),
            ("cases", self._cases),
        ):
            started = time.monotonic()
            step()
            timings[name] = round(time.monotonic() - started, 1)
        started = time.monotonic()
        _reset_sequences(
            Organisation,
            Person,
            Case,
            Contact,
            CaseParty,
            StatusChange,
            Referral,
            Letter,
            Case.subjects.through,
            Case.staff_groups.through,
        )
        self._counters()
        # The bulk load may run without triggers (generate_data skips them when it can), so
        # the trends' daily counts are counted afresh from what was written.
        daily_counts.rebuild()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        timings["sequences, daily counts and statistics"] = round(time.monotonic() - started, 1)
        return timings

    def _organisations(self):
        first = _next_id(Organisation)
        rows, progress = [], Progress(self.organisations, "organisations", self.out)
        n = 0
        for org_type, share, letter, independent in ORG_MIX:
            for _ in range(max(1, round(self.organisations * share))):
                n += 1
                rows.append(
                    {
                        "id": first + n - 1,
                        "ods_code": f"{letter}{first + n:06d}"[:8],
                        "name": f"{self.rng.choice(SURNAMES)} {org_type.label} {n}",
                        "org_type": org_type,
                        "is_independent_contractor": independent,
                        "postcode": self._postcode(),
                        "complaints_contact_email": f"complaints{n}@example.nhs.uk",
                        "closed_on": self.today - timedelta(days=self.rng.randint(1, 900))
                        if self.rng.random() < 0.03
                        else None,
                    }
                )
        self._write(Organisation, rows)
        progress.advance(len(rows))
        progress.close()
        self.org_ids = [r["id"] for r in rows]
        # Who a referral can go to: the open organisations of each type, and what it needs.
        self.org_details = {
            r["id"]: (r["org_type"], r["name"], r["complaints_contact_email"]) for r in rows
        }
        self.open_orgs: dict[str, list[int]] = {}
        for r in rows:
            if r["closed_on"] is None:
                self.open_orgs.setdefault(r["org_type"], []).append(r["id"])
        self.open_org_ids = {i for ids in self.open_orgs.values() for i in ids}

    def _postcode(self) -> str:
        area = self.rng.choice(POSTAREAS)
        return (
            f"{area}{self.rng.randint(1, 29)} {self.rng.randint(1, 9)}"
            f"{self.rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{self.rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        )

    def _people(self):
        first = _next_id(Person)
        numbers = iter(
            nhs_number.generate(
                for_region=nhs_number.REGION_SYNTHETIC, quantity=min(self.people, 200000)
            )
        )
        progress = Progress(self.people, "people", self.out)

        def rows():
            for i in range(self.people):
                number = next(numbers, "") if self.rng.random() < 0.8 else ""
                yield {
                    "id": first + i,
                    "given_name": self.rng.choice(GIVEN),
                    "family_name": self.rng.choice(SURNAMES),
                    "date_of_birth": self.today - timedelta(days=self.rng.randint(0, 36000)),
                    "nhs_number": number,
                    "phone": f"07700{self.rng.randint(0, 999999):06d}",
                    "postcode": self._postcode(),
                }
                progress.advance()

        people = list(rows())
        # An address for letters; the postcode says which town.
        for person in people:
            area = person["postcode"].split(" ")[0].rstrip("0123456789")
            person["address"] = (
                f"{self.extra.randint(1, 240)} {self.extra.choice(STREETS)} "
                f"{self.extra.choice(STREET_KINDS)}\n{TOWNS[area]}"
            )
        # As a letter prints them (casework.letters.postal_address), by id - first.
        self.person_names = [f"{p['given_name']} {p['family_name']}" for p in people]
        self.person_addresses = [f"{p['address']}\n{p['postcode']}" for p in people]
        self._write(Person, people)
        progress.close()
        self.first_person, self.last_person = first, first + self.people - 1

    def _person(self) -> int:
        # A few people account for many contacts (Pareto), most for one.
        span = self.last_person - self.first_person
        pick = int(min(span, (self.rng.paretovariate(1.2) - 1) * span / 50))
        return self.first_person + (pick if self.rng.random() < 0.3 else self.rng.randint(0, span))

    def _cases(self):
        channels = Channel.values
        kinds = list(KIND_WEIGHTS)
        weights = [KIND_WEIGHTS[k] for k in kinds]
        subjects = list(Subject.objects.values_list("id", flat=True))
        areas = list(ServiceArea.objects.values_list("id", flat=True))
        groups = list(StaffGroup.objects.values_list("id", flat=True))
        case_id, contact_id = _next_id(Case), _next_id(Contact)
        party_id, change_id = _next_id(CaseParty), _next_id(StatusChange)
        self.referral_id, self.letter_id = _next_id(Referral), _next_id(Letter)
        span = (self.today - self.start).days
        progress = Progress(self.cases, "cases", self.out)
        batch = 20000
        done = 0
        while done < self.cases:
            size = min(batch, self.cases - done)
            cases, contacts, parties, changes, subject_links, group_links = [], [], [], [], [], []
            referrals, letters = [], []
            for _ in range(size):
                kind = self.rng.choices(kinds, weights)[0]
                received = self.start + timedelta(days=int(span * math.sqrt(self.rng.random())))
                case = self._case(case_id, kind, received)
                cases.append(case)
                person = self._person()
                for n in range(1 + min(10, round(self.rng.expovariate(0.5)))):
                    at = self._aware(
                        received + timedelta(days=n * self.rng.randint(0, 6)),
                        self.rng.randint(480, 1080),
                    )
                    at = min(at, self.now)
                    contacts.append(
                        {
                            "id": contact_id,
                            "case_id": case_id,
                            "person_id": person,
                            "channel": self.rng.choice(channels),
                            "contacted_at": at,
                            "summary": "Generated contact",
                            "organisation_id": case["organisation_id"],
                            "logged_at": at,
                        }
                    )
                    contact_id += 1
                roles = ["patient"] + (["complainant"] if kind == CaseKind.COMPLAINT else [])
                for role in roles:
                    parties.append(
                        {
                            "id": party_id,
                            "case_id": case_id,
                            "person_id": person,
                            "role": role,
                            "relationship": "self",
                            "consent": "",
                        }
                    )
                    party_id += 1
                old = ""
                for status in self._path(kind, case["status"]):
                    changes.append(
                        {
                            "id": change_id,
                            "case_id": case_id,
                            "old_status": old,
                            "new_status": status,
                            "changed_at": self._aware(received, 600 + change_id % 400),
                            "reason": "Generated",
                        }
                    )
                    change_id += 1
                    old = status
                if subjects:
                    subject_links.append((case_id, self.rng.choice(subjects)))
                if groups and self.rng.random() < 0.7:
                    group_links.append((case_id, self.rng.choice(groups)))
                if areas:
                    case["service_area_id"] = self.rng.choice(areas)
                if kind == CaseKind.COMPLAINT:
                    if self.extra.random() < REFERRAL_SHARE:
                        referrals.extend(self._referrals(case, person))
                    letters.extend(self._letters(case, person))
                case_id += 1
            self._restrict(cases)
            self._write(Case, cases, when_key="created_at")
            self._write(Contact, contacts, when_key="contacted_at")
            self._write(CaseParty, parties)
            Writer(StatusChange).write(changes)
            self._write(Referral, referrals, when_key="created_at")
            self._write(Letter, letters, when_key="generated_at")
            self.counts["referrals"] += len(referrals)
            self.counts["letters"] += len(letters)
            self._links(Case.subjects.through, "subject_id", subject_links)
            self._links(Case.staff_groups.through, "staffgroup_id", group_links)
            done += size
            progress.advance(size)
        progress.close()

    def _restrict(self, cases: list[dict]):
        """Restrict about 1 in 500 cases (at least one a batch) to named staff; none are named,
        so only the scoping is exercised. Complaints awaiting acknowledgement are left alone:
        the benchmark acknowledges those as a manager, who is not named on any."""
        candidates = [
            c
            for c in cases
            if not (c["kind"] == CaseKind.COMPLAINT and c["status"] == Status.RECEIVED)
        ]
        wanted = min(len(candidates), max(1, round(len(cases) * RESTRICTED_SHARE)))
        reasons, weights = list(RESTRICTION_WEIGHTS), list(RESTRICTION_WEIGHTS.values())
        for case in self.extra.sample(candidates, wanted):
            case["restricted"] = True
            case["restriction_reason"] = self.extra.choices(reasons, weights)[0]
        self.counts["restricted cases"] += wanted

    def _referral_organisation(self, about: int, not_type: str | None = None) -> int | None:
        """An open organisation to refer a complaint to: usually an independent contractor,
        now and then another trust; the organisation the complaint is about when it is one of
        those (and still open), otherwise one from the directory. `not_type` keeps a second
        referral away from the first one's kind of organisation."""
        if self.extra.random() < TRUST_REFERRAL_SHARE:
            wanted = [OrganisationType.TRUST]
        else:
            wanted = list(REFERRABLE_CONTRACTORS)
        if not_type is None and self.org_details[about][0] in wanted and about in self.open_org_ids:
            return about
        types = [t for t in wanted if t != not_type and self.open_orgs.get(t)]
        if not types:
            return None
        return self.extra.choice(self.open_orgs[self.extra.choice(types)])

    def _referrals(self, case: dict, person: int) -> list[dict]:
        """One referral of the whole complaint, or (sometimes) two organisations' parts."""
        first = self._referral_organisation(case["organisation_id"])
        if first is None:
            return []
        first_type = self.org_details[first][0]
        second = None
        if self.extra.random() < SECOND_REFERRAL_SHARE:
            second = self._referral_organisation(case["organisation_id"], not_type=first_type)
        if second is None:
            return [self._referral(case, person, first, WHOLE_COMPLAINT)]
        second_type = self.org_details[second][0]
        return [
            self._referral(case, person, first, REFERRAL_PARTS[first_type]),
            self._referral(case, person, second, REFERRAL_PARTS[second_type]),
        ]

    def _referral(self, case: dict, person: int, org_id: int, part: str) -> dict:
        """A referral as the services in casework/referrals/services.py leave it: each
        milestone that has happened by today is set, and the status is the last one reached.
        Consent (by the complainant) always comes before sending, as the database requires."""
        x, today = self.extra, self.today
        received = case["received_on"]
        _, name, email = self.org_details[org_id]
        created = received + timedelta(days=x.randint(0, min(7, (today - received).days)))
        consented = created + timedelta(days=x.randint(0, 10))
        sent = consented + timedelta(days=x.choice([0, 0, 1, 2, 3]))
        row = {
            "id": self.referral_id,
            "case_id": case["id"],
            "organisation_id": org_id,
            "part": part,
            "status": ReferralStatus.AWAITING_CONSENT,
            "created_by_id": self.user_id,
            "created_at": min(self._aware(created, x.randint(540, 1020)), self.now),
        }
        self.referral_id += 1
        if consented > today:
            return row
        row.update(
            status=ReferralStatus.READY,
            consent_given_by_id=person,
            consent_method=x.choice(["phone", "phone", "letter", "email"]),
            consent_given_on=consented,
            consent_scope=f"The complaint and the patient's details, to {name}",
            consent_recorded_by_id=self.user_id,
        )
        if sent > today:
            return row
        # As send_referral sets them.
        agreed = x.random() < 0.2
        row.update(
            status=ReferralStatus.SENT,
            sent_on=sent,
            sent_by_id=self.user_id,
            sent_to=email,
            acknowledgement_due=deadlines.acknowledgement_due(sent),
            response_due_agreed=agreed,
            response_due=sent + timedelta(days=x.randint(30, 60))
            if agreed
            else deadlines.add_working_days(sent, settings.REFERRAL_RESPONSE_WORKING_DAYS),
        )
        # Most acknowledge within their 3 working days (some late, some never); most answer
        # by the response date, about 5 weeks (a quarter later, up to 3 months); some never.
        acknowledged = sent + timedelta(days=x.choice([1, 1, 1, 2, 2, 3, 3, 4, 7, 10]))
        if x.random() < 0.15:
            acknowledged = None
        answered = None
        if x.random() < 0.88:
            late = x.random() < 0.25
            answered = sent + timedelta(days=x.randint(36, 90) if late else x.randint(10, 35))
        if answered is not None and answered <= today:
            row.update(
                status=ReferralStatus.RESPONSE_RECEIVED,
                # A response shows they had it (record_provider_response).
                acknowledged_on=min(acknowledged or answered, answered),
                response_received_on=answered,
                response_summary=x.choice(RESPONSE_SUMMARIES),
                outcome=x.choice(
                    [Outcome.UPHELD, Outcome.PARTLY_UPHELD, Outcome.NOT_UPHELD, Outcome.NOT_UPHELD]
                ),
            )
            closed = answered + timedelta(days=x.randint(0, 21))
            if closed <= today:
                row.update(
                    status=ReferralStatus.CLOSED, closed_on=closed, closed_by_id=self.user_id
                )
            return row
        if acknowledged is not None and acknowledged <= today:
            row.update(status=ReferralStatus.ACKNOWLEDGED, acknowledged_on=acknowledged)
        if answered is None and (today - sent).days > 180:
            # Given up on after months of chasing: closed without a response.
            row.update(
                status=ReferralStatus.CLOSED,
                outcome=Outcome.NOT_TAKEN_FORWARD,
                closed_on=sent + timedelta(days=x.randint(120, 180)),
                closed_by_id=self.user_id,
            )
        return row

    def _letters(self, case: dict, person: int) -> list[dict]:
        """The letters a complaint has had by now: the acknowledgement (reg 13), a holding
        letter once six months pass without a response (reg 14(4)), the final response
        (reg 14(2)). Each sent on the day it was generated."""
        letters = []
        reference, received = case["reference"], case["received_on"]
        if case.get("acknowledged_on"):
            letters.append(
                self._letter(
                    case,
                    person,
                    LetterKind.ACKNOWLEDGEMENT,
                    case["acknowledged_on"],
                    "letter",
                    f"We received your complaint {reference} on {_long(received)}.",
                )
            )
        if case.get("acknowledged_on") and case["status"] != Status.CLOSED:
            held = deadlines.six_month_point(received) + timedelta(days=self.extra.randint(0, 3))
            if held <= self.today:
                case["holding_letter_sent_on"] = held
                letters.append(
                    self._letter(
                        case,
                        person,
                        LetterKind.HOLDING,
                        held,
                        "letter",
                        f"We have not yet been able to respond to your complaint {reference}.",
                    )
                )
        if case["status"] == Status.CLOSED and case.get("response_sent_on"):
            letters.append(
                self._letter(
                    case,
                    person,
                    LetterKind.FINAL_RESPONSE,
                    case["response_sent_on"],
                    "email" if self.extra.random() < 0.2 else "letter",
                    f"Our response to your complaint {reference}.",
                )
            )
        return letters

    def _letter(
        self, case: dict, person: int, kind: str, day: date, method: str, text: str
    ) -> dict:
        index = person - self.first_person
        row = {
            "id": self.letter_id,
            "case_id": case["id"],
            "kind": kind,
            "template_id": self.templates.get(kind),
            "recipient_id": person,
            "recipient_name": self.person_names[index],
            "recipient_address": self.person_addresses[index],
            "text": text,
            "pdf": f"letters/generated/{self.letter_id}.pdf",
            "generated_by_id": self.user_id,
            "generated_at": min(self._aware(day, self.extra.randint(540, 960)), self.now),
            "sent_on": day,
            "sent_by_id": self.user_id,
            "sent_method": method,
        }
        self.letter_id += 1
        return row

    def _links(self, through, column: str, pairs):
        first = _next_id(through)
        Writer(through).write(
            {"id": first + i, "case_id": case, column: target}
            for i, (case, target) in enumerate(pairs)
        )

    def _path(self, kind, status) -> list[str]:
        if kind != CaseKind.COMPLAINT:
            start = INITIAL_STATUS[CaseKind(kind)]
            return [start] if status == start else [start, status]
        if status == Status.CLOSED and self.rng.random() < 0.1:
            return [Status.RECEIVED, Status.CLOSED]
        return COMPLAINT_PATH[: COMPLAINT_PATH.index(status) + 1]

    def _case(self, case_id: int, kind: str, received: date) -> dict:
        age = (self.today - received).days
        year = received.year
        prefix = REFERENCE_PREFIX[CaseKind(kind)]
        number = self.counters.get((prefix, year), 0) + 1
        self.counters[(prefix, year)] = number
        row = {
            "id": case_id,
            "reference": f"{prefix}-{year}-{number:06d}",
            "kind": kind,
            "received_on": received,
            "description": "Generated case",
            "organisation_id": self.rng.choice(self.org_ids),
            "created_at": self._aware(received),
            "opened_by_id": None,
            # From the second stream, so the rest of a seed's data is as it was before teams.
            "team_id": self.extra.choice(self.complaint_teams)
            if kind == CaseKind.COMPLAINT
            else self.pals_team,
        }
        if kind != CaseKind.COMPLAINT:
            finished = age > 7 and self.rng.random() < 0.95
            if kind == CaseKind.PALS_CONCERN and finished and self.rng.random() < 0.08:
                row["status"] = Status.ESCALATED
            else:
                row["status"] = Status.RESOLVED if finished else Status.OPEN
            if finished:
                row["closed_on"] = received + timedelta(days=self.rng.randint(0, 7))
            else:
                row["due_on"] = deadlines.pals_target_due(received)
                row["due_action"] = "Resolve the concern"
            return row
        ack_due = deadlines.acknowledgement_due(received)
        stage = min(len(COMPLAINT_PATH) - 1, int(age / 20 * self.rng.random() * 2))
        status = COMPLAINT_PATH[stage] if age < 200 else Status.CLOSED
        row.update(status=status, acknowledgement_due=ack_due, made_orally=self.rng.random() < 0.2)
        six_months = deadlines.six_month_point(received) - timedelta(days=1)
        if status != Status.RECEIVED:
            row["acknowledged_on"] = received + timedelta(days=self.rng.choice([1, 2, 3, 3, 5]))
            row["acknowledgement_method"] = "letter"
            row["discussion_offered"] = True
            row["response_due"] = received + timedelta(days=self.rng.choice([40, 60, 90]))
            row["response_due_agreed_with_complainant"] = True
        if status == Status.CLOSED:
            sent = received + timedelta(days=self.rng.randint(20, 150))
            row.update(
                outcome=self.rng.choice(
                    [Outcome.UPHELD, Outcome.PARTLY_UPHELD, Outcome.NOT_UPHELD, Outcome.NOT_UPHELD]
                ),
                response_sent_on=min(sent, self.today),
                closed_on=min(sent, self.today),
            )
            row["response_in_time"] = row["response_sent_on"] <= (
                row.get("response_due") or six_months
            )
            row["phso_referred_on"] = (
                row["closed_on"] + timedelta(days=60) if self.rng.random() < 0.03 else None
            )
        elif status == Status.RECEIVED:
            row.update(due_on=ack_due, due_action="Acknowledge the complaint")
        else:
            row.update(due_on=row.get("response_due") or six_months, due_action="Send the response")
        return row

    def _counters(self):
        for (prefix, year), number in self.counters.items():
            counter, _ = ReferenceCounter.objects.get_or_create(prefix=prefix, year=year)
            if counter.last_number < number:
                ReferenceCounter.objects.filter(pk=counter.pk).update(last_number=number)


def _long(day: date) -> str:
    """6 January 2025, as letters print dates."""
    return f"{day.day} {day:%B %Y}"


def _generated_user():
    """The inactive user named on generated rows that need one; it cannot sign in."""
    user, created = get_user_model().objects.get_or_create(
        username=GENERATED_USER,
        defaults={"first_name": "Generated", "last_name": "data", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _next_id_history(model) -> int:
    return (model.history.model.objects.aggregate(m=models.Max("history_id"))["m"] or 0) + 1
