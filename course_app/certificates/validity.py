"""How long a certificate is valid: a pure, calendar-correct rule.

A certificate issued on a day is valid until the same day N years later. A certificate issued
on 29 February expires on 28 February of a common year: it never gets a day more than N years,
and it stays in the month it was issued in (the choice most registries and
``dateutil.relativedelta`` make).
"""

from datetime import date


def expiry_date(issued_on: date, years: int) -> date | None:
    """The last day a certificate issued on ``issued_on`` is valid; None when ``years`` is 0."""
    if years < 0:
        raise ValueError("A validity cannot be negative.")
    if years == 0:
        return None
    return anniversary(issued_on, years)


def anniversary(day: date, years: int) -> date:
    """The same day ``years`` later; 29 February falls back to 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, day=28)
