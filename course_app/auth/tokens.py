"""Signed, expiring password-reset tokens.

The token carries a fingerprint of the current password hash, so it stops working once the
password changes: a reset link is good for one use.
"""

import hashlib

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from course_app.auth.models import User

SALT = "course_app.password-reset"
#: Invitations are signed apart: a reset link is no invitation and the reverse.
INVITATION_SALT = "course_app.invitation"


def _serializer(salt: str = SALT) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:20]


def make_reset_token(user: User) -> str:
    return _serializer().dumps({"uid": user.id, "fp": _fingerprint(user)})


def make_invitation_token(user: User) -> str:
    """A link that sets the first password of an invited account: single-use like a reset
    link (the fingerprint changes with the password), valid INVITATION_MAX_AGE seconds."""
    return _serializer(INVITATION_SALT).dumps({"uid": user.id, "fp": _fingerprint(user)})


def read_invitation_token(token: str) -> tuple[int, str] | None:
    return _read(token, INVITATION_SALT, current_app.config["INVITATION_MAX_AGE"])


def read_reset_token(token: str) -> tuple[int, str] | None:
    """Return (user id, fingerprint) of a well-signed, unexpired token, else None."""
    return _read(token, SALT, current_app.config["PASSWORD_RESET_MAX_AGE"])


def _read(token: str, salt: str, max_age: int) -> tuple[int, str] | None:
    try:
        payload = _serializer(salt).loads(token, max_age=max_age)
    except BadSignature:  # includes SignatureExpired
        return None
    if not isinstance(payload, dict):
        return None
    return payload.get("uid"), payload.get("fp")


def token_matches(user: User, fingerprint: str) -> bool:
    return _fingerprint(user) == fingerprint


#: A link confirming a new e-mail address, signed apart from resets and invitations.
EMAIL_CHANGE_SALT = "course_app.email-change"


def _address_fingerprint(user: User) -> str:
    """Changes with the current address (and the password): a used link stops working."""
    return hashlib.sha256(f"{user.email}\0{user.password_hash}".encode()).hexdigest()[:20]


def make_email_change_token(user: User, new_email: str) -> str:
    payload = {"uid": user.id, "new": new_email, "fp": _address_fingerprint(user)}
    return _serializer(EMAIL_CHANGE_SALT).dumps(payload)


def read_email_change_token(token: str) -> tuple[int, str, str] | None:
    """(user id, new address, fingerprint) of a well-signed, unexpired link, else None."""
    try:
        payload = _serializer(EMAIL_CHANGE_SALT).loads(
            token, max_age=current_app.config["EMAIL_CHANGE_MAX_AGE"]
        )
    except BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    fields = (payload.get("uid"), payload.get("new"), payload.get("fp"))
    if not isinstance(fields[0], int) or not all(isinstance(f, str) for f in fields[1:]):
        return None
    return fields


def address_matches(user: User, fingerprint: str) -> bool:
    return _address_fingerprint(user) == fingerprint
