"""Create, find and revoke personal access tokens. Services flush; views commit."""

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from course_app.api.models import ApiToken
from course_app.audit import services as audit
from course_app.auth.models import User
from course_app.db import utcnow
from course_app.exceptions import DomainError

#: Marks our tokens in logs and secret scanners; the rest is 32 random bytes.
TOKEN_MARK = "cat_"  # noqa: S105 (a public marker, not a secret)
#: Characters kept in clear so an owner can tell tokens apart.
PREFIX_LENGTH = len(TOKEN_MARK) + 8
MAX_DAYS = 365
#: A token's last use is written at most this often: reading is not a write per request.
USE_NOTED_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class NewToken:
    name: str
    scopes: Sequence[str]
    days: int


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    session: Session, user: User, new: NewToken, allowed: Sequence[str]
) -> tuple[ApiToken, str]:
    """A new token for ``user`` and its secret (the only time it exists in clear)."""
    if not 1 <= new.days <= MAX_DAYS:
        raise DomainError(f"A token lasts from 1 to {MAX_DAYS} days.")
    refused = sorted(set(new.scopes) - set(allowed))
    if refused or not new.scopes:
        raise DomainError("Choose at least one of the scopes offered to you.")
    secret = TOKEN_MARK + secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(
        user_id=user.id,
        name=new.name.strip(),
        prefix=secret[:PREFIX_LENGTH],
        token_hash=hash_token(secret),
        scopes=sorted(new.scopes),
        created_at=now,
        expires_at=now + timedelta(days=new.days),
    )
    session.add(token)
    session.flush()
    audit.record(
        session,
        user.id,
        "api_token.create",
        ("api_token", token.id),
        after={"name": token.name, "scopes": token.scopes, "expires_at": str(token.expires_at)},
    )
    return token, secret


def revoke_token(session: Session, user: User, token_id: int) -> ApiToken | None:
    """Revoke one of the owner's own tokens (None: no such token of theirs)."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        return None
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(
            session, user.id, "api_token.revoke", ("api_token", token.id), after={"revoked": True}
        )
    return token


def tokens_of(session: Session, user_id: int) -> list[ApiToken]:
    query = select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id.desc())
    return list(session.scalars(query))


def usable(token: ApiToken | None, user: User | None, now: datetime) -> bool:
    """A token works while unrevoked, unexpired, and its owner's account is open."""
    return (
        token is not None
        and user is not None
        and token.revoked_at is None
        and token.expires_at > now
        and user.is_active
        and user.closed_at is None
    )


def authenticate(session: Session, secret: str) -> tuple[ApiToken, User] | None:
    """The token and its owner for a presented secret, noting its use; None if unusable."""
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
    user = session.get(User, token.user_id) if token is not None else None
    now = utcnow()
    if not usable(token, user, now):
        return None
    if token.last_used_at is None or now - token.last_used_at >= USE_NOTED_EVERY:
        token.last_used_at = now
    return token, user
