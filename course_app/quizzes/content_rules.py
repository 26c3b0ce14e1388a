"""The rules that tie quiz files together: draw blueprints, the coverage every attempt must
keep, unique question keys, and final exams that never reuse a module quiz's questions.

Pure functions over parsed specs; problems are ``file:line: message``.
"""

import re
from pathlib import Path
from typing import TYPE_CHECKING

from course_app.quizzes.content_items import entries
from course_app.quizzes.draw import (
    BlueprintRow,
    Topic,
    coverage_problems,
    draw_questions,
    pool_size,
)
from course_app.toml_source import ContentProblem, TomlSource, table_lines, unknown_keys

if TYPE_CHECKING:
    from course_app.quizzes.content import QuizSpec


def read_blueprint(source: TomlSource, data: dict, final: bool) -> tuple[BlueprintRow, ...]:
    rows = []
    found = entries(source, data, "blueprint")
    if final and not found:
        source.problem(source.first_line, 'add [[blueprint]] tables: module = "…", draw = N')
    for entry, line in found:
        unknown_keys(source, entry, {"module", "objective", "topic", "draw"}, after=line)
        count = entry.get("draw")
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 200:
            source.problem(
                source.line_of("draw", line), "'draw' must be a whole number from 1 to 200"
            )
            count = 1
        module, objective, topic = (
            entry.get(key) if isinstance(entry.get(key), str) else None
            for key in ("module", "objective", "topic")
        )
        if final and module is None:
            source.problem(line, "each final-exam [[blueprint]] row names a module")
        if not final and module is not None:
            source.problem(line, "a module quiz draws from its own bank: remove 'module'")
        rows.append(BlueprintRow(count, module, objective, topic))
    return tuple(rows)


def module_topics(quiz: "QuizSpec") -> list[Topic]:
    """The topics every attempt of this module's quiz and of the final must include."""
    must_pass = {q.topic for q in quiz.questions if q.must_pass and q.topic}
    return [(quiz.module or "", topic) for topic in sorted(must_pass | set(quiz.required_topics))]


def check_module_blueprint(source: TomlSource, quiz: "QuizSpec") -> None:
    pool = [question.as_pool_question() for question in quiz.questions]
    for row, line in zip(quiz.blueprint, table_lines(source, "blueprint"), strict=False):
        if row.objective is not None and row.objective not in quiz.objectives:
            source.problem(line, f"objective {row.objective!r} is not in [objectives]")
        elif row.topic is not None and row.topic not in quiz.topics:
            source.problem(line, f"topic {row.topic!r} is not in [topics]")
        elif pool_size(pool, row) < row.count:
            message = f"draw = {row.count} but the bank has {pool_size(pool, row)} such questions"
            source.problem(line, message)
    for problem in coverage_problems(pool, (), module_topics(quiz), "this bank"):
        source.problem(_header_line(source, "topics"), problem)


def _header_line(source: TomlSource, table: str) -> int:
    lines = source.text.splitlines()
    found = [n for n, line in enumerate(lines, start=1) if line.strip() == f"[{table}]"]
    return found[0] if found else source.first_line


def check_final_blueprint(
    source: TomlSource, final: "QuizSpec", banks: dict[str, "QuizSpec"]
) -> None:
    """Each row names a module with a quiz and asks no more than the final's own questions
    about it hold; every module's must-pass and required topics have a final question."""
    pool = [question.as_pool_question() for question in final.questions]
    for row, line in zip(final.blueprint, table_lines(source, "blueprint"), strict=False):
        bank = banks.get(row.module or "")
        if bank is None:
            source.problem(line, f"module {row.module!r} has no quiz file")
        elif row.objective is not None and row.objective not in bank.objectives:
            source.problem(line, f"objective {row.objective!r} is not in {bank.path}")
        elif pool_size(pool, row) < row.count:
            message = (
                f"draw = {row.count} but the final has {pool_size(pool, row)} such questions "
                "of its own"
            )
            source.problem(line, message)
    topics = [topic for bank in banks.values() for topic in module_topics(bank)]
    for problem in coverage_problems(pool, (), topics, "the final exam's own questions"):
        source.problem(source.first_line, problem)


def set_problems(quizzes: list["QuizSpec"]) -> list[ContentProblem]:
    """One quiz per module and one final exam; question keys unique in the course; no final
    question that repeats a module quiz's question."""
    problems: list[ContentProblem] = []
    seen: dict[str, str] = {}
    for quiz in quizzes:
        if quiz.slug in seen:
            message = f"{quiz.slug!r} already has a quiz file: {seen[quiz.slug]}"
            problems.append(ContentProblem(quiz.path, 1, message))
        seen.setdefault(quiz.slug, quiz.path)
    problems.extend(_duplicate_question_keys(quizzes))
    problems.extend(_final_overlap(quizzes))
    return problems


def _duplicate_question_keys(quizzes: list["QuizSpec"]) -> list[ContentProblem]:
    problems, seen = [], {}
    for quiz in quizzes:
        for question in quiz.questions:
            if question.key in seen:
                message = f"question key {question.key!r} is also used in {seen[question.key]}"
                problems.append(ContentProblem(quiz.path, question.line, message))
            seen.setdefault(question.key, Path(quiz.path).name)
    return problems


def normalised(text: str) -> str:
    """A prompt reduced to its words: case, punctuation and spacing do not make it new."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _final_overlap(quizzes: list["QuizSpec"]) -> list[ContentProblem]:
    """A final exam certifies: its questions must not be ones learners met, with the answers,
    in a module quiz."""
    seen = {
        normalised(q.prompt): (q.key, Path(quiz.path).name)
        for quiz in quizzes
        if not quiz.is_final
        for q in quiz.questions
    }
    problems = []
    for final in (quiz for quiz in quizzes if quiz.is_final):
        for question in final.questions:
            twin = seen.get(normalised(question.prompt))
            if twin and question.prompt:
                message = (
                    f"question {question.key!r} repeats {twin[0]!r} of {twin[1]}: a final exam "
                    "uses questions never shown in a module quiz"
                )
                problems.append(ContentProblem(final.path, question.line, message))
    return problems


#: Draws tried when looking for questions no attempt can show (seeded: the same every run).
TRIAL_DRAWS = 300


def never_drawn_warnings(courses) -> list:
    """Questions the blueprint can never show: e.g. a row whose count is filled every time by
    the required questions and topics that match it. They cost writing and reviewing, and
    test nothing."""
    from course_app.content_warnings import ContentWarning

    warnings = []
    for course in courses:
        banks = {quiz.module: quiz for quiz in course.quizzes if not quiz.is_final}
        topics = [topic for bank in banks.values() for topic in module_topics(bank)]
        for quiz in course.quizzes:
            for question in _never_drawn(quiz, topics if quiz.is_final else module_topics(quiz)):
                message = (
                    f"question {question.key!r} is never drawn: the blueprint's rows are filled "
                    "by required questions and topics first; raise a row's draw or drop it"
                )
                warnings.append(
                    ContentWarning(quiz.path, question.line, "never-drawn", question.key, message)
                )
    return warnings


def _never_drawn(quiz: "QuizSpec", topics: list[Topic]) -> list:
    if not quiz.blueprint:
        return []
    pool = [question.as_pool_question() for question in quiz.questions]
    seen: set[str] = set()
    for seed in range(TRIAL_DRAWS):
        seen.update(d.key for d in draw_questions(pool, quiz.blueprint, seed, False, topics))
        if len(seen) == len(pool):
            return []
    return [question for question in quiz.questions if question.key not in seen]
