"""Extra time on timed quizzes (accommodations), set by instructors and administrators."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from course_app.audit.services import record
from course_app.auth.models import User
from course_app.db import utcnow
from course_app.quizzes.models import Accommodation


def set_accommodation(
    session: Session, learner_id: int, multiplier: float, note: str, set_by_id: int
) -> None:
    """Give a learner extra time on timed quizzes started from now on (1 removes it)."""
    row = session.scalar(select(Accommodation).where(Accommodation.user_id == learner_id))
    before = {"time_multiplier": row.time_multiplier} if row else None
    if row is None:
        row = Accommodation(user_id=learner_id)
        session.add(row)
    row.time_multiplier, row.note, row.set_by_id, row.set_at = multiplier, note, set_by_id, utcnow()
    session.flush()
    record(
        session,
        set_by_id,
        "accommodation.set",
        ("user", learner_id),
        before,
        {"time_multiplier": multiplier},
        note,
    )


def accommodations(session: Session) -> list[tuple[Accommodation, User]]:
    """Learners with extra time, most recently set first (one query)."""
    query = (
        select(Accommodation, User)
        .join(User, User.id == Accommodation.user_id)
        .where(Accommodation.time_multiplier > 1)
        .order_by(Accommodation.set_at.desc())
    )
    return [(row, user) for row, user in session.execute(query)]
