"""Saving a signed-in person's language (the switcher); the account page saves it too."""

from sqlalchemy import update
from sqlalchemy.orm import Session

from course_app.auth.models import User


def save_language(session: Session, user_id: int, language: str) -> None:
    """Store ``language`` (already checked against the configured ones) as the preference."""
    session.execute(update(User).where(User.id == user_id).values(language=language))
