"""Users and their roles."""

import secrets
from dataclasses import dataclass, fields
from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, validates

from course_app.db import Base, UTCDateTime, utcnow
from course_app.listing import KEY_LENGTH, sortable_name


class Role(StrEnum):
    LEARNER = "learner"
    INSTRUCTOR = "instructor"
    ADMIN = "admin"


class RegisterClass(StrEnum):
    """The class of the physiotherapist's registration with their regulator."""

    FULL = "full"
    PROVISIONAL = "provisional"


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def _name_key_default(context) -> str:
    return sortable_name(context.get_current_parameters().get("full_name") or "")


class User(UserMixin, Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('learner', 'instructor', 'admin')", name="role_known"),
        CheckConstraint(
            "register_class IS NULL OR register_class IN ('full', 'provisional')",
            name="register_class_known",
        ),
        # A learner is a registered physiotherapist: the licence details are not optional.
        CheckConstraint(
            "role <> 'learner' OR (registration_number IS NOT NULL AND jurisdiction IS NOT NULL"
            " AND regulator IS NOT NULL AND register_class IS NOT NULL)",
            name="learner_has_registration",
        ),
        CheckConstraint("language IN ('en', 'fr')", name="language_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-cased; the login key.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(String(200))
    #: The name as the database sorts it, in natural order (listing.sortable_name): kept by
    #: :meth:`_keep_name_key` and, for bulk inserts, by the column default.
    name_key: Mapped[str] = mapped_column(
        String(KEY_LENGTH), default=_name_key_default, server_default="", index=True
    )
    role: Mapped[str] = mapped_column(String(20), default=Role.LEARNER)
    #: The professional registration (licence) number issued by the regulator.
    registration_number: Mapped[str | None] = mapped_column(String(40))
    #: Province or state code, e.g. "ON".
    jurisdiction: Mapped[str | None] = mapped_column(String(60))
    regulator: Mapped[str | None] = mapped_column(String(200))
    register_class: Mapped[str | None] = mapped_column(String(20))
    #: Set by an administrator after checking the public register.
    licence_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The administrator who checked the registration number with the regulator.
    licence_verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: What Flask-Login stores in the cookie; rotating it logs out every other session.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Set on an account whose password someone else chose (the generated first-admin one):
    #: every page sends its owner to change it first.
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Unread notifications (course_app/notifications keeps it): the header shows it on
    #: every page, read with the user's own row instead of a query of its own.
    unread_notifications: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: The language pages and e-mails should use ("en" or "fr"); stored for the i18n layer.
    language: Mapped[str] = mapped_column(String(2), default="en", server_default="en")
    #: An IANA zone (e.g. "America/Toronto"); NULL: the jurisdiction's (profiles/zones.py).
    time_zone: Mapped[str | None] = mapped_column(String(64))
    #: When the owner closed the account: personal data is gone, sign-in impossible.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @validates("full_name")
    def _keep_name_key(self, _key: str, full_name: str) -> str:
        self.name_key = sortable_name(full_name or "")
        return full_name

    def get_id(self) -> str:
        return self.session_token

    def rotate_session_token(self) -> None:
        self.session_token = new_session_token()

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class LoginFailure(Base):
    """One failed login, kept for the throttle's window (``course_app/auth/throttle.py``):
    in the database, so every worker and instance counts the same failures."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_email_at", "email", "at"),
        Index("ix_login_failures_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The address as typed (normalised), whether or not an account has it.
    email: Mapped[str] = mapped_column(String(254))
    #: The client's address (behind nginx, the one nginx saw; see TRUSTED_PROXY_COUNT).
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


@dataclass(frozen=True)
class SignedInUser:
    """The logged-in account as read at the start of a request: ``current_user`` on every
    request after the login. Plain data for permissions and templates, read without the ORM
    (every authenticated request pays for it); a view that changes the account loads the row
    (``session.get(User, current_user.id)``).
    """

    id: int
    email: str
    full_name: str
    role: str
    registration_number: str | None
    jurisdiction: str | None
    regulator: str | None
    register_class: str | None
    licence_verified_at: datetime | None
    session_token: str
    is_active: bool
    unread_notifications: int
    must_change_password: bool
    #: Read with the row so the language and zone of each page cost no query of their own.
    language: str
    time_zone: str | None

    #: What Flask-Login asks of a user object.
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        return self.session_token

    @classmethod
    def columns(cls):
        """The users columns it is read from, in field order."""
        table = User.__table__
        return [table.c[field.name] for field in fields(cls)]
