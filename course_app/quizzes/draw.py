"""Which questions an attempt shows, and in what order: seeded, so it can be shown again.

Pure functions. The attempt stores its seed and the outcome, so a later change to the pool,
the blueprint or this code never changes what a past attempt showed.
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PoolQuestion:
    key: str
    module: str
    objective: str
    case: str | None
    option_keys: tuple[str, ...]


@dataclass(frozen=True)
class BlueprintRow:
    """Draw ``count`` questions from those matching the module and/or objective given."""

    count: int
    module: str | None = None
    objective: str | None = None

    def matches(self, question: PoolQuestion) -> bool:
        return (self.module is None or question.module == self.module) and (
            self.objective is None or question.objective == self.objective
        )


@dataclass(frozen=True)
class DrawnQuestion:
    key: str
    option_order: tuple[str, ...]


def _rng(seed: int) -> random.Random:
    # Not for secrets: a reproducible order is the point.
    return random.Random(seed)  # noqa: S311  # nosec B311


def draw_questions(
    pool: Sequence[PoolQuestion],
    blueprint: Sequence[BlueprintRow],
    seed: int,
    shuffle_questions: bool,
) -> list[DrawnQuestion]:
    """Draw per blueprint row (no question twice), order them, and shuffle their options.

    Questions sharing a case vignette stay next to each other so the case is read once.
    Options are always shuffled (true/false keeps True before False): authors tend to write the
    key first, so an unshuffled order would tell it.
    """
    rng = _rng(seed)
    chosen = _draw_keys(pool, blueprint, rng)
    by_key = {question.key: question for question in pool}
    ordered = [q for q in pool if q.key in chosen]  # pool order unless shuffled
    groups = _case_groups(ordered)
    if shuffle_questions:
        rng.shuffle(groups)
    return [
        DrawnQuestion(q.key, _option_order(by_key[q.key], rng)) for group in groups for q in group
    ]


def _draw_keys(
    pool: Sequence[PoolQuestion], blueprint: Sequence[BlueprintRow], rng: random.Random
) -> set[str]:
    if not blueprint:
        return {question.key for question in pool}
    chosen: set[str] = set()
    for row in blueprint:
        candidates = sorted(q.key for q in pool if row.matches(q) and q.key not in chosen)
        chosen.update(rng.sample(candidates, min(row.count, len(candidates))))
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
