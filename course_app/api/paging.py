"""Cursor pagination: ``?cursor=`` (opaque, from the last page's ``next_cursor``) and
``?limit=`` (at most 100), ordered by id so a page never repeats or skips a row."""

import base64
import binascii

from flask import abort
from marshmallow import Schema, fields, validate
from sqlalchemy import Select
from sqlalchemy.orm import Session

MAX_LIMIT = 100


class PageArgs(Schema):
    cursor = fields.String(metadata={"description": "The last page's next_cursor"})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_LIMIT))


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"after:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The id a cursor points after; 400 for anything this API did not hand out."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        marker, _, number = text.partition(":")
        if marker != "after" or not number.isdigit() or len(number) > 18:
            raise ValueError(text)
        return int(number)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        abort(400, "The cursor is not one this API gave out.")


def page(session: Session, query: Select, id_column, args: dict) -> dict:
    """One page of ``query``'s rows after the cursor, and the cursor of the next (or None)."""
    if "cursor" in args:
        query = query.where(id_column > decode_cursor(args["cursor"]))
    limit = args["limit"]
    rows = list(session.scalars(query.order_by(id_column).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": rows, "next_cursor": encode_cursor(rows[-1].id) if more else None}
