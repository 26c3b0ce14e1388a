"""A course's outline authored in the browser: new modules and lessons, their order, and
archiving (hidden from learners, never deleted: progress and results stay, and the slug stays
taken). Services only: the views commit.

A new lesson is checked as the file ``export-content`` will write for it, by the parser
``check-content`` runs (:func:`course_app.modules.lesson_files.lesson_problems`), so the rules
are written once.
"""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from course_app.audit.services import record
from course_app.db import utcnow
from course_app.exceptions import DomainError
from course_app.instructor.export import lesson_file
from course_app.lesson_minutes import lesson_minutes_warning
from course_app.markdown import render_markdown
from course_app.modules.ce_time import live_ce_minutes
from course_app.modules.lesson_files import lesson_problems, parse_lesson_bytes
from course_app.modules.media import media_of
from course_app.modules.models import Course, CourseModule, Lesson, LessonRevision, MediaFile
from course_app.toml_source import TomlSource, read_slug, read_text


def _raise_problems(messages: list[str]) -> None:
    if messages:
        raise DomainError("; ".join(messages) + ".")


def create_module(
    session: Session, course: Course, slug: str, title: str, summary: str, actor_id: int
) -> CourseModule:
    """Add a module at the end of the course; its slug is permanent."""
    source = TomlSource("course.toml", "")
    read_slug(source, {"slug": slug})
    read_text(source, {"title": title}, "title")
    _raise_problems([problem.message for problem in source.problems])
    taken = select(CourseModule.id).where(
        CourseModule.course_id == course.id, CourseModule.slug == slug
    )
    if session.scalar(taken) is not None:
        raise DomainError(f"The module slug “{slug}” is already used in this course.")
    module = CourseModule(
        course_id=course.id,
        slug=slug,
        title=title.strip(),
        summary=summary.strip(),
        position=_next_position(session, CourseModule, CourseModule.course_id == course.id),
    )
    session.add(module)
    _mark_modules_edited(session, course)
    session.flush()
    record(session, actor_id, "module.created", ("module", module.id), after={"slug": slug})
    return module


@dataclass(frozen=True)
class NewLesson:
    slug: str
    title: str
    minutes: int
    objectives: tuple[str, ...]
    sources: tuple[str, ...]
    markdown: str


def create_lesson(
    session: Session, course: Course, module: CourseModule, new: NewLesson, actor_id: int
) -> Lesson:
    """Add a lesson at the end of ``module``, published at once, checked as its file."""
    lesson = Lesson(
        course_id=course.id,
        module_id=module.id,
        slug=new.slug,
        title=new.title.strip(),
        position=_next_position(session, Lesson, Lesson.module_id == module.id),
        minutes=new.minutes,
        objectives=list(new.objectives),
        claims=[],
        sources=list(new.sources),
        body_markdown=new.markdown,
        content_hash="",
        edited_in_browser=True,
    )
    _check_lesson(session, course, lesson, module.slug)
    taken = select(Lesson.id).where(Lesson.course_id == course.id, Lesson.slug == new.slug)
    if session.scalar(taken) is not None:
        raise DomainError(f"The lesson slug “{new.slug}” is already used in this course.")
    lesson.body_html = render_markdown(new.markdown, media_of(session, course))
    session.add(lesson)
    session.flush()
    session.add(
        LessonRevision(
            lesson_id=lesson.id,
            number=1,
            title=lesson.title,
            body_markdown=new.markdown,
            origin="browser",
            author_id=actor_id,
        )
    )
    refresh_ce_minutes(session, course)
    record(session, actor_id, "lesson.created", ("lesson", lesson.id), after={"slug": new.slug})
    return lesson


def _check_lesson(session: Session, course: Course, lesson: Lesson, module_slug: str) -> None:
    """Refuse what ``check-content --strict`` would: the lesson file's problems, then the
    warning about its declared minutes."""
    modules = set(session.scalars(select(CourseModule.slug).where(_of(course, CourseModule))))
    references = {reference["id"] for reference in course.references}
    media = tuple(session.scalars(select(MediaFile).where(_of(course, MediaFile))))
    raw = lesson_file(lesson, module_slug).encode()
    path = f"{lesson.slug}.md"
    _raise_problems([p.message for p in lesson_problems(path, raw, modules, references, media)])
    spec = parse_lesson_bytes(raw, TomlSource(path, ""), modules, references)
    warning = lesson_minutes_warning(spec) if spec is not None else None
    if warning is not None:
        raise DomainError(f"{warning.message}.")


def _of(course: Course, model):
    return model.course_id == course.id


def _next_position(session: Session, model, scope) -> int:
    return (session.scalar(select(func.max(model.position)).where(scope)) or 0) + 1


def move_module(session: Session, module: CourseModule, step: int, actor_id: int) -> None:
    """Move a live module one place up (-1) or down (+1) among the course's live modules."""
    siblings = list(
        session.scalars(
            select(CourseModule)
            .where(CourseModule.course_id == module.course_id)
            .order_by(CourseModule.position, CourseModule.id)
        )
    )
    before = _move(siblings, module, step)
    _mark_modules_edited(session, module.course)
    record(
        session,
        actor_id,
        "module.moved",
        ("module", module.id),
        {"position": before},
        {"position": module.position},
    )


def move_lesson(session: Session, lesson: Lesson, step: int, actor_id: int) -> None:
    """Move a live lesson one place up (-1) or down (+1) within its module."""
    siblings = list(
        session.scalars(
            select(Lesson)
            .where(Lesson.module_id == lesson.module_id)
            .order_by(Lesson.position, Lesson.id)
        )
    )
    before = _move(siblings, lesson, step)
    record(
        session,
        actor_id,
        "lesson.moved",
        ("lesson", lesson.id),
        {"position": before},
        {"position": lesson.position},
    )


def _move(siblings: list, row, step: int) -> int:
    """Swap ``row`` with its live neighbour, then number every sibling 1, 2, … (live ones
    first, archived ones after them, so each keeps a place its file can state)."""
    live = [item for item in siblings if not item.is_archived]
    index = live.index(row)
    target = index + step
    if step not in (-1, 1) or not 0 <= target < len(live):
        raise DomainError("It is already at that end of the list.")
    before = row.position
    live[index], live[target] = live[target], live[index]
    ordered = live + [item for item in siblings if item.is_archived]
    for position, item in enumerate(ordered, start=1):
        if item.position != position:
            item.position = position
            if isinstance(item, Lesson):
                item.edited_in_browser, item.updated_at = True, utcnow()
    return before


def set_archived(
    session: Session, row: CourseModule | Lesson, archived: bool, actor_id: int
) -> None:
    """Hide from learners (or show again). Never deletes: progress, attempts and results
    stay, and the slug stays taken."""
    if row.is_archived == archived:
        return
    row.is_archived = archived
    if isinstance(row, Lesson):
        row.edited_in_browser, row.updated_at = True, utcnow()
        kind = "lesson"
    else:
        _mark_modules_edited(session, row.course)
        kind = "module"
    session.flush()
    refresh_ce_minutes(session, row.course)
    action = f"{kind}.{'archived' if archived else 'restored'}"
    before, after = {"archived": not archived}, {"archived": archived}
    record(session, actor_id, action, (kind, row.id), before, after)


def _mark_modules_edited(session: Session, course: Course) -> None:
    """The module list is the browser's now: every module of the course is marked, so that
    load-content keeps the whole list and export-content rewrites it."""
    for module in session.scalars(select(CourseModule).where(_of(course, CourseModule))):
        module.edited_in_browser = True


def refresh_ce_minutes(session: Session, course: Course) -> None:
    """The course's CE minutes, by the rule ``check-content`` uses, from its live rows."""
    session.flush()
    course.ce_minutes = live_ce_minutes(session, course.id)
