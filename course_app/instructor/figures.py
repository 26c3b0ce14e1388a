"""Figures uploaded in the browser: checked by the rules ``check-content`` applies to
``media/`` (an SVG must be inert; a PNG, JPEG or WebP must be what it says and decode within a
pixel limit; alt text is required), stored like the figures loaded from files, placed in a
lesson with ``{{ figure <key> }}``, and written to ``media/`` by ``export-content``.

A figure can be replaced (a new file and text under the same key, checked the same way) or
archived (lessons that place it no longer show it; the row and its file are kept, and export
writes ``archived = true``). Either way the lessons that place it are rendered again."""

from dataclasses import dataclass
from pathlib import PurePath

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from course_app.audit.services import record
from course_app.exceptions import DomainError
from course_app.markdown import render_markdown
from course_app.modules.figures import FIGURE, MAX_ALT, MAX_BYTES, file_problems, referenced
from course_app.modules.media import media_of
from course_app.modules.models import Course, Lesson, MediaFile
from course_app.toml_source import TomlSource, read_slug, read_text

#: What an upload may weigh: read at most one byte more, so a bigger file is refused unread.
MAX_UPLOAD_BYTES = MAX_BYTES


@dataclass(frozen=True)
class NewFigure:
    key: str
    #: The name the file had on the instructor's computer: only its extension is used.
    upload_name: str
    data: bytes
    title: str
    alt: str
    description: str


def _checked(new: NewFigure) -> tuple[str, str]:
    """The file name and media type of a figure that passes every check; else DomainError."""
    suffix = PurePath(new.upload_name).suffix.lower()
    media_type = FIGURE.types.get(".jpg" if suffix == ".jpeg" else suffix)
    if media_type is None:
        raise DomainError(f"A figure is one of {', '.join(sorted(FIGURE.types))}.")
    file_name = f"{new.key}{'.jpg' if suffix == '.jpeg' else suffix}"
    messages = _entry_problems(new) + file_problems(file_name, media_type, new.data)
    if messages:
        raise DomainError("; ".join(messages) + ".")
    return file_name, media_type


def add_figure(session: Session, course: Course, new: NewFigure, actor_id: int) -> MediaFile:
    """Store a checked figure; refuse (DomainError, nothing stored) anything else."""
    file_name, media_type = _checked(new)
    taken = select(MediaFile.id).where(
        MediaFile.course_id == course.id,
        or_(
            (MediaFile.kind == "figure") & (MediaFile.key == new.key),
            MediaFile.file_name == file_name,
        ),
    )
    if session.scalar(taken) is not None:
        raise DomainError(f"The figure key “{new.key}” is already used in this course.")
    figure = MediaFile(
        course_id=course.id,
        kind="figure",
        key=new.key,
        file_name=file_name,
        media_type=media_type,
        data=new.data,
        sha256=_sha256(new.data),
        title=new.title.strip(),
        alt=new.alt.strip(),
        description=new.description.strip(),
        muscles=[],
        edited_in_browser=True,
    )
    session.add(figure)
    session.flush()
    after = {"key": new.key, "file": file_name, "bytes": len(new.data)}
    record(session, actor_id, "figure.uploaded", ("media", figure.id), after=after)
    return figure


def replace_figure(session: Session, figure: MediaFile, new: NewFigure, actor_id: int) -> None:
    """Put a checked file and text in place of the figure's, under its key (``new.key`` is
    ignored); refuse (DomainError, nothing changed) anything the upload would refuse."""
    new = NewFigure(figure.key, new.upload_name, new.data, new.title, new.alt, new.description)
    file_name, media_type = _checked(new)
    other = select(MediaFile.id).where(
        MediaFile.course_id == figure.course_id,
        MediaFile.file_name == file_name,
        MediaFile.id != figure.id,
    )
    if session.scalar(other) is not None:
        raise DomainError(f"Another file of this course is already named {file_name}.")
    before = {"file": figure.file_name, "bytes": len(figure.data), "alt": figure.alt}
    figure.file_name, figure.media_type, figure.data = file_name, media_type, new.data
    figure.sha256 = _sha256(new.data)
    figure.title, figure.alt = new.title.strip(), new.alt.strip()
    figure.description, figure.edited_in_browser = new.description.strip(), True
    after = {"file": file_name, "bytes": len(new.data), "alt": figure.alt}
    record(session, actor_id, "figure.replaced", ("media", figure.id), before=before, after=after)
    _render_lessons_placing(session, figure)


def set_archived(session: Session, figure: MediaFile, archived: bool, actor_id: int) -> None:
    """Archive (hide from every lesson; the row and its file stay, never deleted) or
    restore the figure."""
    if figure.is_archived == archived:
        state = "archived" if archived else "in use"
        raise DomainError(f"The figure “{figure.key}” is already {state}.")
    figure.is_archived, figure.edited_in_browser = archived, True
    action = "figure.archived" if archived else "figure.restored"
    before, after = {"archived": not archived}, {"archived": archived}
    record(session, actor_id, action, ("media", figure.id), before=before, after=after)
    _render_lessons_placing(session, figure)


def _render_lessons_placing(session: Session, figure: MediaFile) -> None:
    """Lessons keep their HTML rendered: those placing the figure are rendered again."""
    session.flush()
    course = session.get(Course, figure.course_id)
    media = media_of(session, course)
    lessons = session.scalars(select(Lesson).where(Lesson.course_id == figure.course_id))
    for lesson in lessons:
        if figure.key in referenced(lesson.body_markdown):
            lesson.body_html = render_markdown(lesson.body_markdown, media)


def figure_or_none(session: Session, course: Course, key: str) -> MediaFile | None:
    return session.scalar(
        select(MediaFile).where(
            MediaFile.course_id == course.id, MediaFile.kind == "figure", MediaFile.key == key
        )
    )


def _entry_problems(new: NewFigure) -> list[str]:
    """The figures.toml entry's rules, as check-content reads them."""
    source = TomlSource("figures.toml", "")
    entry = {"key": new.key, "title": new.title, "alt": new.alt, "description": new.description}
    read_slug(source, entry, "key")
    for name in ("title", "alt", "description"):
        read_text(source, entry, name)
    messages = [problem.message for problem in source.problems]
    if len(new.alt.strip()) > MAX_ALT:
        messages.append(
            f"the alt text is over {MAX_ALT} characters: the rest goes in the description"
        )
    return messages


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def course_figures(session: Session, course: Course) -> list[MediaFile]:
    """The course's figures, live ones first, each by key."""
    query = select(MediaFile).where(MediaFile.course_id == course.id, MediaFile.kind == "figure")
    return list(session.scalars(query.order_by(MediaFile.is_archived, MediaFile.key)))
