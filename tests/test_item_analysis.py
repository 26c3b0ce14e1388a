"""Item statistics checked against values worked out by hand on a small fixed dataset.

Five graded attempts at three right/wrong items, everyone seeing the same items:

    attempt  item1 item2 item3  total
    A1         1     1     1      3
    A2         1     1     0      2
    A3         1     0     0      1
    A4         0     1     0      1
    A5         0     0     0      0

By hand: facilities 0.6, 0.6, 0.2. Corrected item–total correlations: item 1 and 2,
0.6 / sqrt(1.2 × 2.8) = 0.32733; item 3, 0.8 / sqrt(0.8 × 2.8) = 0.53452. KR-20: item
variances p(1−p) = 0.24 + 0.24 + 0.16 = 0.64, total variance 5.2 / 5 = 1.04, so
3/2 × (1 − 0.64 / 1.04) = 0.57692. Upper–lower groups of floor(0.27 × 5) = 1 attempt: A1 and A5,
so D = 1 for every item.
"""

import pytest
from sqlalchemy import select

from course_app.db import utcnow
from course_app.instructor import stats
from course_app.instructor.analysis import analyse
from course_app.quizzes.models import Attempt, AttemptItem, Question, QuestionVersion, Quiz

MATRIX = [(1, 1, 1), (1, 1, 0), (1, 0, 0), (0, 1, 0), (0, 0, 0)]
FACILITY = [0.6, 0.6, 0.2]
DISCRIMINATION = [0.32733, 0.32733, 0.53452]
ALPHA = 0.57692


def sums_for(column: int) -> stats.ItemSums:
    xs = [row[column] for row in MATRIX]
    ys = [sum(row) for row in MATRIX]
    return stats.ItemSums(
        len(xs),
        sum(xs),
        sum(x * x for x in xs),
        sum(ys),
        sum(y * y for y in ys),
        sum(x * y for x, y in zip(xs, ys, strict=True)),
    )


@pytest.mark.parametrize("column", [0, 1, 2])
def test_facility_and_discrimination_match_the_hand_values(column):
    sums = sums_for(column)
    assert stats.facility(sums) == pytest.approx(FACILITY[column])
    assert stats.item_rest_correlation(sums) == pytest.approx(DISCRIMINATION[column], abs=1e-5)


def test_kr20_matches_the_hand_value():
    variances = [stats.variance(5, s.sx, s.sxx) for s in map(sums_for, range(3))]
    totals = [sum(row) for row in MATRIX]
    total_variance = stats.variance(5, sum(totals), sum(t * t for t in totals))
    assert stats.cronbach_alpha(3, variances, total_variance) == pytest.approx(ALPHA, abs=1e-5)


def test_undefined_statistics_are_none_not_errors():
    constant = stats.ItemSums(n=4, sx=4, sxx=4, sy=8, syy=16, sxy=8)
    assert stats.item_rest_correlation(constant) is None
    assert stats.cronbach_alpha(1, [0.2], 1.0) is None
    assert stats.cronbach_alpha(3, [0.2], 0.0) is None
    assert stats.upper_lower_group_size(1) == 0
    assert stats.upper_lower_group_size(10) == 2
    assert stats.upper_lower_group_size(100) == 27


def test_flags_name_what_to_look_at():
    assert stats.flags(0.95, 0.3, 0.1) == ["Nearly everyone gets this right"]
    assert stats.flags(0.1, 0.3, 0.1) == ["Nearly no one gets this right"]
    assert "Discriminates negatively" in stats.flags(0.5, -0.2, 0.1)[0]
    assert stats.flags(0.5, 0.3, 0.2) == []


def test_histogram_puts_a_perfect_score_in_the_top_band():
    assert stats.histogram({0: 1, 3: 2, 10: 4}) == [1, 0, 0, 2, 0, 0, 0, 0, 0, 4]


def test_the_sql_aggregation_gives_the_hand_values(db, content):
    from tests.helpers import make_user

    users = [make_user(db, email=f"l{n}@example.org") for n in range(5)]
    quiz = _seed(db, users)
    result = analyse(db, quiz)
    assert result.attempts == 5
    assert result.alpha == pytest.approx(ALPHA, abs=1e-5)
    by_key = {item.key: item for item in result.items}
    for key, facility, r in zip(
        ["q-single", "q-safety", "q-case-a"], FACILITY, DISCRIMINATION, strict=True
    ):
        assert by_key[key].facility == pytest.approx(facility)
        assert by_key[key].r == pytest.approx(r, abs=1e-5)
        assert by_key[key].d == pytest.approx(1.0)
    right = next(o for o in by_key["q-single"].options if o.correct)
    assert right.chosen == 3  # A1, A2, A3
    assert sum(o.chosen for o in by_key["q-single"].options if not o.correct) == 2
    assert result.histogram == [1, 0, 0, 2, 0, 0, 1, 0, 0, 1]


def _seed(db, users, matrix=MATRIX) -> Quiz:
    quiz = db.scalar(select(Quiz).where(Quiz.slug == "first"))
    keys = ["q-single", "q-safety", "q-case-a"]
    versions = [
        db.scalar(select(QuestionVersion).join(Question).where(Question.key == key)) for key in keys
    ]
    for user, row in zip(users, matrix, strict=True):
        attempt = Attempt(
            user_id=user.id,
            quiz_id=quiz.id,
            number=1,
            seed=1,
            status="submitted",
            started_at=utcnow(),
            finished_at=utcnow(),
            score=sum(row) / 3,
            passed=sum(row) >= 2,
            settings={},
            time_multiplier=1.0,
        )
        db.add(attempt)
        db.flush()
        for position, (version, value) in enumerate(zip(versions, row, strict=True), start=1):
            right = next(o["key"] for o in version.options if o["correct"])
            wrong = next(o["key"] for o in version.options if not o["correct"])
            db.add(
                AttemptItem(
                    attempt_id=attempt.id,
                    position=position,
                    question_version_id=version.id,
                    option_order=[o["key"] for o in version.options],
                    response=right if value else wrong,
                    score=float(value),
                )
            )
    db.commit()
    return quiz


def test_items_are_flagged_only_with_enough_answers(app, db, instructor):
    from tests.helpers import make_user, text_of

    everyone_right_on_the_first = [(1, 1, 1), (1, 1, 0), (1, 0, 0), (1, 1, 0), (1, 0, 0)]
    users = [make_user(db, email=f"l{n}@example.org") for n in range(5)]
    quiz = _seed(db, users, everyone_right_on_the_first)
    assert all(item.flags == [] for item in analyse(db, quiz).items)  # 5 answers < 20
    assert any(item.flags for item in analyse(db, quiz, min_answers=5).items)
    page = "/instructor/courses/basics/quizzes/first/analysis"
    shown = text_of(instructor.browser.get(page))
    assert "flagged only once it has 20 answers" in shown and "Nearly everyone" not in shown
    app.config["ITEM_ANALYSIS_MIN_ANSWERS"] = 5  # the setting, read per request
    shown = text_of(instructor.browser.get(page))
    assert "flagged only once it has 5 answers" in shown and "Nearly everyone" in shown
