"""Courses, their modules and lessons, enrolments and lesson progress.

Content rows are keyed by permanent slugs and archived, never deleted, so that a learner's
progress survives any change to ``content/``.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course_app.db import Base, UTCDateTime, utcnow

SLUG_LENGTH = 80


class Course(Base):
    __tablename__ = "courses"
    __table_args__ = (
        CheckConstraint("level IN (1, 2)", name="level_known"),
        CheckConstraint("ce_minutes > 0", name="ce_minutes_positive"),
        CheckConstraint("practical_hours >= 0", name="practical_hours_not_negative"),
        CheckConstraint(
            "prerequisite_id IS NULL OR prerequisite_id <> id", name="not_own_prerequisite"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(SLUG_LENGTH), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    level: Mapped[int] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text, default="")
    #: Continuing-education credit for the online theory, in minutes.
    ce_minutes: Mapped[int] = mapped_column(Integer)
    prerequisite_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: The course's reference list: [{"id": "S1", "citation": "...", "url": "..."}].
    references: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: The in-person practical checklist: [{"key", "title", "critical", "second_assessor",
    #: "region"}].
    competencies: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: The least in-person practical time a learner must attend, whatever the cohort offers.
    practical_hours: Mapped[float] = mapped_column(Float, default=0.0)
    #: The participant evaluation's questions: [{"key", "prompt", "kind", "required"}].
    evaluation: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: Years a certificate stays valid (set by administrators; 0: no expiry).
    certificate_valid_years: Mapped[int] = mapped_column(Integer, default=3)
    #: Issue certificates automatically as soon as a learner becomes eligible.
    auto_issue_certificates: Mapped[bool] = mapped_column(Boolean, default=False)
    is_archived: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The languages the course is offered in (``languages`` in course.toml), English first.
    languages: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["en"])
    #: {language: {field: text}}: what a reader of another language sees instead (see
    #: ``course_app.modules.translation_sync``).
    translations: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    prerequisite: Mapped["Course | None"] = relationship(remote_side=[id])


class CourseModule(Base):
    __tablename__ = "course_modules"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    slug: Mapped[str] = mapped_column(String(SLUG_LENGTH))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer)
    is_archived: Mapped[bool] = mapped_column(Boolean, default=False)
    #: True when the course's module list (order, new modules, archiving) was changed in the
    #: browser: ``load-content`` then keeps it and ``export-content`` rewrites ``[[modules]]``.
    edited_in_browser: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: {language: {field: text}}: what a reader of another language sees instead (see
    #: ``course_app.modules.translation_sync``).
    translations: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    course: Mapped[Course] = relationship()


class Lesson(Base):
    __tablename__ = "lessons"
    __table_args__ = (
        # The slug is permanent within its course, even if the lesson moves to another module.
        UniqueConstraint("course_id", "slug"),
        CheckConstraint("minutes > 0", name="minutes_positive"),
        Index("ix_lessons_module_position", "module_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    module_id: Mapped[int] = mapped_column(ForeignKey("course_modules.id"))
    slug: Mapped[str] = mapped_column(String(SLUG_LENGTH))
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)
    minutes: Mapped[int] = mapped_column(Integer)
    objectives: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Article claims (A1–A8) the lesson covers.
    claims: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Reference ids (from the course's list) the lesson rests on.
    sources: Mapped[list[str]] = mapped_column(JSON, default=list)
    body_markdown: Mapped[str] = mapped_column(Text)
    #: Sanitized HTML rendered from body_markdown when it changes (served as is).
    body_html: Mapped[str] = mapped_column(Text)
    #: SHA-256 of the file the lesson was last loaded from (or exported to).
    content_hash: Mapped[str] = mapped_column(String(64))
    #: True when the published text was changed in the browser since the file was loaded:
    #: load-content then keeps it and reports a conflict if the file changed too.
    edited_in_browser: Mapped[bool] = mapped_column(Boolean, default=False)
    #: An unpublished draft from the browser editor (NULL: none).
    draft_markdown: Mapped[str | None] = mapped_column(Text)
    draft_saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    is_archived: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: {language: {"title", "objectives", "body_markdown", "body_html"}}: what a reader of
    #: another language sees instead (``course_app.modules.translation_sync``).
    translations: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    course: Mapped[Course] = relationship()
    module: Mapped[CourseModule] = relationship()


class LessonRevision(Base):
    """A published version of a lesson's text, from a file or from the browser editor."""

    __tablename__ = "lesson_revisions"
    __table_args__ = (
        UniqueConstraint("lesson_id", "number"),
        CheckConstraint("origin IN ('file', 'browser')", name="origin_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body_markdown: Mapped[str] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(10))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Enrollment(Base):
    __tablename__ = "enrollments"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EnrolmentStanding(Base):
    """A learner's standing in a course as the one rule (``requirements.py``, loaded by
    ``standings.py``) last computed it: kept so that staff lists sort, filter, count and page
    in SQL. Written only by ``course_app.standing_store.refresh_standing`` (and its batch
    form) whenever an input of the rule changes; ``flask recompute-standings`` rebuilds it."""

    __tablename__ = "enrolment_standings"
    __table_args__ = (
        Index("ix_enrolment_standings_course_percent", "course_id", "percent"),
        Index("ix_enrolment_standings_course_eligible", "course_id", "eligible"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), primary_key=True)
    lessons_done: Mapped[int] = mapped_column(Integer, default=0)
    quizzes_passed: Mapped[int] = mapped_column(Integer, default=0)
    final_passed: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Online CE minutes credited (lessons and passed quizzes).
    minutes_done: Mapped[int] = mapped_column(Integer, default=0)
    practical_required: Mapped[bool] = mapped_column(Boolean, default=False)
    practical_done: Mapped[bool] = mapped_column(Boolean, default=False)
    #: In-person hours attended in the latest cohort.
    practical_hours: Mapped[float] = mapped_column(Float, default=0.0)
    licence_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    evaluation_done: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The course is complete (opens the next level): everything but the licence check.
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Every requirement of a certificate met (the licence check too).
    eligible: Mapped[bool] = mapped_column(Boolean, default=False)
    percent: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    # Read by lists as CourseProgress is read: the same names.
    @property
    def practical_passed(self) -> bool:
        return self.practical_done

    @property
    def is_complete(self) -> bool:
        return self.complete


class LessonProgress(Base):
    """A lesson a learner has marked complete (one row per learner and lesson)."""

    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"), index=True)
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LessonTime(Base):
    """Time on task: how long one learner has spent on one lesson, as the server measured it.

    Created by the first heartbeat or completion form that carries a valid page token (a GET
    never writes); completion itself is the learner's :class:`LessonProgress` row.
    """

    __tablename__ = "lesson_time"
    __table_args__ = (
        UniqueConstraint("user_id", "lesson_id"),
        CheckConstraint("active_seconds >= 0", name="active_seconds_not_negative"),
        CheckConstraint("last_credit_at >= opened_at", name="credit_after_opening"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"), index=True)
    #: When the learner first opened the lesson: the signed time of the page first credited.
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: The last moment credited; the next beat earns the time since then (capped).
    last_credit_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Time on task recorded so far.
    active_seconds: Mapped[int] = mapped_column(Integer, default=0)


class ContentStamp(Base):
    """One row whose token changes whenever a course, module, lesson or quiz row changes.

    Each process caches the course structure under the token it read, so a change made
    through any instance is seen by every other one on its next request. A token, not a
    counter: a rolled-back change can never hand out a number a later change reuses.
    """

    __tablename__ = "content_stamp"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32))


class MediaFile(Base):
    """One of a course's own figures (diagrams) or documents (templates, handouts), from
    ``content/<course>/media/``, served by the app: never a remote image. Checked before it is
    stored (``figures.py``: an SVG must be inert)."""

    __tablename__ = "media_files"
    __table_args__ = (
        UniqueConstraint("course_id", "kind", "key"),
        UniqueConstraint("course_id", "file_name"),
        CheckConstraint("kind IN ('figure', 'document')", name="kind_known"),
        CheckConstraint(
            "media_type IN ('image/svg+xml', 'image/png', 'image/jpeg', 'image/webp', "
            "'text/markdown; charset=utf-8', 'text/plain; charset=utf-8', 'application/pdf')",
            name="media_type_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    kind: Mapped[str] = mapped_column(String(10))
    #: Permanent: lessons place it with ``{{ figure <key> }}`` or ``{{ document <key> }}``.
    key: Mapped[str] = mapped_column(String(SLUG_LENGTH))
    file_name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(40))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    #: The caption or link text; a figure's alt text (what it shows, in a sentence); the long
    #: description (a figure's, in words; what a document is for).
    title: Mapped[str] = mapped_column(String(300))
    alt: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text)
    muscles: Mapped[list[str]] = mapped_column(JSON, default=list)
    is_archived: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Uploaded in the browser and not yet written to ``media/`` by ``export-content``:
    #: ``load-content`` keeps it meanwhile.
    edited_in_browser: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: {language: {field: text}}: what a reader of another language sees instead (see
    #: ``course_app.modules.translation_sync``).
    translations: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
