"""Quizzes, versioned questions, attempts and their answers, and extra-time accommodations.

Questions are versioned: an attempt points at the exact versions it showed and stores the
settings it was judged by, so editing a quiz never changes a past result.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    select,
    text,
)
from sqlalchemy.orm import Mapped, aliased, mapped_column, relationship

from course_app.db import Base, UTCDateTime, utcnow
from course_app.modules.models import SLUG_LENGTH, Course, CourseModule

IN_PROGRESS = "status = 'in-progress'"


class Quiz(Base):
    """A module quiz (module_id set) or a course's final exam (module_id NULL)."""

    __tablename__ = "quizzes"
    __table_args__ = (
        UniqueConstraint("course_id", "slug"),
        UniqueConstraint("module_id"),
        CheckConstraint("pass_mark BETWEEN 1 AND 100", name="pass_mark_percent"),
        CheckConstraint("max_attempts >= 0", name="max_attempts_not_negative"),
        CheckConstraint("cooldown_minutes >= 0", name="cooldown_not_negative"),
        CheckConstraint("time_limit_minutes >= 0", name="time_limit_not_negative"),
        CheckConstraint(
            "feedback IN ('immediately', 'after-passing', 'never')", name="feedback_known"
        ),
        CheckConstraint("scoring IN ('all-or-nothing', 'partial')", name="scoring_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    module_id: Mapped[int | None] = mapped_column(ForeignKey("course_modules.id"))
    slug: Mapped[str] = mapped_column(String(SLUG_LENGTH))
    title: Mapped[str] = mapped_column(String(200))
    pass_mark: Mapped[int] = mapped_column(Integer)
    #: 0: unlimited.
    max_attempts: Mapped[int] = mapped_column(Integer, default=0)
    cooldown_minutes: Mapped[int] = mapped_column(Integer, default=0)
    #: 0: untimed.
    time_limit_minutes: Mapped[int] = mapped_column(Integer, default=0)
    shuffle_questions: Mapped[bool] = mapped_column(Boolean, default=True)
    feedback: Mapped[str] = mapped_column(String(20))
    must_pass_fails_attempt: Mapped[bool] = mapped_column(Boolean, default=True)
    scoring: Mapped[str] = mapped_column(String(20))
    #: {objective key: what the learner can do}.
    objectives: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    #: [{"count": 2, "module": "slug" | None, "objective": "key" | None, "topic": …}];
    #: [] draws all.
    blueprint: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: {topic key: what it is about}: the rules and skills a module's questions test.
    topics: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    #: Topics every attempt includes besides those with a must-pass question (module quizzes).
    required_topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    is_archived: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Hash of the settings as last loaded from the file; with edited_in_browser, lets
    #: load-content tell a browser edit from a file edit.
    file_hash: Mapped[str | None] = mapped_column(String(64))
    edited_in_browser: Mapped[bool] = mapped_column(Boolean, default=False)
    #: {language: {"title", "objectives", "topics"}} (``modules.translation_sync``).
    translations: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    course: Mapped[Course] = relationship()
    module: Mapped[CourseModule | None] = relationship()

    @property
    def is_final_exam(self) -> bool:
        return self.module_id is None


class Question(Base):
    """A question's permanent identity; what it says lives in its versions."""

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("course_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    #: The module the question assesses.
    module_id: Mapped[int] = mapped_column(ForeignKey("course_modules.id"), index=True)
    #: The quiz whose bank holds it: its module's quiz, or the course's final exam (whose
    #: questions are never shown in a module quiz).
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"), index=True)
    key: Mapped[str] = mapped_column(String(SLUG_LENGTH))
    #: Number of the current version.
    version: Mapped[int] = mapped_column(Integer, default=1)
    #: Content hash of the version last loaded from the file.
    file_hash: Mapped[str | None] = mapped_column(String(64))
    #: Changed in the browser (edited or regraded) since the file was loaded.
    edited_in_browser: Mapped[bool] = mapped_column(Boolean, default=False)
    is_archived: Mapped[bool] = mapped_column(Boolean, default=False)


class QuestionVersion(Base):
    """One immutable version of a question, as attempts showed and graded it."""

    __tablename__ = "question_versions"
    __table_args__ = (
        UniqueConstraint("question_id", "number"),
        CheckConstraint("type IN ('single', 'multiple', 'true-false')", name="type_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    number: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(20))
    objective: Mapped[str] = mapped_column(String(SLUG_LENGTH))
    #: A key of its module's topics; every attempt includes each must-pass topic.
    topic: Mapped[str | None] = mapped_column(String(SLUG_LENGTH))
    #: Shown in every attempt of its quiz.
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    case_key: Mapped[str | None] = mapped_column(String(SLUG_LENGTH))
    case_title: Mapped[str] = mapped_column(String(200), default="")
    #: The case vignette as written (Markdown) and rendered and sanitized like lessons.
    case_text: Mapped[str] = mapped_column(Text, default="")
    case_html: Mapped[str] = mapped_column(Text, default="")
    prompt: Mapped[str] = mapped_column(Text)
    #: [{"key": "a", "text": "...", "correct": true}] in authored order.
    options: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    rationale: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(40))
    must_pass: Mapped[bool] = mapped_column(Boolean, default=False)
    content_hash: Mapped[str] = mapped_column(String(64))
    #: "file" (load-content) or "browser" (the question editor).
    origin: Mapped[str] = mapped_column(String(10), default="file")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: {language: {"prompt", "options" (texts in authored order), "rationale", "case_title",
    #: "case_text", "case_html"}}: part of the version, like the English, so an attempt shows
    #: the text it was taken in for good (a changed translation makes a new version).
    translations: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    question: Mapped[Question] = relationship()

    @property
    def correct_keys(self) -> frozenset[str]:
        return correct_keys_of(self.options)


def correct_keys_of(options: list[dict[str, Any]]) -> frozenset[str]:
    return frozenset(option["key"] for option in options if option["correct"])


def is_current_version():
    """Join condition: a question with its current version (QuestionVersion ⋈ Question)."""
    return (QuestionVersion.question_id == Question.id) & (
        QuestionVersion.number == Question.version
    )


class Attempt(Base):
    __tablename__ = "attempts"
    __table_args__ = (
        UniqueConstraint("user_id", "quiz_id", "number"),
        CheckConstraint("status IN ('in-progress', 'submitted', 'timed-out')", name="status_known"),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 1)", name="score_fraction"),
        CheckConstraint("time_multiplier >= 1", name="time_multiplier_at_least_one"),
        # At most one open attempt per learner and quiz, even under concurrent starts.
        Index(
            "uq_attempts_one_open",
            "user_id",
            "quiz_id",
            unique=True,
            sqlite_where=text(IN_PROGRESS),
            postgresql_where=text(IN_PROGRESS),
        ),
        Index("ix_attempts_quiz_status", "quiz_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"))
    #: 1 for the learner's first attempt at this quiz, then 2, ...
    number: Mapped[int] = mapped_column(Integer)
    #: Seeds the draw and the shuffles (stored so the attempt can be shown again).
    seed: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20), default="in-progress")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    score: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    #: Keys of must-pass questions answered wrongly.
    failed_must_pass: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: The quiz's settings when the attempt started: what it is judged by, whatever changes.
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    time_multiplier: Mapped[float] = mapped_column(Float, default=1.0)
    #: The language the attempt was shown in (grading never depends on it: answers are
    #: option keys); NULL for attempts from before languages.
    language: Mapped[str | None] = mapped_column(String(8))

    quiz: Mapped[Quiz] = relationship()

    @property
    def is_open(self) -> bool:
        return self.status == "in-progress"


class AttemptItem(Base):
    """One question as shown in one attempt, and the learner's answer to it."""

    __tablename__ = "attempt_items"
    __table_args__ = (
        UniqueConstraint("attempt_id", "position"),
        UniqueConstraint("attempt_id", "question_version_id"),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 1)", name="score_fraction"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"))
    position: Mapped[int] = mapped_column(Integer)
    question_version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"), index=True)
    #: Option keys in the order shown.
    option_order: Mapped[list[str]] = mapped_column(JSON)
    #: Chosen option keys, sorted and comma-separated ("a,c"); NULL when unanswered.
    response: Mapped[str | None] = mapped_column(String(64))
    score: Mapped[float | None] = mapped_column(Float)

    version: Mapped[QuestionVersion] = relationship()


class Accommodation(Base):
    """Extra time for a learner, on every timed quiz (e.g. 1.5 for 50 % more)."""

    __tablename__ = "accommodations"
    __table_args__ = (
        CheckConstraint("time_multiplier >= 1 AND time_multiplier <= 4", name="multiplier_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    time_multiplier: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")
    set_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AttemptAllowance(Base):
    """An exception staff granted one learner at one quiz: extra attempts, a lifted cooldown,
    or both, with the reason. Never edited; a later grant adds to it."""

    __tablename__ = "attempt_allowances"
    __table_args__ = (
        CheckConstraint("extra_attempts BETWEEN 0 AND 5", name="extra_attempts_range"),
        CheckConstraint("extra_attempts > 0 OR lifts_cooldown", name="grants_something"),
        CheckConstraint("length(trim(reason)) > 0", name="has_reason"),
        Index("ix_attempt_allowances_user_quiz", "user_id", "quiz_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"))
    extra_attempts: Mapped[int] = mapped_column(Integer, default=0)
    lifts_cooldown: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(Text)
    granted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Regrade(Base):
    """A corrected answer key applied to every attempt that used one question version."""

    __tablename__ = "regrades"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reason: Mapped[str] = mapped_column(Text)
    before_correct: Mapped[list[str]] = mapped_column(JSON)
    after_correct: Mapped[list[str]] = mapped_column(JSON)


class AttemptRegrade(Base):
    """How one regrade changed one attempt (shown to the learner on the result page)."""

    __tablename__ = "attempt_regrades"
    __table_args__ = (UniqueConstraint("regrade_id", "attempt_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    regrade_id: Mapped[int] = mapped_column(ForeignKey("regrades.id"))
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"), index=True)
    old_score: Mapped[float] = mapped_column(Float)
    new_score: Mapped[float] = mapped_column(Float)
    old_passed: Mapped[bool] = mapped_column(Boolean)
    new_passed: Mapped[bool] = mapped_column(Boolean)

    regrade: Mapped[Regrade] = relationship()


class FormSubmission(Base):
    """A start or submit form acted on, by the idempotency key its page carried: the same form
    sent again (a reload after a lost answer, a resend after a 502) finds the attempt the first
    one acted on and never acts twice."""

    __tablename__ = "form_submissions"
    __table_args__ = (
        UniqueConstraint("user_id", "key"),
        CheckConstraint("action IN ('start', 'submit')", name="action_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(10))
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def in_course_order(model=Quiz) -> tuple:
    """ORDER BY terms putting quizzes (or questions, by their module) in course order: module
    by module as course.toml lists them, then the final exam; never by id or internal name."""
    module = aliased(CourseModule)
    position = select(module.position).where(module.id == model.module_id)
    return (
        model.module_id.is_(None),
        position.correlate_except(module).scalar_subquery(),
        model.id,
    )
