"""Read a course's ``[[evaluation]]`` tables from ``course.toml`` (format in
``content/README.md``); problems are reported at their line like every content problem."""

from course_app.evaluation.questions import KINDS, MAX_PROMPT, MAX_QUESTIONS, RATING, Question
from course_app.toml_source import (
    TomlSource,
    array_of_tables,
    read_bool,
    read_slug,
    read_text,
    unknown_keys,
)

ALLOWED = {"key", "prompt", "kind", "required"}


def parse_evaluation(source: TomlSource, data: dict) -> tuple[Question, ...]:
    """The evaluation questions, in order; none when the course asks for no evaluation."""
    if "evaluation" not in data:
        return ()
    questions: list[Question] = []
    entries = array_of_tables(source, data, "evaluation")
    if len(entries) > MAX_QUESTIONS:
        message = f"an evaluation has at most {MAX_QUESTIONS} questions: keep it short"
        source.problem(entries[MAX_QUESTIONS][1], message)
    for entry, line in entries:
        if not isinstance(entry, dict):
            source.problem(line, "each [[evaluation]] entry must be a table")
            continue
        questions.append(_question(source, entry, line, {q.key for q in questions}))
    if questions and not any(q.required for q in questions):
        source.problem(entries[0][1], "an evaluation needs at least one required question")
    return tuple(questions)


def _question(source: TomlSource, entry: dict, line: int, keys: set[str]) -> Question:
    unknown_keys(source, entry, ALLOWED, after=line)
    key = read_slug(source, entry, "key", after=line)
    if key in keys:
        source.problem(line, f"evaluation question key {key!r} is used twice")
    prompt = read_text(source, entry, "prompt", after=line)
    if len(prompt) > MAX_PROMPT:
        message = f"'prompt' must be at most {MAX_PROMPT} characters"
        source.problem(source.line_of("prompt", line), message)
    kind = entry.get("kind", RATING)
    if kind not in KINDS:
        message = f"'kind' must be one of: {', '.join(KINDS)}"
        source.problem(source.line_of("kind", line), message)
        kind = RATING
    required = read_bool(source, entry, "required", kind == RATING, after=line)
    return Question(key, prompt, kind, required)
