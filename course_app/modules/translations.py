"""Read a course's translations and check them against its English files (pure).

The English file stays the source of truth for structure, keys, claims, sources, correct
answers and numbers; a translation holds only the text a person reads (format:
``content/README.md``, "Translations"). For each language a course declares, every lesson,
quiz, manifest and media index must have a current translation with the same keys, option
counts, claims, sources, citation markers and media placeholders, or ``check-content``
refuses it, ``file:line: message`` like every content problem.

The result, :class:`CourseTranslation`, is plain text keyed like the English specs; the sync
stores it beside the English rows (``course_app.modules.translation_sync``).
"""

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from course_app.markdown import MEDIA_DIRECTIVE
from course_app.modules.translation_files import (
    State,
    split_front,
    translation_path,
    translation_states,
)
from course_app.toml_source import ContentProblem, TomlSource, load_toml, table_lines

if TYPE_CHECKING:
    from course_app.modules.content import CourseSpec
    from course_app.quizzes.content import QuizSpec

#: A citation as written in a body: ``[S1]``, ``[ART]``, ``[X-EPA]``, ``[S1, S2]`` (not a link).
CITATION = re.compile(r"\[([A-Z][A-Za-z0-9-]{0,15}(?:[,;]\s*[A-Z][A-Za-z0-9-]{0,15})*)\](?!\()")
LESSON_KEYS = {"translation_of", "slug", "title", "objectives", "claims", "sources"}
QUIZ_KEYS = {"translation_of", "title", "objectives", "topics", "cases", "questions"}
REVIEW = (
    "needs review: the English changed ({name} is no longer the version whose sha256 "
    'translation_of records); update the translation, then set translation_of = "<sha256sum '
    '{name}>"'
)
MANIFEST_KEYS = {"translation_of", "title", "summary", "modules", "evaluation", "competencies"}


@dataclass
class CourseTranslation:
    """One language's text for a course, keyed like the English: what the sync stores."""

    language: str
    title: str = ""
    summary: str = ""
    #: {module slug: {"title", "summary"}}
    modules: dict[str, dict[str, str]] = field(default_factory=dict)
    #: {evaluation key: {"prompt"}}
    evaluation: dict[str, dict[str, str]] = field(default_factory=dict)
    #: {competency key: {"title", "region"}}
    competencies: dict[str, dict[str, str]] = field(default_factory=dict)
    #: {lesson slug: {"title", "objectives", "body"}}
    lessons: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: {quiz slug: {"title", "objectives", "topics"}}
    quizzes: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: {question key: {"prompt", "options" (texts in authored order), "rationale", "case_title",
    #: "case_text"}}
    questions: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: {(kind, key): {"title", "alt", "description"}}; documents' Markdown under "text".
    media: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)


def markers(body: str) -> set[str]:
    """The citation markers and media placeholders a body uses, as comparable strings."""
    found = {f"[{group}]" for group in CITATION.findall(body)}
    return found | {f"{{{{ {kind} {key} }}}}" for kind, key in MEDIA_DIRECTIVE.findall(body)}


def parse_translation(
    course: "CourseSpec", language: str
) -> tuple[CourseTranslation, list[ContentProblem]]:
    """Check and read every translation of ``course`` into ``language``."""
    problems: list[ContentProblem] = []
    result = CourseTranslation(language)
    for item in translation_states(course, language):
        if item.state is State.MISSING:
            message = f"no {language!r} translation: add {item.translation.name} beside it"
            problems.append(ContentProblem(str(item.english), 1, message))
        elif item.state is State.STALE:
            name = item.english.name
            message = REVIEW.format(name=name)
            problems.append(ContentProblem(str(item.translation), 1, message))
    _read_manifest(course, language, result, problems)
    for lesson in course.lessons:
        _read_lesson(lesson, language, result, problems)
    for quiz in course.quizzes:
        _read_quiz(quiz, language, result, problems)
    _read_media(course, language, result, problems)
    return result, problems


def _load(path: Path) -> tuple[TomlSource, dict | None]:
    source = TomlSource(str(path), path.read_text(encoding="utf-8"))
    return source, load_toml(source)


def _unknown(source: TomlSource, data: dict, allowed: set[str], after: int = 0) -> None:
    for key in sorted(set(data) - allowed):
        message = f"unknown key '{key}' in a translation (allowed: {', '.join(sorted(allowed))})"
        source.problem(source.line_of(key, after), message)


def _text(source: TomlSource, data: dict, key: str, after: int = 0) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        # A missing key is reported where its table starts (line_of would find a namesake).
        line = source.line_of(key, after) if key in data else after or source.first_line
        source.problem(line, f"'{key}' must be a non-empty string")
        return ""
    return value.strip()


def _keyed(
    source: TomlSource,
    data: dict,
    table: str,
    id_key: str,
    english: dict[str, set[str]],
) -> dict[str, dict[str, str]]:
    """``[[table]]`` entries matched to the English ones by ``id_key``: the same keys, each
    with exactly the text fields ``english[key]`` names."""
    entries = data.get(table, [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        source.problem(source.line_of(table), f"'{table}' must be written as [[{table}]] tables")
        return {}
    lines = table_lines(source, table) + [source.first_line] * len(entries)
    found: dict[str, dict[str, str]] = {}
    for entry, line in zip(entries, lines, strict=False):
        key = entry.get(id_key)
        if key not in english:
            message = f"{table} {id_key} {key!r} is not in the English file"
            source.problem(line, message)
            continue
        if key in found:
            source.problem(line, f"{table} {id_key} {key!r} is translated twice")
        _unknown(source, entry, english[key] | {id_key}, after=line)
        found[key] = {name: _text(source, entry, name, line) for name in english[key]}
    for key in english:
        if key not in found:
            message = f"{table} {id_key} {key!r} of the English file is not translated"
            source.problem(source.first_line, message)
    return found


def _same_keys(source: TomlSource, data: dict, key: str, english: dict[str, str]) -> dict:
    """A ``[key]`` table of ``name = "text"`` with exactly the English names."""
    if not english and key not in data:
        return {}
    table = data.get(key)
    if not isinstance(table, dict) or set(table) != set(english):
        expected = ", ".join(sorted(english)) or "none"
        message = f"[{key}] must translate exactly the English keys ({expected})"
        source.problem(_table_line(source, key), message)
        return {}
    return {name: _text(source, table, name) for name in table}


def _table_line(source: TomlSource, key: str) -> int:
    """The line of a ``[key]`` header (or of ``key = …`` written inline)."""
    for number, line in enumerate(source.text.splitlines(), start=source.first_line):
        if line.strip() == f"[{key}]":
            return number
    return source.line_of(key)


def _read_manifest(course, language, result, problems) -> None:
    manifest = Path(course.path)
    path = translation_path(manifest, language)
    if not path.is_file():
        return
    source, data = _load(path)
    if data is not None:
        _unknown(source, data, MANIFEST_KEYS)
        result.title = _text(source, data, "title")
        result.summary = _text(source, data, "summary")
        modules = {
            m.slug: {"title"} | ({"summary"} if m.summary else set()) for m in course.modules
        }
        result.modules = _keyed(source, data, "modules", "slug", modules)
        if course.evaluation or "evaluation" in data:
            evaluation = {q.key: {"prompt"} for q in course.evaluation}
            result.evaluation = _keyed(source, data, "evaluation", "key", evaluation)
        if course.competencies or "competencies" in data:
            competencies = {
                c.key: {"title"} | ({"region"} if c.region else set()) for c in course.competencies
            }
            result.competencies = _keyed(source, data, "competencies", "key", competencies)
    problems.extend(source.problems)


def _read_lesson(lesson, language, result, problems) -> None:
    path = translation_path(Path(lesson.path), language)
    if not path.is_file():
        return
    parts = split_front(path.read_text(encoding="utf-8"))
    if parts is None:
        problems.append(ContentProblem(str(path), 1, "a lesson starts with '+++' front matter"))
        return
    front, body, body_line = parts
    source = TomlSource(str(path), front, first_line=2)
    data = load_toml(source)
    if data is not None:
        _unknown(source, data, LESSON_KEYS)
        _lesson_fields(source, data, lesson, body, body_line)
        result.lessons[lesson.slug] = {
            "title": _text(source, data, "title"),
            "objectives": [str(x).strip() for x in data.get("objectives", [])],
            "body": body,
        }
    problems.extend(source.problems)


def _lesson_fields(source: TomlSource, data: dict, lesson, body: str, body_line: int) -> None:
    if data.get("slug") != lesson.slug:
        source.problem(source.line_of("slug"), f"'slug' must be the English slug {lesson.slug!r}")
    objectives = data.get("objectives")
    if not isinstance(objectives, list) or len(objectives) != len(lesson.objectives):
        message = f"'objectives' must translate the English {len(lesson.objectives)}, in order"
        source.problem(source.line_of("objectives"), message)
    for key in ("claims", "sources"):
        if tuple(data.get(key, ())) != getattr(lesson, key):
            message = f"'{key}' must be the English list {list(getattr(lesson, key))}"
            source.problem(source.line_of(key), message)
    _marker_problems(source, markers(lesson.body), body, body_line)
    if not body.strip():
        source.problem(body_line, "the translation has no text after its front matter")


def _marker_problems(source: TomlSource, english: set[str], body: str, line: int) -> None:
    translated = markers(body)
    if translated != english:
        missing = ", ".join(sorted(english - translated)) or "none"
        extra = ", ".join(sorted(translated - english)) or "none"
        message = (
            "citation markers and media placeholders differ from the English body's "
            f"(missing: {missing}; not in the English: {extra})"
        )
        source.problem(line, message)


def _english_quiz(quiz: "QuizSpec") -> tuple[bool, set[str]]:
    """Whether the English quiz file states a title, and its case keys."""
    with open(quiz.path, "rb") as handle:
        data = tomllib.load(handle)
    cases = {c.get("key") for c in data.get("cases", []) if isinstance(c, dict)}
    return "title" in data, cases


def _read_quiz(quiz: "QuizSpec", language, result, problems) -> None:
    path = translation_path(Path(quiz.path), language)
    if not path.is_file():
        return
    source, data = _load(path)
    if data is not None:
        has_title, case_keys = _english_quiz(quiz)
        _unknown(source, data, QUIZ_KEYS - (set() if has_title else {"title"}))
        cases = _keyed(source, data, "cases", "key", {key: {"title", "text"} for key in case_keys})
        result.quizzes[quiz.slug] = {
            "title": _text(source, data, "title") if has_title else "",
            "objectives": _same_keys(source, data, "objectives", quiz.objectives),
            "topics": _same_keys(source, data, "topics", quiz.topics),
        }
        for key, text in _questions(source, data, quiz).items():
            question = next(q for q in quiz.questions if q.key == key)
            case = cases.get(question.case or "", {})
            text |= {"case_title": case.get("title", ""), "case_text": case.get("text", "")}
            result.questions[key] = text
    problems.extend(source.problems)


def _questions(source: TomlSource, data: dict, quiz: "QuizSpec") -> dict[str, dict]:
    fields = {
        q.key: {"prompt", "rationale"} | ({"options"} if q.type != "true-false" else set())
        for q in quiz.questions
    }
    plain = {key: names - {"options"} for key, names in fields.items()}
    entries = data.get("questions", [])
    found = _keyed(source, {"questions": _without_options(entries)}, "questions", "key", plain)
    lines = table_lines(source, "questions")
    for entry, line in zip(entries if isinstance(entries, list) else [], lines, strict=False):
        key = entry.get("key") if isinstance(entry, dict) else None
        if key not in found:
            continue
        english = next(q for q in quiz.questions if q.key == key)
        found[key]["options"] = _options(source, entry, line, english, "options" in fields[key])
    return found


def _without_options(entries: Any) -> Any:
    if not isinstance(entries, list):
        return entries
    return [{k: v for k, v in e.items() if k != "options"} if isinstance(e, dict) else e
            for e in entries]  # fmt: skip


def _options(source: TomlSource, entry: dict, line: int, english, expected: bool) -> list[str]:
    options = entry.get("options")
    if not expected:
        if options is not None:
            message = f"question {english.key!r} is true-false: its options are not translated"
            source.problem(source.line_of("options", line), message)
        return []
    count = len(english.options)
    valid = isinstance(options, list) and all(isinstance(o, str) and o.strip() for o in options)
    if not valid or len(options) != count:
        message = (
            f"question {english.key!r} has {count} options in English: 'options' must list "
            f"{count} texts in the same order"
        )
        source.problem(source.line_of("options", line), message)
        return []
    return [option.strip() for option in options]


def _read_media(course, language, result, problems) -> None:
    media = Path(course.path).parent / "media"
    for kind, index, fields in (
        ("figure", "figures", {"title", "alt", "description"}),
        ("document", "documents", {"title", "description"}),
    ):
        path = translation_path(media / f"{index}.toml", language)
        if not path.is_file():
            continue
        source, data = _load(path)
        if data is not None:
            _unknown(source, data, {"translation_of", index})
            english = {item.key: fields for item in course.media if item.kind == kind}
            for key, text in _keyed(source, data, index, "key", english).items():
                result.media[kind, key] = text
        problems.extend(source.problems)
    for item in course.media:
        if item.kind == "document" and item.file.endswith(".md"):
            _read_document(media / item.file, item, language, result, problems)


def _read_document(english: Path, item, language, result, problems) -> None:
    path = translation_path(english, language)
    if not path.is_file():
        return
    parts = split_front(path.read_text(encoding="utf-8"))
    if parts is None:
        message = "a translated document starts with '+++' front matter holding translation_of"
        problems.append(ContentProblem(str(path), 1, message))
        return
    front, body, body_line = parts
    source = TomlSource(str(path), front, first_line=2)
    data = load_toml(source)
    if data is not None:
        _unknown(source, data, {"translation_of"})
        _marker_problems(source, markers(english.read_text(encoding="utf-8")), body, body_line)
        result.media.setdefault(("document", item.key), {})["text"] = body
    problems.extend(source.problems)
