"""Deadline engine: working days, calendar months and the statutory time limits.

Pure functions over ``datetime.date``: no Django, no database, no clock, no settings. Callers
pass "today" and any local targets in, so every rule here can be tested exhaustively.

Sources: the Local Authority Social Services and National Health Service Complaints (England)
Regulations 2009, SI 2009/309.

Conventions
-----------
Working days (reg 2)
    Any day except Saturday, Sunday, Christmas Day, Good Friday or a bank holiday in England and
    Wales, including substitute days (Mon 28 Dec 2026) and one-off days (2 and 3 Jun 2022,
    19 Sep 2022, 8 May 2023). Holidays come from the ``holidays`` package, England subdivision
    (England and Wales share one list). A one-off bank holiday proclaimed in future reaches us
    only by upgrading ``holidays``; due dates already stored are not recomputed.

"N working days after a day" (reg 13(1), reg 8(1)(b))
    The day itself never counts, whatever day it is: the first counted day is the next working
    day. ``add_working_days(d, n)`` is the n-th working day after ``d``.

Calendar months (reg 12, reg 14(4))
    The corresponding-date rule: the same day number ``months`` later; when the target month is
    too short, its last day (31 Aug + 6 months is 28 Feb, or 29 Feb in a leap year). This is
    the rule the courts apply to "months" (Dodds v Walker [1981] 1 WLR 1027, HL). There is no
    "last day maps to last day" rule: 30 Apr + 1 month is 30 May.

Time limit (reg 12)
    "Not later than 12 months after" the event or, if later, the day it came to the
    complainant's notice: a complaint received on ``time_limit_expires(...)`` is in time, one
    received the day after is out of time. Whether to waive the limit (reg 12(2)) is a recorded
    human decision, not computed here.

Six months to respond (reg 14(4))
    The period of six months begins on (so includes) the day of receipt, so it ends the day
    before ``six_month_point(received)``: a response sent on the six-month point itself is late.
    Where the month is clamped (receipt on the 29th-31st) this flags one day earlier than a
    strict reading might; we prefer warning a day early to ever warning a day late.
"""

import bisect
import calendar
import datetime as dt
from functools import cache

import holidays

__all__ = [
    "acknowledgement_due",
    "add_months",
    "add_working_days",
    "is_out_of_time",
    "is_past_six_months",
    "is_working_day",
    "oral_resolution_deadline",
    "pals_target_due",
    "resolved_within_next_working_day",
    "six_month_point",
    "time_limit_expires",
    "working_days_between",
    "working_days_left",
]

ACKNOWLEDGEMENT_WORKING_DAYS = 3  # SI 2009/309 reg 13(1)
TIME_LIMIT_MONTHS = 12  # SI 2009/309 reg 12(1)
RESPONSE_MONTHS = 6  # SI 2009/309 reg 14(4)
DEFAULT_PALS_TARGET_DAYS = 5  # local target, not national: callers pass their own setting

_SATURDAY = 5


def _require_date(value: object, name: str) -> None:
    # A datetime is a date subclass but never equals a date, so it would slip past the holiday
    # lookup and make every bank holiday look like a working day.
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise TypeError(f"{name} must be a datetime.date, not {type(value).__name__}")


@cache
def _weekday_holidays(year: int) -> tuple[int, ...]:
    """Sorted ordinals of the Monday-to-Friday bank holidays in England and Wales in ``year``.

    Weekend holidays are left out because the weekend test already excludes them; that lets
    ``working_days_between`` subtract this list straight from a count of weekdays.
    """
    calendar_for_year = holidays.country_holidays("GB", subdiv="ENG", years=year)
    # Outside its range the package returns no holidays at all rather than failing, which would
    # turn Christmas into a working day without a word.
    if not calendar_for_year.start_year <= year <= calendar_for_year.end_year:
        raise ValueError(
            f"the holidays package only knows England's bank holidays for "
            f"{calendar_for_year.start_year}-{calendar_for_year.end_year}, not {year}"
        )
    return tuple(sorted(day.toordinal() for day in calendar_for_year if day.weekday() < _SATURDAY))


def _weekdays_up_to(day: dt.date) -> int:
    # Ordinal 1 (1 Jan 0001) was a Monday, so each block of seven ordinals holds five weekdays.
    weeks, remainder = divmod(day.toordinal(), 7)
    return weeks * 5 + min(remainder, 5)


def is_working_day(day: dt.date) -> bool:
    """True unless ``day`` is a weekend day, Christmas Day, Good Friday or an England and Wales
    bank holiday, including substitute and one-off days (SI 2009/309 reg 2)."""
    _require_date(day, "day")
    # Look the year up even for a weekend day, so an unsupported year fails every time.
    weekday_holidays = _weekday_holidays(day.year)
    return day.weekday() < _SATURDAY and day.toordinal() not in weekday_holidays


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The n-th working day after ``start``; ``start`` itself never counts, whatever day it is.

    ``n == 0`` returns ``start`` unchanged, even when it is not a working day.
    """
    _require_date(start, "start")
    if n < 0:
        # Counting backwards has no use in the regulations, and "the n-th working day before"
        # would need its own rule for a non-working start; refuse rather than guess.
        raise ValueError(f"n must be 0 or more working days, got {n}")
    day = start
    remaining = n
    while remaining:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """How many working days fall after ``start``, up to and including ``end``.

    Never negative: 0 when ``end <= start`` (use ``working_days_left`` for a signed count). It is
    the inverse of ``add_working_days``: ``working_days_between(d, add_working_days(d, n)) == n``.
    """
    _require_date(start, "start")
    _require_date(end, "end")
    if end <= start:
        return 0
    weekdays = _weekdays_up_to(end) - _weekdays_up_to(start)
    # Counting rather than looping keeps this cheap for the six-month and twelve-month spans
    # that list pages compute for every open case.
    first, last = start.toordinal(), end.toordinal()
    holidays_in_range = 0
    for year in range(start.year, end.year + 1):
        ordinals = _weekday_holidays(year)
        holidays_in_range += bisect.bisect_right(ordinals, last) - bisect.bisect_right(
            ordinals, first
        )
    return weekdays - holidays_in_range


def working_days_left(due: dt.date, today: dt.date) -> int:
    """Working days remaining until ``due``: positive ahead of it, 0 on it, negative after it.

    The sign follows the calendar: negative exactly when ``today > due``, 0 exactly when
    ``today == due``. The size is the number of working days after the earlier date up to and
    including the later one, so weekends and bank holidays in between are skipped (due Tue after
    Easter, today the Thursday before: 1). When the dates differ but no working day separates
    them the size is still 1, so a weekend never makes a case look "due today": due Fri gives
    -1 on Sat, Sun and Mon and -2 on Tue; due Mon gives 1 on the Fri, Sat and Sun before.
    """
    if today == due:
        return 0
    if today < due:
        return max(1, working_days_between(today, due))
    return -max(1, working_days_between(due, today))


def acknowledgement_due(received: dt.date) -> dt.date:
    """The last day to acknowledge: 3 working days after the day of receipt (SI 2009/309
    reg 13(1)). The day of receipt never counts, even when it is a working day."""
    return add_working_days(received, ACKNOWLEDGEMENT_WORKING_DAYS)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day number ``months`` calendar months later (earlier if negative), clamped to the
    last day of the target month when that month is shorter.

    31 Jan + 1 month is 28 Feb (29 in a leap year); 31 Aug 2025 + 6 is 28 Feb 2026; 29 Feb 2024
    + 12 is 28 Feb 2025. Clamping does not carry on: 28 Feb + 1 month is 28 Mar, not 31 Mar.
    """
    year, month_index = divmod(day.year * 12 + (day.month - 1) + months, 12)
    month = month_index + 1
    last_day = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last_day))


def six_month_point(received: dt.date) -> dt.date:
    """Six calendar months after the day of receipt (SI 2009/309 reg 14(4)).

    The six-month period begins on the day of receipt, so it has run out by this date: a
    response sent on the six-month point is late, and the last day to respond in time is the day
    before. Unless a longer period was agreed before then, the body must write to explain why
    (reg 14(4)(a)).
    """
    return add_months(received, RESPONSE_MONTHS)


def is_past_six_months(received: dt.date, today: dt.date) -> bool:
    """True from the six-month point onwards: a response sent ``today`` would be late."""
    return today >= six_month_point(received)


def time_limit_expires(event: dt.date, became_aware: dt.date | None = None) -> dt.date:
    """The last day a complaint is in time: 12 months after the event or, if later, after the day
    the matter came to the complainant's notice (SI 2009/309 reg 12(1)).

    An awareness date before the event cannot shorten the limit: the later of the two is used.
    """
    start = event if became_aware is None else max(event, became_aware)
    return add_months(start, TIME_LIMIT_MONTHS)


def is_out_of_time(received: dt.date, event: dt.date, became_aware: dt.date | None = None) -> bool:
    """True when the complaint was received after the reg 12 time limit expired.

    Out of time is not the end of it: reg 12(2) lets the body consider it anyway when there were
    good reasons for the delay and a fair investigation is still possible.
    """
    return received > time_limit_expires(event, became_aware)


def pals_target_due(received: dt.date, target_days: int = DEFAULT_PALS_TARGET_DAYS) -> dt.date:
    """The local PALS target date for an informal concern: ``target_days`` working days after
    receipt. A local target, not a national rule; pass the organisation's own setting."""
    return add_working_days(received, target_days)


def oral_resolution_deadline(made: dt.date) -> dt.date:
    """The next working day after an oral complaint was made: resolved to the complainant's
    satisfaction by the end of this day, it need not be handled under the regulations
    (SI 2009/309 reg 8(1)(b))."""
    return add_working_days(made, 1)


def resolved_within_next_working_day(made: dt.date, resolved: dt.date) -> bool:
    """True when an oral complaint was resolved on the day it was made or by the end of the next
    working day (SI 2009/309 reg 8(1)(b))."""
    if resolved < made:
        raise ValueError(f"resolved ({resolved}) is before the complaint was made ({made})")
    return resolved <= oral_resolution_deadline(made)
