"""One lesson file: ``+++``-fenced TOML front matter, then Markdown (``content/README.md``).

Pure: bytes in, a spec and problems out. ``check-content`` and browser authoring both check a
lesson with :func:`lesson_problems`, so the rules are written once.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path

from course_app.claims import ARTICLE_CLAIMS
from course_app.modules.figures import MediaSpec, lesson_media_problems
from course_app.modules.translation_files import is_translation
from course_app.toml_source import (
    ContentProblem,
    TomlSource,
    load_toml,
    read_bool,
    read_integer,
    read_slug,
    read_strings,
    read_text,
    unknown_keys,
)

LESSON_KEYS = {
    "slug",
    "title",
    "module",
    "order",
    "minutes",
    "objectives",
    "claims",
    "sources",
    "archived",
}
FRONT_MATTER_FENCE = "+++"
MAX_LESSON_MINUTES = 240


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
    #: Hidden from learners, kept so that its slug stays taken and past progress stays.
    archived: bool = False


def parse_lessons(
    directory: Path, modules: set[str], references: set[str], manifest: TomlSource
) -> tuple[LessonSpec, ...]:
    lessons = []
    for path in sorted((directory / "lessons").rglob("*.md")):
        if is_translation(path):
            continue  # beside its English lesson: read by course_app.modules.translations
        source = TomlSource(str(path), "")
        lesson = parse_lesson_bytes(path.read_bytes(), source, modules, references)
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


def lesson_problems(
    path: str, raw: bytes, modules: set[str], references: set[str], media: tuple[MediaSpec, ...]
) -> list[ContentProblem]:
    """Every problem ``check-content`` would report for this one lesson file (bar the slug and
    order its siblings hold): what browser authoring checks before it saves a lesson."""
    source = TomlSource(path, "")
    lesson = parse_lesson_bytes(raw, source, modules, references)
    problems = list(source.problems)
    if lesson is not None:
        problems += lesson_media_problems(path, lesson.body_line, lesson.body, media)
    return problems


def parse_lesson_bytes(
    raw: bytes, source: TomlSource, modules: set[str], references: set[str]
) -> LessonSpec | None:
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
        archived=read_bool(source, data, "archived", False),
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
