"""Bring the database in line with parsed content, matching rows by permanent slug.

Never deletes: what disappeared from ``content/`` is archived, so learners' progress survives,
and it is restored if it comes back. The caller owns the transaction (one commit, or none).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from course_app.db import utcnow
from course_app.markdown import MEDIA_DIRECTIVE, Media, render_markdown
from course_app.modules.ce_time import live_ce_minutes
from course_app.modules.content import CourseSpec, LessonSpec
from course_app.modules.media import sync_media
from course_app.modules.models import Course, CourseModule, Lesson, LessonRevision
from course_app.modules.translation_sync import course_texts, lesson_texts, module_texts
from course_app.quizzes.sync import sync_quizzes


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)
    #: Rows changed both in the browser and in content/: the browser version was kept.
    conflicts: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.archived)

    def lines(self) -> list[str]:
        return (
            [f"created  {name}" for name in self.created]
            + [f"updated  {name}" for name in self.updated]
            + [f"archived {name}" for name in self.archived]
        )

    def conflict(self, name: str, path: str) -> None:
        self.conflicts.append(
            f"conflict {name}: edited in the browser and changed in {path}; kept the browser "
            "version (run export-content, merge the two in git, then load-content)"
        )


def sync_content(
    session: Session, courses: list[CourseSpec], advance: Callable[[int], None] = lambda _n: None
) -> SyncReport:
    """Upsert every course, module and lesson; archive what the specs no longer contain."""
    report = SyncReport()
    rows = {spec.slug: _sync_course(session, spec, report, advance) for spec in courses}
    for spec in courses:
        prerequisite = rows[spec.prerequisite].id if spec.prerequisite else None
        _assign(rows[spec.slug], {"prerequisite_id": prerequisite}, f"course {spec.slug}", report)
    stale = session.scalars(select(Course).where(Course.slug.not_in(rows), ~Course.is_archived))
    for course in stale:
        _archive(course, f"course {course.slug}", report)
    session.flush()
    return report


def _assign(row: Any, values: dict[str, Any], name: str, report: SyncReport) -> None:
    """Set changed attributes on an existing row and note it once in the report."""
    changed = {key: value for key, value in values.items() if getattr(row, key) != value}
    for key, value in changed.items():
        setattr(row, key, value)
    if changed and name not in report.updated and name not in report.created:
        report.updated.append(name)


def _archive(row: Course | CourseModule | Lesson, name: str, report: SyncReport) -> None:
    row.is_archived = True
    report.archived.append(name)


def _upsert(
    session: Session,
    existing: Any,
    model: type,
    values: dict[str, Any],
    name: str,
    report: SyncReport,
) -> Any:
    if existing is None:
        row = model(**values)
        session.add(row)
        report.created.append(name)
        return row
    _assign(existing, values, name, report)
    return existing


def _sync_course(
    session: Session, spec: CourseSpec, report: SyncReport, advance: Callable[[int], None]
) -> Course:
    values = {
        "slug": spec.slug,
        "title": spec.title,
        "level": spec.level,
        "summary": spec.summary,
        "ce_minutes": spec.ce_minutes,
        "position": spec.position,
        "is_archived": False,
        "references": [vars(ref) for ref in spec.references],
        "competencies": [vars(item) for item in spec.competencies],
        "practical_hours": spec.practical_hours,
        "evaluation": [vars(question) for question in spec.evaluation],
        "languages": list(spec.languages),
        "translations": course_texts(spec),
    }
    existing = session.scalar(select(Course).where(Course.slug == spec.slug))
    if existing is not None:
        del values["ce_minutes"]  # from the live rows, below: browser edits count too
    name = f"course {spec.slug}"
    course = _upsert(session, existing, Course, values, name, report)
    session.flush()
    modules = _sync_modules(session, course, spec, report)
    media = sync_media(session, course, spec.media, report, spec.translations)
    _sync_lessons(session, course, modules, spec, report, advance, media)
    sync_quizzes(session, course, modules, spec.quizzes, report, spec.translations)
    session.flush()
    _assign(course, {"ce_minutes": live_ce_minutes(session, course.id)}, name, report)
    return course


def _sync_modules(
    session: Session, course: Course, spec: CourseSpec, report: SyncReport
) -> dict[str, CourseModule]:
    existing = {
        m.slug: m
        for m in session.scalars(select(CourseModule).where(CourseModule.course_id == course.id))
    }
    if any(module.edited_in_browser for module in existing.values()):
        return _keep_browser_modules(session, course, spec, existing, report)
    rows = {}
    for position, module in enumerate(spec.modules, start=1):
        values = {
            "course_id": course.id,
            "slug": module.slug,
            "title": module.title,
            "summary": module.summary,
            "position": position,
            "is_archived": module.archived,
            "translations": module_texts(spec, module.slug),
        }
        name = f"module {spec.slug}/{module.slug}"
        rows[module.slug] = _upsert(
            session, existing.get(module.slug), CourseModule, values, name, report
        )
    for slug in sorted(set(existing) - set(rows)):
        if not existing[slug].is_archived:
            _archive(existing[slug], f"module {spec.slug}/{slug}", report)
    session.flush()
    return rows


def _keep_browser_modules(
    session: Session,
    course: Course,
    spec: CourseSpec,
    existing: dict[str, CourseModule],
    report: SyncReport,
) -> dict[str, CourseModule]:
    """The module list was changed in the browser: keep it until export-content writes it
    back; a module only the file has is added at the end."""
    rows = dict(existing)
    position = max((m.position for m in existing.values()), default=0)
    for module in spec.modules:
        if module.slug not in rows:
            position += 1
            values = {"course_id": course.id, "slug": module.slug, "title": module.title}
            values |= {"summary": module.summary, "position": position}
            name = f"module {spec.slug}/{module.slug}"
            rows[module.slug] = _upsert(session, None, CourseModule, values, name, report)
    session.flush()
    return rows


def _sync_lessons(
    session: Session,
    course: Course,
    modules: dict[str, CourseModule],
    spec: CourseSpec,
    report: SyncReport,
    advance: Callable[[int], None],
    media: Media,
) -> None:
    existing = {
        lesson.slug: lesson
        for lesson in session.scalars(select(Lesson).where(Lesson.course_id == course.id))
    }
    revision_numbers = _latest_revision_numbers(session, course)
    for lesson in spec.lessons:
        name = f"lesson {spec.slug}/{lesson.slug}"
        current = existing.get(lesson.slug)
        advance(1)
        if current is not None and current.edited_in_browser:
            if current.content_hash != lesson.content_hash:
                report.conflict(name, lesson.path)
            continue
        values = _lesson_values(course, modules[lesson.module], lesson, current, media)
        values["translations"] = lesson_texts(spec.translations, lesson.slug, media)
        row = _upsert(session, current, Lesson, values, name, report)
        if "body_markdown" in values:
            session.flush()
            number = revision_numbers.get(row.id, 0) + 1
            session.add(
                LessonRevision(
                    lesson_id=row.id,
                    number=number,
                    title=lesson.title,
                    body_markdown=lesson.body,
                    origin="file",
                )
            )
    for slug in sorted(set(existing) - {lesson.slug for lesson in spec.lessons}):
        # A lesson made in the browser has no file until export-content writes one.
        if not existing[slug].is_archived and not existing[slug].edited_in_browser:
            _archive(existing[slug], f"lesson {spec.slug}/{slug}", report)


def _latest_revision_numbers(session: Session, course: Course) -> dict[int, int]:
    rows = session.execute(
        select(LessonRevision.lesson_id, func.max(LessonRevision.number))
        .join(Lesson, Lesson.id == LessonRevision.lesson_id)
        .where(Lesson.course_id == course.id)
        .group_by(LessonRevision.lesson_id)
    )
    return dict(rows.tuples().all())


def _lesson_values(
    course: Course,
    module: CourseModule,
    lesson: LessonSpec,
    current: Lesson | None,
    media: Media,
) -> dict[str, Any]:
    values: dict[str, Any] = {
        "course_id": course.id,
        "module_id": module.id,
        "slug": lesson.slug,
        "title": lesson.title,
        "position": lesson.order,
        "minutes": lesson.minutes,
        "objectives": list(lesson.objectives),
        "claims": list(lesson.claims),
        "sources": list(lesson.sources),
        "content_hash": lesson.content_hash,
        "is_archived": lesson.archived,
    }
    if current is None or current.body_markdown != lesson.body:
        # Rendering is the slow part: only when the text changed.
        values.update(
            body_markdown=lesson.body,
            body_html=render_markdown(lesson.body, media),
            updated_at=utcnow(),
        )
    elif MEDIA_DIRECTIVE.search(lesson.body):
        # The text is the same, but a figure or document it places may have changed.
        html = render_markdown(lesson.body, media)
        if html != current.body_html:
            values.update(body_html=html, updated_at=utcnow())
    return values
