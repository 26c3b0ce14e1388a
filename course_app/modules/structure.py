"""The live course structure (modules, lessons, quizzes), cached per process by content stamp.

Every page that shows progress needs the whole outline, which changes only when content is
loaded or authored. A flush that touches a course, module, lesson or quiz row gives the
``content_stamp`` row a new token in the same transaction; readers fetch the token with their
own data and rebuild the outline only when it differs from the one they hold.
"""

import threading
import uuid
from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Any

from flask import Flask
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from course_app.modules.models import ContentStamp, Course, CourseModule, Lesson
from course_app.modules.translation_files import SOURCE_LANGUAGE as SOURCE
from course_app.progress import LessonItem, ModuleOutline, QuizItem
from course_app.quizzes.models import Quiz

STRUCTURE_TYPES = (Course, CourseModule, Lesson, Quiz)
EXTENSION_KEY = "course_app.structure"


@dataclass(frozen=True)
class CourseInfo:
    """A live course as pages show it: plain data, safe to share between requests."""

    id: int
    slug: str
    title: str
    level: int
    summary: str
    ce_minutes: int
    prerequisite_id: int | None
    references: tuple[dict[str, Any], ...]
    competencies: tuple[dict[str, Any], ...]
    practical_hours: float = 0.0
    prerequisite: "CourseInfo | None" = None
    #: The participant evaluation's questions, as the course row stores them.
    evaluation: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class LessonPage:
    """A live lesson with its sanitized HTML body, as the lesson page shows it."""

    id: int
    slug: str
    title: str
    minutes: int
    module_title: str
    objectives: tuple[str, ...]
    claims: tuple[str, ...]
    sources: tuple[str, ...]
    body_html: str


@dataclass(frozen=True)
class Structure:
    """Live courses in catalog order; module outlines, final exams and lessons by course id;
    as of one stamp."""

    stamp: str | None
    courses: tuple[CourseInfo, ...]
    outlines: dict[int, tuple[ModuleOutline, ...]]
    final_exams: dict[int, QuizItem]
    lessons: dict[int, dict[str, LessonPage]]


class StructureCache:
    """The last structure read by this process, per language (shared by its threads)."""

    def __init__(self) -> None:
        self._held: dict[str, Structure] = {}
        self._lock = threading.Lock()

    def get(self, session: Session, stamp: str | None, language: str = SOURCE) -> Structure:
        held = self._held.get(language)
        if held is not None and stamp is not None and held.stamp == stamp:
            return held
        fresh = load_structure(session, stamp, language)
        with self._lock:
            self._held[language] = fresh
        return fresh


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION_KEY] = StructureCache()
    if not event.contains(Session, "before_flush", _stamp_structure_changes):
        event.listen(Session, "before_flush", _stamp_structure_changes)


def load_structure(session: Session, stamp: str | None, language: str = SOURCE) -> Structure:
    """Four queries: live courses, quizzes, modules and lessons; titles, summaries and lesson
    bodies in ``language`` where the course is offered in it (else English)."""
    module_quizzes, final_exams = _quiz_items(session, language)
    outlines, lessons = _outlines(session, module_quizzes, language)
    return Structure(stamp, _courses(session, language), outlines, final_exams, lessons)


def _read(row, language: str) -> dict[str, Any]:
    """The row's text in ``language`` ({} for English or when it has none)."""
    if language == SOURCE:
        return {}
    return (row.translations or {}).get(language) or {}


def _courses(session: Session, language: str) -> tuple[CourseInfo, ...]:
    rows = session.scalars(
        select(Course).where(~Course.is_archived).order_by(Course.position, Course.level)
    )
    plain = [_translated_course(_course_info(row), _read(row, language)) for row in rows]
    by_id = {course.id: course for course in plain}
    return tuple(replace(c, prerequisite=by_id.get(c.prerequisite_id)) for c in plain)


def _course_info(course: Course) -> CourseInfo:
    return CourseInfo(
        course.id,
        course.slug,
        course.title,
        course.level,
        course.summary,
        course.ce_minutes,
        course.prerequisite_id,
        tuple(course.references),
        tuple(course.competencies),
        course.practical_hours,
        evaluation=tuple(course.evaluation or ()),
    )


def _translated_course(info: CourseInfo, text: dict[str, Any]) -> CourseInfo:
    if not text:
        return info
    competencies = text.get("competencies", {})
    prompts = text.get("evaluation", {})
    return replace(
        info,
        title=text["title"],
        summary=text["summary"],
        competencies=tuple(c | competencies.get(c["key"], {}) for c in info.competencies),
        evaluation=tuple(
            q | ({"prompt": prompts[q["key"]]} if q["key"] in prompts else {})
            for q in info.evaluation
        ),
    )


def _stamp_structure_changes(session: Session, _context, _instances) -> None:
    touched = (*session.new, *session.deleted, *session.dirty)
    if any(isinstance(row, STRUCTURE_TYPES) and _changed(session, row) for row in touched):
        token = uuid.uuid4().hex
        if not session.execute(update(ContentStamp).values(token=token)).rowcount:
            session.add(ContentStamp(id=1, token=token))


def _changed(session: Session, row) -> bool:
    return row in session.new or row in session.deleted or session.is_modified(row)


def _quiz_items(session: Session, language: str) -> tuple[dict[int, QuizItem], dict[int, QuizItem]]:
    """Live quizzes: module quizzes by module id, final exams by course id."""
    rows = session.execute(
        select(
            Quiz.id,
            Quiz.slug,
            Quiz.title,
            Quiz.module_id,
            Quiz.course_id,
            Quiz.time_limit_minutes,
            Quiz.translations,
        ).where(~Quiz.is_archived)
    )
    by_module, finals = {}, {}
    for row in rows:
        title = _read(row, language).get("title") or row.title
        item = QuizItem(row.id, row.slug, title, row.time_limit_minutes)
        if row.module_id is None:
            finals[row.course_id] = item
        else:
            by_module[row.module_id] = item
    return by_module, finals


def _outlines(session: Session, quizzes: dict[int, QuizItem], language: str) -> tuple[dict, dict]:
    """Module outlines by course id, and lesson pages by course id and slug."""
    modules = session.execute(
        select(
            CourseModule.id,
            CourseModule.slug,
            CourseModule.title,
            CourseModule.course_id,
            CourseModule.translations,
        )
        .where(~CourseModule.is_archived)
        .order_by(CourseModule.course_id, CourseModule.position)
    ).all()
    module_titles = {m.id: _read(m, language).get("title") or m.title for m in modules}
    by_module: dict[int, list[LessonItem]] = defaultdict(list)
    pages: dict[int, dict[str, LessonPage]] = defaultdict(dict)
    for row in _live_lessons(session):
        page = _lesson_page(row, module_titles.get(row.module_id, ""), _read(row, language))
        by_module[row.module_id].append(LessonItem(row.id, row.slug, page.title, row.minutes))
        pages[row.course_id][row.slug] = page
    outlines: dict[int, list[ModuleOutline]] = defaultdict(list)
    for m in modules:
        lessons_of = tuple(by_module[m.id])
        outlines[m.course_id].append(
            ModuleOutline(m.id, m.slug, module_titles[m.id], lessons_of, quizzes.get(m.id))
        )
    return {course_id: tuple(items) for course_id, items in outlines.items()}, dict(pages)


def _live_lessons(session: Session):
    return session.execute(
        select(
            Lesson.id,
            Lesson.course_id,
            Lesson.module_id,
            Lesson.slug,
            Lesson.title,
            Lesson.minutes,
            Lesson.objectives,
            Lesson.claims,
            Lesson.sources,
            Lesson.body_html,
            Lesson.translations,
        )
        .join(CourseModule, CourseModule.id == Lesson.module_id)
        .where(~Lesson.is_archived, ~CourseModule.is_archived)
        .order_by(Lesson.module_id, Lesson.position)
    )


def _lesson_page(row, module_title: str, text: dict[str, Any]) -> LessonPage:
    """The lesson as a reader sees it: ``text`` is its translation ({}: English)."""
    return LessonPage(
        row.id,
        row.slug,
        text.get("title") or row.title,
        row.minutes,
        module_title,
        tuple(text.get("objectives") or row.objectives),
        tuple(row.claims),
        tuple(row.sources),
        text.get("body_html") or row.body_html,
    )
