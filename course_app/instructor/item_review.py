"""Item-writing warnings on the instructor's pages. The course's live questions (current
versions, as learners now meet them) are read from the database into the same specs
``check-content`` parses from files, and checked by the same pure rules
(:mod:`course_app.quizzes.item_checks`); this module only loads and groups.

Two queries per page, whatever the size of the course.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from course_app.content_warnings import ContentWarning
from course_app.modules.models import Course, CourseModule
from course_app.quizzes import item_checks
from course_app.quizzes.content import QuizSettings, QuizSpec
from course_app.quizzes.content_items import OptionSpec, QuestionSpec
from course_app.quizzes.draw import BlueprintRow
from course_app.quizzes.grading import QuestionType, Scoring
from course_app.quizzes.models import (
    Question,
    QuestionVersion,
    Quiz,
    in_course_order,
    is_current_version,
)
from course_app.quizzes.rules import FeedbackPolicy


@dataclass(frozen=True)
class Finding:
    """A warning as a page shows it: what the rule is called, what was found, what to do."""

    rule: str
    title: str
    message: str
    advice: str


def findings(warnings: Iterable[ContentWarning]) -> list[Finding]:
    return [
        Finding(
            w.rule, item_checks.RULES[w.rule].title, w.message, item_checks.RULES[w.rule].advice
        )
        for w in warnings
    ]


@dataclass(frozen=True)
class CourseReview:
    #: Bank-level findings by quiz slug (a final exam's are about its own questions).
    banks: dict[str, list[Finding]] = field(default_factory=dict)
    #: Item-level findings (near-duplicates included) by question key.
    items: dict[str, list[Finding]] = field(default_factory=dict)


def course_review(session: Session, course: Course) -> CourseReview:
    """Every bank's and every question's findings (the quiz list)."""
    quizzes = course_quizzes(session, course)
    everything = _questions_of(quizzes)
    return CourseReview(
        banks=_bank_findings(quizzes),
        items={
            q.key: findings(item_checks.question_warnings(q, path, everything))
            for path, q in everything
        },
    )


def question_findings(session: Session, course: Course, key: str) -> list[Finding]:
    """The current version's findings, with its near-duplicates in the rest of the course."""
    everything = _questions_of(course_quizzes(session, course))
    for path, question in everything:
        if question.key == key:
            return findings(item_checks.question_warnings(question, path, everything))
    return []


@dataclass(frozen=True)
class QuizReview:
    bank: list[Finding]
    #: Item-level findings by question version id (each row of item analysis is a version).
    versions: dict[int, list[Finding]]


def quiz_review(
    session: Session, quiz: Quiz, versions: Sequence[tuple[str, QuestionVersion]]
) -> QuizReview:
    """The quiz's bank findings, and each (key, version)'s own, for item analysis."""
    quizzes = course_quizzes(session, quiz.course)
    everything = _questions_of(quizzes)
    paths = {question.key: path for path, question in everything}
    default = quiz_path(quiz.course, quiz)
    return QuizReview(
        bank=_bank_findings(quizzes).get(quiz.slug, []),
        versions={
            version.id: findings(
                item_checks.question_warnings(
                    spec_of(key, "", version), paths.get(key, default), everything
                )
            )
            for key, version in versions
        },
    )


def _bank_findings(quizzes: Sequence[QuizSpec]) -> dict[str, list[Finding]]:
    slug_at = {quiz.path: quiz.slug for quiz in quizzes}
    found: dict[str, list[Finding]] = defaultdict(list)
    for bank in item_checks.banks_of(quizzes):
        found[slug_at[bank.path]] += findings(item_checks.bank_warnings(bank))
    return dict(found)


def _questions_of(quizzes: Sequence[QuizSpec]) -> list[tuple[str, QuestionSpec]]:
    return [(quiz.path, question) for quiz in quizzes for question in quiz.questions]


def quiz_path(course: Course, quiz: Quiz) -> str:
    """Where the quiz's file is (or would be) under content/, as check-content names it."""
    return f"{course.slug}/quizzes/{quiz.slug}.toml"


def course_quizzes(session: Session, course: Course) -> list[QuizSpec]:
    """The course's live quizzes as specs: settings, blueprint and current questions."""
    quizzes = session.execute(
        select(Quiz, CourseModule.slug)
        .outerjoin(CourseModule, CourseModule.id == Quiz.module_id)
        .where(Quiz.course_id == course.id, ~Quiz.is_archived)
        .order_by(*in_course_order())
    ).all()
    rows = session.execute(
        select(Question.key, Question.quiz_id, CourseModule.slug, QuestionVersion)
        .join(QuestionVersion, is_current_version())
        .join(CourseModule, CourseModule.id == Question.module_id)
        .where(Question.course_id == course.id, ~Question.is_archived)
        .order_by(Question.id)
    ).all()
    banks: dict[int, list[QuestionSpec]] = defaultdict(list)  # by the quiz whose bank holds it
    for key, quiz_id, module, version in rows:
        banks[quiz_id].append(spec_of(key, module, version))
    return [_quiz_spec(course, quiz, module, banks.get(quiz.id, [])) for quiz, module in quizzes]


def _quiz_spec(course: Course, quiz: Quiz, module: str | None, questions) -> QuizSpec:
    settings = QuizSettings(
        pass_mark=quiz.pass_mark,
        max_attempts=quiz.max_attempts,
        cooldown_minutes=quiz.cooldown_minutes,
        time_limit_minutes=quiz.time_limit_minutes,
        shuffle_questions=quiz.shuffle_questions,
        feedback=FeedbackPolicy(quiz.feedback),
        must_pass_fails_attempt=quiz.must_pass_fails_attempt,
        scoring=Scoring(quiz.scoring),
    )
    blueprint = tuple(BlueprintRow(**row) for row in quiz.blueprint)
    return QuizSpec(
        slug=quiz.slug,
        module=module,
        title=quiz.title,
        settings=settings,
        objectives=dict(quiz.objectives),
        blueprint=blueprint,
        questions=tuple(questions),
        path=quiz_path(course, quiz),
        topics=dict(quiz.topics),
        required_topics=tuple(quiz.required_topics),
    )


def spec_of(key: str, module: str, version: QuestionVersion) -> QuestionSpec:
    """A stored version as the spec its file would parse into (no line: it is not a file)."""
    return QuestionSpec(
        key=key,
        module=module,
        type=QuestionType(version.type),
        objective=version.objective,
        case_title=version.case_title,
        case_text=version.case_text,
        prompt=version.prompt,
        options=tuple(OptionSpec(o["key"], o["text"], o["correct"]) for o in version.options),
        rationale=version.rationale,
        source=version.source,
        must_pass=version.must_pass,
        case=version.case_key,
        topic=version.topic,
        required=version.required,
    )
