"""The deadline digest task run by a real Celery worker through a real Redis broker.

Skipped unless CELERY_TEST_BROKER_URL is set (CI sets redis://127.0.0.1:6379/15 when it runs
against PostgreSQL). Every other test runs tasks eagerly in-process; this one checks that the
task is registered, serialises, is picked up by a worker and does its work there.
"""

import datetime as dt
import os
from contextlib import contextmanager

import pytest
from celery import Celery, current_app
from celery.contrib.testing.worker import start_worker
from celery.result import EagerResult
from django.core import mail
from django.utils import timezone

from casework import services
from casework.digest.models import DigestDelivery
from casework.tasks import send_deadline_digest_task
from casework.workflow import CaseKind
from tests.factories import CaseFactory

BROKER_URL = os.environ.get("CELERY_TEST_BROKER_URL", "")

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(
        not BROKER_URL,
        reason="needs Redis: set CELERY_TEST_BROKER_URL=redis://127.0.0.1:6379/15 to run it",
    ),
    # The worker thread has its own database connection, so it only sees committed rows; the
    # serialized rollback puts back the role groups and coded lists the migrations seeded.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@contextmanager
def app_on_redis():
    """A Celery app configured like config.celery's, but on the test broker and not eager.

    A separate app rather than the project's own, so nothing it caches (broker pool, result
    backend) outlives the test; the project's app is made current again afterwards, so every
    other test keeps running tasks eagerly.
    """
    previous = current_app._get_current_object()
    app = Celery("pals-worker-test", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=BROKER_URL,
        result_backend=BROKER_URL,
        task_always_eager=False,
        # Leave pytest's log capture alone.
        worker_hijack_root_logger=False,
    )
    try:
        app.control.purge()  # nothing left over from an earlier, interrupted run
        yield app
    finally:
        previous.set_current()
        previous.set_default()
        app.close()


@pytest.fixture
def staff_with_due_case(investigator, manager):
    for user in (investigator, manager):
        user.email = f"{user.username}@example.nhs.uk"
        user.save(update_fields=["email"])
    # Received 30 days ago: its acknowledgement (3 working days) is long overdue.
    case = CaseFactory(
        kind=CaseKind.COMPLAINT, received_on=timezone.localdate() - dt.timedelta(days=30)
    )
    services.update_case_details(case, by=manager, reason="Allocated", assignee=investigator)
    return investigator, manager


def test_worker_sends_the_digest_queued_on_redis(staff_with_due_case, settings, mailoutbox):
    investigator, manager = staff_with_due_case
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    with app_on_redis() as app, start_worker(app, perform_ping_check=False, pool="solo"):
        result = send_deadline_digest_task.delay()
        assert not isinstance(result, EagerResult)
        assert result.get(timeout=30) == 2

    assert sorted(m.to[0] for m in mail.outbox) == [investigator.email, manager.email]
    assert DigestDelivery.objects.filter(user=investigator, day=timezone.localdate()).exists()
    assert current_app.conf.task_always_eager is True
