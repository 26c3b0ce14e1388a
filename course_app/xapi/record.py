"""Recording statements in the outbox, in the transaction of the event they describe.

Services call these with the session of their event and never commit: the statement is
kept exactly when the event is. A statement already recorded (same event, same id) is
skipped, so a repeated event or a rerun job adds nothing.
"""

import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from course_app.xapi.models import XapiActor, XapiStatement


def activity_base() -> str:
    """XAPI_ACTIVITY_BASE, else PUBLIC_BASE_URL: the prefix of every activity id."""
    config = current_app.config
    return (config.get("XAPI_ACTIVITY_BASE") or config["PUBLIC_BASE_URL"]).rstrip("/")


def record(session: Session, user_id: int, bodies: Iterable[dict[str, Any]], moment: datetime):
    """Add statements (bodies from :mod:`course_app.xapi.statements`) for one learner in one
    INSERT, skipping any whose id is already there."""
    rows = [
        {"id": body["id"], "user_id": user_id, "body": body, "timestamp": moment, "tries": 0}
        for body in bodies
    ]
    if rows:
        # The learner's opaque name first (kept if they have one): an export, a GET, then
        # only reads names and never has to create one.
        actor = {"user_id": user_id, "name": secrets.token_hex(16)}
        session.execute(_insert_ignoring_duplicates(session, XapiActor, "user_id"), actor)
        session.execute(_insert_ignoring_duplicates(session, XapiStatement, "id"), rows)


def _insert_ignoring_duplicates(session: Session, model, key: str):
    table = model.__table__
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing(index_elements=[table.c[key]])
