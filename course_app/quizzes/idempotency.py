"""Idempotency keys for the start and submit forms.

Each page that shows one of these forms gives it a fresh random key (a hidden field). The
first request carrying a key records which attempt it acted on, unique per learner; the same
form sent again (the browser resending after a 502, a reload of a lost answer) finds that
record and only shows the attempt. A form without a key (an old page) acts as before: start
already returns the open attempt, and submitting an attempt twice grades it once.
"""

import re
import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from course_app.quizzes.models import FormSubmission

FIELD = "idempotency_key"
_VALID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class BadKey(ValueError):
    """A key that no page of ours made."""


def new_key() -> str:
    return secrets.token_urlsafe(24)


def posted_key(form) -> str | None:
    """The form's key; None when it carries none; BadKey when it is not one we make."""
    key = form.get(FIELD)
    if not key:
        return None
    if not _VALID.match(key):
        raise BadKey(key)
    return key


def acted_on(session: Session, user_id: int, key: str | None) -> int | None:
    """The attempt an earlier request with this key acted on, if there was one."""
    if key is None:
        return None
    return session.scalar(
        select(FormSubmission.attempt_id).where(
            FormSubmission.user_id == user_id, FormSubmission.key == key
        )
    )


def remember(session: Session, user_id: int, key: str | None, action: str, attempt_id: int):
    """Record the key; a concurrent request that recorded it first keeps its record."""
    if key is None:
        return
    try:
        with session.begin_nested():
            session.add(
                FormSubmission(user_id=user_id, key=key, action=action, attempt_id=attempt_id)
            )
    except IntegrityError:
        pass  # the same form, sent twice at once: the first record stands
