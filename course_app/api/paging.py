"""Cursor pagination: ``?cursor=`` (from the last page's ``next_cursor``, passed back as it
came) and ``?limit=`` (at most 100), ordered by id so a page never repeats or skips a row
even while rows are added."""

from marshmallow import Schema, fields, validate
from sqlalchemy import Select
from sqlalchemy.orm import Session

from course_app.bounded import MAX_ID

MAX_LIMIT = 100
#: The cursor is the last row's id; its exact pattern is in the OpenAPI document, so every
#: cursor a client can send within the document is one the API accepts.
CURSOR = r"^[0-9]{1,18}$"


class PageArgs(Schema):
    cursor = fields.String(
        validate=validate.Regexp(CURSOR),
        metadata={"description": "The last page's next_cursor, as it came"},
    )
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_LIMIT))


def page(session: Session, query: Select, id_column, args: dict) -> dict:
    """One page of ``query``'s rows after the cursor, and the cursor of the next (or None)."""
    if "cursor" in args:
        # No row lies after the largest id a column holds; a larger number is clamped to it
        # (PostgreSQL refuses to compare an integer column with one out of its range).
        query = query.where(id_column > min(int(args["cursor"]), MAX_ID))
    limit = args["limit"]
    rows = list(session.scalars(query.order_by(id_column).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": rows, "next_cursor": str(rows[-1].id) if more else None}
