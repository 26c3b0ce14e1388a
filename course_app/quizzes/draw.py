"""Which questions an attempt shows, and in what order: seeded, so it can be shown again.

Pure functions. The attempt stores its seed and the outcome, so a later change to the pool,
the blueprint or this code never changes what a past attempt showed.

Coverage is built into the draw, not hoped for: first every required question, then one
question of each required topic (every topic holding a must-pass question is required; a final
exam requires them per module) that is not covered yet, then each blueprint row tops up to its
count. :func:`coverage_problems` states what the pool must hold for that to work, and the
content checker refuses files that break it.
"""

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PoolQuestion:
    key: str
    module: str
    objective: str
    case: str | None
    option_keys: tuple[str, ...]
    topic: str | None = None
    required: bool = False
    must_pass: bool = False


@dataclass(frozen=True)
class BlueprintRow:
    """Draw ``count`` questions from those matching the module, objective and topic given."""

    count: int
    module: str | None = None
    objective: str | None = None
    topic: str | None = None

    def matches(self, question: PoolQuestion) -> bool:
        return (
            (self.module is None or question.module == self.module)
            and (self.objective is None or question.objective == self.objective)
            and (self.topic is None or question.topic == self.topic)
        )


#: A topic that must appear in every attempt: (module, topic key).
Topic = tuple[str, str]


@dataclass(frozen=True)
class DrawnQuestion:
    key: str
    option_order: tuple[str, ...]


def _rng(seed: int) -> random.Random:
    # Not for secrets: a reproducible order is the point.
    return random.Random(seed)  # noqa: S311  # nosec B311


def required_topics(pool: Iterable[PoolQuestion], declared: Iterable[Topic] = ()) -> set[Topic]:
    """The topics every attempt must include: those declared, and each holding a must-pass
    question."""
    return set(declared) | {(q.module, q.topic) for q in pool if q.must_pass and q.topic}


def draw_questions(
    pool: Sequence[PoolQuestion],
    blueprint: Sequence[BlueprintRow],
    seed: int,
    shuffle_questions: bool,
    topics: Iterable[Topic] = (),
) -> list[DrawnQuestion]:
    """Draw (required questions, required topics, then the blueprint; no question twice),
    order them, and shuffle their options.

    Questions sharing a case vignette stay next to each other so the case is read once.
    Options are always shuffled (true/false keeps True before False): authors tend to write the
    key first, so an unshuffled order would tell it.
    """
    rng = _rng(seed)
    chosen = _draw_keys(pool, blueprint, required_topics(pool, topics), rng)
    by_key = {question.key: question for question in pool}
    ordered = [q for q in pool if q.key in chosen]  # pool order unless shuffled
    groups = _case_groups(ordered)
    if shuffle_questions:
        rng.shuffle(groups)
    return [
        DrawnQuestion(q.key, _option_order(by_key[q.key], rng)) for group in groups for q in group
    ]


def _draw_keys(
    pool: Sequence[PoolQuestion],
    blueprint: Sequence[BlueprintRow],
    topics: set[Topic],
    rng: random.Random,
) -> set[str]:
    if not blueprint:
        return {question.key for question in pool}
    chosen = {q.key for q in pool if q.required}
    for module, topic in sorted(topics):
        members = sorted(q.key for q in pool if (q.module, q.topic) == (module, topic))
        if members and not chosen.intersection(members):
            chosen.add(rng.choice(members))
    for row in blueprint:
        have = sum(1 for q in pool if q.key in chosen and row.matches(q))
        candidates = sorted(q.key for q in pool if row.matches(q) and q.key not in chosen)
        chosen.update(rng.sample(candidates, min(max(row.count - have, 0), len(candidates))))
    return chosen


def _case_groups(questions: list[PoolQuestion]) -> list[list[PoolQuestion]]:
    groups: list[list[PoolQuestion]] = []
    by_case: dict[str, list[PoolQuestion]] = {}
    for question in questions:
        if question.case is None:
            groups.append([question])
        elif question.case in by_case:
            by_case[question.case].append(question)
        else:
            by_case[question.case] = [question]
            groups.append(by_case[question.case])
    return groups


def _option_order(question: PoolQuestion, rng: random.Random) -> tuple[str, ...]:
    keys = list(question.option_keys)
    if len(keys) > 2:  # true/false keeps True before False
        rng.shuffle(keys)
    return tuple(keys)


def pool_size(pool: Sequence[PoolQuestion], row: BlueprintRow) -> int:
    return sum(1 for question in pool if row.matches(question))


def coverage_problems(
    pool: Sequence[PoolQuestion],
    blueprint: Sequence[BlueprintRow],
    topics: Iterable[Topic] = (),
    pool_name: str = "the bank",
) -> list[str]:
    """Why this pool and blueprint could not keep the coverage promise; [] when they can.

    Every required topic needs a question in the pool, and every row enough questions. The
    draw then includes them all in every attempt by construction."""
    problems = []
    for module, topic in sorted(required_topics(pool, topics)):
        if not any((q.module, q.topic) == (module, topic) for q in pool):
            problems.append(
                f"topic {topic!r} of {module!r} must be in every attempt, but {pool_name} has "
                "no question on it"
            )
    for row in blueprint:
        if pool_size(pool, row) < row.count:
            size = pool_size(pool, row)
            problems.append(f"draw = {row.count} but {pool_name} has {size} such questions")
    return problems
