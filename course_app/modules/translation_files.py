"""Where a course's translations sit and whether each is up to date (pure: files in, facts out).

A translation sits beside its English file with the language before the suffix
(``one.md`` → ``one.fr.md``, ``course.toml`` → ``course.fr.toml``) and starts with
``translation_of = "<sha256>"``: the digest of the English file's bytes it was made from
(``content/README.md``, "Translations"). A translation is *current* when that digest is the
English file's digest today, *stale* when the English changed since (it needs review), and
*missing* when there is no file. ``check-content`` and ``flask translation-status`` both use
:func:`translation_states`, so the rule is written once.
"""

import hashlib
import re
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from course_app.modules.content import CourseSpec

#: ``<name>.<language>.<md|toml>``: never read as an English lesson, quiz or media file.
TRANSLATION_NAME = re.compile(r"\.(?P<language>[a-z]{2})\.(?:md|toml)$")
LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")
SOURCE_LANGUAGE = "en"
DIGEST = re.compile(r"^[0-9a-f]{64}$")


class State(StrEnum):
    CURRENT = "current"
    STALE = "stale"
    MISSING = "missing"


@dataclass(frozen=True)
class TranslatedFile:
    """One English file a course must offer in a language, and the state of its translation."""

    english: Path
    translation: Path
    state: State
    #: ``translation_of`` as written ("" when missing or unreadable).
    recorded: str = ""


def is_translation(path: Path) -> bool:
    return TRANSLATION_NAME.search(path.name) is not None


def translation_language(path: Path) -> str | None:
    found = TRANSLATION_NAME.search(path.name)
    return found.group("language") if found else None


def translation_path(english: Path, language: str) -> Path:
    return english.with_name(f"{english.stem}.{language}{english.suffix}")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def split_front(text: str) -> tuple[str, str, int] | None:
    """``+++``-fenced TOML front matter, the body after it and the body's first line."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "+++":
        return None
    for index in range(1, len(lines)):
        if lines[index].strip() == "+++":
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), index + 2
    return None


def recorded_digest(path: Path) -> str:
    """The ``translation_of`` a translation records ("" when it records none readably)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".md":
        parts = split_front(text)
        text = parts[0] if parts else ""
    try:
        value = tomllib.loads(text).get("translation_of", "")
    except tomllib.TOMLDecodeError:
        return ""
    return value if isinstance(value, str) else ""


def english_files(course: "CourseSpec") -> list[Path]:
    """Every file of the course a reader sees text from: manifest, lessons, quizzes, media
    indexes and downloadable Markdown documents."""
    directory = Path(course.path).parent
    files = [Path(course.path)]
    files += [Path(lesson.path) for lesson in course.lessons]
    files += [Path(quiz.path) for quiz in course.quizzes]
    media = directory / "media"
    for index in ("figures.toml", "documents.toml"):
        if (media / index).is_file():
            files.append(media / index)
    documents = {item.file for item in course.media if item.kind == "document"}
    files += [media / name for name in sorted(documents) if name.endswith(".md")]
    return files


def translation_states(course: "CourseSpec", language: str) -> list[TranslatedFile]:
    states = []
    for english in english_files(course):
        translation = translation_path(english, language)
        if not translation.is_file():
            states.append(TranslatedFile(english, translation, State.MISSING))
            continue
        recorded = recorded_digest(translation)
        state = State.CURRENT if recorded == digest(english) else State.STALE
        states.append(TranslatedFile(english, translation, state, recorded))
    return states


def stray_translations(course: "CourseSpec") -> list[Path]:
    """Translation files in a language the course does not declare."""
    directory = Path(course.path).parent
    return sorted(
        path
        for path in directory.rglob("*")
        if path.is_file()
        and (language := translation_language(path)) is not None
        and language not in course.languages
    )
