"""Bounded integers and dates from URLs, query strings and forms.

Ids are INTEGER columns: 2^31 - 1 at most on PostgreSQL (SQLite stops at 2^63 - 1). A larger
number in a URL (``/attempts/99999999999999999999``) or a query string (``?page=``) reached
the database and failed there with a 500; dates at the calendar's ends (``?to=9999-12-31``)
overflowed when a day was added. Here they are refused where they are read: the URL
converter does not match (404), the query helpers return the default (an ignored filter).
"""

from datetime import date

from flask import Flask
from werkzeug.routing import IntegerConverter

#: The largest id any table can hold on every supported database (PostgreSQL's INTEGER).
MAX_ID = 2**31 - 1
#: Dates outside this range are no filter anyone means, and cannot overflow date arithmetic.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2999, 12, 31)


class BoundedIntegerConverter(IntegerConverter):
    """``<int:…>`` that matches 0 to :data:`MAX_ID` only: anything larger is a 404."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app: Flask) -> None:
    """Replace the ``int`` converter before any blueprint adds its routes."""
    app.url_map.converters["int"] = BoundedIntegerConverter


def bounded_int(text: str) -> int:
    """A whole number from 0 to :data:`MAX_ID`, for ``request.args.get(…, type=bounded_int)``
    (which answers the default when this raises ValueError)."""
    number = int(text)
    if not 0 <= number <= MAX_ID:
        raise ValueError(f"{text} is out of range")
    return number


def bounded_date(text: str | None) -> date | None:
    """An ISO date within :data:`EARLIEST_DATE` … :data:`LATEST_DATE`, else None."""
    try:
        day = date.fromisoformat(text) if text else None
    except ValueError:
        return None
    return day if day is not None and EARLIEST_DATE <= day <= LATEST_DATE else None
