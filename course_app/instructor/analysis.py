"""Item analysis for one quiz, computed by SQL aggregation (seven queries, whatever the size).

The database returns sums per item and per group; :mod:`course_app.instructor.stats` turns them
into statistics. Only graded attempts count. The item-writing warnings of the bank and of each
item shown come with them (:mod:`course_app.instructor.item_review`, three more queries).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from course_app.instructor import item_review, stats
from course_app.quizzes.models import Attempt, AttemptItem, Question, QuestionVersion, Quiz
from course_app.quizzes.rules import AttemptStatus

GRADED = Attempt.status != AttemptStatus.IN_PROGRESS


@dataclass(frozen=True)
class OptionCount:
    key: str
    text: str
    correct: bool
    chosen: int


@dataclass
class ItemStats:
    version: QuestionVersion
    key: str
    n: int
    facility: float | None
    r: float | None
    d: float | None
    options: list[OptionCount] = field(default_factory=list)
    unanswered: int = 0
    #: Fewer answers than this: no flag (the statistics are noise).
    min_answers: int = stats.MIN_ATTEMPTS_FOR_STABLE_STATISTICS

    @property
    def flags(self) -> list[str]:
        if self.n < self.min_answers:
            return []
        return stats.flags(self.facility, self.r, self.d)


@dataclass(frozen=True)
class QuizStats:
    quiz: Quiz
    attempts: int
    mean_score: float | None
    alpha: float | None
    histogram: list[int]
    items: list[ItemStats]
    checks: item_review.QuizReview
    min_answers: int = stats.MIN_ATTEMPTS_FOR_STABLE_STATISTICS

    @property
    def few_attempts(self) -> bool:
        return self.attempts < self.min_answers


def analyse(
    session: Session, quiz: Quiz, min_answers: int = stats.MIN_ATTEMPTS_FOR_STABLE_STATISTICS
) -> QuizStats:
    """The quiz's statistics; an item answered fewer than ``min_answers`` times is not
    flagged (the ITEM_ANALYSIS_MIN_ANSWERS setting)."""
    totals = _totals(quiz.id)
    row = session.execute(
        select(
            func.count(),
            func.sum(totals.c.total),
            func.sum(totals.c.total * totals.c.total),
            func.sum(totals.c.k),
        )
    ).one()
    # PostgreSQL returns NUMERIC (Decimal) for some sums: compute in floats.
    n = int(row[0])
    sum_t, sum_tt, sum_k = (float(value or 0) for value in row[1:])
    sums = _item_sums(session, totals)
    groups = _upper_lower(session, quiz.id, n)
    items = _items(session, sums, groups, _responses(session, quiz.id))
    for item in items:
        item.min_answers = min_answers
    item_variances = [stats.variance(s.n, s.sx, s.sxx) for s in sums.values()]
    alpha = stats.cronbach_alpha(
        sum_k / n if n else 0, item_variances, stats.variance(n, sum_t, sum_tt)
    )
    mean = session.scalar(select(func.avg(Attempt.score)).where(Attempt.quiz_id == quiz.id, GRADED))
    return QuizStats(
        quiz,
        n,
        float(mean) if mean is not None else None,
        alpha,
        _histogram(session, quiz.id),
        items,
        item_review.quiz_review(session, quiz, [(item.key, item.version) for item in items]),
        min_answers,
    )


def _totals(quiz_id: int):
    """Each graded attempt's raw total (sum of item scores) and number of items."""
    return (
        select(
            AttemptItem.attempt_id,
            func.sum(AttemptItem.score).label("total"),
            func.count().label("k"),
        )
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(Attempt.quiz_id == quiz_id, GRADED)
        .group_by(AttemptItem.attempt_id)
        .subquery()
    )


def _item_sums(session: Session, totals) -> dict[int, stats.ItemSums]:
    x, y = AttemptItem.score, totals.c.total
    rows = session.execute(
        select(
            AttemptItem.question_version_id,
            func.count(),
            func.sum(x),
            func.sum(x * x),
            func.sum(y),
            func.sum(y * y),
            func.sum(x * y),
        )
        .join(totals, totals.c.attempt_id == AttemptItem.attempt_id)
        .group_by(AttemptItem.question_version_id)
    )
    # PostgreSQL returns NUMERIC (Decimal) for some sums: compute in floats.
    return {
        version_id: stats.ItemSums(n, *(float(v or 0) for v in (sx, sxx, sy, syy, sxy)))
        for version_id, n, sx, sxx, sy, syy, sxy in rows
    }


def _upper_lower(session: Session, quiz_id: int, attempts: int) -> dict[int, dict[str, float]]:
    """Mean item score among the top and the bottom 27 % of attempts, per item."""
    size = stats.upper_lower_group_size(attempts)  # 0 selects nobody: the query still runs
    ranked = (
        select(
            Attempt.id,
            func.row_number().over(order_by=(Attempt.score.desc(), Attempt.id)).label("rank"),
        )
        .where(Attempt.quiz_id == quiz_id, GRADED)
        .subquery()
    )
    group = case((ranked.c.rank <= size, "upper"), else_="lower")
    rows = session.execute(
        select(AttemptItem.question_version_id, group, func.avg(AttemptItem.score))
        .join(ranked, ranked.c.id == AttemptItem.attempt_id)
        .where(or_(ranked.c.rank <= size, ranked.c.rank > attempts - size))
        .group_by(AttemptItem.question_version_id, group)
    )
    groups: dict[int, dict[str, float]] = defaultdict(dict)
    for version_id, name, mean in rows:
        groups[version_id][name] = float(mean) if mean is not None else None
    return groups


def _responses(session: Session, quiz_id: int) -> dict[int, dict[str | None, int]]:
    """How often each distinct answer was given, per item."""
    rows = session.execute(
        select(AttemptItem.question_version_id, AttemptItem.response, func.count())
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(Attempt.quiz_id == quiz_id, GRADED)
        .group_by(AttemptItem.question_version_id, AttemptItem.response)
    )
    counts: dict[int, dict[str | None, int]] = defaultdict(dict)
    for version_id, response, count in rows:
        counts[version_id][response] = count
    return counts


def _items(session, sums, groups, responses) -> list[ItemStats]:
    if not sums:
        return []
    versions = session.execute(
        select(QuestionVersion, Question.key)
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(QuestionVersion.id.in_(list(sums)))
        .order_by(Question.key, QuestionVersion.number)
    )
    return [_item(version, key, sums[version.id], groups, responses) for version, key in versions]


def _item(version, key, sums, groups, responses) -> ItemStats:
    upper_lower = groups.get(version.id, {})
    d = stats.discrimination_index(upper_lower.get("upper"), upper_lower.get("lower"))
    answers = responses.get(version.id, {})
    chosen: dict[str, int] = defaultdict(int)
    for response, count in answers.items():
        for option_key in (response or "").split(","):
            if option_key:
                chosen[option_key] += count
    options = [
        OptionCount(o["key"], o["text"], o["correct"], chosen[o["key"]]) for o in version.options
    ]
    item = ItemStats(
        version, key, sums.n, stats.facility(sums), stats.item_rest_correlation(sums), d
    )
    item.options, item.unanswered = options, answers.get(None, 0)
    return item


def _histogram(session: Session, quiz_id: int) -> list[int]:
    band = case(*[(Attempt.score >= b / 10, b) for b in range(10, 0, -1)], else_=0)
    rows = session.execute(
        select(band, func.count()).where(Attempt.quiz_id == quiz_id, GRADED).group_by(band)
    )
    return stats.histogram({int(b): count for b, count in rows})
