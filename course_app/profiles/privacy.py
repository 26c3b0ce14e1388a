"""PIPEDA: a copy of everything held about a person, and closing their account.

Closing removes what identifies the person from their account and from what only served
them (inbox, e-mails, login failures, extra-time notes, name requests, API tokens) and makes sign-in
impossible. It keeps two records other people rely on, as docs/privacy.md explains: issued
certificates (their public verification page shows the name as printed) and the append-only
audit trail. Learning records stay, tied to the anonymous account, for course statistics.
"""

import secrets
from datetime import date, datetime
from typing import Any

from sqlalchemy import LargeBinary, delete, func, select
from sqlalchemy.orm import Session

from course_app.api.models import ApiToken
from course_app.audit.models import AuditEntry
from course_app.audit.services import record
from course_app.auth import passwords
from course_app.auth.models import LoginFailure, Role, User
from course_app.auth.services import WrongPassword
from course_app.certificates.models import Certificate
from course_app.db import Base, utcnow
from course_app.exceptions import DomainError
from course_app.mail.models import OutboxMessage
from course_app.notifications.models import Notification, NotificationOptOut
from course_app.profiles.models import NameChangeRequest
from course_app.quizzes.models import Accommodation, Attempt, AttemptItem
from course_app.standing_store import refresh_learner

#: Never exported: they would let the file's reader act as the person.
SECRET_COLUMNS = {"password_hash", "session_token", "token_hash"}
#: Exported in their own sections (certificates as ids and links, not PDFs or credentials).
OWN_SECTIONS = {"users", "certificates"}
CLOSED_NAME = "Closed account"


def _value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _rows(session: Session, table, where) -> list[dict[str, Any]]:
    columns = [
        column
        for column in table.columns
        if column.name not in SECRET_COLUMNS and not isinstance(column.type, LargeBinary)
    ]
    # By primary key (not every table has an ``id``: a stored standing is keyed by learner and
    # course), so an export lists rows in the same order every time.
    query = select(*columns).where(where).order_by(*table.primary_key.columns)
    return [
        {name: _value(value) for name, value in row._mapping.items()}
        for row in session.execute(query)
    ]


def _tables_keyed_by_user():
    """Every table whose rows belong to one person through a ``user_id`` column: new features
    that store something per person are exported without a change here."""
    for table in Base.metadata.sorted_tables:
        if table.name not in OWN_SECTIONS and "user_id" in table.c:
            yield table


def export(session: Session, user: User, verify_url) -> dict[str, Any]:
    """Everything held about the person, as JSON-ready data. ``verify_url(public_id)`` is
    the public verification page of a certificate."""
    data: dict[str, Any] = {
        "exported_at": _value(utcnow()),
        "account": _rows(session, User.__table__, User.id == user.id)[0],
    }
    for table in _tables_keyed_by_user():
        data[table.name] = _rows(session, table, table.c.user_id == user.id)
    attempts = select(Attempt.id).where(Attempt.user_id == user.id)
    data["attempt_items"] = _rows(
        session, AttemptItem.__table__, AttemptItem.attempt_id.in_(attempts)
    )
    data["certificates"] = [
        {
            "id": cert.public_id,
            "course": cert.course_title,
            "status": cert.status,
            "holder_name": cert.holder_name,
            "issued_at": _value(cert.issued_at),
            "expires_on": _value(cert.expires_on),
            "verify_url": verify_url(cert.public_id),
        }
        for cert in session.scalars(
            select(Certificate).where(Certificate.user_id == user.id).order_by(Certificate.id)
        )
    ]
    about = (AuditEntry.subject_type == "user") & (AuditEntry.subject_id == user.id)
    data["audit_entries"] = _rows(session, AuditEntry.__table__, about)
    return data


def _is_last_admin(session: Session, user: User) -> bool:
    if user.role != Role.ADMIN:
        return False
    others = select(func.count()).where(User.role == Role.ADMIN, User.is_active, User.id != user.id)
    return not session.scalar(others)


def close_account(session: Session, user: User, password: str) -> None:
    """Close the account after checking the password (see the module's docstring)."""
    if not passwords.verify_password(user.password_hash, password):
        raise WrongPassword("The password is not correct.")
    if _is_last_admin(session, user):
        raise DomainError("You are the last administrator: make someone else one first.")
    _forget(session, user)
    blank = "" if user.role == Role.LEARNER else None  # a learner's columns may not be NULL
    user.full_name = CLOSED_NAME
    user.email = f"closed-{user.id}@closed.invalid"
    user.password_hash = passwords.hash_password(secrets.token_urlsafe(32))  # nobody knows it
    user.registration_number = user.jurisdiction = user.regulator = blank
    user.licence_verified_at = user.licence_verified_by_id = user.time_zone = None
    user.is_active = False
    user.unread_notifications = 0
    user.closed_at = utcnow()
    refresh_learner(session, user.id)  # the licence check is gone
    user.rotate_session_token()
    record(session, user.id, "user.closed", ("user", user.id), None, {"closed": True})
    session.flush()


def _forget(session: Session, user: User) -> None:
    """Delete what only served the person (nothing another record depends on)."""
    for model in (Notification, NotificationOptOut, Accommodation, NameChangeRequest, ApiToken):
        session.execute(delete(model).where(model.user_id == user.id))
    session.execute(delete(LoginFailure).where(LoginFailure.email == user.email))
    session.execute(delete(OutboxMessage).where(OutboxMessage.recipient == user.email))
