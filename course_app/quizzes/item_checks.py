"""Item-writing checks: cues that let a test-wise learner pass without knowing the material
(Haladyna, Downing & Rodriguez 2002; the NBME item-writing guide, "flaws that cue the testwise
examinee"). Pure functions over parsed quiz specs, returning warnings; ``check-content`` and
the instructor's pages both read them. ``content/README.md`` documents each rule.

Three kinds of rule:

- **bank** rules see the questions a quiz draws from (a module's bank, or a final exam's own
  questions) and report at the bank's first question;
- **item** rules see one question;
- ``near-duplicate`` compares one question's prompt with the rest of its course.
"""

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

from course_app.content_warnings import ContentWarning
from course_app.i18n import N_
from course_app.quizzes.content import QuizSpec
from course_app.quizzes.content_items import QuestionSpec
from course_app.quizzes.grading import QuestionType

#: Fewer single-answer items than this say little: 3 of 4 longest keys happens by chance.
KEY_LONGEST_MIN_ITEMS = 5
#: Above half, "pick the longest" beats reading (chance is 1 in 4 or 5).
KEY_LONGEST_MAX_SHARE = 0.5
#: True and false keys may differ by two statements (so under three never warn: one more is
#: unavoidable with an odd count, one more is leeway), or by a fifth of them in a large pool.
TRUE_FALSE_SLACK = 2
TRUE_FALSE_TOLERANCE = 0.2
#: With fewer multiple-response items the counts cannot vary much.
KEY_COUNT_MIN_ITEMS = 3
#: "Tick N" must not be right more than two times in three.
KEY_COUNT_MAX_SHARE = 2 / 3
#: More right options make an item a recall list, and ticking every box earns most credit.
MAX_KEYS = 4
#: Three wrong options a learner can cross out unread make a pattern; one or two may be apt.
ABSOLUTE_MIN_WRONG = 3
#: Absolute words at twice the keys' rate in wrong options mark them as wrong.
ABSOLUTE_RATE_RATIO = 2.0
#: An option over four times as long as another stands out at a glance.
OPTION_LENGTH_RATIO = 4.0
#: Below this many characters (about six words) every option is short: "C5" against "C5–C6".
OPTION_LENGTH_MIN = 40
#: Prompts this similar (difflib ratio, normalised) ask the same thing in other words...
NEAR_DUPLICATE_RATIO = 0.7
#: ...when they also share half their three-letter sequences (Dice): rules out a match pieced
#: together from scattered letters, and is cheap enough to screen every pair first.
NEAR_DUPLICATE_TRIGRAMS = 0.5

ABSOLUTE_WORDS = re.compile(
    r"\b(always|never|only|cure[sd]?|permanent(?:ly)?|guarantee[sd]?|every(?:one|thing)?|all|"
    r"none|no one|nobody|nothing|complete(?:ly)?|entirely|totally|absolutely|impossible|"
    r"prove[sn]?|certain(?:ly)?|definitely|forever)\b",
    re.IGNORECASE,
)
NEGATIVE_WORDS = re.compile(
    r"\b(not|never|except|(?<!at )least|cannot|incorrect|untrue|\w+n['’]t)\b", re.IGNORECASE
)
#: Where a vignette's question starts: its last sentence.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
BOLD = re.compile(r"\*\*.+?\*\*|__.+?__")
ABOVE_OPTION = re.compile(
    r"\b(all|none|both|neither)\s+(of\s+)?(the\s+)?(above|these|those|them|options|choices)\b"
    r"|^\s*(all|none|both|neither)\s*[:;—–-]|^\s*(both|neither)\W*$",
    re.IGNORECASE,
)
INSTRUCTION = re.compile(r"\(?\s*select all that apply\s*\)?", re.IGNORECASE)


@dataclass(frozen=True)
class Rule:
    title: str
    advice: str


#: Every rule, with what the pages call it and what to do about it, in plain words (marked for
#: the catalogue: the pages show them in the viewer's language, check-content in English).
RULES = {
    "key-longest": Rule(
        N_("The key is often the longest option"),
        N_(
            "Make the options of each question about the same length, and let the longest be wrong "
            "as often as right."
        ),
    ),
    "true-false-balance": Rule(
        N_("True/false answers lean one way"),
        N_("Write about as many true statements as false ones."),
    ),
    "key-count-spread": Rule(
        N_("Number of right options"),
        N_("Vary how many options are right, and keep it between one and four."),
    ),
    "absolute-words": Rule(
        N_("Absolute words mark the wrong options"),
        N_(
            "Remove words such as always, never, only and cure from wrong options, or use them in "
            "right ones as often."
        ),
    ),
    "all-none-of-the-above": Rule(
        N_("“All/none of the above”"),
        N_("Replace the option with a plausible answer of the same kind as the others."),
    ),
    "negative-stem": Rule(
        N_("Negative question"),
        N_("Ask the question positively; if the negative must stay, write it in capitals (NOT)."),
    ),
    "option-length-spread": Rule(
        N_("Options of very different length"),
        N_("Bring the options to similar length and form."),
    ),
    "near-duplicate": Rule(
        N_("Nearly the same question"),
        N_("Keep items independent: rewrite or remove one, so that one does not answer the other."),
    ),
}


@dataclass(frozen=True)
class Bank:
    """The questions one quiz draws from, and where to report about them."""

    path: str
    subject: str
    line: int
    questions: tuple[QuestionSpec, ...]


def banks_of(quizzes: Sequence[QuizSpec]) -> list[Bank]:
    """Each quiz's own bank: a module's questions, or a final exam's (never a module's)."""
    return [
        Bank(
            quiz.path,
            Path(quiz.path).name if quiz.module else final_subject(quiz.path),
            quiz.questions[0].line,
            quiz.questions,
        )
        for quiz in quizzes
        if quiz.questions
    ]


def final_subject(path: str) -> str:
    """Every course has a ``final-exam.toml``: its course folder tells them apart."""
    return f"{Path(path).parent.parent.name}/{Path(path).name}"


def _bank_warning(bank: Bank, rule: str, message: str) -> ContentWarning:
    return ContentWarning(bank.path, bank.line, rule, bank.subject, message)


def _item_warning(question: QuestionSpec, path: str, rule: str, message: str) -> ContentWarning:
    return ContentWarning(path, question.line, rule, question.key, message)


def _of_type(bank: Bank, kind: QuestionType) -> list[QuestionSpec]:
    return [question for question in bank.questions if question.type is kind and question.options]


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)} %" if whole else "–"


def _key_is_longest(question: QuestionSpec) -> bool:
    key = max((len(o.text) for o in question.options if o.correct), default=0)
    return key > max((len(o.text) for o in question.options if not o.correct), default=0)


def key_longest(bank: Bank) -> list[ContentWarning]:
    singles = _of_type(bank, QuestionType.SINGLE)
    longest = sum(_key_is_longest(question) for question in singles)
    if len(singles) < KEY_LONGEST_MIN_ITEMS or longest <= KEY_LONGEST_MAX_SHARE * len(singles):
        return []
    message = (
        f"the key is the longest option in {longest} of {len(singles)} single-answer questions "
        f"({_percent(longest, len(singles))}; by chance about 1 in 4): picking the longest "
        "option scores without reading"
    )
    return [_bank_warning(bank, "key-longest", message)]


def _says_true(question: QuestionSpec) -> bool:
    return any(option.key == "true" and option.correct for option in question.options)


def true_false_balance(bank: Bank) -> list[ContentWarning]:
    answers = [_says_true(q) for q in _of_type(bank, QuestionType.TRUE_FALSE)]
    trues, total = sum(answers), len(answers)
    allowed = max(TRUE_FALSE_SLACK, TRUE_FALSE_TOLERANCE * total)
    if abs(2 * trues - total) <= allowed:
        return []
    word, count = ("true", trues) if 2 * trues > total else ("false", total - trues)
    message = (
        f"{count} of {total} true/false statements are {word}: answering “{word}” to every "
        "statement scores without reading"
    )
    return [_bank_warning(bank, "true-false-balance", message)]


def key_count_spread(bank: Bank) -> list[ContentWarning]:
    counts = Counter(
        sum(o.correct for o in q.options) for q in _of_type(bank, QuestionType.MULTIPLE)
    )
    total = sum(counts.values())
    if total < KEY_COUNT_MIN_ITEMS:
        return []
    keys, same = counts.most_common(1)[0]
    if same <= KEY_COUNT_MAX_SHARE * total:
        return []
    message = (
        f"{same} of {total} multiple-response questions have {keys} right options: ticking "
        f"{keys} gets the count right without reading"
    )
    return [_bank_warning(bank, "key-count-spread", message)]


def key_count(question: QuestionSpec, path: str) -> list[ContentWarning]:
    """Item level: a multiple-response item with too many keys, or with every option right."""
    right = sum(option.correct for option in question.options)
    total = len(question.options)
    if question.type is not QuestionType.MULTIPLE or not total:
        return []
    if right == total:
        message = "every option is right: ticking every box scores full marks (fix this first)"
    elif right > MAX_KEYS:
        message = (
            f"{right} of {total} options are right (at most {MAX_KEYS}): ticking every box "
            "earns most of the credit (fix this first)"
        )
    else:
        return []
    return [_item_warning(question, path, "key-count-spread", message)]


def _claims(bank: Bank) -> Iterable[tuple[str, bool]]:
    """(text, right) per option; a true/false statement is one option, right when true."""
    for question in bank.questions:
        if question.type is QuestionType.TRUE_FALSE:
            if question.options:
                yield question.prompt, _says_true(question)
        else:
            yield from ((option.text, option.correct) for option in question.options)


def absolute_words(bank: Bank) -> list[ContentWarning]:
    claims = [(right, ABSOLUTE_WORDS.findall(text)) for text, right in _claims(bank)]
    wrong = [found for right, found in claims if not right]
    keys = [found for right, found in claims if right]
    marked, marked_keys = sum(map(bool, wrong)), sum(map(bool, keys))
    wrong_rate = marked / len(wrong) if wrong else 0
    key_rate = marked_keys / len(keys) if keys else 0
    if marked < ABSOLUTE_MIN_WRONG or wrong_rate <= ABSOLUTE_RATE_RATIO * key_rate:
        return []
    words = sorted({word.lower() for found in wrong for word in found})
    message = (
        f"absolute words ({', '.join(words)}) are in {marked} of {len(wrong)} wrong options "
        f"({_percent(marked, len(wrong))}) but {marked_keys} of {len(keys)} keys "
        f"({_percent(marked_keys, len(keys))}): a learner can cross those options out unread"
    )
    return [_bank_warning(bank, "absolute-words", message)]


def all_none_of_the_above(question: QuestionSpec, path: str) -> list[ContentWarning]:
    return [
        _item_warning(
            question,
            path,
            "all-none-of-the-above",
            f"the option “{option.text}” points at the other options instead of answering",
        )
        for option in question.options
        if ABOVE_OPTION.search(option.text)
    ]


def negative_stem(question: QuestionSpec, path: str) -> list[ContentWarning]:
    """A negative in what the question asks (a vignette's last sentence; all of a true/false
    statement), not emphasised. A negative in the story ("he has not eaten") asks nothing."""
    asked = question.prompt
    if question.type is not QuestionType.TRUE_FALSE:
        asked = SENTENCE_END.split(question.prompt.strip())[-1]
    plain = BOLD.sub(" ", asked)
    words = [m.group(0) for m in NEGATIVE_WORDS.finditer(plain) if not m.group(0).isupper()]
    if not words:
        return []
    quoted = ", ".join(f"“{word}”" for word in dict.fromkeys(words))
    message = f"the question says {quoted} without emphasis: a reader who skims it misses it"
    return [_item_warning(question, path, "negative-stem", message)]


def option_length_spread(question: QuestionSpec, path: str) -> list[ContentWarning]:
    if question.type is QuestionType.TRUE_FALSE or not question.options:
        return []
    longest = max(question.options, key=lambda option: len(option.text))
    shortest = min(question.options, key=lambda option: len(option.text))
    ratio = len(longest.text) / max(1, len(shortest.text))
    if len(longest.text) < OPTION_LENGTH_MIN or ratio <= OPTION_LENGTH_RATIO:
        return []
    message = (
        f"the longest option ({len(longest.text)} characters) is {ratio:.1f} times the "
        f"shortest, “{shortest.text}” (more than {OPTION_LENGTH_RATIO:g} times)"
    )
    return [_item_warning(question, path, "option-length-spread", message)]


@lru_cache(maxsize=4096)
def _normalised(prompt: str) -> str:
    text = INSTRUCTION.sub(" ", prompt).casefold()
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


@lru_cache(maxsize=4096)
def _trigrams(text: str) -> frozenset[str]:
    padded = f" {text} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def _similarity(first: QuestionSpec, second: QuestionSpec) -> float:
    """The difflib ratio of two normalised prompts, or 0 when they fail the trigram screen."""
    if first.case and second.case and first.case != second.case:
        return 0.0  # lead-ins of different vignettes are alike on purpose ("What next?")
    # in one order whichever item is checked: difflib's ratio is not symmetric
    texts = sorted((_normalised(first.prompt), _normalised(second.prompt)))
    grams = [_trigrams(text) for text in texts]
    if 2 * len(grams[0] & grams[1]) < NEAR_DUPLICATE_TRIGRAMS * (len(grams[0]) + len(grams[1])):
        return 0.0
    return SequenceMatcher(None, *texts).ratio()


def near_duplicates(
    question: QuestionSpec, path: str, course: Sequence[tuple[str, QuestionSpec]]
) -> list[ContentWarning]:
    """Warnings on ``question`` for each other prompt of its course, (path, question), that is
    nearly the same; the other item gets its own when it is checked."""
    warnings = []
    for other_path, other in course:
        if other.key == question.key:
            continue
        ratio = _similarity(question, other)
        if ratio >= NEAR_DUPLICATE_RATIO:
            subject = " ".join(sorted((question.key, other.key)))
            message = (
                f"the prompt is nearly the same as “{other.key}” in {Path(other_path).name} "
                f"(similarity {ratio:.2f}): one item may answer the other"
            )
            warnings.append(ContentWarning(path, question.line, "near-duplicate", subject, message))
    return warnings


BANK_RULES: tuple[Callable[[Bank], list[ContentWarning]], ...] = (
    key_longest,
    true_false_balance,
    key_count_spread,
    absolute_words,
)
ITEM_RULES: tuple[Callable[[QuestionSpec, str], list[ContentWarning]], ...] = (
    key_count,
    all_none_of_the_above,
    negative_stem,
    option_length_spread,
)


def bank_warnings(bank: Bank) -> list[ContentWarning]:
    return [warning for rule in BANK_RULES for warning in rule(bank)]


def question_warnings(
    question: QuestionSpec, path: str, course: Sequence[tuple[str, QuestionSpec]] = ()
) -> list[ContentWarning]:
    """One question's item-level warnings, and its near-duplicates among ``course``."""
    found = [warning for rule in ITEM_RULES for warning in rule(question, path)]
    return found + near_duplicates(question, path, course)


def check_quizzes(quizzes: Sequence[QuizSpec]) -> list[ContentWarning]:
    """Every item-writing warning for one course's quizzes, in file and line order."""
    course = [(quiz.path, question) for quiz in quizzes for question in quiz.questions]
    warnings = [warning for bank in banks_of(quizzes) for warning in bank_warnings(bank)]
    warnings += [w for path, q in course for w in question_warnings(q, path, course)]
    return sorted(warnings, key=lambda w: (w.path, w.line))


def check_courses(courses: Sequence) -> list[ContentWarning]:
    """The check registered in :data:`course_app.content_warnings.CHECKS`."""
    return [warning for course in courses for warning in check_quizzes(course.quizzes)]
