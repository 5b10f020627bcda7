"""Daily counts for the trends report, kept by PostgreSQL triggers (models `Daily*Count`).

Why: a year's trends at national scale count half a million cases joined to a million subject
and staff-group links; from the cases that took two seconds on the benchmark machine, against
a budget of one (issue #8). The daily counts are far fewer rows: by day, kind, service area,
team and organisation type (the page's filters, but for the organisation and subject), and
subject or staff group.

How they stay right: every change that moves a count appends a row of +1 or -1, written by a
trigger in the same transaction as the change, so the counts are never stale and a rolled-back
change leaves none behind:

- a case added, removed, or changed in day received, kind, service area, team, organisation
  or restriction moves its case count and its subject and staff-group counts (under each of its
  subjects, or under 0 when it has none) from the old values to the new;
- a subject or staff group added to or taken off a case moves that count, and "none
  recorded" when it was the case's first or last;
- a contact added, removed, moved to another day, case or organisation moves the contact
  count, kept by the kind, service area and team of its case ('', 0 and 0 for none, or a
  restricted case) and the type of its own organisation, and (on an unrestricted case) its
  count under each subject of its case; a case's change of kind, service area, team or
  restriction, or of subjects, moves its contacts' counts;
- an organisation's change of type moves the counts of its cases and of its contacts.

Appending (never updating a shared row) means two people logging cases at once never wait for
each other. `compact()` (nightly, Celery beat) folds each key's rows into one; `rebuild()`
(`manage.py rebuild_daily_counts`, and the data generator after its bulk load, which runs
without triggers) counts everything again from the cases.

Restricted cases are left out: whether a user may count one depends on who they are, so the
reports add the restricted cases a user may see, counted from the cases (a few, from their own
index). The daily counts stand in for `cases` only when those are every unrestricted case (the
report readers: complaints managers see the whole unit, commissioners count everything) and
the filters are the period, kind, service area, team and organisation type, and the subject
for what the subject tables hold (SUBJECT_SERVES); a filter by organisation, and a subject's
co-subjects and staff groups, count from the cases (an organisation's cases are few; keys by
organisation, or by pairs of categories, would be nearly as many as the cases).

The triggers are installed by the latest reports migration that changes these tables (0003),
from this module as it is then; SQLite has no triggers and keeps the tables empty, and reports
there count live.
"""

import datetime as dt

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce

from .models import (
    DailyCaseCount,
    DailyContactCount,
    DailyStaffGroupCount,
    DailySubjectContactCount,
    DailySubjectCount,
)

# The many-to-many dimensions: the link table, its column, the daily table and its column.
LINKS = {
    "subject": ("casework_case_subjects", "subject_id", "reports_dailysubjectcount", "subject"),
    "staff_group": (
        "casework_case_staff_groups",
        "staffgroup_id",
        "reports_dailystaffgroupcount",
        "staff_group",
    ),
}
# Each daily table and the columns a row is counted under (every column but id and n).
KEYS = {
    model._meta.db_table: ", ".join(
        f.column for f in model._meta.concrete_fields if f.name not in ("id", "n")
    )
    for model in (
        DailyCaseCount,
        DailySubjectCount,
        DailyStaffGroupCount,
        DailyContactCount,
        DailySubjectContactCount,
    )
}
TABLES = tuple(KEYS)


# A case's (`c`) service area and team as counted: 0 for none.
CASE_AREA_TEAM = "coalesce(c.service_area_id, 0), coalesce(c.team_id, 0)"


def _local_day(column: str) -> str:
    """The SQL for a timestamp's calendar day in the service's time zone."""
    zone = settings.TIME_ZONE.replace("'", "''")
    return f"({column} AT TIME ZONE '{zone}')::date"


def _link_counts() -> str:
    """A case's count under each of its subjects (and staff groups), or under 0 if none."""
    return "".join(
        f"""
  INSERT INTO {daily} (day, kind, service_area, team, org_type, {column}, n)
  SELECT p_day, p_kind, coalesce(p_area, 0), coalesce(p_team, 0), reports_org_type(p_org),
         coalesce(l.{link_column}, 0), p_n
  FROM (SELECT 1) one LEFT JOIN {links} l ON l.case_id = p_case;"""
        for links, link_column, daily, column in LINKS.values()
    )


def _org_type_sql() -> str:
    return """
CREATE OR REPLACE FUNCTION reports_org_type(p_org bigint) RETURNS varchar
LANGUAGE sql STABLE AS $$
  SELECT coalesce((SELECT org_type FROM contacts_organisation WHERE id = p_org), '')
$$;
"""


def _contact_key(contacts: str, case: str) -> str:
    """The contact-count key columns (day, kind, service_area, team, org_type) of `contacts`
    rows whose case is `case` (a record or a row): its kind, service area and team unless it
    is restricted, and the contact's own organisation's type."""
    return f"""{_local_day(f"{contacts}.contacted_at")},
      CASE WHEN {case}.restricted THEN '' ELSE {case}.kind END,
      CASE WHEN {case}.restricted THEN 0 ELSE coalesce({case}.service_area_id, 0) END,
      CASE WHEN {case}.restricted THEN 0 ELSE coalesce({case}.team_id, 0) END,
      reports_org_type({contacts}.organisation_id)"""


def _moved_contacts(condition: str) -> str:
    """In the case trigger: the case's contacts under their keys as they were (-1) and as
    they are (+1), only where `condition` (on `{case}`, the OLD or NEW record) holds."""
    return "\n      UNION ALL".join(
        f"""
      SELECT {_contact_key("t", case)}, {n}
      FROM contacts_contact t WHERE t.case_id = {case}.id {condition.format(case=case)}"""
        for case, n in (("OLD", -1), ("NEW", 1))
    )


# Row triggers: the table, and the columns whose change moves a count.
ROW_TRIGGERS = {
    "case": (
        "casework_case",
        ("received_on", "kind", "service_area_id", "team_id", "organisation_id", "restricted"),
    ),
    "contact": ("contacts_contact", ("contacted_at", "case_id", "organisation_id")),
    # A new organisation has no cases or contacts yet, and one with any cannot be deleted.
    "organisation": ("contacts_organisation", ("org_type",)),
}
ADDED_OR_REMOVED = ("case", "contact")


def _row_triggers(name: str) -> str:
    """`reports_{name}_changed()` after every insert and delete (of cases and contacts), and
    after an update only when a watched column changed (a case is saved whole far more often
    than it moves)."""
    table, watched = ROW_TRIGGERS[name]
    old = ", ".join(f"OLD.{column}" for column in watched)
    new = ", ".join(f"NEW.{column}" for column in watched)
    added_or_removed = f"""
CREATE TRIGGER reports_{name}_added_or_removed AFTER INSERT OR DELETE ON {table}
  FOR EACH ROW EXECUTE FUNCTION reports_{name}_changed();"""
    return f"""
DROP TRIGGER IF EXISTS reports_{name}_added_or_removed ON {table};{
        added_or_removed if name in ADDED_OR_REMOVED else ""
    }
DROP TRIGGER IF EXISTS reports_{name}_moved ON {table};
CREATE TRIGGER reports_{name}_moved AFTER UPDATE ON {table} FOR EACH ROW
  WHEN (ROW({old}) IS DISTINCT FROM ROW({new}))
  EXECUTE FUNCTION reports_{name}_changed();
"""


def _case_sql() -> str:
    return f"""{_org_type_sql()}
-- Earlier versions took fewer of the case's columns.
DROP FUNCTION IF EXISTS reports_count_case(bigint, date, varchar, bigint, integer);
DROP FUNCTION IF EXISTS reports_count_case(bigint, date, varchar, bigint, bigint, integer);

CREATE OR REPLACE FUNCTION reports_count_case(
    p_case bigint, p_day date, p_kind varchar, p_area bigint, p_team bigint, p_org bigint,
    p_n integer
) RETURNS void LANGUAGE sql AS $$
  INSERT INTO reports_dailycasecount (day, kind, service_area, team, org_type, n)
  VALUES (p_day, p_kind, coalesce(p_area, 0), coalesce(p_team, 0), reports_org_type(p_org),
          p_n);{_link_counts()}
$$;

CREATE OR REPLACE FUNCTION reports_case_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND NOT OLD.restricted THEN
    PERFORM reports_count_case(OLD.id, OLD.received_on, OLD.kind, OLD.service_area_id,
      OLD.team_id, OLD.organisation_id, -1);
  END IF;
  IF TG_OP <> 'DELETE' AND NOT NEW.restricted THEN
    PERFORM reports_count_case(NEW.id, NEW.received_on, NEW.kind, NEW.service_area_id,
      NEW.team_id, NEW.organisation_id, 1);
  END IF;
  IF TG_OP = 'UPDATE' AND ROW(OLD.kind, OLD.service_area_id, OLD.team_id, OLD.restricted)
      IS DISTINCT FROM ROW(NEW.kind, NEW.service_area_id, NEW.team_id, NEW.restricted) THEN
    -- Its contacts are counted under its kind, service area and team, or '', 0 and 0 while
    -- it is restricted (its day and organisation are not theirs).
    INSERT INTO reports_dailycontactcount (day, kind, service_area, team, org_type, n)
    SELECT day, kind, service_area, team, org_type, sum(n)::int FROM ({_moved_contacts("")})
      moved (day, kind, service_area, team, org_type, n)
    GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0;
    -- And under each of its subjects, while it is not restricted.
    INSERT INTO reports_dailysubjectcontactcount
      (day, kind, service_area, team, org_type, subject, n)
    SELECT day, kind, service_area, team, org_type, l.subject_id, sum(n)::int
    FROM ({_moved_contacts("AND NOT {case}.restricted")})
      moved (day, kind, service_area, team, org_type, n)
    JOIN casework_case_subjects l ON l.case_id = NEW.id
    GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(n) <> 0;
  END IF;
  RETURN NULL;
END $$;

{_row_triggers("case")}"""


_NO_ROWS = "SELECT NULL::bigint AS case_id, NULL::bigint AS {link_column} WHERE false"


def _links_sql(name: str) -> str:
    """Statement triggers on a link table, one function per operation, from one body: the
    links removed and added by the statement (its transition tables) move their counts, and
    a case whose link count went from or to zero moves "none recorded" (0)."""
    links, link_column, daily, column = LINKS[name]
    no_rows = _NO_ROWS.format(link_column=link_column)
    sql = []
    for operation, removed, added, transition in (
        ("INSERT", no_rows, "SELECT * FROM new_links", "NEW TABLE AS new_links"),
        ("DELETE", "SELECT * FROM old_links", no_rows, "OLD TABLE AS old_links"),
        (
            "UPDATE",
            "SELECT * FROM old_links",
            "SELECT * FROM new_links",
            "OLD TABLE AS old_links NEW TABLE AS new_links",
        ),
    ):
        function = f"reports_{name}_links_{operation.lower()}"
        sql.append(f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH removed AS ({removed}), added AS ({added}),
  net AS (
    SELECT case_id, sum(k) AS k FROM (
      SELECT case_id, -1 AS k FROM removed UNION ALL SELECT case_id, 1 FROM added
    ) moved GROUP BY case_id
  ),
  delta AS (
    SELECT case_id, {link_column} AS item, -1 AS n FROM removed
    UNION ALL SELECT case_id, {link_column}, 1 FROM added
    UNION ALL
    SELECT net.case_id, 0, (after.k = 0)::int - (after.k - net.k = 0)::int
    FROM net CROSS JOIN LATERAL (
      SELECT count(*) AS k FROM {links} l WHERE l.case_id = net.case_id
    ) after
  )
  INSERT INTO {daily} (day, kind, service_area, team, org_type, {column}, n)
  SELECT c.received_on, c.kind, {CASE_AREA_TEAM}, coalesce(o.org_type, ''),
         delta.item, sum(delta.n)::int
  FROM delta JOIN casework_case c ON c.id = delta.case_id AND NOT c.restricted
  LEFT JOIN contacts_organisation o ON o.id = c.organisation_id
  GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(delta.n) <> 0;{
            _subject_contacts_moved(removed, added) if name == "subject" else ""
        }
  RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS {function} ON {links};
CREATE TRIGGER {function} AFTER {operation} ON {links} REFERENCING {transition}
  FOR EACH STATEMENT EXECUTE FUNCTION {function}();
""")
    return "".join(sql)


def _subject_contacts_moved(removed: str, added: str) -> str:
    """A case given or relieved of a subject moves its contacts' counts under that subject."""
    return f"""
  WITH removed AS ({removed}), added AS ({added}),
  delta AS (
    SELECT case_id, subject_id, -1 AS n FROM removed
    UNION ALL SELECT case_id, subject_id, 1 FROM added
  )
  INSERT INTO reports_dailysubjectcontactcount
    (day, kind, service_area, team, org_type, subject, n)
  SELECT {_local_day("t.contacted_at")}, c.kind, {CASE_AREA_TEAM},
         reports_org_type(t.organisation_id), delta.subject_id, sum(delta.n)::int
  FROM delta JOIN casework_case c ON c.id = delta.case_id AND NOT c.restricted
  JOIN contacts_contact t ON t.case_id = c.id
  GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(delta.n) <> 0;"""


def _count_contact(row: str, n: int) -> str:
    """Count the contact `row` (OLD or NEW) `n` times: under its case's kind, service area and
    team ('', 0 and 0 for none, or a restricted case) and its own organisation's type, and
    (on an unrestricted case) under each of its case's subjects."""
    return f"""
    INSERT INTO reports_dailycontactcount (day, kind, service_area, team, org_type, n)
    SELECT {_local_day(f"{row}.contacted_at")}, coalesce(c.kind, ''),
           {CASE_AREA_TEAM}, reports_org_type({row}.organisation_id), {n}
    FROM (SELECT 1) one
    LEFT JOIN casework_case c ON c.id = {row}.case_id AND NOT c.restricted;
    INSERT INTO reports_dailysubjectcontactcount
      (day, kind, service_area, team, org_type, subject, n)
    SELECT {_local_day(f"{row}.contacted_at")}, c.kind, {CASE_AREA_TEAM},
           reports_org_type({row}.organisation_id), l.subject_id, {n}
    FROM casework_case c JOIN casework_case_subjects l ON l.case_id = c.id
    WHERE c.id = {row}.case_id AND NOT c.restricted;"""


def _contact_sql() -> str:
    return f"""
-- Before service areas' and organisation types' columns, contacts were counted by kind only.
DROP FUNCTION IF EXISTS reports_contact_kind(bigint);

CREATE OR REPLACE FUNCTION reports_contact_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN{_count_contact("OLD", -1)}
  END IF;
  IF TG_OP <> 'DELETE' THEN{_count_contact("NEW", 1)}
  END IF;
  RETURN NULL;
END $$;
{_row_triggers("contact")}"""


def _organisation_sql() -> str:
    """An organisation's change of type moves its unrestricted cases' counts (and their
    subjects' and staff groups') and its contacts' counts from the old type to the new."""
    moved = "CROSS JOIN (VALUES (OLD.org_type, -1), (NEW.org_type, 1)) t (org_type, sign)"
    links = "".join(
        f"""
  INSERT INTO {daily} (day, kind, service_area, team, org_type, {column}, n)
  SELECT c.received_on, c.kind, {CASE_AREA_TEAM}, t.org_type,
         coalesce(l.{link_column}, 0), t.sign * count(*)::int
  FROM casework_case c LEFT JOIN {links} l ON l.case_id = c.id {moved}
  WHERE c.organisation_id = NEW.id AND NOT c.restricted GROUP BY 1, 2, 3, 4, 5, 6, t.sign;"""
        for links, link_column, daily, column in LINKS.values()
    )
    return f"""
CREATE OR REPLACE FUNCTION reports_organisation_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO reports_dailycasecount (day, kind, service_area, team, org_type, n)
  SELECT c.received_on, c.kind, {CASE_AREA_TEAM}, t.org_type,
         t.sign * count(*)::int
  FROM casework_case c {moved}
  WHERE c.organisation_id = NEW.id AND NOT c.restricted GROUP BY 1, 2, 3, 4, 5, t.sign;{links}
  INSERT INTO reports_dailycontactcount (day, kind, service_area, team, org_type, n)
  SELECT {_local_day("x.contacted_at")}, coalesce(c.kind, ''),
         {CASE_AREA_TEAM}, t.org_type, t.sign * count(*)::int
  FROM contacts_contact x
  LEFT JOIN casework_case c ON c.id = x.case_id AND NOT c.restricted {moved}
  WHERE x.organisation_id = NEW.id GROUP BY 1, 2, 3, 4, 5, t.sign;
  INSERT INTO reports_dailysubjectcontactcount
    (day, kind, service_area, team, org_type, subject, n)
  SELECT {_local_day("x.contacted_at")}, c.kind, {CASE_AREA_TEAM}, t.org_type,
         l.subject_id, t.sign * count(*)::int
  FROM contacts_contact x
  JOIN casework_case c ON c.id = x.case_id AND NOT c.restricted
  JOIN casework_case_subjects l ON l.case_id = c.id {moved}
  WHERE x.organisation_id = NEW.id GROUP BY 1, 2, 3, 4, 5, 6, t.sign;
  RETURN NULL;
END $$;
{_row_triggers("organisation")}"""


def _rebuild_sql() -> list[str]:
    area = CASE_AREA_TEAM
    org_type = "coalesce(o.org_type, '')"
    statements = [
        f"LOCK TABLE {', '.join(TABLES)} IN EXCLUSIVE MODE",
        *(f"DELETE FROM {table}" for table in TABLES),
        "INSERT INTO reports_dailycasecount (day, kind, service_area, team, org_type, n) "
        f"SELECT c.received_on, c.kind, {area}, {org_type}, count(*) FROM casework_case c "
        "LEFT JOIN contacts_organisation o ON o.id = c.organisation_id "
        "WHERE NOT c.restricted GROUP BY 1, 2, 3, 4, 5",
    ]
    for links, link_column, daily, column in LINKS.values():
        statements.append(
            f"INSERT INTO {daily} (day, kind, service_area, team, org_type, {column}, n) "
            f"SELECT c.received_on, c.kind, {area}, {org_type}, "
            f"coalesce(l.{link_column}, 0), count(*) "
            f"FROM casework_case c LEFT JOIN {links} l ON l.case_id = c.id "
            "LEFT JOIN contacts_organisation o ON o.id = c.organisation_id "
            "WHERE NOT c.restricted GROUP BY 1, 2, 3, 4, 5, 6"
        )
    statements.append(
        "INSERT INTO reports_dailycontactcount (day, kind, service_area, team, org_type, n) "
        f"SELECT {_local_day('t.contacted_at')}, coalesce(c.kind, ''), {area}, {org_type}, "
        "count(*) FROM contacts_contact t "
        "LEFT JOIN casework_case c ON c.id = t.case_id AND NOT c.restricted "
        "LEFT JOIN contacts_organisation o ON o.id = t.organisation_id GROUP BY 1, 2, 3, 4, 5"
    )
    statements.append(
        "INSERT INTO reports_dailysubjectcontactcount "
        "(day, kind, service_area, team, org_type, subject, n) "
        f"SELECT {_local_day('t.contacted_at')}, c.kind, {area}, {org_type}, l.subject_id, "
        "count(*) FROM contacts_contact t "
        "JOIN casework_case c ON c.id = t.case_id AND NOT c.restricted "
        "JOIN casework_case_subjects l ON l.case_id = c.id "
        "LEFT JOIN contacts_organisation o ON o.id = t.organisation_id GROUP BY 1, 2, 3, 4, 5, 6"
    )
    return statements


def available() -> bool:
    """Whether the daily counts are kept (PostgreSQL, where the triggers are installed)."""
    return connection.vendor == "postgresql"


def install() -> None:
    """Create (or replace) the triggers and count everything from the cases. Run by
    reports migration 0003 and `manage.py rebuild_daily_counts`; nothing on SQLite."""
    if not available():
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_case_sql() + _links_sql("subject") + _links_sql("staff_group"))
        cursor.execute(_contact_sql())
        cursor.execute(_organisation_sql())
    rebuild()


def uninstall() -> None:
    if not available():
        return
    triggers = [
        (table, f"reports_{name}_{when}")
        for name, (table, _) in ROW_TRIGGERS.items()
        for when in ("added_or_removed", "moved")
    ] + [
        (LINKS[name][0], f"reports_{name}_links_{operation}")
        for name in LINKS
        for operation in ("insert", "delete", "update")
    ]
    with connection.cursor() as cursor:
        for table, trigger in triggers:
            cursor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")


def rebuild() -> None:
    """Count every day again from the cases and contacts, in one transaction (writers wait
    for it; a million cases take a few seconds)."""
    if not available():
        return
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in _rebuild_sql():
            cursor.execute(statement)


def compact() -> int:
    """Fold each key's +1/-1 rows into one row (dropping keys that sum to 0); returns the
    rows left. Rows appended while it runs are untouched, so writers never wait."""
    if not available():
        return 0
    left = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for table, key in KEYS.items():
            cursor.execute(
                f"WITH gone AS (DELETE FROM {table} RETURNING {key}, n) "
                f"INSERT INTO {table} ({key}, n) SELECT {key}, sum(n) FROM gone "
                f"GROUP BY {key} HAVING sum(n) <> 0"
            )
            left += cursor.rowcount
    return left


# Reading them ---------------------------------------------------------------------------


# What a subject filter can still be served for: a subject's cases by kind and by service
# area are in its subject counts, its cases' contacts in the subject contact counts (its
# co-subjects and staff groups are in neither).
SUBJECT_SERVES = ("kind", "service_area", "contacts")


def serve(f, whole_unit: bool, counting: str) -> bool:
    """Whether the daily counts can stand in for counting `f`'s cases (see the module's
    docstring) for `counting` (a breakdown's dimension, "kind" for the case series,
    "contacts"): PostgreSQL, every unrestricted case countable, no filter but the period, kind,
    service area, team and organisation type, and the subject where SUBJECT_SERVES says so."""
    return (
        whole_unit
        and available()
        and f.organisation is None
        and (f.subject is None or counting in SUBJECT_SERVES)
    )


def _summed(rows, bounds: dict[str, tuple[dt.date, dt.date]], *group_on: str) -> list[dict]:
    """{group column: value, measure: the sum of n over the measure's days} per group (the
    sums named apart from the column `n` while the database computes them)."""
    sums = {
        f"sum_{name}": Coalesce(Sum("n", filter=Q(day__range=days)), 0)
        for name, days in bounds.items()
    }
    if group_on:
        results = rows.values(*group_on).annotate(**sums).order_by()
    else:
        results = [rows.aggregate(**sums)]
    return [
        {key.removeprefix("sum_") if key in sums else key: value for key, value in r.items()}
        for r in results
    ]


def _kept(model, f, lowest: dt.date, highest: dt.date):
    """A daily table's rows from `lowest` to `highest`, narrowed by `f`'s kind, service area,
    team, organisation type and subject where given."""
    rows = model.objects.filter(day__range=(lowest, highest))
    if f.kind:
        rows = rows.filter(kind=f.kind)
    if f.service_area is not None:
        rows = rows.filter(service_area=f.service_area.pk)
    if f.org_type:
        rows = rows.filter(org_type=f.org_type)
    if f.team is not None:
        rows = rows.filter(team=f.team.pk)
    if f.subject is not None:
        rows = rows.filter(subject=f.subject.pk)  # the subject counts only (SUBJECT_SERVES)
    return rows


def _table(f, table, by_subject=DailySubjectCount):
    """The table counting `f`'s cases (or contacts): `table`, or with a subject filter the
    table keeping them by subject."""
    return by_subject if f.subject is not None else table


def case_rows(f, bounds: dict[str, tuple[dt.date, dt.date]], lowest, highest) -> list[dict]:
    """{"kind": ..., name: cases received within bounds[name], ...} per kind."""
    return _summed(_kept(_table(f, DailyCaseCount), f, lowest, highest), bounds, "kind")


DIMENSION_TABLES = {
    "service_area": (DailyCaseCount, "service_area"),
    "subject": (DailySubjectCount, "subject"),
    "staff_group": (DailyStaffGroupCount, "staff_group"),
}


def dimension_rows(f, dimension: str, group_on: str, bounds, lowest, highest) -> list[dict]:
    """Rows as `reports.queries.breakdown` groups them ({group_on: id or None, measure: n}),
    from the daily counts of a dimension in DIMENSION_TABLES."""
    model, column = DIMENSION_TABLES[dimension]
    rows = _kept(_table(f, model), f, lowest, highest)
    return [{group_on: r.pop(column) or None, **r} for r in _summed(rows, bounds, column)]


def contact_counts(f, bounds: dict[str, tuple[dt.date, dt.date]]) -> dict[str, int]:
    """Contacts made within each bounds[name]: every one, or with `f`'s kind, service area or
    subject only those on unrestricted cases of that kind, area or subject, and with its
    organisation type only those with an organisation of that type."""
    lowest = min(days[0] for days in bounds.values())
    highest = max(days[1] for days in bounds.values())
    table = _table(f, DailyContactCount, by_subject=DailySubjectContactCount)
    return _summed(_kept(table, f, lowest, highest), bounds)[0]
