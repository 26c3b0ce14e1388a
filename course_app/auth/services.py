"""Use cases of accounts: register, authenticate, change and reset passwords, first admin.

Services take a session and plain data, raise DomainError, and never commit.
"""

import secrets
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from course_app.auth import passwords, tokens
from course_app.auth.models import Role, User
from course_app.exceptions import DomainError


class EmailTaken(DomainError):
    pass


class WrongPassword(DomainError):
    pass


class InvalidResetLink(DomainError):
    pass


@dataclass(frozen=True)
class Registration:
    full_name: str
    email: str
    password: str
    registration_number: str
    jurisdiction: str
    regulator: str
    register_class: str
    #: The language the person registered in (the page's): their e-mails and pages use it.
    language: str = "en"


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalize_email(email)))


def register_learner(session: Session, data: Registration) -> User:
    """Create a learner account; raises EmailTaken if the address is in use.

    The password is hashed first in both cases, so the time taken does not tell them apart.
    """
    password_hash = passwords.hash_password(data.password)
    if find_by_email(session, data.email) is not None:
        raise EmailTaken(_("An account with this e-mail address already exists."))
    user = User(
        email=normalize_email(data.email),
        password_hash=password_hash,
        full_name=data.full_name.strip(),
        role=Role.LEARNER,
        registration_number=data.registration_number.strip().upper(),
        jurisdiction=data.jurisdiction,
        regulator=data.regulator.strip(),
        register_class=data.register_class,
        language=data.language,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with these credentials, or None; upgrades outdated hashes."""
    user = find_by_email(session, email)
    if user is None:
        passwords.burn_time_like_a_check()
        return None
    if not passwords.verify_password(user.password_hash, password) or not user.is_active:
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    return user


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """Set a new password after checking the current one; other sessions are logged out."""
    if not passwords.verify_password(user.password_hash, current):
        raise WrongPassword("The current password is not correct.")
    _set_password(user, new)
    session.flush()


def end_sessions(session: Session, user: User) -> None:
    """Log the user out everywhere: every session cookie issued so far stops working (the
    cookie carries the session token, and a copy of it may be saved anywhere)."""
    user.rotate_session_token()
    session.flush()


def reset_password(
    session: Session, token: str, new_password: str, invitation: bool = False
) -> User:
    """Set a new password from a reset (or invitation) link; it cannot be used again."""
    user = user_for_reset_token(session, token, invitation)
    _set_password(user, new_password)
    session.flush()
    return user


def user_for_reset_token(session: Session, token: str, invitation: bool = False) -> User:
    """The user a valid reset (or invitation) link belongs to; raises InvalidResetLink."""
    claims = (tokens.read_invitation_token if invitation else tokens.read_reset_token)(token)
    user = session.get(User, claims[0]) if claims and isinstance(claims[0], int) else None
    if user is None or not user.is_active or not tokens.token_matches(user, claims[1]):
        if invitation:
            raise InvalidResetLink(_("This invitation link is invalid, used or expired."))
        raise InvalidResetLink(_("This password-reset link is invalid, used or expired."))
    return user


def _set_password(user: User, password: str) -> None:
    user.password_hash = passwords.hash_password(password)
    user.must_change_password = False
    user.rotate_session_token()


def create_first_admin(session: Session, email: str) -> tuple[User, str] | None:
    """Create an administrator with a random password unless one exists.

    Returns the user and the clear password (to print once), or None if nothing was created.
    """
    if session.scalar(select(func.count()).where(User.role == Role.ADMIN)):
        return None
    password = secrets.token_urlsafe(15)
    admin = User(
        email=normalize_email(email),
        password_hash=passwords.hash_password(password),
        full_name="Administrator",
        role=Role.ADMIN,
        must_change_password=True,  # the printed password may sit in a terminal's scrollback
    )
    session.add(admin)
    session.flush()
    return admin, password


@dataclass(frozen=True)
class Invitation:
    """An account an administrator creates; its owner sets the password from a link."""

    full_name: str
    email: str
    role: str
    registration_number: str = ""
    jurisdiction: str = ""
    regulator: str = ""
    register_class: str = ""


def invite_user(session: Session, data: Invitation) -> User:
    """Create an account of any role with an unusable password (until the invitation link
    sets one); raises EmailTaken, or DomainError for a learner without registration."""
    if find_by_email(session, data.email) is not None:
        raise EmailTaken(_("An account with this e-mail address already exists."))
    if data.role not in tuple(Role):
        raise DomainError("Unknown role.")
    licence = (data.registration_number.strip(), data.jurisdiction, data.regulator.strip())
    if data.role == Role.LEARNER and not (all(licence) and data.register_class):
        raise DomainError("A learner needs a registration number, province, regulator and class.")
    user = User(
        email=normalize_email(data.email),
        password_hash=passwords.hash_password(secrets.token_urlsafe(32)),  # nobody knows it
        full_name=data.full_name.strip(),
        role=data.role,
        registration_number=licence[0].upper() or None,
        jurisdiction=licence[1] or None,
        regulator=licence[2] or None,
        register_class=data.register_class or None,
    )
    session.add(user)
    session.flush()
    return user
