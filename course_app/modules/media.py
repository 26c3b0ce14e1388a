"""A course's figures and documents in the database: loaded from ``content/<course>/media/``
with the rest of the content, placed in lessons by the Markdown renderer, and served by the
app itself at ``/media/<course>/<file>`` (never a remote image)."""

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from course_app.markdown import Media, MediaRef
from course_app.modules.figures import MediaSpec
from course_app.modules.models import Course, MediaFile
from course_app.modules.translation_files import translation_language
from course_app.modules.translation_sync import Translations, media_texts

#: How a document's type reads next to its link.
TYPE_LABELS = {
    "text/markdown; charset=utf-8": "Markdown text",
    "text/plain; charset=utf-8": "plain text",
    "application/pdf": "PDF",
}


def media_url(course_slug: str, file_name: str, sha256: str) -> str:
    """The file's address; the content hash in it lets browsers cache it for good."""
    return f"/media/{course_slug}/{file_name}?v={sha256[:12]}"


def _ref(course_slug: str, item: MediaFile | MediaSpec) -> MediaRef | None:
    """How lessons place the item; None for an archived figure (placed, shown nowhere)."""
    if item.is_archived if isinstance(item, MediaFile) else item.archived:
        return None
    file_name = item.file_name if isinstance(item, MediaFile) else item.file
    size = len(item.data)
    label = f"{TYPE_LABELS.get(item.media_type, item.media_type)}, {max(1, round(size / 1000))} kB"
    return MediaRef(
        item.kind,
        media_url(course_slug, file_name, item.sha256),
        item.title,
        item.description,
        item.alt,
        label if item.kind == "document" else "",
    )


def media_of(session: Session, course: Course) -> Media:
    """The course's figures and documents, as lessons place them (archived ones as None:
    a lesson that places one shows nothing there)."""
    rows = session.scalars(select(MediaFile).where(MediaFile.course_id == course.id))
    return {(item.kind, item.key): _ref(course.slug, item) for item in rows}


def sync_media(
    session: Session,
    course: Course,
    specs: tuple[MediaSpec, ...],
    report,
    translations: Translations | None = None,
) -> Media:
    """Bring the course's media in line with its media folder (archive what left it). A
    figure uploaded, replaced or archived in the browser and not exported yet is kept as it
    is (as a lesson edited in the browser is)."""
    rows = session.scalars(select(MediaFile).where(MediaFile.course_id == course.id))
    existing = {(item.kind, item.key): item for item in rows}
    for spec in specs:
        values = {
            "course_id": course.id,
            "kind": spec.kind,
            "key": spec.key,
            "file_name": spec.file,
            "media_type": spec.media_type,
            "data": spec.data,
            "sha256": spec.sha256,
            "title": spec.title,
            "alt": spec.alt,
            "description": spec.description,
            "muscles": list(spec.muscles),
            "is_archived": spec.archived,
            "translations": media_texts(translations or {}, spec.kind, spec.key),
        }
        row, name = existing.get((spec.kind, spec.key)), f"{spec.kind} {course.slug}/{spec.key}"
        if row is None:
            session.add(MediaFile(**values))
            report.created.append(name)
        elif row.edited_in_browser:
            continue
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            report.updated.append(name)
    media = {(spec.kind, spec.key): _ref(course.slug, spec) for spec in specs}
    for (kind, key), row in existing.items():
        if row.edited_in_browser:  # the browser's version until it is exported
            media[kind, key] = _ref(course.slug, row)
    for kind, key in sorted(set(existing) - {(spec.kind, spec.key) for spec in specs}):
        row = existing[kind, key]
        if not row.edited_in_browser and not row.is_archived:
            row.is_archived = True
            report.archived.append(f"{kind} {course.slug}/{key}")
    session.flush()
    return media


def find_media(session: Session, course_slug: str, file_name: str) -> MediaFile | None:
    return session.scalar(
        select(MediaFile)
        .join(Course, Course.id == MediaFile.course_id)
        .where(Course.slug == course_slug, MediaFile.file_name == file_name, ~MediaFile.is_archived)
    )


@dataclass(frozen=True)
class Served:
    """What the media route sends: a stored file, or a document's translation."""

    data: bytes
    media_type: str
    kind: str
    file_name: str
    sha256: str


def find_served(session: Session, course_slug: str, file_name: str) -> Served | None:
    """The file, or (``consent-form.fr.md``) the translation of a Markdown document, stored
    with the English row by load-content."""
    row = find_media(session, course_slug, file_name)
    if row is not None:
        return Served(row.data, row.media_type, row.kind, row.file_name, row.sha256)
    language = translation_language(Path(file_name))
    if language is None:
        return None
    english = file_name.replace(f".{language}.", ".", 1)
    row = find_media(session, course_slug, english)
    text = ((row.translations or {}).get(language) or {}).get("text") if row else None
    if not text:
        return None
    data = text.encode()
    return Served(data, row.media_type, row.kind, file_name, hashlib.sha256(data).hexdigest())
