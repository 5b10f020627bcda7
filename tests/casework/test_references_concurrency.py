"""Two officers saving at the same moment must never get the same case reference."""

import threading

import pytest
from django.db import connection, connections

from casework import services
from casework.workflow import CaseKind

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locking is exercised on PostgreSQL (run with DATABASE_URL=postgres://...)",
)
def test_concurrent_saves_get_distinct_consecutive_references():
    workers, per_worker = 6, 15
    issued: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(workers)

    def issue():
        try:
            start.wait()
            for _ in range(per_worker):
                issued.append(services.next_reference(CaseKind.COMPLAINT, 2026))
        except BaseException as error:  # reported below, not swallowed
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert len(issued) == len(set(issued)) == workers * per_worker
    assert sorted(issued) == [f"COMP-2026-{n:06d}" for n in range(1, workers * per_worker + 1)]
