"""The item-writing checks as plain functions, on small crafted banks: for each rule a case
that fires and a near case that does not."""

from course_app.quizzes import item_checks as ic
from course_app.quizzes.content import QuizSettings, QuizSpec
from course_app.quizzes.content_items import OPTION_KEYS, OptionSpec, QuestionSpec
from course_app.quizzes.draw import BlueprintRow
from course_app.quizzes.grading import QuestionType, Scoring
from course_app.quizzes.rules import FeedbackPolicy

PATH = "content/course/quizzes/bank.toml"
SETTINGS = QuizSettings(80, 0, 0, 0, True, FeedbackPolicy.IMMEDIATELY, True, Scoring.PARTIAL)


def question(key, options, kind=QuestionType.SINGLE, prompt="Which one fits?", line=10, case=None):
    """options: texts, the right ones starting with '*'."""
    specs = tuple(
        OptionSpec(k, text.lstrip("*"), text.startswith("*"))
        for k, text in zip(OPTION_KEYS, options, strict=False)
    )
    return QuestionSpec(
        key, "bank", kind, "obj", "", "", prompt, specs, "Why.", "S1", False, case, (), line
    )


def true_false(key, answer: bool, prompt="The statement holds.", line=10):
    """As the parser makes them: options "true" and "false", the right one marked."""
    options = (OptionSpec("true", "True", answer), OptionSpec("false", "False", not answer))
    kind = QuestionType.TRUE_FALSE
    return QuestionSpec(
        key, "bank", kind, "obj", "", "", prompt, options, "Why.", "S1", False, line=line
    )


def multiple(key, right: int, wrong: int, line=10):
    options = [f"*Right option {i}" for i in range(right)] + [
        f"Wrong one {i}" for i in range(wrong)
    ]
    return question(key, options, QuestionType.MULTIPLE, line=line)


def bank(*questions, path=PATH):
    return ic.Bank(path=path, subject=path.rsplit("/", 1)[1], line=7, questions=questions)


def quiz(*questions, path=PATH, module="bank", blueprint=()):
    return QuizSpec(
        module or "final-exam", module, "Quiz", SETTINGS, {}, blueprint, questions, path
    )


def rules(warnings):
    return [(w.rule, w.subject) for w in warnings]


# key-longest: the key strictly the longest option in too many single-answer items


def longest_key(key, longest: bool):
    right = "*The right answer, written out at length" if longest else "*Right"
    return question(key, [right, "Wrong one", "Wrong two", "Wrong three"])


def test_key_longest_fires_when_most_keys_are_the_longest_option():
    items = [longest_key(f"q{i}", i < 3) for i in range(5)]
    (warning,) = ic.key_longest(bank(*items))
    assert (warning.rule, warning.subject, warning.line) == ("key-longest", "bank.toml", 7)
    assert warning.path == PATH and "3 of 5" in warning.message


def test_key_longest_is_quiet_at_half_below_the_minimum_and_on_ties():
    assert ic.key_longest(bank(*[longest_key(f"q{i}", i < 3) for i in range(6)])) == []
    assert ic.key_longest(bank(*[longest_key(f"q{i}", True) for i in range(4)])) == []
    tie = [question(f"t{i}", ["*Same size", "Same.size", "Wrong", "Other"]) for i in range(5)]
    assert ic.key_longest(bank(*tie)) == []


# true-false-balance


def test_true_false_balance_fires_when_the_keys_lean_one_way():
    (warning,) = ic.true_false_balance(bank(*[true_false(f"t{i}", False) for i in range(3)]))
    assert warning.rule == "true-false-balance" and "3 of 3" in warning.message
    assert "false" in warning.message
    leaning = [true_false(f"t{i}", i < 3) for i in range(10)]  # 3 true, 7 false
    assert rules(ic.true_false_balance(bank(*leaning))) == [("true-false-balance", "bank.toml")]


def test_true_false_balance_tolerates_a_small_lean_and_small_banks():
    assert ic.true_false_balance(bank(true_false("a", False), true_false("b", False))) == []
    three = [true_false("a", True), true_false("b", False), true_false("c", False)]
    assert ic.true_false_balance(bank(*three)) == []
    four = [true_false("a", True), *[true_false(f"t{i}", False) for i in range(3)]]
    assert ic.true_false_balance(bank(*four)) == []  # three to one: within two statements
    assert ic.true_false_balance(bank(*[true_false(f"t{i}", i < 4) for i in range(10)])) == []


# key-count-spread


def test_key_count_spread_fires_when_multiple_response_items_share_one_count():
    (warning,) = ic.key_count_spread(bank(*[multiple(f"m{i}", 3, 2) for i in range(3)]))
    assert warning.rule == "key-count-spread" and warning.subject == "bank.toml"
    assert "3 of 3" in warning.message and "3 right options" in warning.message


def test_key_count_spread_is_quiet_when_counts_vary_or_items_are_few():
    assert (
        ic.key_count_spread(bank(multiple("a", 3, 2), multiple("b", 3, 2), multiple("c", 2, 3)))
        == []
    )
    assert ic.key_count_spread(bank(multiple("a", 3, 2), multiple("b", 3, 2))) == []


def test_too_many_keys_or_every_option_right_is_an_item_warning():
    (warning,) = ic.key_count(multiple("many", 5, 2), PATH)
    assert (warning.rule, warning.subject, warning.line) == ("key-count-spread", "many", 10)
    assert "5 of 7" in warning.message
    (everything,) = ic.key_count(multiple("all", 4, 0), PATH)
    assert "every option" in everything.message
    assert ic.key_count(multiple("four", 4, 2), PATH) == []


# absolute-words


def options_with(key, right, wrong):
    return question(key, [f"*{right}", *wrong])


def test_absolute_words_fire_when_they_mark_wrong_options():
    items = [
        options_with("a", "Reduces pain for some weeks", ["It always works", "Slower", "Faster"]),
        options_with("b", "A thin filament needle", ["It cures the pain", "Red", "Blue"]),
        options_with("c", "Consent first", ["Only on Mondays", "Later", "Never again"]),
    ]
    (warning,) = ic.absolute_words(bank(*items))
    assert warning.rule == "absolute-words" and "4 of 9 wrong options" in warning.message
    assert all(word in warning.message for word in ("always", "cures", "only", "never"))


def test_absolute_words_count_a_false_statement_as_a_wrong_option():
    items = [
        options_with("a", "Reduces pain", ["It always works", "Slower", "Faster"]),
        options_with("b", "A filament", ["Cures it", "Red", "Blue"]),
        true_false("c", False, prompt="Needling is never painful."),
    ]
    assert rules(ic.absolute_words(bank(*items))) == [("absolute-words", "bank.toml")]


def test_absolute_words_are_quiet_when_rare_or_as_common_in_keys():
    two = [
        options_with("a", "Reduces pain", ["It always works", "Slower", "Faster"]),
        options_with("b", "A filament", ["Cures it", "Red", "Blue"]),
    ]
    assert ic.absolute_words(bank(*two)) == []
    balanced = [
        options_with("a", "Always wash hands", ["It always works", "Slower", "Faster"]),
        options_with("b", "Never recap", ["Cures it", "Red", "Blue"]),
        options_with("c", "Only sterile needles", ["Only on Mondays", "Later", "Soon"]),
    ]
    assert ic.absolute_words(bank(*balanced)) == []


# all-none-of-the-above


def test_all_none_of_the_above_options_are_flagged():
    for text in ("All of the above", "None of these", "Both of the above", "None: safe", "Neither"):
        item = question("q", ["*Blue", "Green", "Red", text])
        (warning,) = ic.all_none_of_the_above(item, PATH)
        assert (warning.rule, warning.subject) == ("all-none-of-the-above", "q")
        assert text in warning.message


def test_options_that_merely_start_with_none_or_all_are_fine():
    item = question("q", ["*None of the patients had pain", "All patients", "Allergy", "Both legs"])
    assert ic.all_none_of_the_above(item, PATH) == []
    how_many = question("q", ["*158", "About 15,000", "None", "2,286"])  # none: a number
    assert ic.all_none_of_the_above(how_many, PATH) == []


# negative-stem


def test_a_negative_stem_without_emphasis_is_flagged():
    for prompt, word in (
        ("Which is not a contraindication?", "not"),
        ("All are precautions except which?", "except"),
        ("Which is the least likely cause?", "least"),
        ("Why should a needle never reach its hub?", "never"),
        ("Which finding doesn't need a referral?", "doesn't"),
    ):
        (warning,) = ic.negative_stem(question("q", ["*A", "B", "C", "D"], prompt=prompt), PATH)
        assert warning.rule == "negative-stem" and f"“{word}”" in warning.message


def test_an_emphasised_negative_or_a_look_alike_word_is_fine():
    for prompt in (
        "Which is NOT a contraindication?",
        "Which is **not** a contraindication?",
        "All are precautions EXCEPT which?",
        "Which knot holds a suture best?",
        "Which note belongs in the record?",
        # A negative in the story is not what the question asks; "at least" is a quantity.
        "She has not eaten since breakfast and feels faint. What do you do first?",
        "He needles until at least five twitches appear. What does the evidence suggest?",
    ):
        assert ic.negative_stem(question("q", ["*A", "B", "C", "D"], prompt=prompt), PATH) == []


def test_a_negative_in_a_vignettes_question_or_a_true_false_statement_is_flagged():
    vignette = "She has eaten. Which finding does not need a referral?"
    (found,) = ic.negative_stem(question("q", ["*A", "B", "C", "D"], prompt=vignette), PATH)
    assert "“not”" in found.message


# option-length-spread


def test_options_of_wildly_different_length_are_flagged():
    item = question("q", ["*Blue", "A much longer option that goes on for a while", "Red", "Green"])
    (warning,) = ic.option_length_spread(item, PATH)
    assert warning.rule == "option-length-spread" and "longest option" in warning.message


def test_an_empty_option_counts_as_the_shortest_rather_than_failing():
    item = question("q", ["*Blue", "A much longer option that goes on for a while", "", "Red"])
    assert rules(ic.option_length_spread(item, PATH)) == [("option-length-spread", "q")]


def test_short_options_or_a_moderate_spread_are_fine():
    short = question("q", ["*C5", "C5 and C6 nerve roots", "T1", "C8"])
    assert ic.option_length_spread(short, PATH) == []
    moderate = question(
        "q",
        [
            "*Eleven char",
            "An option of about forty characters, longer",
            "Twelve chars",
            "Eleven too.",
        ],
    )
    assert ic.option_length_spread(moderate, PATH) == []  # 43 / 11 is under four


# near-duplicate


def test_near_duplicate_prompts_are_reported_on_both_items():
    a = question(
        "a",
        ["*A", "B", "C", "D"],
        prompt="A certificate from this course authorizes you to perform dry needling.",
    )
    b = question(
        "b",
        ["*A", "B", "C", "D"],
        prompt="Completing this online course authorizes you to perform dry needling on patients.",
        line=30,
    )
    other = question(
        "c", ["*A", "B", "C", "D"], prompt="Which nerve winds around the fibular neck?"
    )
    everything = [(PATH, a), ("content/course/quizzes/other.toml", b), (PATH, other)]
    on_a = ic.near_duplicates(a, PATH, everything)
    on_b = ic.near_duplicates(b, "content/course/quizzes/other.toml", everything)
    assert rules(on_a) == rules(on_b) == [("near-duplicate", "a b")]
    assert on_a[0].message.split("similarity")[1] == on_b[0].message.split("similarity")[1]
    assert (on_a[0].line, on_b[0].line) == (10, 30)
    assert "“b”" in on_a[0].message and "“a”" in on_b[0].message
    assert ic.near_duplicates(other, PATH, everything) == []


def test_prompts_alike_only_letter_by_letter_are_not_duplicates():
    a = question(
        "a", ["*A", "B", "C", "D"], prompt="Which answer to her question is best supported?"
    )
    b = question(
        "b", ["*A", "B", "C", "D"], prompt="Which reply to his question is the most accurate?"
    )
    assert ic.near_duplicates(a, PATH, [(PATH, a), (PATH, b)]) == []  # difflib alone: 0.70


def test_similar_lead_ins_of_different_cases_are_not_duplicates_but_within_one_case_they_are():
    lead_in = "What do you do next?"
    first = question("a", ["*A", "B", "C", "D"], prompt=lead_in, case="case-one")
    second = question("b", ["*A", "B", "C", "D"], prompt=lead_in, case="case-two")
    assert ic.near_duplicates(first, PATH, [(PATH, first), (PATH, second)]) == []
    same_case = question("c", ["*A", "B", "C", "D"], prompt=lead_in, case="case-one")
    assert rules(ic.near_duplicates(first, PATH, [(PATH, first), (PATH, same_case)])) == [
        ("near-duplicate", "a c")
    ]


# a course: module banks, the final exam's pool, items and pairs together


def test_check_quizzes_checks_a_final_on_its_own_questions_and_the_course_for_duplicates():
    first = quiz(
        *[true_false(f"a{i}", True) for i in range(2)], path="c/quizzes/a.toml", module="a"
    )
    final = quiz(
        *[true_false(f"f{i}", False, line=20 + i) for i in range(4)],
        path="c/quizzes/final-exam.toml",
        module=None,
        blueprint=(BlueprintRow(4, "a", None),),
    )
    warnings = ic.check_quizzes([first, final])
    (lean,) = [w for w in warnings if w.rule == "true-false-balance"]
    assert (lean.subject, lean.path, lean.line) == (
        "c/final-exam.toml",
        "c/quizzes/final-exam.toml",
        20,
    )
    assert "4 of 4" in lean.message  # its own four, not the module's two true ones
    dupes = [w for w in warnings if w.rule == "near-duplicate"]
    assert len(dupes) == 30  # six identical statements: fifteen pairs, each on both items


def test_the_item_writing_checks_are_registered_for_check_content(tmp_path):
    from course_app import content_warnings as cw

    course = type(
        "Course",
        (),
        {
            "quizzes": (quiz(true_false("t", False, prompt="Is it never so?")),),
            "lessons": (),
            "media": (),
            # Every check runs, the translations' too: a course folder with nothing else.
            "path": str(tmp_path / "course.toml"),
            "languages": ("en",),
        },
    )
    assert rules(cw.content_warnings([course])) == [("negative-stem", "t")]
