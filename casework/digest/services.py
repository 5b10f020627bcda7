"""The daily deadline digest: one e-mail a day to each caseworker whose cases are overdue or
due within the next two working days.

Celery beat queues `casework.tasks.send_deadline_digest_task` at 07:00 (config/settings.py);
without a broker, `manage.py send_deadline_digest` runs the same job.

Who gets what: investigators and customer care officers get the unfinished cases assigned to
them; complaints managers get every unfinished case in the unit. Both are scoped by
`Case.objects.visible_to(user)` and read the stored `due_on`, so the query uses its index.

E-mail leaves the system, so a digest carries case references, kinds, the action due and
dates only: never a name, a description or any other free text. Staff follow the link and
sign in to see the rest.

Sending is idempotent per user and day: a DigestDelivery row is created in the same
transaction as the send. A rerun (or a Celery retry) the same day finds the row and sends
nothing twice; a send that raises rolls the row back, so the retry sends it. The one gap is a
commit that fails after the mail server accepted the message: that user may get the digest
twice, which we prefer to a digest silently lost.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from casework import deadlines
from casework.digest.models import DigestDelivery
from casework.models import Case
from casework.workflow import CaseKind
from config.roles import CUSTOMER_CARE, INVESTIGATOR, MANAGER, has_role

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models import QuerySet

logger = logging.getLogger(__name__)

# Cases due on or before this many working days from today are listed (a local choice).
DUE_SOON_WORKING_DAYS = 2
DIGEST_ROLES = (INVESTIGATOR, CUSTOMER_CARE, MANAGER)
# Errors worth retrying: the mail server was unreachable or refused for now.
# (SMTPException is an OSError; both are named so the intent reads plainly.)
RETRYABLE_ERRORS = (OSError, smtplib.SMTPException)


@dataclass(frozen=True)
class DigestLine:
    """One case in a digest: nothing that identifies a person."""

    reference: str
    kind: str
    action: str
    due_on: date
    working_days_left: int

    @property
    def is_overdue(self) -> bool:
        return self.working_days_left < 0

    @property
    def when(self) -> str:
        """'overdue by 3 working days', 'due today', '1 working day left'."""
        days = abs(self.working_days_left)
        unit = "working day" if days == 1 else "working days"
        if self.working_days_left < 0:
            return f"overdue by {days} {unit}"
        if days == 0:
            return "due today"
        return f"{days} {unit} left"

    @property
    def url(self) -> str:
        return settings.SITE_URL.rstrip("/") + reverse("case_detail", args=[self.reference])


@dataclass(frozen=True)
class Digest:
    user: User
    today: date
    lines: tuple[DigestLine, ...]

    def __bool__(self) -> bool:
        return bool(self.lines)

    @property
    def overdue(self) -> list[DigestLine]:
        return [line for line in self.lines if line.is_overdue]

    @property
    def due_soon(self) -> list[DigestLine]:
        return [line for line in self.lines if not line.is_overdue]


def digest_for(user: User, today: date) -> Digest:
    """The user's unfinished cases that are overdue or due within the next two working days,
    soonest first: their assigned cases, or every case in the unit for a complaints manager."""
    horizon = deadlines.add_working_days(today, DUE_SOON_WORKING_DAYS)
    cases = Case.objects.visible_to(user).due_by(horizon)
    if not has_role(user, MANAGER):
        cases = cases.filter(assignee=user)
    rows = cases.order_by("due_on", "reference").values_list(
        "reference", "kind", "due_action", "due_on"
    )
    lines = tuple(
        DigestLine(
            reference=reference,
            kind=CaseKind(kind).label,
            action=action,
            due_on=due_on,
            working_days_left=deadlines.working_days_left(due_on, today),
        )
        for reference, kind, action, due_on in rows
    )
    return Digest(user=user, today=today, lines=lines)


def digest_recipients(today: date) -> QuerySet[User]:
    """Active users in a casework role with an e-mail address and no digest sent `today`."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=DIGEST_ROLES)
        .exclude(email="")
        .exclude(digest_deliveries__day=today)
        .distinct()
        .order_by("pk")
    )


def digest_message(digest: Digest) -> EmailMultiAlternatives:
    """The digest as a plain-text e-mail with an HTML alternative."""
    overdue, due_soon = digest.overdue, digest.due_soon
    subject = (
        f"Case deadlines for {digest.today:%d %b %Y}: {len(overdue)} overdue, "
        f"{len(due_soon)} due in the next {DUE_SOON_WORKING_DAYS} working days"
    )
    message = EmailMultiAlternatives(
        subject=subject,
        body=_plain_text(digest, overdue, due_soon),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[digest.user.email],
    )
    message.attach_alternative(_html(digest, overdue, due_soon), "text/html")
    return message


_FOOTER = (
    "This e-mail lists case references and dates only. Follow a link and sign in to see the case."
)


def _long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _short_date(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def _sections(
    overdue: Sequence[DigestLine], due_soon: Sequence[DigestLine]
) -> list[tuple[str, Sequence[DigestLine]]]:
    return [
        (f"Overdue ({len(overdue)})", overdue),
        (f"Due in the next {DUE_SOON_WORKING_DAYS} working days ({len(due_soon)})", due_soon),
    ]


def _plain_text(
    digest: Digest, overdue: Sequence[DigestLine], due_soon: Sequence[DigestLine]
) -> str:
    out = [f"Case deadlines for {_long_date(digest.today)}", ""]
    for heading, lines in _sections(overdue, due_soon):
        if not lines:
            continue
        out += [heading, ""]
        for line in lines:
            out += [
                f"{line.reference} ({line.kind}): {line.action or 'Next step'}, "
                f"due {_short_date(line.due_on)}, {line.when}",
                f"  {line.url}",
            ]
        out.append("")
    out += [_FOOTER, settings.ORGANISATION_NAME, ""]
    return "\n".join(out)


def _html(digest: Digest, overdue: Sequence[DigestLine], due_soon: Sequence[DigestLine]) -> str:
    parts = [
        mark_safe('<!DOCTYPE html>\n<html lang="en-GB">\n<body>'),
        format_html("<h1>Case deadlines for {}</h1>", _long_date(digest.today)),
    ]
    for heading, lines in _sections(overdue, due_soon):
        if not lines:
            continue
        rows = format_html_join(
            "\n",
            '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    line.url,
                    line.reference,
                    line.kind,
                    line.action or "Next step",
                    _short_date(line.due_on),
                    line.when,
                )
                for line in lines
            ),
        )
        parts.append(
            format_html(
                "<h2>{}</h2>\n<table>\n<thead><tr><th>Reference</th><th>Kind</th>"
                "<th>Action due</th><th>Due date</th><th>Working days</th></tr></thead>\n"
                "<tbody>\n{}\n</tbody>\n</table>",
                heading,
                rows,
            )
        )
    parts.append(format_html("<p>{}</p>\n<p>{}</p>", _FOOTER, settings.ORGANISATION_NAME))
    parts.append(mark_safe("</body>\n</html>"))
    return "\n".join(parts)


def send_digest(user: User, today: date, *, now: datetime) -> bool:
    """Send `user` their digest for `today` unless it is empty or already sent; True if sent.

    The delivery row is created, and the message sent, inside one transaction: an error from
    the mail server rolls the row back. get_or_create with the unique (user, day) constraint
    makes a second run that races this one wait for its commit and then find the row.
    """
    digest = digest_for(user, today)
    if not digest:
        return False
    with transaction.atomic():
        _, created = DigestDelivery.objects.select_for_update().get_or_create(
            user=user, day=today, defaults={"sent_at": now, "case_count": len(digest.lines)}
        )
        if not created:
            return False
        digest_message(digest).send()
    return True


def send_deadline_digests(today: date, *, now: datetime) -> int:
    """Send each caseworker's digest for `today`; returns how many were sent.

    A mail error for one user does not stop the others; the first such error is raised at the
    end so the Celery task retries, and the retry sends only the digests still missing.
    """
    sent = 0
    failures: list[Exception] = []
    for user in digest_recipients(today):
        try:
            if send_digest(user, today, now=now):
                sent += 1
        except RETRYABLE_ERRORS as error:
            logger.warning("Deadline digest to user %s for %s not sent: %r", user.pk, today, error)
            failures.append(error)
    logger.info("Sent %s deadline digests for %s", sent, today)
    if failures:
        raise failures[0]
    return sent
