"""Questions, options and case vignettes of a quiz file (pure, like the rest of the parser).

A module quiz's questions belong to its module and name one of its objectives and topics; a
final exam's questions name the module they assess (``module = "…"``) and that module's
objective and topic, from the module's quiz file. Every problem is reported as
``file:line: message``.
"""

import hashlib
import json
from dataclasses import dataclass

from course_app.claims import ARTICLE_CLAIMS
from course_app.quizzes.draw import PoolQuestion
from course_app.quizzes.grading import QuestionType
from course_app.toml_source import (
    TomlSource,
    read_bool,
    read_slug,
    read_text,
    table_lines,
    unknown_keys,
)

QUESTION_KEYS = {
    "key",
    "type",
    "objective",
    "topic",
    "required",
    "case",
    "prompt",
    "options",
    "answer",
    "rationale",
    "source",
    "must_pass",
    "claims",
}
#: A final exam's questions also say which module they assess.
FINAL_QUESTION_KEYS = QUESTION_KEYS | {"module"}
OPTION_KEYS = "abcdefgh"
#: Options allowed per type: single best answer 3–5 (three good options beat four with a weak
#: one: Rodriguez 2005), multiple response 4–8.
OPTION_COUNTS = {QuestionType.SINGLE: (3, 5), QuestionType.MULTIPLE: (4, 8)}
TRUE_FALSE_OPTIONS = (("true", "True"), ("false", "False"))


@dataclass(frozen=True)
class OptionSpec:
    key: str
    text: str
    correct: bool


@dataclass(frozen=True)
class QuestionSpec:
    key: str
    module: str
    type: QuestionType
    objective: str
    case_title: str
    case_text: str
    prompt: str
    options: tuple[OptionSpec, ...]
    rationale: str
    source: str
    must_pass: bool
    case: str | None = None
    #: Article claims (A1–A8) the question assesses: content metadata, not shown or graded.
    claims: tuple[str, ...] = ()
    #: Where the question's [[questions]] table starts in its file (for file:line messages).
    line: int = 0
    #: The rule or skill it tests, from its module's [topics]; must-pass questions have one.
    topic: str | None = None
    #: Shown in every attempt of its quiz.
    required: bool = False

    @property
    def content_hash(self) -> str:
        """Identifies this version: any change to what is shown, graded or drawn makes one."""
        metadata = {"key", "module", "claims", "line"}
        data = {k: v for k, v in vars(self).items() if k not in metadata}
        data["options"] = [vars(option) for option in self.options]
        encoded = json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(encoded).hexdigest()

    def as_pool_question(self) -> PoolQuestion:
        keys = tuple(option.key for option in self.options)
        return PoolQuestion(
            self.key,
            self.module,
            self.objective,
            self.case,
            keys,
            self.topic,
            self.required,
            self.must_pass,
        )


@dataclass(frozen=True)
class Vocabulary:
    """What a question may name: a module's objectives and topics, the course's sources."""

    objectives: set[str]
    topics: set[str]
    references: set[str]


def entries(source: TomlSource, data: dict, key: str) -> list[tuple[dict, int]]:
    """The tables of ``[[key]]`` with their header lines (an absent key gives none)."""
    found = data.get(key, [])
    if not isinstance(found, list) or not all(isinstance(e, dict) for e in found):
        source.problem(source.line_of(key), f"'{key}' must be written as [[{key}]] tables")
        return []
    lines = table_lines(source, key) + [source.first_line] * len(found)
    return list(zip(found, lines, strict=False))


def parse_cases(source: TomlSource, data: dict) -> dict[str, tuple[str, str]]:
    cases: dict[str, tuple[str, str]] = {}
    for entry, line in entries(source, data, "cases"):
        unknown_keys(source, entry, {"key", "title", "text"}, after=line)
        key = read_slug(source, entry, "key", after=line)
        if key in cases:
            source.problem(line, f"case key {key!r} is used twice")
        title = read_text(source, entry, "title", after=line)
        cases[key] = (title, read_text(source, entry, "text", after=line))
    return cases


def parse_question(
    source: TomlSource,
    entry: dict,
    line: int,
    module: str,
    cases: dict[str, tuple[str, str]],
    allowed: set[str] = QUESTION_KEYS,
) -> QuestionSpec:
    unknown_keys(source, entry, allowed, after=line)
    kind = entry.get("type")
    if kind not in tuple(QuestionType):
        choices = ", ".join(QuestionType)
        source.problem(source.line_of("type", line), f"'type' must be one of: {choices}")
        kind = QuestionType.SINGLE
    case = entry.get("case")
    case_title, case_text = cases.get(case, ("", "")) if isinstance(case, str) else ("", "")
    if case is not None and (not isinstance(case, str) or case not in cases):
        source.problem(source.line_of("case", line), f"case {case!r} is not a [[cases]] key")
    topic = entry.get("topic")
    return QuestionSpec(
        key=read_slug(source, entry, "key", after=line),
        module=module,
        type=QuestionType(kind),
        objective=read_text(source, entry, "objective", after=line),
        case=case if isinstance(case, str) else None,
        case_title=case_title,
        case_text=case_text,
        prompt=read_text(source, entry, "prompt", after=line),
        options=_options(source, entry, line, QuestionType(kind)),
        rationale=read_text(source, entry, "rationale", after=line),
        source=read_text(source, entry, "source", after=line),
        must_pass=read_bool(source, entry, "must_pass", False, after=line),
        claims=_claims(source, entry, line),
        line=line,
        topic=read_slug(source, entry, "topic", after=line) if topic is not None else None,
        required=read_bool(source, entry, "required", False, after=line),
    )


def check_question(
    source: TomlSource, question: QuestionSpec, line: int, names: Vocabulary
) -> None:
    """The objective, topic and source it names exist; a must-pass question has a topic."""
    if question.objective and question.objective not in names.objectives:
        message = f"objective {question.objective!r} is not in [objectives] of {question.module!r}"
        source.problem(source.line_of("objective", line), message)
    if question.topic and question.topic not in names.topics:
        message = f"topic {question.topic!r} is not in [topics] of {question.module!r}"
        source.problem(source.line_of("topic", line), message)
    if question.must_pass and not question.topic:
        message = "a must-pass question names its topic, so every attempt can include it"
        source.problem(source.line_of("must_pass", line), message)
    if question.source and question.source not in names.references:
        message = f"source {question.source!r} is not in the course's [[references]]"
        source.problem(source.line_of("source", line), message)


def _claims(source: TomlSource, entry: dict, line: int) -> tuple[str, ...]:
    claims = entry.get("claims", [])
    if not isinstance(claims, list) or not all(c in ARTICLE_CLAIMS for c in claims):
        source.problem(source.line_of("claims", line), "'claims' must list article claims A1–A8")
        return ()
    return tuple(claims)


def _options(
    source: TomlSource, entry: dict, line: int, kind: QuestionType
) -> tuple[OptionSpec, ...]:
    if kind is QuestionType.TRUE_FALSE:
        return _true_false_options(source, entry, line)
    if "answer" in entry:
        message = "only true-false questions have 'answer': mark options with correct = true"
        source.problem(source.line_of("answer", line), message)
    raw = entry.get("options")
    low, high = OPTION_COUNTS[kind]
    options_line = source.line_of("options", line)
    valid = isinstance(raw, list) and all(_is_option(option) for option in raw)
    if not valid or not low <= len(raw) <= high:
        message = f'a {kind} question needs {low}–{high} options, each {{ text = "…" }}'
        source.problem(options_line, message + " (mark right ones with correct = true)")
        return ()
    options = tuple(
        OptionSpec(key, option["text"].strip(), option.get("correct", False))
        for key, option in zip(OPTION_KEYS, raw, strict=False)
    )
    _check_correct_count(source, options_line, kind, options)
    return options


def _is_option(option: object) -> bool:
    return (
        isinstance(option, dict)
        and set(option) <= {"text", "correct"}
        and isinstance(option.get("text"), str)
        and bool(option["text"].strip())
        and isinstance(option.get("correct", False), bool)
    )


def _check_correct_count(
    source: TomlSource, line: int, kind: QuestionType, options: tuple[OptionSpec, ...]
) -> None:
    right = sum(option.correct for option in options)
    if kind is QuestionType.SINGLE and right != 1:
        source.problem(line, f"a single-answer question needs exactly one right option ({right})")
    if kind is QuestionType.MULTIPLE and not 1 <= right < len(options):
        source.problem(line, "a multiple-response question needs right and wrong options")


def _true_false_options(source: TomlSource, entry: dict, line: int) -> tuple[OptionSpec, ...]:
    answer = entry.get("answer")
    if "options" in entry:
        source.problem(source.line_of("options", line), "a true-false question has no options")
    if not isinstance(answer, bool):
        source.problem(source.line_of("answer", line), "'answer' must be true or false")
        return ()
    return tuple(
        OptionSpec(key, text, (key == "true") == answer) for key, text in TRUE_FALSE_OPTIONS
    )
