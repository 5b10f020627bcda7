"""Two people saving the same case at the same moment, from forms opened at the same version:
exactly one save wins and the other is refused with the winner's change (optimistic locking,
made safe against the race by the row lock in update_case_details)."""

import threading

import pytest
from django.db import connection, connections

from casework import services
from casework.exceptions import EditConflict
from casework.models import Case
from casework.workflow import CaseKind
from tests.factories import CaseFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locking is exercised on PostgreSQL (run with DATABASE_URL=postgres://...)",
)
def test_simultaneous_saves_of_one_version_let_exactly_one_through():
    editors = [UserFactory(username=f"editor{n}") for n in range(4)]
    case = CaseFactory(kind=CaseKind.ENQUIRY, person=PersonFactory(), by=editors[0])
    version = services.case_version(case)
    saved, refused, errors = [], [], []
    start = threading.Barrier(len(editors))

    def save(editor):
        try:
            start.wait()
            services.update_case_details(
                Case.objects.get(pk=case.pk),
                by=editor,
                reason=f"Wording by {editor.username}",
                description=f"Wording by {editor.username}",
                expected_version=version,
            )
            saved.append(editor.username)
        except EditConflict as conflict:
            refused.append(conflict)
        except BaseException as error:  # reported below, not swallowed
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(e,)) for e in editors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert len(saved) == 1 and len(refused) == len(editors) - 1
    winner = saved[0]
    case.refresh_from_db()
    assert case.description == f"Wording by {winner}"
    for conflict in refused:
        assert [entry.reason for entry in conflict.changes] == [f"Wording by {winner}"]
