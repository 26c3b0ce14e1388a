"""Read and validate quiz files: ``content/<course>/quizzes/*.toml`` (pure, like lessons).

One file per module quiz (its question bank, objectives, topics, settings and draw blueprint)
and one final exam per course, with its own questions, never shown in a module quiz: each
names the module it assesses and that module's objective and topic. The format is documented
in ``content/README.md``; every problem is reported as ``file:line: message``.
"""

from dataclasses import dataclass, field
from pathlib import Path

from course_app.quizzes.content_items import (
    FINAL_QUESTION_KEYS,
    OptionSpec,
    QuestionSpec,
    Vocabulary,
    check_question,
    entries,
    parse_cases,
    parse_question,
)
from course_app.quizzes.content_rules import (
    check_final_blueprint,
    check_module_blueprint,
    read_blueprint,
    set_problems,
)
from course_app.quizzes.draw import BlueprintRow
from course_app.quizzes.grading import Scoring
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
    unknown_keys,
)

__all__ = ["FINAL_EXAM_SLUG", "OptionSpec", "QuestionSpec", "QuizSettings", "QuizSpec"]

FINAL_EXAM_SLUG = "final-exam"
SETTINGS_KEYS = {
    "title",
    "pass_mark",
    "attempts",
    "cooldown_minutes",
    "time_limit_minutes",
    "shuffle_questions",
    "feedback",
    "must_pass_fails_attempt",
    "multiple_response",
}
MODULE_QUIZ_KEYS = SETTINGS_KEYS | {
    "module",
    "objectives",
    "topics",
    "required_topics",
    "blueprint",
    "cases",
    "questions",
}
FINAL_KEYS = SETTINGS_KEYS | {"final", "blueprint", "cases", "questions"}


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
    #: {topic key: what it is about}; a module quiz's topics (a final uses its modules').
    topics: dict[str, str] = field(default_factory=dict)
    #: Topics every attempt includes, besides those holding a must-pass question.
    required_topics: tuple[str, ...] = ()

    @property
    def is_final(self) -> bool:
        return self.module is None


def parse_quizzes(
    directory: Path, modules: dict[str, str], references: set[str]
) -> tuple[tuple[QuizSpec, ...], list[ContentProblem]]:
    """Parse ``directory/quizzes/*.toml`` for a course whose modules are {slug: title}.

    Module quizzes first: a final exam's questions use their objectives and topics.
    ``<slug>.fr.toml`` files are French translations of a quiz's text, not quizzes."""
    paths = [path for path in sorted(directory.glob("*.toml")) if not _is_translation(path)]
    loaded = [_load(path) for path in paths]
    quizzes: list[QuizSpec] = []
    for source, data in loaded:
        if data is not None and data.get("final") is not True:
            quizzes.append(_module_quiz(source, data, modules, references))
    banks = {quiz.module: quiz for quiz in quizzes}
    for source, data in loaded:
        if data is not None and data.get("final") is True:
            quizzes.append(_final_exam(source, data, banks, references))
    problems = [problem for source, _data in loaded for problem in source.problems]
    problems.extend(set_problems(quizzes))
    return tuple(quizzes), problems


def _is_translation(path: Path) -> bool:
    return path.name.endswith(".fr.toml")


def _load(path: Path) -> tuple[TomlSource, dict | None]:
    source = TomlSource(str(path), path.read_text(encoding="utf-8"))
    return source, load_toml(source)


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
    unknown_keys(source, data, MODULE_QUIZ_KEYS)
    module = read_slug(source, data, "module")
    if module and module not in modules:
        source.problem(
            source.line_of("module", 0), f"module {module!r} is not listed in course.toml"
        )
    objectives = _titles(source, data, "objectives", required=True)
    topics = _titles(source, data, "topics", required=False)
    names = Vocabulary(set(objectives), set(topics), references)
    cases = parse_cases(source, data)
    questions = []
    for entry, line in _question_entries(source, data):
        question = parse_question(source, entry, line, module, cases)
        check_question(source, question, line, names)
        questions.append(question)
    quiz = QuizSpec(
        slug=module,
        module=module,
        title=read_text(source, data, "title", required=False)
        or f"Quiz: {modules.get(module, module)}",
        settings=_settings(source, data),
        objectives=objectives,
        blueprint=read_blueprint(source, data, final=False),
        questions=tuple(questions),
        path=source.path,
        topics=topics,
        required_topics=_required_topics(source, data, set(topics)),
    )
    check_module_blueprint(source, quiz)
    return quiz


def _final_exam(
    source: TomlSource, data: dict, banks: dict[str, QuizSpec], references: set[str]
) -> QuizSpec:
    unknown_keys(source, data, FINAL_KEYS)
    settings = _settings(source, data)
    if settings.feedback is not FeedbackPolicy.NEVER:
        message = 'a final exam shows the score and objectives, never the key: feedback = "never"'
        source.problem(source.line_of("feedback"), message)
    cases = parse_cases(source, data)
    questions = [
        _final_question(source, entry, line, cases, banks, references)
        for entry, line in _question_entries(source, data)
    ]
    quiz = QuizSpec(
        slug=FINAL_EXAM_SLUG,
        module=None,
        title=read_text(source, data, "title", required=False) or "Final exam",
        settings=settings,
        objectives={},
        blueprint=read_blueprint(source, data, final=True),
        questions=tuple(questions),
        path=source.path,
    )
    check_final_blueprint(source, quiz, banks)
    return quiz


def _final_question(
    source: TomlSource,
    entry: dict,
    line: int,
    cases: dict[str, tuple[str, str]],
    banks: dict[str, QuizSpec],
    references: set[str],
) -> QuestionSpec:
    module = entry.get("module")
    bank = banks.get(module) if isinstance(module, str) else None
    if bank is None:
        message = (
            f"'module' must name a module with a quiz file (its objectives and topics): {module!r}"
        )
        source.problem(source.line_of("module", line), message)
    question = parse_question(
        source, entry, line, module if isinstance(module, str) else "", cases, FINAL_QUESTION_KEYS
    )
    if bank is not None:
        names = Vocabulary(set(bank.objectives), set(bank.topics), references)
        check_question(source, question, line, names)
    return question


def _question_entries(source: TomlSource, data: dict) -> list[tuple[dict, int]]:
    found = entries(source, data, "questions")
    if not found:
        source.problem(source.first_line, "add at least one [[questions]] table")
    return found


def _titles(source: TomlSource, data: dict, key: str, required: bool) -> dict[str, str]:
    """A table of ``key = "what it is"`` (objectives, topics)."""
    if key not in data and not required:
        return {}
    table = data.get(key)
    valid = isinstance(table, dict) and table
    if not valid or not all(isinstance(v, str) and v.strip() for v in table.values()):
        source.problem(source.line_of(key), f'add a [{key}] table: key = "what it is"')
        return {}
    return {name: text.strip() for name, text in table.items()}


def _required_topics(source: TomlSource, data: dict, topics: set[str]) -> tuple[str, ...]:
    required = data.get("required_topics", [])
    if not isinstance(required, list) or not all(t in topics for t in required):
        message = "'required_topics' must list keys of [topics]"
        source.problem(source.line_of("required_topics"), message)
        return ()
    return tuple(required)
