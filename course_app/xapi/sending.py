"""Sending the outbox to the Learning Record Store, and reading it back for export.

Runs in the job consumer (the ``send-xapi`` scheduled task, every minute), never in a
learner's request. Pending statements go in batches, oldest first; a batch the LRS refuses
or cannot take (down, timeout, 5xx) stays pending with its error and is tried again after a
back-off that doubles with each failure (1 minute up to an hour). Statement ids are derived
from their events, and an LRS keeps one statement per id, so a batch sent twice (the reply
lost) is stored once.
"""

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import requests
from flask import current_app
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from course_app.db import utcnow
from course_app.xapi.models import XapiActor, XapiStatement
from course_app.xapi.statements import VERSION, with_actor

logger = logging.getLogger(__name__)

BATCH = 100
TIMEOUT_SECONDS = 10
MAX_BACKOFF = timedelta(hours=1)


def backoff(tries: int) -> timedelta:
    """1, 2, 4, … minutes after the 1st, 2nd, 3rd… failure, at most an hour."""
    # The exponent is capped: a long outage must not grow it past what timedelta holds.
    return min(timedelta(minutes=2 ** min(max(tries - 1, 0), 10)), MAX_BACKOFF)


def actor_names(session: Session, user_ids: set[int]) -> dict[int, str]:
    """Each learner's opaque name in statements (recorded with their first statement)."""
    query = select(XapiActor.user_id, XapiActor.name).where(XapiActor.user_id.in_(user_ids))
    return dict(session.execute(query).all())


def full_statements(session: Session, rows: list[XapiStatement]) -> list[dict[str, Any]]:
    names = actor_names(session, {row.user_id for row in rows})
    home = current_app.config["PUBLIC_BASE_URL"]
    return [with_actor(row.body, home, names[row.user_id]) for row in rows]


def due(session: Session, now: datetime, limit: int = BATCH) -> list[XapiStatement]:
    query = (
        select(XapiStatement)
        .where(
            XapiStatement.sent_at.is_(None),
            or_(XapiStatement.next_try_at.is_(None), XapiStatement.next_try_at <= now),
        )
        .order_by(XapiStatement.seq)
        .limit(limit)
    )
    return list(session.scalars(query))


def send_pending(session: Session) -> tuple[int, int]:
    """Send what is due, batch after batch, until nothing is or a batch fails; commits after
    each batch. Returns (sent, still pending).

    A batch the LRS refuses as bad (a 4xx other than authentication and rate limits) is sent
    again statement by statement, so one statement it will not take never holds back the
    others: that one backs off alone."""
    if not current_app.config["XAPI_LRS_URL"]:
        return 0, pending_count(session)
    sent = 0
    while rows := due(session, utcnow()):
        statements = full_statements(session, rows)
        ids = [row.id for row in rows]
        session.rollback()  # no transaction stays open while the LRS answers
        outcome = post(statements)
        if outcome.refused_as_bad and len(ids) > 1:
            results = {i: post([s]) for i, s in zip(ids, statements, strict=True)}
        else:
            results = dict.fromkeys(ids, outcome)
        sent += settle(session, results)
        if all(not result.ok for result in results.values()):
            break  # the LRS is down or refuses everything: wait for the back-off
    return sent, pending_count(session)


def settle(session: Session, results: dict[str, "Outcome"]) -> int:
    """Mark the sent statements sent and back the others off; commits; returns how many
    were sent."""
    done = [i for i, result in results.items() if result.ok]
    if done:
        session.execute(
            update(XapiStatement)
            .where(XapiStatement.id.in_(done))
            .values(sent_at=utcnow(), last_error=None, next_try_at=None)
        )
    failed = {i: result.error for i, result in results.items() if not result.ok}
    if failed:
        first = next(iter(failed.values()))
        logger.warning("The LRS did not take %d statement(s): %s", len(failed), first)
        for row in session.scalars(select(XapiStatement).where(XapiStatement.id.in_(failed))):
            row.tries += 1
            row.next_try_at = utcnow() + backoff(row.tries)
            row.last_error = failed[row.id][:500]
    session.commit()
    return len(done)


@dataclass(frozen=True)
class Outcome:
    """What the LRS did with a POST: ``error`` is None when it stored the statements."""

    error: str | None
    status: int | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def refused_as_bad(self) -> bool:
        return (
            self.status is not None
            and 400 <= self.status < 500
            and self.status
            not in (
                401,
                403,
                404,
                408,
                429,
            )
        )


def post(statements: list[dict[str, Any]]) -> Outcome:
    """POST the statements to the LRS."""
    config = current_app.config
    url = config["XAPI_LRS_URL"].rstrip("/") + "/statements"
    auth = None
    if config["XAPI_LRS_USERNAME"]:
        auth = (config["XAPI_LRS_USERNAME"], config["XAPI_LRS_PASSWORD"])
    try:
        reply = requests.post(
            url,
            json=statements,
            auth=auth,
            headers={"X-Experience-API-Version": VERSION},
            timeout=TIMEOUT_SECONDS,
        )
    except requests.RequestException as error:
        return Outcome(f"{type(error).__name__}: {error}")
    if reply.status_code in (200, 204):
        return Outcome(None, reply.status_code)
    return Outcome(f"HTTP {reply.status_code}: {reply.text[:300]}", reply.status_code)


def pending_count(session: Session) -> int:
    query = select(func.count()).select_from(XapiStatement).where(XapiStatement.sent_at.is_(None))
    return session.scalar(query) or 0


@dataclass(frozen=True)
class Summary:
    total: int
    pending: int
    oldest_pending: datetime | None
    last_error: str | None
    sending: bool


def outbox_summary(session: Session) -> Summary:
    """What the administrators' page says about the outbox (three queries)."""
    pending = XapiStatement.sent_at.is_(None)
    total, waiting, oldest = session.execute(
        select(
            func.count(),
            func.count().filter(pending),
            func.min(XapiStatement.timestamp).filter(pending),
        ).select_from(XapiStatement)
    ).one()
    error = session.scalar(
        select(XapiStatement.last_error)
        .where(pending, XapiStatement.last_error.is_not(None))
        .order_by(XapiStatement.next_try_at.desc())
        .limit(1)
    )
    return Summary(total, waiting, oldest, error, bool(current_app.config["XAPI_LRS_URL"]))


def export(session: Session, since: datetime, until: datetime) -> Iterator[dict[str, Any]]:
    """Every statement whose timestamp is in [since, until), oldest first, with its actor
    (sent or not), in the order they were recorded, a thousand rows at a time."""
    last = 0
    while True:
        query = select(XapiStatement).where(
            XapiStatement.timestamp >= since,
            XapiStatement.timestamp < until,
            XapiStatement.seq > last,
        )
        rows = list(session.scalars(query.order_by(XapiStatement.seq).limit(1000)))
        if not rows:
            return
        yield from full_statements(session, rows)
        last = rows[-1].seq
