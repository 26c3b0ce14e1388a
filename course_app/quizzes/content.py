"""Read and validate quiz files: ``content/<course>/quizzes/*.toml`` (pure, like lessons).

One file per module quiz (its question bank, settings and draw blueprint) and one final exam
per course, which draws from the module banks. The format is documented in
``content/README.md``; every problem is reported as ``file:line: message``.
"""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from course_app.claims import ARTICLE_CLAIMS
from course_app.quizzes.draw import BlueprintRow, PoolQuestion, pool_size
from course_app.quizzes.grading import QuestionType, Scoring
from course_app.quizzes.rules import FeedbackPolicy
from course_app.toml_source import (
    ContentProblem,
    TomlSource,
    load_toml,
    read_bool,
    read_choice,
    read_integer,
    read_slug,
    read_text,
    table_lines,
    unknown_keys,
)

FINAL_EXAM_SLUG = "final-exam"
QUIZ_KEYS = {
    "title",
    "module",
    "final",
    "pass_mark",
    "attempts",
    "cooldown_minutes",
    "time_limit_minutes",
    "shuffle_questions",
    "feedback",
    "must_pass_fails_attempt",
    "multiple_response",
    "objectives",
    "blueprint",
    "cases",
    "questions",
}
QUESTION_KEYS = {
    "key",
    "type",
    "objective",
    "case",
    "prompt",
    "options",
    "answer",
    "rationale",
    "source",
    "must_pass",
    "claims",
}
OPTION_KEYS = "abcdefgh"
#: Options allowed per type: single best answer 4–5 (item-writing guidance), multiple 4–8.
OPTION_COUNTS = {QuestionType.SINGLE: (4, 5), QuestionType.MULTIPLE: (4, 8)}
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

    @property
    def content_hash(self) -> str:
        """Identifies this version: any change to what is shown or graded makes a new one."""
        metadata = {"key", "module", "claims", "line"}
        data = {k: v for k, v in vars(self).items() if k not in metadata}
        data["options"] = [vars(option) for option in self.options]
        encoded = json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(encoded).hexdigest()

    def as_pool_question(self) -> PoolQuestion:
        keys = tuple(option.key for option in self.options)
        return PoolQuestion(self.key, self.module, self.objective, self.case, keys)


@dataclass(frozen=True)
class QuizSettings:
    pass_mark: int
    max_attempts: int
    cooldown_minutes: int
    time_limit_minutes: int
    shuffle_questions: bool
    feedback: FeedbackPolicy
    must_pass_fails_attempt: bool
    scoring: Scoring


@dataclass(frozen=True)
class QuizSpec:
    slug: str
    module: str | None  # None: the course's final exam
    title: str
    settings: QuizSettings
    objectives: dict[str, str]
    blueprint: tuple[BlueprintRow, ...]
    questions: tuple[QuestionSpec, ...]
    path: str


def parse_quizzes(
    directory: Path, modules: dict[str, str], references: set[str]
) -> tuple[tuple[QuizSpec, ...], list[ContentProblem]]:
    """Parse ``directory/quizzes/*.toml`` for a course whose modules are {slug: title}."""
    problems: list[ContentProblem] = []
    parsed = [_parse_file(path, modules, references) for path in sorted(directory.glob("*.toml"))]
    quizzes: list[QuizSpec] = []
    for quiz, source in parsed:
        problems.extend(source.problems)
        if quiz is not None:
            quizzes.append(quiz)
    problems.extend(_set_problems(quizzes))
    return tuple(quizzes), problems


def _parse_file(
    path: Path, modules: dict[str, str], references: set[str]
) -> tuple[QuizSpec | None, TomlSource]:
    source = TomlSource(str(path), path.read_text(encoding="utf-8"))
    data = load_toml(source)
    if data is None:
        return None, source
    unknown_keys(source, data, QUIZ_KEYS)
    if data.get("final") is True:
        return _final_exam(source, data), source
    return _module_quiz(source, data, modules, references), source


def _settings(source: TomlSource, data: dict) -> QuizSettings:
    return QuizSettings(
        pass_mark=read_integer(source, data, "pass_mark", 1, 100),
        max_attempts=read_integer(source, data, "attempts", 0, 50, default=0),
        cooldown_minutes=read_integer(source, data, "cooldown_minutes", 0, 10080, default=0),
        time_limit_minutes=read_integer(source, data, "time_limit_minutes", 0, 600, default=0),
        shuffle_questions=read_bool(source, data, "shuffle_questions", True),
        feedback=FeedbackPolicy(
            read_choice(source, data, "feedback", tuple(FeedbackPolicy), "immediately")
        ),
        must_pass_fails_attempt=read_bool(source, data, "must_pass_fails_attempt", True),
        scoring=Scoring(
            read_choice(source, data, "multiple_response", tuple(Scoring), "all-or-nothing")
        ),
    )


def _module_quiz(
    source: TomlSource, data: dict, modules: dict[str, str], references: set[str]
) -> QuizSpec:
    module = read_slug(source, data, "module")
    if module and module not in modules:
        source.problem(source.line_of("module"), f"module {module!r} is not listed in course.toml")
    objectives = _objectives(source, data)
    cases = _cases(source, data)
    questions = _questions(source, data, module, set(objectives), cases, references)
    blueprint = _blueprint(source, data, required=False)
    _check_module_blueprint(source, blueprint, set(objectives), questions)
    title = read_text(source, data, "title", required=False)
    return QuizSpec(
        slug=module,
        module=module,
        title=title or f"Quiz: {modules.get(module, module)}",
        settings=_settings(source, data),
        objectives=objectives,
        blueprint=blueprint,
        questions=questions,
        path=source.path,
    )


def _final_exam(source: TomlSource, data: dict) -> QuizSpec:
    for key in ("module", "objectives", "cases", "questions"):
        if key in data:
            message = f"a final exam draws from the module quizzes: remove '{key}'"
            source.problem(source.line_of(key), message)
    return QuizSpec(
        slug=FINAL_EXAM_SLUG,
        module=None,
        title=read_text(source, data, "title", required=False) or "Final exam",
        settings=_settings(source, data),
        objectives={},
        blueprint=_blueprint(source, data, required=True),
        questions=(),
        path=source.path,
    )


def _objectives(source: TomlSource, data: dict) -> dict[str, str]:
    objectives = data.get("objectives")
    valid = isinstance(objectives, dict) and objectives
    if not valid or not all(isinstance(v, str) and v.strip() for v in objectives.values()):
        message = 'add an [objectives] table: key = "what the learner can do"'
        source.problem(source.line_of("objectives"), message)
        return {}
    return {key: text.strip() for key, text in objectives.items()}


def _entries(source: TomlSource, data: dict, key: str) -> list[tuple[dict, int]]:
    """The tables of ``[[key]]`` with their header lines (an absent key gives none)."""
    entries = data.get(key, [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        source.problem(source.line_of(key), f"'{key}' must be written as [[{key}]] tables")
        return []
    lines = table_lines(source, key) + [source.first_line] * len(entries)
    return list(zip(entries, lines, strict=False))


def _cases(source: TomlSource, data: dict) -> dict[str, tuple[str, str]]:
    cases: dict[str, tuple[str, str]] = {}
    for entry, line in _entries(source, data, "cases"):
        unknown_keys(source, entry, {"key", "title", "text"}, after=line)
        key = read_slug(source, entry, "key", after=line)
        if key in cases:
            source.problem(line, f"case key {key!r} is used twice")
        title = read_text(source, entry, "title", after=line)
        cases[key] = (title, read_text(source, entry, "text", after=line))
    return cases


def _questions(
    source: TomlSource,
    data: dict,
    module: str,
    objectives: set[str],
    cases: dict[str, tuple[str, str]],
    references: set[str],
) -> tuple[QuestionSpec, ...]:
    questions: list[QuestionSpec] = []
    entries = _entries(source, data, "questions")
    if not entries:
        source.problem(source.first_line, "add at least one [[questions]] table")
    for entry, line in entries:
        question = _question(source, entry, line, module, cases)
        _check_question_links(source, question, line, objectives, references)
        if question.key in {q.key for q in questions}:
            source.problem(line, f"question key {question.key!r} is used twice")
        questions.append(question)
    return tuple(questions)


def _question(
    source: TomlSource, entry: dict, line: int, module: str, cases: dict[str, tuple[str, str]]
) -> QuestionSpec:
    unknown_keys(source, entry, QUESTION_KEYS, after=line)
    kind = entry.get("type")
    if kind not in tuple(QuestionType):
        choices = ", ".join(QuestionType)
        source.problem(source.line_of("type", line), f"'type' must be one of: {choices}")
        kind = QuestionType.SINGLE
    case = entry.get("case")
    case_title, case_text = cases.get(case, ("", "")) if isinstance(case, str) else ("", "")
    if case is not None and (not isinstance(case, str) or case not in cases):
        source.problem(source.line_of("case", line), f"case {case!r} is not a [[cases]] key")
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
    )


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


def _check_question_links(
    source: TomlSource,
    question: QuestionSpec,
    line: int,
    objectives: set[str],
    references: set[str],
) -> None:
    if question.objective and question.objective not in objectives:
        message = f"objective {question.objective!r} is not in [objectives]"
        source.problem(source.line_of("objective", line), message)
    if question.source and question.source not in references:
        message = f"source {question.source!r} is not in the course's [[references]]"
        source.problem(source.line_of("source", line), message)


def _blueprint(source: TomlSource, data: dict, required: bool) -> tuple[BlueprintRow, ...]:
    rows = []
    entries = _entries(source, data, "blueprint")
    if required and not entries:
        source.problem(source.first_line, 'add [[blueprint]] tables: module = "…", draw = N')
    for entry, line in entries:
        unknown_keys(source, entry, {"module", "objective", "draw"}, after=line)
        count = read_integer(source, entry, "draw", 1, 200, after=line)
        module = entry.get("module") if isinstance(entry.get("module"), str) else None
        objective = entry.get("objective") if isinstance(entry.get("objective"), str) else None
        if required and module is None:
            source.problem(line, "each final-exam [[blueprint]] row names a module")
        rows.append(BlueprintRow(count, module, objective))
    return tuple(rows)


def _check_module_blueprint(
    source: TomlSource,
    blueprint: tuple[BlueprintRow, ...],
    objectives: set[str],
    questions: tuple[QuestionSpec, ...],
) -> None:
    pool = [question.as_pool_question() for question in questions]
    lines = table_lines(source, "blueprint")
    for row, line in zip(blueprint, lines, strict=False):
        if row.module is not None:
            source.problem(line, "a module quiz draws from its own bank: remove 'module'")
        elif row.objective is not None and row.objective not in objectives:
            source.problem(line, f"objective {row.objective!r} is not in [objectives]")
        elif pool_size(pool, row) < row.count:
            message = f"draw = {row.count} but the bank has {pool_size(pool, row)} such questions"
            source.problem(line, message)


def _set_problems(quizzes: list[QuizSpec]) -> list[ContentProblem]:
    """One quiz per module, one final exam; question keys unique in the course; the final
    exam's blueprint names modules that have a quiz with enough questions."""
    problems: list[ContentProblem] = []
    seen: dict[str, str] = {}
    for quiz in quizzes:
        if quiz.slug in seen:
            message = f"{quiz.slug!r} already has a quiz file: {seen[quiz.slug]}"
            problems.append(ContentProblem(quiz.path, 1, message))
        seen.setdefault(quiz.slug, quiz.path)
    problems.extend(_duplicate_question_keys(quizzes))
    for final in (quiz for quiz in quizzes if quiz.module is None):
        problems.extend(_final_blueprint_problems(final, quizzes))
    return problems


def _duplicate_question_keys(quizzes: list[QuizSpec]) -> list[ContentProblem]:
    problems, seen = [], {}
    for quiz in quizzes:
        for question in quiz.questions:
            if question.key in seen and seen[question.key] != quiz.path:
                message = f"question key {question.key!r} is also used in {seen[question.key]}"
                problems.append(ContentProblem(quiz.path, 1, message))
            seen.setdefault(question.key, quiz.path)
    return problems


def _final_blueprint_problems(final: QuizSpec, quizzes: list[QuizSpec]) -> list[ContentProblem]:
    source = TomlSource(final.path, Path(final.path).read_text(encoding="utf-8"))
    banks = {quiz.module: quiz for quiz in quizzes if quiz.module}
    pool = [q.as_pool_question() for quiz in banks.values() for q in quiz.questions]
    for row, line in zip(final.blueprint, table_lines(source, "blueprint"), strict=False):
        bank = banks.get(row.module or "")
        if bank is None:
            source.problem(line, f"module {row.module!r} has no quiz file to draw from")
        elif row.objective is not None and row.objective not in bank.objectives:
            source.problem(line, f"objective {row.objective!r} is not in {bank.path}")
        elif pool_size(pool, row) < row.count:
            message = f"draw = {row.count} but the bank has {pool_size(pool, row)} such questions"
            source.problem(line, message)
    return source.problems
