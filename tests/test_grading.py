"""Graders, attempt grading, the seeded draw and the attempt rules, as plain functions."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from course_app.quizzes.draw import BlueprintRow, PoolQuestion, draw_questions
from course_app.quizzes.grading import (
    GRADERS,
    GradableItem,
    GradingRules,
    QuestionType,
    Scoring,
    grade_attempt,
    grade_multiple,
)
from course_app.quizzes.rules import (
    GRACE,
    AttemptStatus,
    AttemptSummary,
    FeedbackPolicy,
    StartPolicy,
    attempt_deadline,
    is_past_grace,
    shows_feedback,
    start_block_reason,
)

KEYS = "abcdef"
RIGHT = frozenset("ab")
ALL_OR_NOTHING = GradingRules(80, Scoring.ALL_OR_NOTHING, must_pass_fails_attempt=True)


def item(chosen: str, kind=QuestionType.SINGLE, correct="a", must_pass=False, key="k"):
    return GradableItem(key, kind, frozenset(correct), frozenset(chosen), must_pass)


@pytest.mark.parametrize(
    ("chosen", "all_or_nothing", "partial"),
    [("ab", 1.0, 1.0), ("a", 0.0, 0.5), ("abc", 0.0, 0.5), ("c", 0.0, 0.0), ("abcd", 0.0, 0.0)],
)
def test_multiple_response_scoring(chosen, all_or_nothing, partial):
    assert grade_multiple(RIGHT, frozenset(chosen), Scoring.ALL_OR_NOTHING) == all_or_nothing
    assert grade_multiple(RIGHT, frozenset(chosen), Scoring.PARTIAL) == partial


@pytest.mark.parametrize("kind", [QuestionType.SINGLE, QuestionType.TRUE_FALSE])
def test_one_best_answer_needs_exactly_the_right_option(kind):
    grade = GRADERS[kind]
    assert grade(frozenset("a"), frozenset("a"), Scoring.PARTIAL) == 1.0
    assert grade(frozenset("a"), frozenset("b"), Scoring.PARTIAL) == 0.0
    assert grade(frozenset("a"), frozenset(), Scoring.PARTIAL) == 0.0


def test_every_question_type_has_a_grader():
    assert set(GRADERS) == set(QuestionType)


def test_pass_mark_is_inclusive():
    items = [item("a")] * 4 + [item("b")]
    assert grade_attempt(items, ALL_OR_NOTHING).passed  # 80 % of 80 %
    assert not grade_attempt(items[1:], ALL_OR_NOTHING).passed  # 75 %


def test_a_failed_must_pass_item_fails_the_attempt_whatever_the_score():
    items = [item("a")] * 9 + [item("b", must_pass=True, key="safety")]
    result = grade_attempt(items, ALL_OR_NOTHING)
    assert result.score == pytest.approx(0.9)
    assert not result.passed
    assert result.failed_must_pass == ("safety",)
    lenient = GradingRules(80, Scoring.ALL_OR_NOTHING, must_pass_fails_attempt=False)
    assert grade_attempt(items, lenient).passed


def test_partly_right_must_pass_item_counts_as_failed():
    rules = GradingRules(50, Scoring.PARTIAL, must_pass_fails_attempt=True)
    safety = item("a", QuestionType.MULTIPLE, correct="ab", must_pass=True, key="s")
    assert grade_attempt([safety], rules).failed_must_pass == ("s",)


def test_an_empty_attempt_scores_zero():
    assert grade_attempt([], ALL_OR_NOTHING).score == 0.0


subsets = st.frozensets(st.sampled_from(KEYS))
gradable = st.builds(
    GradableItem,
    key=st.text(min_size=1, max_size=5),
    type=st.sampled_from(list(QuestionType)),
    correct=subsets.filter(bool),
    chosen=subsets,
    must_pass=st.booleans(),
)
rules = st.builds(
    GradingRules,
    pass_mark=st.integers(1, 100),
    scoring=st.sampled_from(list(Scoring)),
    must_pass_fails_attempt=st.booleans(),
)


@given(st.lists(gradable, max_size=30), rules)
def test_a_score_is_always_between_0_and_1(items, rules):
    result = grade_attempt(items, rules)
    assert 0.0 <= result.score <= 1.0
    assert all(0.0 <= value <= 1.0 for value in result.item_scores)


@given(st.lists(gradable, max_size=30), rules)
def test_grading_the_same_answers_twice_gives_the_same_result(items, rules):
    assert grade_attempt(items, rules) == grade_attempt(list(items), rules)


@given(st.lists(gradable, min_size=1, max_size=30), rules, st.randoms())
def test_shuffling_questions_never_changes_the_score(items, rules, rng):
    shuffled = list(items)
    rng.shuffle(shuffled)
    first, second = grade_attempt(items, rules), grade_attempt(shuffled, rules)
    assert first.score == pytest.approx(second.score)
    assert first.passed == second.passed
    assert sorted(first.failed_must_pass) == sorted(second.failed_must_pass)


POOL = [
    PoolQuestion(f"{objective}{n}", module, objective, None, tuple("abcd"))
    for module, objective in (("m1", "x"), ("m1", "y"), ("m2", "z"))
    for n in range(5)
] + [
    PoolQuestion("case-1", "m2", "z", "c", tuple("abcd")),
    PoolQuestion("case-2", "m2", "z", "c", ("true", "false")),
]


@given(st.integers(0, 2**62))
def test_the_same_seed_draws_the_same_attempt(seed):
    blueprint = [BlueprintRow(2, objective="x"), BlueprintRow(1, module="m2")]
    assert draw_questions(POOL, blueprint, seed, True) == draw_questions(
        POOL, blueprint, seed, True
    )


@given(st.integers(0, 2**62))
def test_the_blueprint_sets_how_many_per_objective_and_module(seed):
    blueprint = [
        BlueprintRow(2, objective="x"),
        BlueprintRow(3, objective="y"),
        BlueprintRow(1, module="m2"),
    ]
    drawn = draw_questions(POOL, blueprint, seed, True)
    keys = [d.key for d in drawn]
    assert len(keys) == len(set(keys)) == 6
    assert sum(key.startswith("x") for key in keys) == 2
    assert sum(key.startswith("y") for key in keys) == 3


@given(st.integers(0, 2**62))
def test_shuffled_options_are_a_permutation_and_true_false_keeps_its_order(seed):
    for drawn in draw_questions(POOL, [], seed, True):
        expected = ("true", "false") if drawn.key == "case-2" else tuple("abcd")
        assert sorted(drawn.option_order) == sorted(expected)
        if drawn.key == "case-2":
            assert drawn.option_order == expected


@given(st.integers(0, 2**62))
def test_questions_of_one_case_stay_together(seed):
    keys = [d.key for d in draw_questions(POOL, [], seed, True)]
    assert abs(keys.index("case-1") - keys.index("case-2")) == 1


def test_without_shuffling_questions_the_pool_order_is_kept_but_options_still_move():
    drawn = draw_questions(POOL, [], 1, shuffle_questions=False)
    assert [d.key for d in drawn] == [q.key for q in POOL]
    orders = {d.option_order for seed in range(20) for d in draw_questions(POOL, [], seed, False)}
    assert len(orders) > 2  # options are shuffled whatever the quiz says about questions


NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
POLICY = StartPolicy(max_attempts=3, cooldown=timedelta(minutes=30))


def failed(minutes_ago: int) -> AttemptSummary:
    return AttemptSummary(AttemptStatus.SUBMITTED, False, NOW - timedelta(minutes=minutes_ago))


def test_cooldown_blocks_a_new_attempt_until_it_ends():
    reason = start_block_reason([failed(10)], POLICY, NOW)
    assert "12:20 UTC" in reason
    assert start_block_reason([failed(30)], POLICY, NOW) is None


def test_attempt_limit_blocks_after_the_last_one():
    reason = start_block_reason([failed(90), failed(60), failed(40)], POLICY, NOW)
    assert reason == "You have used all 3 attempts allowed for this quiz."
    unlimited = StartPolicy(max_attempts=0, cooldown=timedelta())
    assert start_block_reason([failed(1)] * 50, unlimited, NOW) is None


def test_a_passed_quiz_is_not_retaken_and_an_open_attempt_is_resumed():
    passed = AttemptSummary(AttemptStatus.SUBMITTED, True, NOW)
    assert start_block_reason([passed], POLICY, NOW) == "You have passed this quiz."
    open_attempt = AttemptSummary(AttemptStatus.IN_PROGRESS, None, None)
    assert start_block_reason([failed(60), open_attempt], POLICY, NOW, "Enrol first") is None


def test_an_unmet_requirement_is_the_reason():
    assert start_block_reason([], POLICY, NOW, "Enrol first.") == "Enrol first."


def test_deadline_scales_with_extra_time_and_grace_follows_it():
    assert attempt_deadline(NOW, 0, 1.5) is None
    deadline = attempt_deadline(NOW, 20, 1.5)
    assert deadline == NOW + timedelta(minutes=30)
    assert not is_past_grace(deadline, deadline + GRACE)
    assert is_past_grace(deadline, deadline + GRACE + timedelta(seconds=1))
    assert not is_past_grace(None, NOW + timedelta(days=365))


@pytest.mark.parametrize(
    ("policy", "passed", "shown"),
    [
        (FeedbackPolicy.IMMEDIATELY, False, True),
        (FeedbackPolicy.AFTER_PASSING, False, False),
        (FeedbackPolicy.AFTER_PASSING, True, True),
        (FeedbackPolicy.NEVER, True, False),
    ],
)
def test_feedback_policy(policy, passed, shown):
    assert shows_feedback(policy, passed) is shown
