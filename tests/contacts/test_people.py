"""NHS number validation and finding people the way an officer types."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from contacts.selectors import search_people
from contacts.validators import validate_nhs_number
from tests.factories import PersonFactory


def test_valid_nhs_number_with_spaces_is_accepted():
    validate_nhs_number("943 476 5919")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("9434765918", "check digit"),
        ("943476591", "10 digits"),
        ("94347659190", "10 digits"),
        ("", "10 digits"),
    ],
)
def test_invalid_nhs_number_is_refused_in_plain_words(value, message):
    with pytest.raises(ValidationError, match=message):
        validate_nhs_number(value)


def test_nhs_number_whose_check_digit_would_be_ten_is_refused():
    # 123456789 weights give remainder 1 → check digit 10, which can never be valid.
    with pytest.raises(ValidationError):
        validate_nhs_number("1234567890")


@pytest.fixture
def people(db):
    return {
        "jo": PersonFactory(
            given_name="Jo",
            family_name="Bloggs",
            nhs_number="9434765919",
            date_of_birth=dt.date(1984, 3, 15),
            phone="07700 900123",
            postcode="LS1 4AP",
        ),
        "sam": PersonFactory(
            given_name="Sam",
            family_name="Bloggs",
            postcode="M1 1AE",
            date_of_birth=dt.date(1990, 1, 2),
            phone="07700 900456",
        ),
        # Phones given: the factory's numbered phones reach 07700 900123 once enough people
        # have been made earlier in the run, and the search for Jo's phone would find them.
        "ann": PersonFactory(
            given_name="Ann", family_name="Other", postcode="LS2 9JT", phone="07700 900789"
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Bloggs", {"jo", "sam"}),
        ("bloggs", {"jo", "sam"}),
        ("Jo Bloggs", {"jo"}),
        ("Bloggs, Sam", {"sam"}),
        ("943 476 5919", {"jo"}),
        ("9434765919", {"jo"}),
        ("15/03/1984", {"jo"}),
        ("1984-03-15", {"jo"}),
        ("07700 900123", {"jo"}),
        ("07700900123", {"jo"}),
        ("ls1 4ap", {"jo"}),
        ("LS1", {"jo"}),
        ("Bloggs 02/01/1990", {"sam"}),
        ("Nobody", set()),
    ],
)
def test_search_people_finds_by_what_an_officer_types(people, query, expected):
    found = {key for key, person in people.items() if person in search_people(query)}
    assert found == expected


def test_person_stores_nhs_number_and_phone_as_digits(db):
    person = PersonFactory(nhs_number="943-476-5919", phone="07700 900 999")
    person.refresh_from_db()
    assert person.nhs_number == "9434765919"
    assert person.phone == "07700900999"
    assert person.nhs_number_display == "943 476 5919"
