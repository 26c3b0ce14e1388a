"""Coverage built into the draw (pure functions): required questions and every required or
must-pass topic are in every attempt, blueprint rows top up to their counts, and the checker's
preconditions say when a pool cannot keep that promise."""

from hypothesis import given
from hypothesis import strategies as st

from course_app.quizzes.draw import (
    BlueprintRow,
    PoolQuestion,
    coverage_problems,
    draw_questions,
    required_topics,
)


def question(key, topic=None, objective="x", module="m1", required=False, must_pass=False):
    return PoolQuestion(key, module, objective, None, tuple("abcd"), topic, required, must_pass)


# Twelve questions on objective x; two safety topics with one must-pass question each among
# several; one question every attempt shows.
POOL = (
    [question(f"plain-{n}") for n in range(8)]
    + [question("sharps-1", "sharps", must_pass=True), question("sharps-2", "sharps")]
    + [question("consent-1", "consent", must_pass=True), question("consent-2", "consent")]
    + [question("always", required=True)]
)
BLUEPRINT = [BlueprintRow(4, objective="x")]


def keys(seed: int, pool=POOL, blueprint=BLUEPRINT, topics=()) -> list[str]:
    return [d.key for d in draw_questions(pool, blueprint, seed, True, topics)]


def test_must_pass_topics_are_required_and_declared_ones_are_added():
    assert required_topics(POOL) == {("m1", "sharps"), ("m1", "consent")}
    assert ("m1", "extra") in required_topics(POOL, [("m1", "extra")])


@given(st.integers(0, 2**62))
def test_every_attempt_has_the_required_question_and_each_must_pass_topic(seed):
    drawn = keys(seed)
    assert "always" in drawn
    assert any(key.startswith("sharps") for key in drawn)
    assert any(key.startswith("consent") for key in drawn)
    assert len(drawn) == len(set(drawn)) == 4  # the row's count, reached with them


@given(st.integers(0, 2**62))
def test_rows_top_up_and_a_declared_topic_counts_too(seed):
    pool = [*POOL, question("y-1", objective="y", topic="hands"), question("y-2", objective="y")]
    drawn = keys(seed, pool, [BlueprintRow(4, objective="x"), BlueprintRow(1, objective="y")],
                 [("m1", "hands")])  # fmt: skip
    assert "y-1" in drawn and "y-2" not in drawn  # the topic's only question fills the y row
    assert len(drawn) == 5


def test_without_the_rule_a_plain_sample_would_miss_a_topic():
    """The guarantee is the draw's doing: sampling 4 of 13 misses 'sharps' often."""
    import random

    misses = sum(
        not any(k.startswith("sharps") for k in random.Random(s).sample([q.key for q in POOL], 4))
        for s in range(200)
    )
    assert misses > 50


def test_a_final_draws_each_modules_topics_from_its_own_questions():
    final = [
        question("f-m1-sharps", "sharps", module="m1"),
        question("f-m1-plain", module="m1"),
        question("f-m2-pneumo", "pneumothorax", module="m2"),
        question("f-m2-plain", module="m2"),
    ]
    rows = [BlueprintRow(1, module="m1"), BlueprintRow(1, module="m2")]
    topics = [("m1", "sharps"), ("m2", "pneumothorax")]
    for seed in range(50):
        assert sorted(keys(seed, final, rows, topics)) == ["f-m1-sharps", "f-m2-pneumo"]


def test_the_checker_names_what_a_pool_lacks():
    assert coverage_problems(POOL, BLUEPRINT) == []
    assert coverage_problems(POOL, BLUEPRINT, [("m1", "needlestick")], "this bank") == [
        "topic 'needlestick' of 'm1' must be in every attempt, but this bank has no question on it"
    ]
    assert coverage_problems(POOL, [BlueprintRow(2, objective="nope")]) == [
        "draw = 2 but the bank has 0 such questions"
    ]


def test_a_question_the_blueprint_can_never_show_is_a_warning():
    from course_app.quizzes.content import QuizSettings, QuizSpec
    from course_app.quizzes.content_items import OptionSpec, QuestionSpec
    from course_app.quizzes.content_rules import never_drawn_warnings
    from course_app.quizzes.grading import QuestionType, Scoring
    from course_app.quizzes.rules import FeedbackPolicy

    def spec(key, objective, must_pass=False, topic=None):
        options = (
            OptionSpec("a", "A", True),
            OptionSpec("b", "B", False),
            OptionSpec("c", "C", False),
        )
        return QuestionSpec(key, "m1", QuestionType.SINGLE, objective, "", "", key, options,
                            "Why.", "S1", must_pass, line=5, topic=topic)  # fmt: skip

    settings = QuizSettings(80, 0, 0, 0, True, FeedbackPolicy.NEVER, True, Scoring.PARTIAL)
    questions = (
        spec("safety", "x", must_pass=True, topic="sharps"),  # always drawn, fills row x
        spec("crowded-out", "x"),
        spec("other", "y"),
    )

    def course(draw_x: int):
        blueprint = (BlueprintRow(draw_x, objective="x"), BlueprintRow(1, objective="y"))
        quiz = QuizSpec("m1", "m1", "Q", settings, {"x": "X", "y": "Y"}, blueprint, questions,
                        "c/quizzes/m1.toml", {"sharps": "Sharps"})  # fmt: skip
        return type("Course", (), {"quizzes": (quiz,)})

    (warning,) = never_drawn_warnings([course(1)])
    assert (warning.rule, warning.subject, warning.line) == ("never-drawn", "crowded-out", 5)
    assert never_drawn_warnings([course(2)]) == []  # room for both: each is shown
