"""The login throttle: failed logins counted per account and per client address, in the
database, so every worker and every instance counts the same failures (Flask-Limiter's
request limit beside it counts per worker unless Redis is configured).

Throttling, not lockout: when either count reaches its limit inside the window, logins for
that account (or from that address) are refused until the oldest failures age out; a
password reset still works. Reaching a limit is written to the audit trail once.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from course_app.audit.services import record
from course_app.auth import services
from course_app.auth.models import LoginFailure, User
from course_app.exceptions import DomainError


@dataclass(frozen=True)
class Limits:
    per_account: int
    per_address: int
    window: timedelta

    @classmethod
    def from_config(cls, config) -> "Limits":
        return cls(
            int(config["LOGIN_FAILURES_PER_ACCOUNT"]),
            int(config["LOGIN_FAILURES_PER_ADDRESS"]),
            timedelta(seconds=int(config["LOGIN_FAILURE_WINDOW_SECONDS"])),
        )


class LoginThrottled(DomainError):
    """Too many failed logins for this account or from this address, inside the window."""


def log_in(
    session: Session, email: str, password: str, address: str, now: datetime, limits: Limits
) -> User | None:
    """The user these credentials belong to, or None (the failure is counted); raises
    LoginThrottled before any password check while a limit is reached."""
    email = services.normalize_email(email)
    _refuse_if_throttled(session, email, address, now, limits)
    user = services.authenticate(session, email, password)
    if user is not None:
        session.execute(delete(LoginFailure).where(LoginFailure.email == email))
        return user
    session.add(LoginFailure(email=email, address=address, at=now))
    session.flush()
    _audit_limit_reached(session, email, address, now, limits)
    return None


def _failures(session: Session, column, value: str, since: datetime) -> int:
    query = select(func.count()).where(column == value, LoginFailure.at > since)
    return session.scalar(query) or 0


def _refuse_if_throttled(
    session: Session, email: str, address: str, now: datetime, limits: Limits
) -> None:
    since = now - limits.window
    minutes = max(1, int(limits.window.total_seconds() // 60))
    if _failures(session, LoginFailure.email, email, since) >= limits.per_account:
        raise LoginThrottled(
            _(
                "Too many failed logins for this account. Wait %(minutes)d minutes and try "
                "again, or reset your password.",
                minutes=minutes,
            )
        )
    if _failures(session, LoginFailure.address, address, since) >= limits.per_address:
        raise LoginThrottled(
            _(
                "Too many failed logins from your network. Wait %(minutes)d minutes and try again.",
                minutes=minutes,
            )
        )


def _audit_limit_reached(
    session: Session, email: str, address: str, now: datetime, limits: Limits
) -> None:
    """Audit the failure that reaches a limit (once, not every refused try after it), and
    forget failures older than the window."""
    since = now - limits.window
    reached = [
        scope
        for scope, column, value, limit in (
            ("account", LoginFailure.email, email, limits.per_account),
            ("address", LoginFailure.address, address, limits.per_address),
        )
        if _failures(session, column, value, since) == limit
    ]
    if reached:
        user = services.find_by_email(session, email)
        record(
            session,
            None,
            "auth.login_throttled",
            ("user", user.id if user is not None else 0),
            after={"email": email, "address": address, "limits_reached": reached},
        )
    session.execute(delete(LoginFailure).where(LoginFailure.at <= since))
