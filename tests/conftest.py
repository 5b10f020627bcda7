"""Shared fixtures: users in each role, a signed-in client per role."""

import pytest
from django.contrib.auth.models import Group
from django.db import connections

from config import roles
from tests.clock import FROZEN_NOW
from tests.factories import TeamFactory, UserFactory


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """pytest-django's test database set-up, plus: make the contents serialized at set-up (the
    role groups and coded lists the data migrations seed) reachable from every connection.

    A `serialized_rollback` test flushes the database afterwards and relies on the next one to
    restore those contents. Django keeps connections per thread *and per async context*, and
    Playwright's sync API (tests/e2e) runs an event loop in the main thread, so an e2e test gets
    a fresh connection wrapper without the contents and starts with no groups at all whenever
    another transactional test ran before it.
    """
    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents is not None:
            # Only the default database is serialized in this project; one class attribute
            # is visible to every wrapper of that backend.
            type(connections[alias])._test_serialized_contents = contents


@pytest.fixture
def frozen_clock(time_machine):
    """Stop the clock at FROZEN_NOW for the test (time-machine): `timezone.now()` and
    `localdate()` return the same instant wherever the code asks, however long the test runs."""
    time_machine.move_to(FROZEN_NOW, tick=False)
    return FROZEN_NOW


@pytest.fixture
def team(db):
    return TeamFactory(name="Complaints team A")


def _user_with_role(role, username, **extra):
    user = UserFactory(username=username, **extra)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def officer(db):
    return _user_with_role(roles.CUSTOMER_CARE, "officer", first_name="Olive", last_name="Officer")


@pytest.fixture
def investigator(db, team):
    user = _user_with_role(
        roles.INVESTIGATOR, "investigator", first_name="Ivan", last_name="Investigator"
    )
    team.members.add(user)
    return user


@pytest.fixture
def manager(db):
    return _user_with_role(roles.MANAGER, "manager", first_name="Mina", last_name="Manager")


@pytest.fixture
def commissioner(db):
    return _user_with_role(
        roles.COMMISSIONER, "commissioner", first_name="Cora", last_name="Commissioner"
    )


@pytest.fixture
def administrator(db):
    return _user_with_role(roles.ADMINISTRATOR, "administrator", is_staff=True)


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client
