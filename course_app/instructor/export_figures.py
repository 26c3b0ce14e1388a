"""Figures changed in the browser, written back to ``media/`` by ``export-content``: an
upload adds its file and a ``[[figures]]`` entry; a replaced or archived figure rewrites its
own entry in place (its other keys, such as ``muscles``, kept; ``archived = true`` when
archived) and its file, removing the old file when the replacement changed its name."""

import tomllib
from pathlib import Path

import tomli_w
from sqlalchemy import select
from sqlalchemy.orm import Session

from course_app.modules.models import Course, MediaFile

HEADER = "[[figures]]"


def export_figures(session: Session, course: Course, media: Path) -> list[Path]:
    changed = list(
        session.scalars(
            select(MediaFile)
            .where(
                MediaFile.course_id == course.id,
                MediaFile.kind == "figure",
                MediaFile.edited_in_browser,
            )
            .order_by(MediaFile.id)
        )
    )
    if not changed:
        return []
    media.mkdir(parents=True, exist_ok=True)
    index = media / "figures.toml"
    text = index.read_text(encoding="utf-8") if index.exists() else ""
    written = []
    for figure in changed:
        (media / figure.file_name).write_bytes(figure.data)
        text, old = replace_entry(text, figure.key, lambda old, f=figure: _entry(f, old))
        if old and old.get("file") not in (None, figure.file_name):
            (media / Path(str(old["file"])).name).unlink(missing_ok=True)
        figure.edited_in_browser = False
        written.append(media / figure.file_name)
    index.write_text(text, encoding="utf-8")
    return [index, *written]


def _entry(figure: MediaFile, old: dict | None) -> dict:
    entry = dict(old or {})
    entry |= {"key": figure.key, "file": figure.file_name, "title": figure.title}
    entry |= {"alt": figure.alt, "description": figure.description}
    entry.pop("archived", None)
    if figure.is_archived:
        entry["archived"] = True
    return entry


def replace_entry(text: str, key: str, make) -> tuple[str, dict | None]:
    """``text`` with the ``[[figures]]`` table whose key is ``key`` replaced by
    ``make(old_entry)`` (or, if there is none, ``make(None)`` added at the end), and the old
    entry."""
    lines = text.splitlines(keepends=True)
    headers = [n for n, line in enumerate(lines) if line.strip().startswith("[")]
    for position, start in enumerate(headers):
        if lines[start].strip() != HEADER:
            continue
        end = headers[position + 1] if position + 1 < len(headers) else len(lines)
        while end > start + 1 and lines[end - 1].lstrip().startswith("#"):
            end -= 1  # a comment just above the next table belongs to it
        old = _parsed(lines[start:end])
        if old is not None and old.get("key") == key:
            table = HEADER + "\n" + tomli_w.dumps(make(old))
            tail = "\n" if end < len(lines) else ""
            return "".join([*lines[:start], table + tail, *lines[end:]]), old
    table = HEADER + "\n" + tomli_w.dumps(make(None))
    return (text.rstrip("\n") + "\n\n" if text.strip() else "") + table, None


def _parsed(block: list[str]) -> dict | None:
    try:
        tables = tomllib.loads("".join(block)).get("figures", [])
    except tomllib.TOMLDecodeError:
        return None
    return tables[0] if tables else None
