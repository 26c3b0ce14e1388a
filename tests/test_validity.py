"""A certificate's expiry as a plain function: the same day N years later, for every day of a
leap and a common year; 29 February falls back to 28 February in a common year."""

import calendar
from datetime import date, timedelta

import pytest

from course_app.certificates.validity import expiry_date


def every_day(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=n) for n in range(366 if calendar.isleap(year) else 365)]


@pytest.mark.parametrize("year", [2027, 2028], ids=["common year", "leap year"])
@pytest.mark.parametrize("years", [1, 2, 3, 4, 5])
def test_expiry_is_the_same_day_n_years_later(year, years):
    for issued in every_day(year):
        expires = expiry_date(issued, years)
        assert (expires.year, expires.month) == (year + years, issued.month), issued
        leap_day_lost = (issued.month, issued.day) == (2, 29) and not calendar.isleap(year + years)
        assert expires.day == (28 if leap_day_lost else issued.day), issued


@pytest.mark.parametrize("year", [2027, 2028])
def test_a_later_issue_never_expires_earlier(year):
    days = every_day(year)
    expiries = [expiry_date(day, 3) for day in days]
    assert expiries == sorted(expiries)
    assert len(set(expiries)) == len(days) - (1 if calendar.isleap(year) else 0)


@pytest.mark.parametrize(
    ("issued", "years", "expected"),
    [
        (date(2026, 11, 30), 3, date(2029, 11, 30)),  # the day the fault was reported
        (date(2027, 1, 31), 2, date(2029, 1, 31)),
        (date(2027, 1, 29), 1, date(2028, 1, 29)),
        (date(2028, 2, 29), 1, date(2029, 2, 28)),  # leap day, common year: 28 February
        (date(2028, 2, 29), 4, date(2032, 2, 29)),  # leap day, leap year: the same day
        (date(2027, 12, 31), 1, date(2028, 12, 31)),
    ],
)
def test_month_ends_and_the_leap_day(issued, years, expected):
    assert expiry_date(issued, years) == expected


def test_no_validity_means_no_expiry_and_a_negative_one_is_refused():
    assert expiry_date(date(2027, 5, 31), 0) is None
    with pytest.raises(ValueError, match="negative"):
        expiry_date(date(2027, 5, 31), -1)
