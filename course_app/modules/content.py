"""Read and validate the curriculum in ``content/`` (pure: files in, specs and problems out).

Layout and format are documented in ``content/README.md``. Every problem is reported as
``file:line: message`` and nothing is loaded while any remains.
"""

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from course_app.evaluation.content import parse_evaluation
from course_app.evaluation.questions import Question
from course_app.modules.figures import MediaSpec, lesson_media_problems, parse_media
from course_app.modules.lesson_files import LessonSpec, parse_lessons
from course_app.modules.translation_files import LANGUAGE_CODE, SOURCE_LANGUAGE
from course_app.modules.translations import CourseTranslation, parse_translation
from course_app.practical import Competency
from course_app.quizzes.content import QuizSpec, parse_quizzes
from course_app.toml_source import (
    ContentProblem,
    TomlSource,
    array_of_tables,
    load_toml,
    read_bool,
    read_integer,
    read_slug,
    read_text,
    unknown_keys,
)

REFERENCE_ID_PATTERN = re.compile(r"^[A-Z][A-Za-z0-9-]{0,15}$")


@dataclass(frozen=True)
class ReferenceSpec:
    id: str
    citation: str
    url: str


@dataclass(frozen=True)
class ModuleSpec:
    slug: str
    title: str
    summary: str
    #: Hidden from learners, kept so that its slug stays taken and past progress stays.
    archived: bool = False


@dataclass(frozen=True)
class CourseSpec:
    slug: str
    title: str
    level: int
    summary: str
    ce_minutes: int
    prerequisite: str | None
    position: int
    modules: tuple[ModuleSpec, ...]
    references: tuple[ReferenceSpec, ...]
    lessons: tuple[LessonSpec, ...]
    path: str
    quizzes: tuple[QuizSpec, ...] = ()
    #: Figures and documents from ``media/``.
    media: tuple[MediaSpec, ...] = ()
    competencies: tuple[Competency, ...] = ()
    #: The least in-person practical hours a learner must attend (courses with a checklist).
    practical_hours: float = 0.0
    #: The participant evaluation's questions (none: the course asks for no evaluation).
    evaluation: tuple[Question, ...] = ()
    #: The languages the course is offered in; English first, always.
    languages: tuple[str, ...] = (SOURCE_LANGUAGE,)
    #: {language: its text} for every declared language but English.
    translations: dict[str, CourseTranslation] = field(default_factory=dict)


def parse_content(root: Path) -> tuple[list[CourseSpec], list[ContentProblem]]:
    """Parse every course under ``root``; return the specs and all problems found."""
    problems: list[ContentProblem] = []
    manifests = sorted(root.glob("*/course.toml"))
    if not manifests:
        problems.append(ContentProblem(str(root), 1, "no */course.toml found"))
    courses = [c for c in (_parse_course(m, problems) for m in manifests) if c is not None]
    problems.extend(_cross_course_problems(courses))
    return courses, problems


def _parse_course(manifest: Path, problems: list[ContentProblem]) -> CourseSpec | None:
    source = TomlSource(str(manifest), manifest.read_text(encoding="utf-8"))
    data = load_toml(source)
    if data is None:
        problems.extend(source.problems)
        return None
    course = _course_from_manifest(source, data, manifest.parent)
    problems.extend(source.problems)
    if source.problems:
        return course  # translations are checked against a valid English course only
    translations = {}
    for language in course.languages[1:]:
        translations[language], found = parse_translation(course, language)
        problems.extend(found)
    return replace(course, translations=translations)


def _course_from_manifest(source: TomlSource, data: dict, directory: Path) -> CourseSpec:
    modules = _modules(source, data)
    references = _references(source, data)
    reference_ids = {r.id for r in references}
    lessons = parse_lessons(directory, {m.slug for m in modules}, reference_ids, source)
    media, media_problems = parse_media(directory / "media")
    source.problems.extend(media_problems)
    for lesson in lessons:
        source.problems.extend(
            lesson_media_problems(lesson.path, lesson.body_line, lesson.body, media)
        )
    module_titles = {m.slug: m.title for m in modules}
    quizzes, quiz_problems = parse_quizzes(directory / "quizzes", module_titles, reference_ids)
    source.problems.extend(quiz_problems)
    competencies = _competencies(source, data)
    return CourseSpec(
        slug=read_slug(source, data),
        title=read_text(source, data, "title"),
        level=read_integer(source, data, "level", 1, 2),
        summary=read_text(source, data, "summary"),
        ce_minutes=_ce_minutes(source, data, modules, lessons, quizzes),
        prerequisite=read_text(source, data, "prerequisite", required=False) or None,
        position=read_integer(source, data, "position", 0, 1000),
        modules=modules,
        references=references,
        lessons=lessons,
        path=source.path,
        quizzes=quizzes,
        media=media,
        competencies=competencies,
        practical_hours=_practical_hours(source, data, bool(competencies)),
        evaluation=parse_evaluation(source, data),
        languages=_languages(source, data),
    )


def _languages(source: TomlSource, data: dict) -> tuple[str, ...]:
    """``languages = ["en", "fr"]``: English (the source of truth) first, then each language
    the course has translations in."""
    value = data.get("languages", [SOURCE_LANGUAGE])
    valid = isinstance(value, list) and all(
        isinstance(code, str) and LANGUAGE_CODE.match(code) for code in value
    )
    if not valid or not value or value[0] != SOURCE_LANGUAGE or len(set(value)) != len(value):
        message = '\'languages\' must list two-letter codes once each, "en" first: ["en", "fr"]'
        source.problem(source.line_of("languages"), message)
        return (SOURCE_LANGUAGE,)
    return tuple(value)


def _practical_hours(source: TomlSource, data: dict, has_practical: bool) -> float:
    hours = data.get("practical_hours", 0)
    if isinstance(hours, bool) or not isinstance(hours, int | float) or not 0 <= hours <= 500:
        message = "'practical_hours' must be a number of hours from 0 to 500"
        source.problem(source.line_of("practical_hours"), message)
        return 0.0
    if has_practical and not hours:
        message = (
            "a course with [[competencies]] states practical_hours: the least in-person hours "
            "a learner must attend, whatever a cohort offers"
        )
        source.problem(source.line_of("competencies"), message)
    return float(hours)


def _ce_minutes(
    source: TomlSource,
    data: dict,
    modules: tuple[ModuleSpec, ...],
    lessons: tuple[LessonSpec, ...],
    quizzes: tuple[QuizSpec, ...],
) -> int:
    """The online CE credit follows from the live material (:func:`ce_minutes_of`).
    ``ce_hours``, if the manifest states it, must agree."""
    archived = {module.slug for module in modules if module.archived}
    live_lessons = [x for x in lessons if not x.archived and x.module not in archived]
    live_quizzes = [q for q in quizzes if q.module not in archived]
    reading = sum(lesson.minutes for lesson in live_lessons)
    assessing = sum(quiz.settings.time_limit_minutes for quiz in live_quizzes)
    derived = ce_minutes_of(reading, assessing)
    if "ce_hours" not in data:
        return derived
    hours = data["ce_hours"]
    if isinstance(hours, bool) or not isinstance(hours, int | float) or not 0 < hours <= 200:
        source.problem(source.line_of("ce_hours"), "'ce_hours' must be a number above 0")
    elif abs(hours * 60 - derived) > 1:
        message = (
            f"ce_hours = {hours:g}, but the lessons ({reading} min) and quiz time limits "
            f"({assessing} min) add up to {derived / 60:.2f} h: correct it, or leave ce_hours "
            "out and it follows the material"
        )
        source.problem(source.line_of("ce_hours"), message)
    return derived


def ce_minutes_of(lesson_minutes: int, quiz_minutes: int) -> int:
    """A course's online CE minutes: its live lessons' minutes plus the time its live quizzes
    allot (their time limits). Archived lessons and modules count for nothing. The one rule:
    ``check-content`` and browser authoring both use it."""
    return max(1, lesson_minutes + quiz_minutes)


def _modules(source: TomlSource, data: dict) -> tuple[ModuleSpec, ...]:
    modules: list[ModuleSpec] = []
    for entry, line in array_of_tables(source, data, "modules"):
        slug = read_slug(source, entry, after=line)
        if slug in {m.slug for m in modules}:
            source.problem(line, f"module slug {slug!r} is used twice")
        modules.append(
            ModuleSpec(
                slug,
                read_text(source, entry, "title", after=line),
                read_text(source, entry, "summary", required=False, after=line),
                read_bool(source, entry, "archived", False, after=line),
            )
        )
    return tuple(modules)


def _competencies(source: TomlSource, data: dict) -> tuple[Competency, ...]:
    """The practical checklist: optional ``[[competencies]]`` tables."""
    competencies: list[Competency] = []
    if "competencies" not in data:
        return ()
    for entry, line in array_of_tables(source, data, "competencies"):
        allowed = {"key", "title", "critical", "second_assessor", "region"}
        unknown_keys(source, entry, allowed, after=line)
        key = read_slug(source, entry, "key", after=line)
        if key in {c.key for c in competencies}:
            source.problem(line, f"competency key {key!r} is used twice")
        competencies.append(
            Competency(
                key,
                read_text(source, entry, "title", after=line),
                read_bool(source, entry, "critical", False, after=line),
                read_bool(source, entry, "second_assessor", False, after=line),
                read_text(source, entry, "region", required=False, after=line),
            )
        )
    return tuple(competencies)


def _references(source: TomlSource, data: dict) -> tuple[ReferenceSpec, ...]:
    references: list[ReferenceSpec] = []
    for entry, line in array_of_tables(source, data, "references"):
        ref_id = read_text(source, entry, "id", after=line)
        if ref_id and not REFERENCE_ID_PATTERN.match(ref_id):
            source.problem(line, f"reference id {ref_id!r} must look like S1 or X23")
        if ref_id in {r.id for r in references}:
            source.problem(line, f"reference id {ref_id!r} is used twice")
        references.append(
            ReferenceSpec(
                ref_id,
                read_text(source, entry, "citation", after=line),
                read_text(source, entry, "url", required=False, after=line),
            )
        )
    return tuple(references)


def _cross_course_problems(courses: list[CourseSpec]) -> list[ContentProblem]:
    problems: list[ContentProblem] = []
    by_slug: dict[str, CourseSpec] = {}
    for course in courses:
        if course.slug in by_slug:
            problems.append(
                ContentProblem(
                    course.path,
                    1,
                    f"course slug {course.slug!r} is also used by {by_slug[course.slug].path}",
                )
            )
        by_slug.setdefault(course.slug, course)
    for course in courses:
        problems.extend(_prerequisite_problems(course, by_slug))
    return problems


def _prerequisite_problems(course: CourseSpec, by_slug: dict[str, CourseSpec]):
    if course.prerequisite is None:
        return []
    line = TomlSource(course.path, Path(course.path).read_text(encoding="utf-8")).line_of(
        "prerequisite"
    )
    if course.prerequisite not in by_slug:
        return [
            ContentProblem(
                course.path,
                line,
                f"prerequisite {course.prerequisite!r} is not a course in content/",
            )
        ]
    seen, current = {course.slug}, by_slug[course.prerequisite]
    while current is not None:
        if current.slug in seen:
            return [ContentProblem(course.path, line, "prerequisites form a cycle")]
        seen.add(current.slug)
        current = by_slug.get(current.prerequisite) if current.prerequisite else None
    return []
