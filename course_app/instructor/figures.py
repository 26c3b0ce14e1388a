"""Figures uploaded in the browser: checked by the rules ``check-content`` applies to
``media/`` (an SVG must be inert; a PNG, JPEG or WebP must be what it says and decode within a
pixel limit; alt text is required), stored like the figures loaded from files, placed in a
lesson with ``{{ figure <key> }}``, and written to ``media/`` by ``export-content``."""

from dataclasses import dataclass
from pathlib import PurePath

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from course_app.audit.services import record
from course_app.exceptions import DomainError
from course_app.modules.figures import FIGURE, MAX_ALT, MAX_BYTES, file_problems
from course_app.modules.models import Course, MediaFile
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


def add_figure(session: Session, course: Course, new: NewFigure, actor_id: int) -> MediaFile:
    """Store a checked figure; refuse (DomainError, nothing stored) anything else."""
    suffix = PurePath(new.upload_name).suffix.lower()
    media_type = FIGURE.types.get(".jpg" if suffix == ".jpeg" else suffix)
    if media_type is None:
        raise DomainError(f"A figure is one of {', '.join(sorted(FIGURE.types))}.")
    file_name = f"{new.key}{'.jpg' if suffix == '.jpeg' else suffix}"
    messages = _entry_problems(new) + file_problems(file_name, media_type, new.data)
    if messages:
        raise DomainError("; ".join(messages) + ".")
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
    query = select(MediaFile).where(
        MediaFile.course_id == course.id, MediaFile.kind == "figure", ~MediaFile.is_archived
    )
    return list(session.scalars(query.order_by(MediaFile.key)))
