"""Tests for the deadline engine (casework/deadlines.py).

Every expected date here was worked out by hand from a calendar and the GOV.UK list of bank
holidays, never computed by the code under test. The exhaustive tests compare against an oracle
built from the literal list below, which is independent of the ``holidays`` package.
No database: these are plain functions.
"""

from datetime import date, datetime, timedelta

import holidays
import pytest

from casework.deadlines import (
    acknowledgement_due,
    add_months,
    add_working_days,
    is_out_of_time,
    is_past_six_months,
    is_working_day,
    oral_resolution_deadline,
    pals_target_due,
    resolved_within_next_working_day,
    six_month_point,
    time_limit_expires,
    working_days_between,
    working_days_left,
)

# England and Wales bank holidays as published on gov.uk/bank-holidays: the days offices close,
# so a holiday falling at a weekend appears only as its substitute day. Christmas Day and Good
# Friday are on it in every year they fall on a weekday.
BANK_HOLIDAYS_2022_TO_2027 = frozenset(
    {
        # 2022
        date(2022, 1, 3),  # New Year's Day substitute (1 Jan was a Saturday)
        date(2022, 4, 15),  # Good Friday
        date(2022, 4, 18),  # Easter Monday
        date(2022, 5, 2),  # Early May
        date(2022, 6, 2),  # Spring, moved from Mon 30 May
        date(2022, 6, 3),  # Platinum Jubilee
        date(2022, 8, 29),  # Summer
        date(2022, 9, 19),  # State Funeral of Queen Elizabeth II
        date(2022, 12, 26),  # Boxing Day
        date(2022, 12, 27),  # Christmas Day substitute (25 Dec was a Sunday)
        # 2023
        date(2023, 1, 2),  # New Year's Day substitute
        date(2023, 4, 7),  # Good Friday
        date(2023, 4, 10),  # Easter Monday
        date(2023, 5, 1),  # Early May
        date(2023, 5, 8),  # Coronation of King Charles III
        date(2023, 5, 29),  # Spring
        date(2023, 8, 28),  # Summer
        date(2023, 12, 25),  # Christmas Day
        date(2023, 12, 26),  # Boxing Day
        # 2024
        date(2024, 1, 1),
        date(2024, 3, 29),  # Good Friday
        date(2024, 4, 1),  # Easter Monday
        date(2024, 5, 6),
        date(2024, 5, 27),
        date(2024, 8, 26),
        date(2024, 12, 25),
        date(2024, 12, 26),
        # 2025
        date(2025, 1, 1),
        date(2025, 4, 18),  # Good Friday
        date(2025, 4, 21),  # Easter Monday
        date(2025, 5, 5),
        date(2025, 5, 26),
        date(2025, 8, 25),
        date(2025, 12, 25),
        date(2025, 12, 26),
        # 2026
        date(2026, 1, 1),
        date(2026, 4, 3),  # Good Friday
        date(2026, 4, 6),  # Easter Monday
        date(2026, 5, 4),
        date(2026, 5, 25),
        date(2026, 8, 31),
        date(2026, 12, 25),  # Christmas Day (Friday)
        date(2026, 12, 28),  # Boxing Day substitute (26 Dec is a Saturday)
        # 2027
        date(2027, 1, 1),
        date(2027, 3, 26),  # Good Friday
        date(2027, 3, 29),  # Easter Monday
        date(2027, 5, 3),
        date(2027, 5, 31),
        date(2027, 8, 30),
        date(2027, 12, 27),  # Christmas Day substitute (25 Dec is a Saturday)
        date(2027, 12, 28),  # Boxing Day substitute (26 Dec is a Sunday)
    }
)
ORACLE_FIRST = date(2022, 1, 1)
ORACLE_LAST = date(2027, 12, 31)


def oracle_is_working_day(day):
    assert ORACLE_FIRST <= day <= ORACLE_LAST, f"{day} is outside the oracle's list"
    return day.weekday() < 5 and day not in BANK_HOLIDAYS_2022_TO_2027


def oracle_add_working_days(start, n):
    day = start
    while n:
        day += timedelta(days=1)
        if oracle_is_working_day(day):
            n -= 1
    return day


def oracle_working_days_between(start, end):
    return sum(
        oracle_is_working_day(start + timedelta(days=offset))
        for offset in range(1, (end - start).days + 1)
    )


def every_day(first, last):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


# --- is_working_day -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "day",
    [
        pytest.param(date(2021, 12, 27), id="2021 Christmas substitute Mon 27 Dec"),
        pytest.param(date(2021, 12, 28), id="2021 Boxing Day substitute Tue 28 Dec"),
        pytest.param(date(2022, 1, 3), id="2022 New Year substitute Mon 3 Jan"),
        pytest.param(date(2022, 4, 15), id="2022 Good Friday"),
        pytest.param(date(2022, 4, 18), id="2022 Easter Monday"),
        pytest.param(date(2022, 5, 2), id="2022 early May"),
        pytest.param(date(2022, 6, 2), id="2022 spring holiday moved to Thu 2 Jun"),
        pytest.param(date(2022, 6, 3), id="2022 Platinum Jubilee Fri 3 Jun"),
        pytest.param(date(2022, 8, 29), id="2022 summer"),
        pytest.param(date(2022, 9, 19), id="2022 State Funeral Mon 19 Sep"),
        pytest.param(date(2022, 12, 26), id="2022 Boxing Day Mon 26 Dec"),
        pytest.param(date(2022, 12, 27), id="2022 Christmas substitute Tue 27 Dec"),
        pytest.param(date(2023, 4, 7), id="2023 Good Friday"),
        pytest.param(date(2023, 4, 10), id="2023 Easter Monday"),
        pytest.param(date(2023, 5, 1), id="2023 early May"),
        pytest.param(date(2023, 5, 8), id="2023 Coronation Mon 8 May"),
        pytest.param(date(2023, 5, 29), id="2023 spring"),
        pytest.param(date(2023, 8, 28), id="2023 summer"),
        pytest.param(date(2023, 12, 25), id="2023 Christmas Day Mon"),
        pytest.param(date(2024, 3, 29), id="2024 Good Friday"),
        pytest.param(date(2024, 4, 1), id="2024 Easter Monday"),
        pytest.param(date(2024, 5, 27), id="2024 spring"),
        pytest.param(date(2024, 12, 25), id="2024 Christmas Day Wed"),
        pytest.param(date(2025, 4, 18), id="2025 Good Friday"),
        pytest.param(date(2025, 4, 21), id="2025 Easter Monday"),
        pytest.param(date(2025, 8, 25), id="2025 summer"),
        pytest.param(date(2025, 12, 26), id="2025 Boxing Day Fri"),
        pytest.param(date(2026, 4, 3), id="2026 Good Friday"),
        pytest.param(date(2026, 4, 6), id="2026 Easter Monday"),
        pytest.param(date(2026, 5, 4), id="2026 early May"),
        pytest.param(date(2026, 8, 31), id="2026 summer"),
        pytest.param(date(2026, 12, 25), id="2026 Christmas Day Fri"),
        pytest.param(date(2026, 12, 28), id="2026 Boxing Day substitute Mon 28 Dec"),
        pytest.param(date(2027, 3, 26), id="2027 Good Friday"),
        pytest.param(date(2027, 3, 29), id="2027 Easter Monday"),
        pytest.param(date(2027, 5, 31), id="2027 spring"),
        pytest.param(date(2027, 12, 27), id="2027 Christmas substitute Mon 27 Dec"),
        pytest.param(date(2027, 12, 28), id="2027 Boxing Day substitute Tue 28 Dec"),
        pytest.param(date(2028, 1, 3), id="2028 New Year substitute Mon 3 Jan"),
    ],
)
def test_is_working_day_is_false_on_a_bank_holiday(day):
    assert is_working_day(day) is False


@pytest.mark.parametrize(
    "day",
    [
        pytest.param(date(2021, 12, 24), id="Christmas Eve 2021 Fri"),
        pytest.param(date(2022, 1, 4), id="Tue after the 2022 New Year substitute"),
        pytest.param(date(2022, 4, 19), id="Tue after Easter Monday 2022"),
        pytest.param(date(2022, 5, 30), id="Mon 30 May 2022, the usual spring date"),
        pytest.param(date(2022, 6, 1), id="Wed before the Jubilee weekend"),
        pytest.param(date(2022, 9, 20), id="Tue after the State Funeral"),
        pytest.param(date(2022, 12, 28), id="Wed 28 Dec 2022"),
        pytest.param(date(2023, 5, 9), id="Tue after the Coronation"),
        pytest.param(date(2024, 12, 27), id="Fri 27 Dec 2024"),
        pytest.param(date(2026, 12, 24), id="Christmas Eve 2026 Thu"),
        pytest.param(date(2026, 12, 29), id="Tue 29 Dec 2026"),
        pytest.param(date(2027, 12, 29), id="Wed 29 Dec 2027"),
    ],
)
def test_is_working_day_is_true_on_an_ordinary_weekday_next_to_a_holiday(day):
    assert is_working_day(day) is True


@pytest.mark.parametrize(
    "day",
    [
        date(2025, 1, 4),  # Saturday
        date(2025, 1, 5),  # Sunday
        date(2022, 12, 25),  # Christmas Day on a Sunday
        date(2026, 12, 26),  # Boxing Day on a Saturday
        date(2027, 12, 25),  # Christmas Day on a Saturday
    ],
)
def test_is_working_day_is_false_at_the_weekend(day):
    assert is_working_day(day) is False


def test_is_working_day_agrees_with_the_bank_holiday_list_on_every_day_2022_to_2027():
    disagreements = [
        day
        for day in every_day(ORACLE_FIRST, ORACLE_LAST)
        if is_working_day(day) != oracle_is_working_day(day)
    ]
    assert disagreements == []


def test_england_and_wales_share_one_list_of_bank_holidays_in_the_holidays_package():
    # The product asks for England only; reg 2 says "England and Wales". This pins that the
    # two are the same, so the shortcut stays honest after a package upgrade.
    years = range(2022, 2028)
    england = holidays.country_holidays("GB", subdiv="ENG", years=years)
    wales = holidays.country_holidays("GB", subdiv="WLS", years=years)
    assert set(england) == set(wales)


def test_is_working_day_refuses_a_datetime_because_it_would_miss_every_holiday():
    with pytest.raises(TypeError):
        is_working_day(datetime(2025, 12, 25, 9, 0))


@pytest.mark.parametrize("day", [date(1800, 12, 25), date(2101, 12, 25)])
def test_is_working_day_refuses_a_year_the_holidays_package_does_not_cover(day):
    with pytest.raises(ValueError, match="holidays package"):
        is_working_day(day)


# --- acknowledgement_due (reg 13(1)) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        pytest.param(date(2022, 4, 14), date(2022, 4, 21), id="2022 Thu before Easter"),
        pytest.param(date(2023, 4, 6), date(2023, 4, 13), id="2023 Thu before Easter"),
        pytest.param(date(2024, 3, 28), date(2024, 4, 4), id="2024 Thu before Easter"),
        pytest.param(date(2025, 4, 17), date(2025, 4, 24), id="2025 Thu before Easter"),
        pytest.param(date(2025, 4, 19), date(2025, 4, 24), id="2025 Easter Saturday"),
        pytest.param(date(2025, 4, 21), date(2025, 4, 24), id="2025 on Easter Monday"),
        pytest.param(date(2025, 4, 22), date(2025, 4, 25), id="2025 Easter Tuesday"),
        pytest.param(date(2026, 4, 2), date(2026, 4, 9), id="2026 Thu before Easter"),
        pytest.param(date(2027, 3, 25), date(2027, 4, 1), id="2027 Thu before Easter"),
    ],
)
def test_acknowledgement_due_skips_good_friday_and_easter_monday(received, expected):
    assert acknowledgement_due(received) == expected


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        pytest.param(date(2021, 12, 23), date(2021, 12, 30), id="2021 Thu 23 Dec"),
        pytest.param(date(2021, 12, 31), date(2022, 1, 6), id="2021 Fri 31 Dec"),
        pytest.param(date(2022, 12, 23), date(2022, 12, 30), id="2022 Fri 23 Dec"),
        pytest.param(date(2023, 12, 22), date(2023, 12, 29), id="2023 Fri 22 Dec"),
        pytest.param(date(2024, 12, 24), date(2024, 12, 31), id="2024 Tue 24 Dec"),
        pytest.param(date(2024, 12, 30), date(2025, 1, 3), id="2024 Mon 30 Dec"),
        pytest.param(date(2025, 12, 24), date(2025, 12, 31), id="2025 Wed 24 Dec"),
        pytest.param(date(2026, 12, 23), date(2026, 12, 30), id="2026 Wed 23 Dec"),
        pytest.param(date(2026, 12, 24), date(2026, 12, 31), id="2026 Thu 24 Dec"),
        pytest.param(date(2026, 12, 29), date(2027, 1, 4), id="2026 Tue 29 Dec"),
        pytest.param(date(2027, 12, 24), date(2027, 12, 31), id="2027 Fri 24 Dec"),
        pytest.param(date(2027, 12, 31), date(2028, 1, 6), id="2027 Fri 31 Dec"),
    ],
)
def test_acknowledgement_due_skips_christmas_boxing_day_and_their_substitute_days(
    received, expected
):
    assert acknowledgement_due(received) == expected


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        pytest.param(date(2022, 4, 29), date(2022, 5, 5), id="2022 early May"),
        pytest.param(date(2022, 8, 26), date(2022, 9, 1), id="2022 summer"),
        pytest.param(date(2023, 4, 28), date(2023, 5, 4), id="2023 early May"),
        pytest.param(date(2023, 5, 26), date(2023, 6, 1), id="2023 spring"),
        pytest.param(date(2023, 8, 25), date(2023, 8, 31), id="2023 summer"),
        pytest.param(date(2024, 5, 3), date(2024, 5, 9), id="2024 early May"),
        pytest.param(date(2024, 5, 24), date(2024, 5, 30), id="2024 spring"),
        pytest.param(date(2024, 8, 23), date(2024, 8, 29), id="2024 summer"),
        pytest.param(date(2025, 5, 2), date(2025, 5, 8), id="2025 early May"),
        pytest.param(date(2025, 8, 22), date(2025, 8, 28), id="2025 summer"),
        pytest.param(date(2026, 5, 22), date(2026, 5, 28), id="2026 spring"),
        pytest.param(date(2026, 8, 28), date(2026, 9, 3), id="2026 summer on 31 Aug"),
        pytest.param(date(2027, 4, 30), date(2027, 5, 6), id="2027 early May"),
        pytest.param(date(2027, 5, 28), date(2027, 6, 3), id="2027 spring"),
        pytest.param(date(2027, 8, 27), date(2027, 9, 2), id="2027 summer"),
    ],
)
def test_acknowledgement_due_skips_the_may_spring_and_summer_bank_holidays(received, expected):
    assert acknowledgement_due(received) == expected


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        pytest.param(date(2022, 6, 1), date(2022, 6, 8), id="moved spring and Jubilee 2-3 Jun"),
        pytest.param(date(2022, 5, 27), date(2022, 6, 1), id="Mon 30 May 2022 was worked"),
        pytest.param(date(2022, 9, 16), date(2022, 9, 22), id="State Funeral, Fri receipt"),
        pytest.param(date(2022, 9, 17), date(2022, 9, 22), id="State Funeral, Sat receipt"),
        pytest.param(date(2023, 5, 5), date(2023, 5, 11), id="Coronation"),
    ],
)
def test_acknowledgement_due_skips_one_off_bank_holidays(received, expected):
    assert acknowledgement_due(received) == expected


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        pytest.param(date(2025, 1, 6), date(2025, 1, 9), id="Mon receipt counts from Tue"),
        pytest.param(date(2025, 1, 3), date(2025, 1, 8), id="Fri receipt counts from Mon"),
        pytest.param(date(2025, 1, 4), date(2025, 1, 8), id="Sat receipt counts from Mon"),
        pytest.param(date(2025, 1, 5), date(2025, 1, 8), id="Sun receipt counts from Mon"),
    ],
)
def test_acknowledgement_due_never_counts_the_day_of_receipt(received, expected):
    assert acknowledgement_due(received) == expected


def test_acknowledgement_due_matches_the_bank_holiday_list_for_every_receipt_day_2022_to_2027():
    disagreements = [
        (received, acknowledgement_due(received))
        for received in every_day(ORACLE_FIRST, date(2027, 12, 20))
        if acknowledgement_due(received) != oracle_add_working_days(received, 3)
    ]
    assert disagreements == []


# --- add_working_days -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start",
    [
        pytest.param(date(2025, 1, 6), id="working day"),
        pytest.param(date(2025, 1, 4), id="Saturday"),
        pytest.param(date(2025, 12, 25), id="Christmas Day"),
    ],
)
def test_add_working_days_of_zero_returns_the_start_unchanged(start):
    assert add_working_days(start, 0) == start


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        pytest.param(date(2022, 9, 16), date(2022, 9, 20), id="Fri before the State Funeral"),
        pytest.param(date(2022, 9, 17), date(2022, 9, 20), id="Saturday"),
        pytest.param(date(2022, 9, 18), date(2022, 9, 20), id="Sunday"),
        pytest.param(date(2022, 9, 19), date(2022, 9, 20), id="the State Funeral itself"),
        pytest.param(date(2022, 4, 15), date(2022, 4, 19), id="Good Friday"),
        pytest.param(date(2026, 12, 25), date(2026, 12, 29), id="Christmas Day 2026"),
    ],
)
def test_add_working_days_never_counts_the_start_even_when_it_is_not_a_working_day(start, expected):
    assert add_working_days(start, 1) == expected


def test_add_working_days_refuses_a_negative_count():
    with pytest.raises(ValueError, match="0 or more"):
        add_working_days(date(2025, 1, 6), -1)


@pytest.mark.parametrize("n", [1, 2, 3, 5, 10, 20])
def test_add_working_days_matches_the_bank_holiday_list_from_every_start_day(n):
    disagreements = [
        start
        for start in every_day(ORACLE_FIRST, date(2027, 11, 30))
        if add_working_days(start, n) != oracle_add_working_days(start, n)
    ]
    assert disagreements == []


# --- working_days_between ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        pytest.param(date(2022, 9, 16), date(2022, 9, 22), 3, id="over the State Funeral"),
        pytest.param(date(2022, 4, 14), date(2022, 4, 19), 1, id="over Easter 2022"),
        pytest.param(date(2027, 12, 24), date(2027, 12, 29), 1, id="over Christmas 2027"),
        pytest.param(date(2022, 9, 17), date(2022, 9, 20), 1, id="from a Saturday"),
        pytest.param(date(2022, 9, 16), date(2022, 9, 18), 0, id="to a Sunday"),
        pytest.param(date(2025, 1, 6), date(2025, 1, 7), 1, id="next day"),
    ],
)
def test_working_days_between_counts_days_after_start_up_to_and_including_end(start, end, expected):
    assert working_days_between(start, end) == expected


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2022, 250),  # 260 weekdays, 10 weekday bank holidays
        (2023, 251),  # 260 weekdays, 9
        (2024, 254),  # 262 weekdays (leap year starting Monday), 8
        (2025, 253),  # 261 weekdays, 8
        (2026, 253),  # 261 weekdays, 8
        (2027, 253),  # 261 weekdays, 8
    ],
)
def test_working_days_between_counts_a_whole_calendar_year(year, expected):
    assert working_days_between(date(year - 1, 12, 31), date(year, 12, 31)) == expected


def test_working_days_between_counts_a_span_of_several_years():
    assert working_days_between(date(2021, 12, 31), date(2027, 12, 31)) == 1514


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2025, 1, 6), date(2025, 1, 6)),
        (date(2025, 1, 9), date(2025, 1, 6)),
        (date(2026, 1, 1), date(2025, 1, 1)),
    ],
)
def test_working_days_between_is_zero_when_end_is_not_after_start(start, end):
    assert working_days_between(start, end) == 0


def test_working_days_between_matches_the_bank_holiday_list_for_spans_up_to_ten_weeks():
    disagreements = [
        (start, span)
        for start in every_day(ORACLE_FIRST, date(2027, 10, 1))
        for span in range(0, 71, 3)
        if working_days_between(start, start + timedelta(days=span))
        != oracle_working_days_between(start, start + timedelta(days=span))
    ]
    assert disagreements == []


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, 20, 130])
def test_working_days_between_undoes_add_working_days_from_every_start_day(n):
    disagreements = [
        start
        for start in every_day(date(2022, 1, 1), date(2027, 6, 30))
        if working_days_between(start, add_working_days(start, n)) != n
    ]
    assert disagreements == []


# --- working_days_left ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "today", "expected"),
    [
        pytest.param(date(2025, 1, 9), date(2025, 1, 6), 3, id="due Thu, Mon: Tue Wed Thu"),
        pytest.param(date(2025, 1, 9), date(2025, 1, 8), 1, id="due Thu, Wed"),
        pytest.param(date(2025, 1, 9), date(2025, 1, 9), 0, id="due today"),
        pytest.param(date(2025, 1, 9), date(2025, 1, 10), -1, id="due Thu, Fri"),
        pytest.param(date(2025, 1, 9), date(2025, 1, 11), -1, id="due Thu, Sat: only Fri gone"),
        pytest.param(date(2025, 1, 9), date(2025, 1, 12), -1, id="due Thu, Sun: only Fri gone"),
        pytest.param(date(2025, 1, 9), date(2025, 1, 13), -2, id="due Thu, Mon: Fri and Mon"),
        pytest.param(date(2025, 1, 10), date(2025, 1, 11), -1, id="due Fri, Sat: overdue not 0"),
        pytest.param(date(2025, 1, 10), date(2025, 1, 12), -1, id="due Fri, Sun"),
        pytest.param(date(2025, 1, 10), date(2025, 1, 13), -1, id="due Fri, Mon"),
        pytest.param(date(2025, 1, 10), date(2025, 1, 14), -2, id="due Fri, Tue"),
        pytest.param(date(2025, 1, 13), date(2025, 1, 10), 1, id="due Mon, Fri before"),
        pytest.param(date(2025, 1, 13), date(2025, 1, 11), 1, id="due Mon, Sat before"),
        pytest.param(date(2025, 1, 13), date(2025, 1, 12), 1, id="due Mon, Sun before"),
        pytest.param(date(2025, 1, 11), date(2025, 1, 10), 1, id="due Sat, Fri: not 0"),
        pytest.param(date(2025, 1, 11), date(2025, 1, 11), 0, id="due Sat, Sat"),
        pytest.param(date(2025, 1, 11), date(2025, 1, 12), -1, id="due Sat, Sun"),
        pytest.param(date(2025, 1, 11), date(2025, 1, 14), -2, id="due Sat, Tue"),
        pytest.param(date(2025, 4, 22), date(2025, 4, 17), 1, id="over Easter 2025"),
        pytest.param(date(2025, 4, 17), date(2025, 4, 22), -1, id="overdue over Easter 2025"),
        pytest.param(date(2026, 12, 31), date(2026, 12, 24), 3, id="over Christmas 2026"),
    ],
)
def test_working_days_left_skips_weekends_and_holidays_between(due, today, expected):
    assert working_days_left(due, today) == expected


def test_working_days_left_is_negative_exactly_when_the_due_date_has_passed():
    wrong_sign = [
        (due, today)
        for due in every_day(date(2025, 1, 1), date(2025, 5, 31))
        for today in every_day(due - timedelta(days=12), due + timedelta(days=12))
        if (working_days_left(due, today) > 0) != (today < due)
        or (working_days_left(due, today) < 0) != (today > due)
    ]
    assert wrong_sign == []


def test_working_days_left_never_goes_up_as_the_days_pass():
    due = date(2025, 4, 22)  # the Tuesday after Easter Monday
    days = list(every_day(date(2025, 4, 1), date(2025, 5, 15)))
    left = [working_days_left(due, today) for today in days]
    assert left == sorted(left, reverse=True)


@pytest.mark.parametrize("n", [0, 1, 3, 5, 20])
def test_working_days_left_undoes_add_working_days(n):
    mismatches = [
        today
        for today in every_day(date(2025, 1, 1), date(2026, 12, 31))
        if working_days_left(add_working_days(today, n), today) != n
    ]
    assert mismatches == []


# --- add_months -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        pytest.param(date(2025, 1, 31), 1, date(2025, 2, 28), id="31 Jan + 1, non-leap"),
        pytest.param(date(2024, 1, 31), 1, date(2024, 2, 29), id="31 Jan + 1, leap"),
        pytest.param(date(2025, 8, 31), 6, date(2026, 2, 28), id="31 Aug 2025 + 6"),
        pytest.param(date(2023, 8, 31), 6, date(2024, 2, 29), id="31 Aug 2023 + 6, leap"),
        pytest.param(date(2025, 8, 29), 6, date(2026, 2, 28), id="29 Aug 2025 + 6"),
        pytest.param(date(2024, 2, 29), 12, date(2025, 2, 28), id="29 Feb + 12"),
        pytest.param(date(2024, 2, 29), 48, date(2028, 2, 29), id="29 Feb + 48"),
        pytest.param(date(2025, 3, 31), 6, date(2025, 9, 30), id="31 Mar + 6"),
        pytest.param(date(2025, 4, 30), 1, date(2025, 5, 30), id="30 Apr + 1 stays on 30"),
        pytest.param(date(2025, 2, 28), 1, date(2025, 3, 28), id="28 Feb + 1 stays on 28"),
        pytest.param(date(2025, 11, 15), 2, date(2026, 1, 15), id="across a new year"),
        pytest.param(date(2025, 12, 31), 12, date(2026, 12, 31), id="31 Dec + 12"),
        pytest.param(date(2025, 1, 15), 0, date(2025, 1, 15), id="zero months"),
        pytest.param(date(2025, 3, 31), -1, date(2025, 2, 28), id="31 Mar - 1"),
        pytest.param(date(2025, 1, 31), -2, date(2024, 11, 30), id="31 Jan - 2"),
    ],
)
def test_add_months_clamps_to_the_end_of_a_shorter_month(day, months, expected):
    assert add_months(day, months) == expected


# --- six months to respond (reg 14(4)) --------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        pytest.param(date(2025, 1, 15), date(2025, 7, 15), id="mid-month"),
        pytest.param(date(2025, 7, 1), date(2026, 1, 1), id="across a new year"),
        pytest.param(date(2025, 8, 31), date(2026, 2, 28), id="31 Aug to 28 Feb"),
        pytest.param(date(2023, 8, 31), date(2024, 2, 29), id="31 Aug to 29 Feb, leap"),
        pytest.param(date(2025, 3, 31), date(2025, 9, 30), id="31 Mar to 30 Sep"),
        pytest.param(date(2025, 6, 13), date(2025, 12, 13), id="a Saturday is not moved"),
    ],
)
def test_six_month_point_is_six_calendar_months_after_receipt(received, expected):
    assert six_month_point(received) == expected


def test_response_is_in_time_the_day_before_the_six_month_point():
    assert is_past_six_months(date(2025, 1, 15), date(2025, 7, 14)) is False


def test_response_is_late_on_the_six_month_point_itself():
    assert is_past_six_months(date(2025, 1, 15), date(2025, 7, 15)) is True


def test_response_is_late_after_the_six_month_point():
    assert is_past_six_months(date(2025, 1, 15), date(2025, 7, 16)) is True


def test_response_six_month_point_uses_the_end_of_february_after_receipt_on_31_august():
    assert is_past_six_months(date(2025, 8, 31), date(2026, 2, 27)) is False
    assert is_past_six_months(date(2025, 8, 31), date(2026, 2, 28)) is True


# --- time limit (reg 12) ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "became_aware", "expected"),
    [
        pytest.param(date(2024, 3, 10), None, date(2025, 3, 10), id="12 months from event"),
        pytest.param(date(2024, 2, 29), None, date(2025, 2, 28), id="29 Feb event"),
        pytest.param(
            date(2023, 1, 5), date(2024, 6, 1), date(2025, 6, 1), id="aware later than event"
        ),
        pytest.param(
            date(2024, 3, 10), date(2024, 3, 10), date(2025, 3, 10), id="aware on the day"
        ),
        pytest.param(
            date(2024, 3, 10), date(2024, 1, 1), date(2025, 3, 10), id="aware earlier ignored"
        ),
    ],
)
def test_time_limit_expires_twelve_months_after_the_later_of_event_and_awareness(
    event, became_aware, expected
):
    assert time_limit_expires(event, became_aware) == expected


@pytest.mark.parametrize(
    ("received", "event", "became_aware", "expected"),
    [
        pytest.param(date(2025, 3, 10), date(2024, 3, 10), None, False, id="exactly 12 months"),
        pytest.param(date(2025, 3, 11), date(2024, 3, 10), None, True, id="a day over"),
        pytest.param(date(2024, 9, 1), date(2024, 3, 10), None, False, id="well inside"),
        pytest.param(date(2025, 2, 28), date(2024, 2, 29), None, False, id="29 Feb, last day"),
        pytest.param(date(2025, 3, 1), date(2024, 2, 29), None, True, id="29 Feb, day over"),
        pytest.param(date(2025, 3, 10), date(2024, 3, 9), None, True, id="Sunday not extended"),
        pytest.param(
            date(2025, 5, 30), date(2023, 1, 5), date(2024, 6, 1), False, id="late awareness"
        ),
        pytest.param(date(2025, 5, 30), date(2023, 1, 5), None, True, id="without awareness"),
        pytest.param(
            date(2025, 6, 2), date(2023, 1, 5), date(2024, 6, 1), True, id="awareness + 12m over"
        ),
    ],
)
def test_is_out_of_time_only_after_the_time_limit_has_expired(
    received, event, became_aware, expected
):
    assert is_out_of_time(received, event, became_aware) is expected


# --- PALS local target ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "target_days", "expected"),
    [
        pytest.param(date(2025, 1, 6), 5, date(2025, 1, 13), id="5 days from Mon"),
        pytest.param(date(2025, 4, 17), 5, date(2025, 4, 28), id="5 days over Easter"),
        pytest.param(date(2025, 1, 6), 10, date(2025, 1, 20), id="a 10-day local setting"),
        pytest.param(date(2025, 1, 6), 0, date(2025, 1, 6), id="same-day local setting"),
    ],
)
def test_pals_target_due_counts_the_configured_working_days(received, target_days, expected):
    assert pals_target_due(received, target_days) == expected


def test_pals_target_due_defaults_to_five_working_days():
    assert pals_target_due(date(2022, 5, 31)) == date(2022, 6, 9)  # over 2-3 Jun 2022


def test_pals_target_due_refuses_a_negative_target():
    with pytest.raises(ValueError):
        pals_target_due(date(2025, 1, 6), -1)


# --- oral complaints resolved by the next working day (reg 8(1)(b)) ----------------------------


@pytest.mark.parametrize(
    ("made", "expected"),
    [
        pytest.param(date(2025, 1, 6), date(2025, 1, 7), id="Mon to Tue"),
        pytest.param(date(2025, 1, 10), date(2025, 1, 13), id="Fri to Mon"),
        pytest.param(date(2025, 1, 11), date(2025, 1, 13), id="Sat to Mon"),
        pytest.param(date(2025, 4, 17), date(2025, 4, 22), id="over Easter 2025"),
        pytest.param(date(2022, 9, 16), date(2022, 9, 20), id="over the State Funeral"),
        pytest.param(date(2026, 12, 24), date(2026, 12, 29), id="over Christmas 2026"),
        pytest.param(date(2027, 12, 31), date(2028, 1, 4), id="over New Year 2028"),
    ],
)
def test_oral_resolution_deadline_is_the_next_working_day(made, expected):
    assert oral_resolution_deadline(made) == expected


@pytest.mark.parametrize(
    ("made", "resolved", "expected"),
    [
        pytest.param(date(2025, 1, 6), date(2025, 1, 6), True, id="same day"),
        pytest.param(date(2025, 1, 6), date(2025, 1, 7), True, id="next working day"),
        pytest.param(date(2025, 1, 6), date(2025, 1, 8), False, id="two working days"),
        pytest.param(date(2025, 1, 10), date(2025, 1, 13), True, id="Fri, resolved Mon"),
        pytest.param(date(2025, 1, 10), date(2025, 1, 14), False, id="Fri, resolved Tue"),
        pytest.param(date(2025, 4, 17), date(2025, 4, 22), True, id="Easter, resolved Tue"),
        pytest.param(date(2025, 4, 17), date(2025, 4, 23), False, id="Easter, resolved Wed"),
    ],
)
def test_resolved_within_next_working_day_allows_up_to_the_end_of_the_next_working_day(
    made, resolved, expected
):
    assert resolved_within_next_working_day(made, resolved) is expected


def test_resolved_within_next_working_day_refuses_a_resolution_before_the_complaint():
    with pytest.raises(ValueError, match="before"):
        resolved_within_next_working_day(date(2025, 1, 6), date(2025, 1, 5))
