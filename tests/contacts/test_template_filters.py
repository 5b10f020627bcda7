"""The fast list filters give exactly what Django's `date` and `truncatechars` give."""

import datetime as dt

import pytest
from django.template import Context, Template

LONDON_TIMES = [
    dt.datetime(2026, 3, 29, 0, 59, tzinfo=dt.UTC),  # the hour before the clocks go forward
    dt.datetime(2026, 3, 29, 1, 0, tzinfo=dt.UTC),
    dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC),  # British Summer Time's last hour
    dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC),
    dt.datetime(2026, 9, 7, 8, 5, tzinfo=dt.UTC),
    dt.datetime(2025, 12, 31, 23, 59, tzinfo=dt.UTC),
]


def _render(source: str, **context) -> str:
    return Template("{% load nhsuk %}" + source).render(Context(context))


@pytest.mark.parametrize("value", LONDON_TIMES)
def test_short_datetime_reads_as_the_date_filter_in_london_time(value):
    assert _render("{{ v|short_datetime }}", v=value) == _render(
        '{{ v|date:"j M Y H:i" }}', v=value
    )


@pytest.mark.parametrize("value", LONDON_TIMES)
def test_long_datetime_reads_as_the_date_filter_in_london_time(value):
    expected = _render('{{ v|date:"l j F Y, H:i" }}', v=value)
    assert _render("{{ v|long_datetime }}", v=value) == expected


def test_short_datetime_of_summer_time_shows_the_clock_in_london():
    assert _render("{{ v|short_datetime }}", v=LONDON_TIMES[4]) == "7 Sep 2026 09:05"


@pytest.mark.parametrize("value", [None, ""])
def test_date_filters_show_nothing_for_no_date(value):
    assert _render("{{ v|short_datetime }}{{ v|long_datetime }}", v=value) == ""


@pytest.mark.parametrize(
    "text",
    [
        "",
        "fits",
        "exactly twelve",
        "a good deal longer than twelve characters",
        "cafe\u0301 cafe\u0301 cafe\u0301",  # combining accents: normalised, and not counted
        "<b>Ward 5</b> & A&E",
        None,
        12345,
    ],
)
def test_shorten_gives_what_truncatechars_gives(text):
    assert _render("{{ t|shorten:12 }}", t=text) == _render("{{ t|truncatechars:12 }}", t=text)
