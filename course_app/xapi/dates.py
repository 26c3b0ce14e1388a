"""The export's date range: whole UTC days, both ends included."""

from datetime import UTC, date, datetime, time, timedelta


class BadRange(ValueError):
    """The dates cannot make a range; the message says why."""


def day_range(since: str | None, until: str | None) -> tuple[datetime, datetime]:
    """[start of ``since``, start of the day after ``until``) in UTC, from YYYY-MM-DD."""
    first, last = _day(since, "since"), _day(until, "until")
    if last < first:
        raise BadRange("The end date is before the start date.")
    if (last - first).days > 3660:
        raise BadRange("Export at most ten years at a time.")
    start = datetime.combine(first, time(), tzinfo=UTC)
    return start, datetime.combine(last + timedelta(days=1), time(), tzinfo=UTC)


def _day(value: str | None, name: str) -> date:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        raise BadRange(f"Give the {name} date as YYYY-MM-DD.") from None
