"""Time on task per learner and lesson, recorded on the server from the lesson page's token.

The lesson page carries a *page token* signed with the secret key: which account opened which
lesson, and when (the signature's timestamp). Rendering it writes nothing. With JavaScript the
page sends it back about every 30 seconds while it is visible and the learner active (a
heartbeat, ``static/lesson.js``); without, the "Mark this lesson complete" form carries it.
Each credit earns the time since the page opened or since the last credit, whichever is later,
capped (:func:`course_app.timing.credit`): a heartbeat earns at most
``LESSON_BEAT_CAP_SECONDS``, the form at most the lesson's minutes, or one heartbeat's cap once
the page has sent heartbeats (:func:`course_app.timing.form_cap_seconds`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import and_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from course_app import timing
from course_app.db import utcnow
from course_app.exceptions import DomainError
from course_app.modules.models import CourseModule, Lesson, LessonProgress, LessonTime
from course_app.modules.structure import LessonPage

SALT = "course_app.lesson-page"


class PageTokenRefused(DomainError):
    """The page token is missing, forged, expired, or another account's or lesson's."""


@dataclass(frozen=True)
class TimeOnTask:
    """One learner's recorded time on one lesson, against what the lesson needs."""

    recorded_seconds: int
    minutes: int
    share: float

    @property
    def needed_seconds(self) -> int:
        return timing.needed_seconds(self.minutes, self.share)

    @property
    def is_enough(self) -> bool:
        return timing.is_time_enough(self.recorded_seconds, self.minutes, self.share)

    @property
    def progress_message(self) -> str:
        return timing.progress_message(self.recorded_seconds, self.minutes, self.share)

    @property
    def shortfall_message(self) -> str:
        return timing.shortfall_message(self.recorded_seconds, self.minutes, self.share)


def check_settings(config) -> None:
    """Refuse to start with a share the rule cannot use (a typo must not switch it off)."""
    share = config["LESSON_TIME_SHARE"]
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
        raise ValueError(f"LESSON_TIME_SHARE must be a number from 0 to 1, not {share!r}")


def share() -> float:
    return current_app.config["LESSON_TIME_SHARE"]


def _serializer() -> URLSafeTimedSerializer:
    return _serializer_for(current_app.config["SECRET_KEY"])


@lru_cache(maxsize=4)  # every lesson page signs a token: build the serializer once per key
def _serializer_for(secret_key: str | bytes) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=SALT)


def page_token(user_id: int, lesson_id: int) -> str:
    """The token a lesson page carries: this account opened this lesson now."""
    return _serializer().dumps([user_id, lesson_id])


def read_page_token(token: str | None, user_id: int, lesson_id: int) -> datetime:
    """When the page was opened, if ``token`` is this account's token for this lesson and
    not too old; otherwise :class:`PageTokenRefused`, with what to do."""
    if not token:
        raise PageTokenRefused("This page sent no token: reload the lesson to record your time.")
    max_age = current_app.config["LESSON_PAGE_MAX_AGE"]
    try:
        payload, opened_at = _serializer().loads(token, max_age=max_age, return_timestamp=True)
    except SignatureExpired:
        raise PageTokenRefused(
            f"This page was opened more than {timing.duration(max_age)} ago: reload the lesson "
            "to go on recording your time."
        ) from None
    except BadSignature:
        payload, opened_at = None, None
    if not (isinstance(payload, list) and len(payload) == 2):
        raise PageTokenRefused(
            "Your time on this page could not be recorded: its token was not verified. "
            "Reload the lesson and try again."
        )
    if payload[0] != user_id:
        raise PageTokenRefused(
            "This page was opened by another account: reload the lesson while logged in as "
            "yourself."
        )
    if payload[1] != lesson_id:
        raise PageTokenRefused(
            "This page's token belongs to another lesson: reload this lesson and try again."
        )
    return opened_at


def record_beat(
    session: Session, user_id: int, lesson: LessonPage, token: str | None, resumed: bool
) -> TimeOnTask:
    """A heartbeat: add the time since the page opened or the last credit, at most one beat's
    cap; the first beat after a pause (``resumed``) earns nothing and restarts the count."""
    opened_at = read_page_token(token, user_id, lesson.id)
    cap = 0 if resumed else current_app.config["LESSON_BEAT_CAP_SECONDS"]
    return _credit(session, user_id, lesson, opened_at, lambda _last: cap)


def record_form(session: Session, user_id: int, lesson: LessonPage, token: str) -> TimeOnTask:
    """The completion form: add the time since the page opened (without JavaScript), at most
    the lesson's minutes, or one beat's cap once the page has sent heartbeats."""
    opened_at = read_page_token(token, user_id, lesson.id)
    beat_cap = current_app.config["LESSON_BEAT_CAP_SECONDS"]
    return _credit(
        session,
        user_id,
        lesson,
        opened_at,
        lambda last: timing.form_cap_seconds(lesson.minutes, opened_at, last, beat_cap),
    )


def recorded(session: Session, user_id: int, lesson: LessonPage) -> TimeOnTask:
    """The time recorded so far, crediting nothing."""
    seconds = session.scalar(
        select(LessonTime.active_seconds).where(
            LessonTime.user_id == user_id, LessonTime.lesson_id == lesson.id
        )
    )
    return TimeOnTask(seconds or 0, lesson.minutes, share())


def _credit(
    session: Session,
    user_id: int,
    lesson: LessonPage,
    opened_at: datetime,
    cap_for: Callable[[datetime], int],
) -> TimeOnTask:
    """Add what one credit earns; ``cap_for`` gives its cap from the row's last credit."""
    row = _row(session, user_id, lesson.id, opened_at)
    earned = timing.credit(utcnow(), opened_at, row.last_credit_at, cap_for(row.last_credit_at))
    # Compare-and-set on the last credit: of two requests crediting at once, the second
    # earns nothing (the first already counted that time) instead of counting it twice.
    session.execute(
        update(LessonTime)
        .where(LessonTime.id == row.id, LessonTime.last_credit_at == row.last_credit_at)
        .values(
            active_seconds=LessonTime.active_seconds + earned.seconds,
            last_credit_at=earned.until,
            opened_at=min(row.opened_at, opened_at),
        )
        .execution_options(synchronize_session=False)
    )
    session.refresh(row)
    return TimeOnTask(row.active_seconds, lesson.minutes, share())


def _row(session: Session, user_id: int, lesson_id: int, opened_at: datetime) -> LessonTime:
    """The learner's row for this lesson; a new one is opened when the page was and has
    nothing credited yet."""
    query = select(LessonTime).where(
        LessonTime.user_id == user_id, LessonTime.lesson_id == lesson_id
    )
    row = session.scalar(query)
    if row is not None:
        return row
    try:
        with session.begin_nested():
            row = LessonTime(
                user_id=user_id,
                lesson_id=lesson_id,
                opened_at=opened_at,
                last_credit_at=opened_at,
                active_seconds=0,
            )
            session.add(row)
    except IntegrityError:  # a request made it at the same moment: use theirs
        row = session.scalar(query)
    return row


@dataclass(frozen=True)
class LessonTimeRow:
    """One lesson of a course with one learner's time on it, for instructors."""

    title: str
    minutes: int
    needed_seconds: int
    #: None: the learner never sent a page token for it (or completed it before time on
    #: task was recorded).
    recorded_seconds: int | None
    opened_at: datetime | None
    completed_at: datetime | None


def times_in_course(session: Session, user_id: int, course_id: int) -> list[LessonTimeRow]:
    """Every live lesson of the course in teaching order, with the learner's time on task and
    completion, in one query."""
    rows = session.execute(
        select(
            Lesson.title,
            Lesson.minutes,
            LessonTime.active_seconds,
            LessonTime.opened_at,
            LessonProgress.completed_at,
        )
        .join(CourseModule, CourseModule.id == Lesson.module_id)
        .outerjoin(
            LessonTime, and_(LessonTime.lesson_id == Lesson.id, LessonTime.user_id == user_id)
        )
        .outerjoin(
            LessonProgress,
            and_(LessonProgress.lesson_id == Lesson.id, LessonProgress.user_id == user_id),
        )
        .where(Lesson.course_id == course_id, ~Lesson.is_archived)
        .order_by(CourseModule.position, Lesson.position)
    )
    return [
        LessonTimeRow(
            row.title,
            row.minutes,
            timing.needed_seconds(row.minutes, share()),
            row.active_seconds,
            row.opened_at,
            row.completed_at,
        )
        for row in rows
    ]
