"""Shared fixtures: users in each role, a signed-in client per role."""

import pytest
from django.contrib.auth.models import Group

from config import roles
from tests.factories import TeamFactory, UserFactory


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
