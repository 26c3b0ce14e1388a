"""Read and validate the curriculum in ``content/`` (pure: files in, specs and problems out).

Layout and format are documented in ``content/README.md``. Every problem is reported as
``file:line: message`` and nothing is loaded while any remains.
"""

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from course_app.claims import ARTICLE_CLAIMS
from course_app.evaluation.content import parse_evaluation
from course_app.evaluation.questions import Question
from course_app.modules.figures import MediaSpec, lesson_media_problems, parse_media
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
    read_strings,
    read_text,
    unknown_keys,
)

REFERENCE_ID_PATTERN = re.compile(r"^[A-Z][A-Za-z0-9-]{0,15}$")
LESSON_KEYS = {"slug", "title", "module", "order", "minutes", "objectives", "claims", "sources"}
FRONT_MATTER_FENCE = "+++"
MAX_LESSON_MINUTES = 240


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


@dataclass(frozen=True)
class LessonSpec:
    slug: str
    title: str
    module: str
    order: int
    minutes: int
    objectives: tuple[str, ...]
    claims: tuple[str, ...]
    sources: tuple[str, ...]
    body: str
    content_hash: str
    path: str
    #: The line of ``minutes`` in the front matter, for warnings about it.
    minutes_line: int = 1
    #: The line the Markdown body starts on, for messages about it.
    body_line: int = 1


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
    return course


def _course_from_manifest(source: TomlSource, data: dict, directory: Path) -> CourseSpec:
    modules = _modules(source, data)
    references = _references(source, data)
    reference_ids = {r.id for r in references}
    lessons = _lessons(directory, {m.slug for m in modules}, reference_ids, source)
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
        ce_minutes=_ce_minutes(source, data, lessons, quizzes),
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
    )


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
    source: TomlSource, data: dict, lessons: tuple[LessonSpec, ...], quizzes: tuple[QuizSpec, ...]
) -> int:
    """The online CE credit follows from the material: every lesson's minutes plus the time
    each quiz allots (its time limit). ``ce_hours``, if the manifest states it, must agree."""
    reading = sum(lesson.minutes for lesson in lessons)
    assessing = sum(quiz.settings.time_limit_minutes for quiz in quizzes)
    derived = max(1, reading + assessing)
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


def _lessons(
    directory: Path, modules: set[str], references: set[str], manifest: TomlSource
) -> tuple[LessonSpec, ...]:
    lessons = []
    for path in sorted((directory / "lessons").rglob("*.md")):
        source = TomlSource(str(path), "")
        lesson = _parse_lesson(path, source, modules, references)
        manifest.problems.extend(source.problems)
        if lesson is not None:
            lessons.append(lesson)
    manifest.problems.extend(_lesson_set_problems(lessons))
    return tuple(lessons)


def split_front_matter(text: str) -> tuple[str, str] | tuple[None, int]:
    """Split ``+++``-fenced TOML front matter from the Markdown body.

    Returns (front matter, body), or (None, line of the problem) when the fences are wrong.
    """
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        return None, 1
    for index in range(1, len(lines)):
        if lines[index].strip() == FRONT_MATTER_FENCE:
            return "".join(lines[1:index]), "".join(lines[index + 1 :])
    return None, len(lines)


def _parse_lesson(
    path: Path, source: TomlSource, modules: set[str], references: set[str]
) -> LessonSpec | None:
    raw = path.read_bytes()
    front, body = split_front_matter(raw.decode("utf-8"))
    if front is None:
        source.problem(body, "a lesson starts with front matter between two '+++' lines")
        return None
    source.text, source.first_line = front, 2
    data = load_toml(source)
    if data is None:
        return None
    return _lesson_from_front_matter(source, data, body, raw, modules, references)


def _lesson_from_front_matter(
    source: TomlSource, data: dict, body: str, raw: bytes, modules: set[str], references: set[str]
) -> LessonSpec:
    unknown_keys(source, data, LESSON_KEYS)
    lesson = LessonSpec(
        slug=read_slug(source, data),
        title=read_text(source, data, "title"),
        module=read_text(source, data, "module"),
        order=read_integer(source, data, "order", 1, 999),
        minutes=read_integer(source, data, "minutes", 1, MAX_LESSON_MINUTES),
        objectives=read_strings(source, data, "objectives", allow_empty=False),
        claims=read_strings(source, data, "claims", allow_empty=True),
        sources=read_strings(source, data, "sources", allow_empty=False),
        body=body,
        content_hash=hashlib.sha256(raw).hexdigest(),
        path=source.path,
        minutes_line=source.line_of("minutes"),
        body_line=source.first_line + len(source.text.splitlines()) + 1,
    )
    _check_lesson_links(source, lesson, modules, references)
    return lesson


def _check_lesson_links(
    source: TomlSource, lesson: LessonSpec, modules: set[str], references: set[str]
) -> None:
    if lesson.module and lesson.module not in modules:
        source.problem(
            source.line_of("module"), f"module {lesson.module!r} is not listed in course.toml"
        )
    for claim in lesson.claims:
        if claim not in ARTICLE_CLAIMS:
            source.problem(source.line_of("claims"), f"unknown article claim {claim!r} (A1–A8)")
    for ref in lesson.sources:
        if ref not in references:
            source.problem(
                source.line_of("sources"), f"source {ref!r} is not in the course's [[references]]"
            )
    if not lesson.body.strip():
        source.problem(source.first_line, "the lesson has no text after its front matter")


def _key_line(path: str, key: str) -> int:
    return TomlSource(path, Path(path).read_text(encoding="utf-8")).line_of(key)


def _lesson_set_problems(lessons: list[LessonSpec]) -> list[ContentProblem]:
    """Slugs unique in the course, and one lesson per place in a module."""
    problems, slugs, places = [], {}, {}
    for lesson in lessons:
        if lesson.slug in slugs:
            message = f"lesson slug {lesson.slug!r} is also used by {slugs[lesson.slug]}"
            problems.append(ContentProblem(lesson.path, _key_line(lesson.path, "slug"), message))
        slugs.setdefault(lesson.slug, lesson.path)
        place = (lesson.module, lesson.order)
        if place in places:
            message = (
                f"order {lesson.order} in module {lesson.module!r} is also used by {places[place]}"
            )
            problems.append(ContentProblem(lesson.path, _key_line(lesson.path, "order"), message))
        places.setdefault(place, lesson.path)
    return problems


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
