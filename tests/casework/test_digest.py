"""The daily deadline digest: who gets which cases, what the e-mail says (and never says),
and that reruns and retries send each digest once."""

import datetime as dt
import threading
import time
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemEmailBackend
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.utils import timezone

from casework import services
from casework.digest.models import DigestDelivery
from casework.digest.services import digest_for, send_deadline_digests
from casework.workflow import CaseKind
from tests.factories import CaseFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

# Mon 13 Jan 2025: the next two working days are Tue 14 and Wed 15.
TODAY = dt.date(2025, 1, 13)
NOW = timezone.make_aware(dt.datetime(2025, 1, 13, 7, 0))


class RefusingEmailBackend(BaseEmailBackend):
    """A mail server that cannot be reached."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server refused the connection")


class OneAddressDownEmailBackend(LocmemEmailBackend):
    """Delivers like locmem, except to one address whose server is down."""

    def send_messages(self, messages):
        if any("down@" in address for m in messages for address in m.recipients()):
            raise ConnectionRefusedError("mail server for down@ refused the connection")
        return super().send_messages(messages)


class SlowEmailBackend(LocmemEmailBackend):
    """Delivers like locmem, but takes its time, so two runs overlap while sending."""

    def send_messages(self, messages):
        time.sleep(0.3)
        return super().send_messages(messages)


def _with_email(user, address=None):
    user.email = address or f"{user.username}@example.nhs.uk"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def staff(officer, investigator, manager):
    """The three casework roles, each with an e-mail address."""
    return {
        "officer": _with_email(officer),
        "investigator": _with_email(investigator),
        "manager": _with_email(manager),
    }


def _complaint(received_on, assignee=None, **kwargs):
    """A complaint received that day: acknowledgement due 3 working days later (reg 13(1))."""
    case = CaseFactory(kind=CaseKind.COMPLAINT, received_on=received_on, **kwargs)
    if assignee is not None:
        case = services.update_case_details(
            case, by=assignee, reason="Allocated for the test", assignee=assignee
        )
    return case


def _references(digest):
    return [line.reference for line in digest.lines]


def _message_to(outbox, user):
    [message] = [m for m in outbox if m.to == [user.email]]
    return message


def _html(message):
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


# --- what is in a digest -------------------------------------------------------------------


def test_digest_lists_overdue_and_due_in_two_working_days_but_not_later(staff):
    me = staff["investigator"]
    overdue = _complaint(dt.date(2025, 1, 6), me)  # due Thu 9 Jan
    due_today = _complaint(dt.date(2025, 1, 8), me)  # due Mon 13 Jan
    due_in_two = _complaint(dt.date(2025, 1, 10), me)  # due Wed 15 Jan
    _complaint(dt.date(2025, 1, 13), me)  # due Thu 16 Jan: three working days away

    digest = digest_for(me, TODAY)

    assert _references(digest) == [overdue.reference, due_today.reference, due_in_two.reference]
    assert [line.when for line in digest.lines] == [
        "overdue by 2 working days",
        "due today",
        "2 working days left",
    ]
    assert [line.reference for line in digest.overdue] == [overdue.reference]


def test_investigator_and_officer_get_only_cases_assigned_to_them(staff, team):
    investigator, officer = staff["investigator"], staff["officer"]
    theirs = _complaint(dt.date(2025, 1, 6), investigator)
    officers = _complaint(dt.date(2025, 1, 6), officer)
    team_case = _complaint(dt.date(2025, 1, 6))
    services.update_case_details(team_case, by=investigator, reason="Team's case", team=team)

    assert _references(digest_for(investigator, TODAY)) == [theirs.reference]
    assert _references(digest_for(officer, TODAY)) == [officers.reference]


def test_complaints_manager_gets_every_unfinished_case_in_the_unit(staff):
    assigned = _complaint(dt.date(2025, 1, 6), staff["investigator"])
    unassigned = _complaint(dt.date(2025, 1, 7))
    _complaint(dt.date(2025, 1, 8), closed=True)

    assert set(_references(digest_for(staff["manager"], TODAY))) == {
        assigned.reference,
        unassigned.reference,
    }


def test_due_soon_counts_working_days_over_easter(staff):
    # Maundy Thursday 17 Apr 2025: Good Friday and Easter Monday are not working days, so the
    # next two working days are Tue 22 and Wed 23 April.
    me = staff["investigator"]
    due_wednesday = _complaint(dt.date(2025, 4, 16), me)  # due Wed 23 Apr
    _complaint(dt.date(2025, 4, 17), me)  # due Thu 24 Apr

    digest = digest_for(me, dt.date(2025, 4, 17))

    assert _references(digest) == [due_wednesday.reference]
    assert digest.lines[0].due_on == dt.date(2025, 4, 23)
    assert digest.lines[0].when == "2 working days left"


# --- who is sent one, and what it says ------------------------------------------------------


def test_each_caseworker_with_due_cases_gets_one_email(staff, commissioner, mailoutbox):
    _with_email(commissioner)
    _complaint(dt.date(2025, 1, 6), staff["investigator"])

    assert send_deadline_digests(TODAY, now=NOW) == 2

    # The officer has nothing due; the commissioner is not sent case lists.
    assert sorted(m.to[0] for m in mailoutbox) == [
        staff["investigator"].email,
        staff["manager"].email,
    ]
    assert DigestDelivery.objects.get(user=staff["investigator"], day=TODAY).case_count == 1


def test_no_digest_for_inactive_users_or_users_without_an_email_address(
    investigator, manager, mailoutbox
):
    manager.is_active = False
    manager.save()
    _complaint(dt.date(2025, 1, 6), investigator)  # the investigator has no e-mail address

    assert send_deadline_digests(TODAY, now=NOW) == 0
    assert mailoutbox == []


def test_no_digest_for_a_user_without_a_casework_role(mailoutbox):
    no_role = _with_email(UserFactory())
    _complaint(dt.date(2025, 1, 6), no_role)

    assert send_deadline_digests(TODAY, now=NOW) == 0
    assert mailoutbox == []


def test_email_lists_reference_kind_action_due_date_and_link(staff, settings, mailoutbox):
    settings.SITE_URL = "https://pals.example.nhs.uk/"
    case = _complaint(dt.date(2025, 1, 6), staff["investigator"])

    send_deadline_digests(TODAY, now=NOW)

    message = _message_to(mailoutbox, staff["investigator"])
    link = f"https://pals.example.nhs.uk/cases/{case.reference}/"
    assert message.subject == (
        "Case deadlines for 13 Jan 2025: 1 overdue, 0 due in the next 2 working days"
    )
    assert (
        f"{case.reference} (Formal complaint): Acknowledge the complaint, "
        "due Thu 9 Jan 2025, overdue by 2 working days"
    ) in message.body
    assert link in message.body
    assert f'<a href="{link}">{case.reference}</a>' in _html(message)


def test_email_carries_no_personal_data_or_free_text(staff, mailoutbox):
    patient = PersonFactory(
        given_name="Ermintrude", family_name="Featherstonehaugh", nhs_number="9434765919"
    )
    _complaint(
        dt.date(2025, 1, 6),
        staff["investigator"],
        person=patient,
        description="Ermintrude fell on ward 7 and nobody came for an hour.",
    )

    send_deadline_digests(TODAY, now=NOW)

    message = _message_to(mailoutbox, staff["investigator"])
    for text in (message.subject, message.body, _html(message)):
        for secret in ("Ermintrude", "Featherstonehaugh", "9434765919", "ward 7", "LS1 4AP"):
            assert secret not in text


# --- once a day, and retries ----------------------------------------------------------------


def test_rerun_on_the_same_day_sends_nothing_twice(staff, mailoutbox):
    _complaint(dt.date(2025, 1, 6), staff["investigator"])

    assert send_deadline_digests(TODAY, now=NOW) == 2
    assert send_deadline_digests(TODAY, now=NOW + dt.timedelta(hours=1)) == 0

    assert len(mailoutbox) == 2
    assert DigestDelivery.objects.filter(day=TODAY).count() == 2


def test_next_day_sends_again(staff, mailoutbox):
    _complaint(dt.date(2025, 1, 6), staff["investigator"])

    send_deadline_digests(TODAY, now=NOW)
    send_deadline_digests(TODAY + dt.timedelta(days=1), now=NOW + dt.timedelta(days=1))

    assert len([m for m in mailoutbox if m.to == [staff["investigator"].email]]) == 2


def test_mail_failure_records_no_delivery_so_a_retry_sends_it(staff, settings, mailoutbox):
    _complaint(dt.date(2025, 1, 6), staff["investigator"])
    settings.EMAIL_BACKEND = "tests.casework.test_digest.RefusingEmailBackend"

    with pytest.raises(OSError):
        send_deadline_digests(TODAY, now=NOW)
    assert not DigestDelivery.objects.exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_deadline_digests(TODAY, now=NOW) == 2
    assert len(mailoutbox) == 2


def test_one_failed_address_does_not_stop_the_others(staff, settings, mailoutbox):
    _with_email(staff["manager"], "down@example.nhs.uk")
    _complaint(dt.date(2025, 1, 6), staff["investigator"])
    settings.EMAIL_BACKEND = "tests.casework.test_digest.OneAddressDownEmailBackend"

    with pytest.raises(OSError):
        send_deadline_digests(TODAY, now=NOW)

    assert [m.to for m in mailoutbox] == [[staff["investigator"].email]]
    assert list(DigestDelivery.objects.values_list("user", flat=True)) == [staff["investigator"].pk]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locking is exercised on PostgreSQL (run with DATABASE_URL=postgres://...)",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_runs_at_once_send_each_digest_once(staff, settings, mailoutbox):
    _complaint(dt.date(2025, 1, 6), staff["investigator"])
    settings.EMAIL_BACKEND = "tests.casework.test_digest.SlowEmailBackend"
    runs = 2
    start = threading.Barrier(runs)
    counts: list[int] = []
    errors: list[BaseException] = []

    def run():
        try:
            start.wait()
            counts.append(send_deadline_digests(TODAY, now=NOW))
        except BaseException as error:  # reported below, not swallowed
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert sum(counts) == 2
    assert sorted(m.to[0] for m in mailoutbox) == [
        staff["investigator"].email,
        staff["manager"].email,
    ]


def test_task_sends_todays_digests(staff, mailoutbox):
    from casework.tasks import send_deadline_digest_task

    _complaint(timezone.localdate() - dt.timedelta(days=30), staff["investigator"])

    assert send_deadline_digest_task.delay().get() == 2
    assert DigestDelivery.objects.filter(day=timezone.localdate()).count() == 2


def test_beat_runs_the_digest_at_seven_every_morning(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["send-deadline-digest"]
    assert entry["task"] == "casework.tasks.send_deadline_digest_task"
    assert entry["schedule"].hour == {7}
    assert entry["schedule"].minute == {0}
    assert settings.CELERY_TIMEZONE == "Europe/London"


# --- the management command -----------------------------------------------------------------


def test_command_sends_the_digests_for_the_given_date(staff, mailoutbox):
    _complaint(dt.date(2025, 1, 6), staff["investigator"])
    out = StringIO()

    call_command("send_deadline_digest", "--date", "2025-01-13", stdout=out)

    assert out.getvalue().strip() == "Sent 2 deadline digests for 13 Jan 2025."
    assert len(mailoutbox) == 2


@pytest.mark.parametrize("bad", ["13/01/2025", "2025-02-30", "20250113", "2025-W03-1", "tomorrow"])
def test_command_refuses_a_badly_written_date(bad):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_deadline_digest", "--date", bad)


def test_command_refuses_a_year_without_a_bank_holiday_calendar():
    with pytest.raises(CommandError, match="holidays"):
        call_command("send_deadline_digest", "--date", "1850-01-14")


def test_command_reports_a_mail_failure_plainly(staff, settings):
    _complaint(dt.date(2025, 1, 6), staff["investigator"])
    settings.EMAIL_BACKEND = "tests.casework.test_digest.RefusingEmailBackend"

    with pytest.raises(CommandError, match="Run the command again"):
        call_command("send_deadline_digest", "--date", "2025-01-13")
    assert mail.outbox == []
