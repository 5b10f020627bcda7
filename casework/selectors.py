"""Reads over cases: work lists, the case story, and its history of changes."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce

from casework.letters.models import Letter
from casework.referrals.models import CaseOrganisation, CommissionerDecision, Referral
from contacts.models import Contact, Person

from .models import Case, CaseParty, StatusChange, on_visible_cases
from .workflow import Status


def cases_for(user) -> QuerySet[Case]:
    """The cases `user` may see, with what list pages show joined in."""
    return Case.objects.visible_to(user).select_related("organisation", "team", "assignee")


def my_open_cases(user) -> QuerySet[Case]:
    return cases_for(user).filter(assignee=user).unfinished().order_by("due_on", "received_on")


def due_now(user, today: date) -> QuerySet[Case]:
    """Unfinished cases in the user's scope due today or already overdue, most urgent first:
    their own, their teams', or (with nothing allocated) ones they opened."""
    mine = cases_for(user).due_by(today)
    if user.teams.exists():
        mine = mine.filter(team__in=user.teams.all()) | mine.filter(assignee=user)
    else:
        mine = mine.filter(assignee=user) | mine.filter(opened_by=user, assignee__isnull=True)
    return mine.order_by("due_on", "received_on")


def recent_contacts(user, limit: int = 10) -> QuerySet[Contact]:
    return (
        on_visible_cases(Contact.objects.filter(logged_by=user), user)
        .select_related("case", "person")
        .order_by("-logged_at")[:limit]
    )


def case_page(user, reference: str) -> Case:
    """The case with everything its page shows, or Case.DoesNotExist if out of scope."""
    return with_case_lists(case_page_queryset(user).get(reference=reference))


# The case page lists a case's newest contacts (and the newest events of its timeline), with
# a link to them all: a case can gather hundreds, and the page must stay quick.
CONTACTS_SHOWN = 20


def case_contacts(case: Case, limit: int | None = None) -> list[Contact]:
    """The case's contacts, oldest first, with what the case page shows of each: the newest
    `limit` of them, or all. (A query of its own: a sliced prefetch cost twice as much.)"""
    contacts = (
        Contact.objects.filter(case=case)
        .select_related("person", "logged_by", "from_organisation")
        .prefetch_related("attachments")
    )
    if limit is None:
        return list(contacts.order_by("contacted_at", "id"))
    return list(contacts.order_by("-contacted_at", "-id")[:limit])[::-1]


def case_page_queryset(user) -> QuerySet[Case]:
    """The user's cases with what the case page shows joined or prefetched, but its contacts
    (`case_contacts`, their number annotated as `contact_count`) and the lists most cases do
    not have (`with_case_lists`, which the annotated `has_...` flags tell to skip).

    Only what the page shows: each join the planner must order costs milliseconds of planning
    on every request, so relations the page never shows (who opened the case, a contact's
    organisation) are not read at all; and each prefetch, even of no rows, costs a query."""
    return (
        cases_for(user)
        .select_related("service_area", "escalated_from")
        .annotate(
            contact_count=Coalesce(
                Subquery(
                    Contact.objects.filter(case=OuterRef("pk"))
                    .order_by()
                    .values("case")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
            **{
                flag: Exists(model.objects.filter(**{field: OuterRef("pk")}))
                for flag, model, field, _lookup in _CASE_LISTS
            },
        )
        .prefetch_related(
            "subjects",
            "staff_groups",
            Prefetch("parties", queryset=CaseParty.objects.select_related("person")),
            Prefetch("status_changes", queryset=StatusChange.objects.select_related("changed_by")),
            # Read even when there are none: about one complaint in seven is referred, and the
            # page's query count is the same with referrals as without.
            Prefetch(
                "referrals",
                queryset=Referral.objects.select_related("organisation", "consent_given_by"),
            ),
        )
    )


# Lists of the case page many cases have none of: (flag, model, its link to the case, the
# prefetch that fills it).
_CASE_LISTS = [
    (
        "has_escalations",
        Case,
        "escalated_from",
        Prefetch("escalations", queryset=Case.objects.only("reference", "escalated_from")),
    ),
    (
        "has_involved_bodies",
        CaseOrganisation,
        "case",
        Prefetch(
            "involved_bodies", queryset=CaseOrganisation.objects.select_related("organisation")
        ),
    ),
    (
        "has_letters",
        Letter,
        "case",
        Prefetch("letters", queryset=Letter.objects.select_related("generated_by", "sent_by")),
    ),
    (
        "has_commissioner_decision",
        CommissionerDecision,
        "case",
        Prefetch(
            "commissioner_decision",
            queryset=CommissionerDecision.objects.select_related("decided_by"),
        ),
    ),
]


def with_case_lists(case: Case) -> Case:
    """Fill the case page's less common lists (escalations, organisations involved,
    letters, the commissioner's decision) on a case from `case_page_queryset`:
    a query for each list the case has rows in, none for an empty one (its flag says so, and
    an empty queryset is filled without asking the database)."""
    prefetch_related_objects(
        [case],
        *[
            lookup
            if getattr(case, flag)
            else Prefetch(lookup.prefetch_through, queryset=lookup.queryset.none())
            for flag, _model, _field, lookup in _CASE_LISTS
        ],
    )
    return case


@dataclass
class CasePerson:
    person: Person
    roles: list[str]
    relationship: str


def people_on_case(case: Case) -> list[CasePerson]:
    """Each person once, with all their roles (uses the prefetched parties)."""
    people: dict[int, CasePerson] = {}
    for party in case.parties.all():
        entry = people.setdefault(
            party.person_id, CasePerson(party.person, [], party.get_relationship_display())
        )
        entry.roles.append(party.get_role_display())
    return list(people.values())


@dataclass
class TimelineEntry:
    at: datetime
    title: str
    detail: str = ""
    by: str = ""


def timeline(case: Case, contacts: list[Contact]) -> list[TimelineEntry]:
    """What happened, oldest first: these contacts and the case's status changes (uses
    prefetched rows). Given only the newest contacts, its newest entries (as many as there
    are contacts) are those of the whole timeline."""
    entries = [
        TimelineEntry(
            at=c.contacted_at,
            title=f"{c.get_channel_display()} contact"
            + (f" from {c.person.full_name}" if c.person else ""),
            detail=c.summary,
            by=_user_name(c.logged_by),
        )
        for c in contacts
    ]
    for change in case.status_changes.all():
        title = (
            f"Status: {change.get_new_status_display()}"
            if not change.old_status
            else f"Status: {change.get_old_status_display()} → {change.get_new_status_display()}"
        )
        entries.append(
            TimelineEntry(
                at=change.changed_at,
                title=title,
                detail=change.reason,
                by=_user_name(change.changed_by),
            )
        )
    return sorted(entries, key=lambda e: e.at)


def _user_name(user) -> str:
    if user is None:
        return "System"
    return user.get_full_name() or user.get_username()


@dataclass
class HistoryEntry:
    at: datetime
    by: str
    action: str
    record: str
    reason: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    history_id: int | None = None


_ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}
_SKIP_FIELDS = {"id", "case", "created_at", "logged_at"}


def _display(model, field_name: str, value, related_names: dict) -> str:
    if value in (None, ""):
        return "—"
    f = model._meta.get_field(field_name)
    if f.many_to_many:
        names = [related_names.get((f.related_model, pk), "?") for pk in value]
        return ", ".join(sorted(names)) or "—"
    if f.is_relation:
        return related_names.get((f.related_model, value), f"#{value}")
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, datetime):
        return value.strftime("%d %b %Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d %b %Y")
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def _field_changes(model, old, new) -> list[tuple]:
    """Concrete fields whose value differs between two history records (no queries)."""
    return [
        (f.name, getattr(old, f.attname), getattr(new, f.attname))
        for f in model._meta.concrete_fields
        if f.name not in _SKIP_FIELDS and getattr(old, f.attname) != getattr(new, f.attname)
    ]


def _label(model, record) -> str:
    if model is Case:
        return "Case"
    if model is Contact:
        return f"Contact of {record.contacted_at:%d %b %Y %H:%M}"
    if model is Referral:
        return "Referral"
    if model is CaseParty:
        role = dict(CaseParty._meta.get_field("role").flatchoices).get(record.role)
        return f"Person on case ({role})"
    return model._meta.verbose_name.capitalize()


def case_history_since(case: Case, version: int) -> list[HistoryEntry]:
    """The changes to the case record itself saved after history row `version`, newest first
    (what an editor whose form is out of date needs to see)."""
    return [
        e
        for e in case_history(case, parts=False)
        if e.history_id is not None and e.history_id > version
    ]


def case_history(case: Case, parts: bool = True) -> list[HistoryEntry]:
    """Every recorded change to the case and its parts (or, with parts=False, to the case
    record alone), newest first: who, when, which fields changed from what to what, and the
    reason given."""
    return _history(case, parts, limit=None)[0]


def latest_case_history(case: Case, limit: int) -> tuple[list[HistoryEntry], bool]:
    """The newest `limit` changes to the case and its parts, and whether there are older
    ones. Only the newest rows of each history table are read (plus, for a change whose
    previous version is older, that version, to show what changed), so a case with
    hundreds of changes costs what one with fifty does."""
    return _history(case, True, limit)


def _history_rows(queryset, limit: int | None, since=None) -> tuple[list, list, bool]:
    """(rows shown, earlier versions they are compared with, whether rows were left out):
    the newest `limit` rows (all with None), only those saved at or after `since` if given."""
    if limit is None:
        return list(_with_author(queryset).order_by("history_id")), [], False
    recent = queryset if since is None else queryset.filter(history_date__gte=since)
    newest = list(_with_author(recent).order_by("-history_id")[: limit + 1])[::-1]
    truncated = len(newest) > limit
    rows = newest[1:] if truncated else newest
    seen: set = set()
    need = set()
    for record in rows:
        if record.history_type == "~" and record.id not in seen:
            need.add(record.id)
        seen.add(record.id)
    earlier = []
    if (truncated or since is not None) and need:
        # The version before each object's oldest shown change: one query, reading one row
        # per object however many older versions it has. (Looked up by history_id alone:
        # with the object's id as well, PostgreSQL re-ran the subquery for every version.)
        latest_before = (
            queryset.filter(id__in=need, history_id__lt=rows[0].history_id)
            .order_by()
            .values("id")
            .annotate(last=Max("history_id"))
            .values("last")
        )
        earlier = list(
            _with_author(queryset.model._default_manager.filter(history_id__in=latest_before))
        )
    return rows, earlier, truncated


def _with_author(history):
    """History rows with who made each change as three name columns (see `_by`), rather
    than a whole user row per history row."""
    return history.annotate(
        by_first_name=F("history_user__first_name"),
        by_last_name=F("history_user__last_name"),
        by_username=F("history_user__username"),
    )


def _by(record) -> str:
    """Who made a history row's change, as `_user_name` says it, from `_history_rows`'s
    name columns."""
    if record.by_username is None:  # no user, or one no longer on file
        return "System"
    full_name = f"{record.by_first_name} {record.by_last_name}".strip()
    return full_name or record.by_username


def _history(case: Case, parts: bool, limit: int | None) -> tuple[list[HistoryEntry], bool]:
    rows, earlier, more = _history_rows(case.history.all(), limit)
    # The case's many-to-many history (subjects, staff groups), one query per field, so the
    # page's query count does not grow with the number of history rows.
    case_history_ids = [r.history_id for r in rows + earlier]
    m2m = {}
    for m2m_field in (Case._meta.get_field("subjects"), Case._meta.get_field("staff_groups")):
        through = Case.history.model._meta.get_field(
            f"historicalcase_{m2m_field.name}"
        ).related_model
        target = f"{m2m_field.m2m_reverse_field_name()}_id"
        by_history: dict = defaultdict(set)
        for history_id, target_id in through.objects.filter(
            history_id__in=case_history_ids
        ).values_list("history_id", target):
            by_history[history_id].add(target_id)
        m2m[m2m_field.name] = by_history
    diffs = _diffs(Case, rows, earlier, m2m)
    if not parts:
        return _entries(diffs, limit, more)
    # When the case record's own changes fill the list and there are older ones (so the
    # list says there is more), a change to a contact, person or referral saved before the
    # oldest of them cannot be shown: those tables are read only from that moment on.
    since = None
    if limit is not None and more and len(diffs) >= limit:
        since = sorted((d[1].history_date for d in diffs), reverse=True)[limit - 1]
    for model, queryset in (
        (Contact, Contact.history.filter(case_id=case.pk)),
        (CaseParty, CaseParty.history.filter(case_id=case.pk)),
        (Referral, Referral.history.filter(case_id=case.pk)),
    ):
        rows, earlier, truncated = _history_rows(queryset, limit, since)
        diffs += _diffs(model, rows, earlier, {})
        more = more or truncated
    return _entries(diffs, limit, more)


def _diffs(model, records, earlier, m2m) -> list[tuple]:
    """(model, record, changes) for each history row that changed something, comparing it
    with the object's previous version (in `records` or `earlier`)."""
    diffs = []
    previous_by_object: dict = {r.id: r for r in earlier}
    for record in records:
        prev = previous_by_object.get(record.id)
        changes = []
        if prev is not None and record.history_type == "~":
            changes = _field_changes(model, prev, record)
            for name, by_history in m2m.items():
                old, new = (
                    by_history.get(prev.history_id, set()),
                    by_history.get(record.history_id, set()),
                )
                if old != new:
                    changes.append((name, old, new))
        elif record.history_type == "+":
            changes = [
                (f.name, None, getattr(record, f.attname))
                for f in model._meta.concrete_fields
                if f.name not in _SKIP_FIELDS and getattr(record, f.attname) not in (None, "")
            ]
        changes = [c for c in changes if c[0] not in _SKIP_FIELDS]
        previous_by_object[record.id] = record
        if record.history_type == "~" and not changes:
            continue
        diffs.append((model, record, changes))
    return diffs


def _entries(diffs, limit: int | None, more: bool) -> tuple[list[HistoryEntry], bool]:
    """The newest `limit` (or all) changes in words, and whether there are more."""
    # Newest first; only the changes shown are given names and words (a name is fetched
    # only for a change someone will read).
    diffs.sort(key=lambda diff: diff[1].history_date, reverse=True)
    if limit is not None:
        more = more or len(diffs) > limit
        diffs = diffs[:limit]
    # Collect every foreign key value first so names are fetched once per related model.
    wanted: dict = defaultdict(set)
    for model, _record, changes in diffs:
        for name, old, new in changes:
            f = model._meta.get_field(name)
            if f.is_relation:
                for value in (old, new):
                    if f.many_to_many and value:
                        wanted[f.related_model].update(value)
                    elif value not in (None, "") and not f.many_to_many:
                        wanted[f.related_model].add(value)
    names = {}
    for related_model, pks in wanted.items():
        for pk, obj in related_model._default_manager.in_bulk(list(pks)).items():
            if isinstance(obj, Person):
                names[(related_model, pk)] = obj.full_name
            elif hasattr(obj, "get_full_name"):
                names[(related_model, pk)] = obj.get_full_name() or obj.get_username()
            else:
                names[(related_model, pk)] = str(obj)
    entries = [
        HistoryEntry(
            at=record.history_date,
            by=_by(record),
            action=_ACTIONS.get(record.history_type, record.history_type),
            record=_label(model, record),
            reason=record.history_change_reason or "",
            history_id=record.history_id if model is Case else None,
            changes=[
                (
                    str(model._meta.get_field(name).verbose_name).capitalize(),
                    _display(model, name, old, names),
                    _display(model, name, new, names),
                )
                for name, old, new in changes
            ],
        )
        for model, record, changes in diffs
    ]
    return entries, more


def person_cases(user, person: Person) -> QuerySet[Case]:
    return cases_for(user).filter(parties__person=person).distinct().order_by("-received_on")


def person_contacts(user, person: Person) -> QuerySet[Contact]:
    return (
        on_visible_cases(Contact.objects.filter(person=person), user)
        .select_related("case", "logged_by")
        .order_by("-contacted_at")
    )


STATUS_LABELS = dict(Status.choices)


@dataclass(frozen=True)
class CaseSummary:
    """One of a person's cases as a list of people shows it: a link and the status."""

    reference: str
    status: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


def with_case_summaries(user, people: list[Person], max_cases: int = 5) -> list[Person]:
    """Attach to each person the cases the user may see (newest first, at most `max_cases`,
    as `CaseSummary`s) and their visible contact count: two queries for the whole list,
    whatever its length."""
    ids = [p.pk for p in people]
    cases: dict[int, dict[int, CaseSummary]] = defaultdict(dict)
    # Plain values: a page of 50 people reads some 200 parties, and building a party and a
    # case object for each cost more than the query.
    parties = (
        on_visible_cases(CaseParty.objects.filter(person_id__in=ids), user)
        .order_by("-case__received_on", "-case_id")
        .values_list("person_id", "case_id", "case__reference", "case__status")
    )
    for person_id, case_id, reference, status in parties:
        listed = cases[person_id]
        if len(listed) < max_cases and case_id not in listed:
            listed[case_id] = CaseSummary(reference, status)
    counts = dict(
        on_visible_cases(Contact.objects.filter(person_id__in=ids), user)
        .values_list("person_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for person in people:
        person.visible_cases = list(cases[person.pk].values()) if person.pk in cases else []
        person.contact_count = counts.get(person.pk, 0)
    return people
