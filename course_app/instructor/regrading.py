"""Regrading: fix one question version's answer key, see what would change, apply it at once.

The preview and the application run the same pure grading rules over the attempts' own
settings snapshots, so what the instructor previews is what learners get. Every changed
attempt, and the key itself, is written to the audit trail (who, when, what, before → after).
"""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from course_app.audit.services import record
from course_app.auth.models import User
from course_app.certificates.flags import review_valid_certificates
from course_app.exceptions import DomainError
from course_app.notifications.services import notify
from course_app.quizzes.answering import decode, grading_rules
from course_app.quizzes.grading import (
    AttemptResult,
    GradableItem,
    QuestionType,
    grade_attempt,
)
from course_app.quizzes.models import (
    Attempt,
    AttemptItem,
    AttemptRegrade,
    Question,
    QuestionVersion,
    Regrade,
)
from course_app.quizzes.rules import AttemptStatus
from course_app.standing_store import refresh_standing


@dataclass(frozen=True)
class AttemptChange:
    attempt: Attempt
    learner: User
    before: AttemptResult
    after: AttemptResult
    old_scores: dict[int, float | None]  # item id → score, as stored

    @property
    def changes_result(self) -> bool:
        return self.before.score != self.after.score or self.before.passed != self.after.passed


def check_key(version: QuestionVersion, correct: frozenset[str]) -> None:
    """A new key must name this question's options; one for single and true/false."""
    keys = {option["key"] for option in version.options}
    if not correct or not correct <= keys:
        raise DomainError("Choose the right answer(s) among this question's options.")
    if version.type != QuestionType.MULTIPLE and len(correct) != 1:
        raise DomainError("This question has exactly one right answer.")
    if version.type == QuestionType.MULTIPLE and correct == keys:
        raise DomainError("A multiple-response question needs at least one wrong option.")
    if correct == version.correct_keys:
        raise DomainError("That is the current answer key: nothing would change.")


def preview(
    session: Session, version: QuestionVersion, correct: frozenset[str]
) -> list[AttemptChange]:
    """What regrading every graded attempt that showed this version would do (two queries)."""
    check_key(version, correct)
    attempts = session.execute(
        select(Attempt, User)
        .join(User, User.id == Attempt.user_id)
        .where(
            Attempt.status != AttemptStatus.IN_PROGRESS,
            Attempt.id.in_(
                select(AttemptItem.attempt_id).where(AttemptItem.question_version_id == version.id)
            ),
        )
        .order_by(User.full_name, Attempt.number)
    ).all()
    items = _items_of(session, [attempt.id for attempt, _user in attempts])
    return [
        _change(attempt, user, items[attempt.id], version.id, correct) for attempt, user in attempts
    ]


def _items_of(session: Session, attempt_ids: list[int]) -> dict[int, list]:
    if not attempt_ids:
        return {}
    rows = session.execute(
        select(AttemptItem, QuestionVersion, Question.key)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(AttemptItem.attempt_id.in_(attempt_ids))
        .order_by(AttemptItem.attempt_id, AttemptItem.position)
    )
    grouped: dict[int, list] = defaultdict(list)
    for item, item_version, key in rows:
        grouped[item.attempt_id].append((item, item_version, key))
    return grouped


def _change(
    attempt, user, rows, version_id: int, correct: frozenset[str], current=None
) -> AttemptChange:
    """Grade the attempt under its version's current key (or ``current``) and ``correct``."""
    rules = grading_rules(attempt.settings)

    def gradable(key_for_version):
        return [
            GradableItem(
                key,
                QuestionType(v.type),
                key_for_version if v.id == version_id else v.correct_keys,
                decode(item.response),
                v.must_pass,
            )
            for item, v, key in rows
        ]

    if current is None:
        current = next(v.correct_keys for _item, v, _key in rows if v.id == version_id)
    before = grade_attempt(gradable(current), rules)
    after = grade_attempt(gradable(correct), rules)
    return AttemptChange(
        attempt, user, before, after, {item.id: item.score for item, _v, _k in rows}
    )


def apply(
    session: Session, version: QuestionVersion, correct: frozenset[str], reason: str, actor_id: int
) -> Regrade:
    """Fix the key and regrade every affected attempt, in the caller's one transaction."""
    _check_reason(reason)
    changes = preview(session, version, correct)
    regrade = _record_key_fix(session, version, correct, reason, actor_id)
    for change in changes:
        _apply_change(session, regrade, change, actor_id)
    return regrade


def fix_key(
    session: Session, version: QuestionVersion, correct: frozenset[str], reason: str, actor_id: int
) -> tuple[Regrade, list[int]]:
    """Fix the key and record the Regrade (audited); returns it and the ids of the graded
    attempts that showed the version, which :func:`regrade_attempt` then regrades."""
    _check_reason(reason)
    attempt_ids = [change.attempt.id for change in preview(session, version, correct)]
    return _record_key_fix(session, version, correct, reason, actor_id), attempt_ids


def _check_reason(reason: str) -> None:
    if not reason.strip():
        raise DomainError("Say why the key is being changed: learners will see it.")


def _record_key_fix(session, version, correct: frozenset[str], reason: str, actor_id) -> Regrade:
    before_key = sorted(version.correct_keys)
    version.options = [{**o, "correct": o["key"] in correct} for o in version.options]
    session.execute(
        update(Question).where(Question.id == version.question_id).values(edited_in_browser=True)
    )
    regrade = Regrade(
        question_version_id=version.id,
        actor_id=actor_id,
        reason=reason.strip(),
        before_correct=before_key,
        after_correct=sorted(correct),
    )
    session.add(regrade)
    session.flush()
    record(
        session,
        actor_id,
        "question.key_fixed",
        ("question_version", version.id),
        {"correct": before_key},
        {"correct": sorted(correct)},
        reason.strip(),
    )
    return regrade


def regrade_attempt(session: Session, regrade: Regrade, attempt: Attempt, actor_id) -> None:
    """Regrade one attempt under a key already fixed (a regrade job's unit): scored from the
    regrade's recorded before-key to its after-key, as :func:`apply` does for all at once."""
    items = _items_of(session, [attempt.id])[attempt.id]
    before = frozenset(regrade.before_correct)
    after = frozenset(regrade.after_correct)
    learner = session.get(User, attempt.user_id)
    change = _change(attempt, learner, items, regrade.question_version_id, after, before)
    _apply_change(session, regrade, change, actor_id)


def _apply_change(session: Session, regrade: Regrade, change: AttemptChange, actor_id: int) -> None:
    item_ids = list(change.old_scores)
    session.execute(
        update(AttemptItem),
        [{"id": i, "score": s} for i, s in zip(item_ids, change.after.item_scores, strict=True)],
    )
    attempt = change.attempt
    attempt.score, attempt.passed = change.after.score, change.after.passed
    attempt.failed_must_pass = list(change.after.failed_must_pass)
    session.add(
        AttemptRegrade(
            regrade_id=regrade.id,
            attempt_id=attempt.id,
            old_score=change.before.score,
            new_score=change.after.score,
            old_passed=change.before.passed,
            new_passed=change.after.passed,
        )
    )
    record(
        session,
        actor_id,
        "attempt.regraded",
        ("attempt", attempt.id),
        {"score": change.before.score, "passed": change.before.passed},
        {"score": change.after.score, "passed": change.after.passed},
        regrade.reason,
    )
    if change.before.passed and not change.after.passed:
        _review_certificates(session, attempt, regrade, actor_id)
    if change.before.passed != change.after.passed:
        refresh_standing(session, attempt.user_id, attempt.quiz.course_id)
    if change.changes_result:
        notify(
            session,
            change.learner,
            "regrade_changed",
            f"regrade:{regrade.id}:attempt:{attempt.id}",
            link=f"/attempts/{attempt.id}",
            quiz_title=attempt.quiz.title,
            attempt_number=attempt.number,
            before_score=round(change.before.score * 100),
            after_score=round(change.after.score * 100),
            before_passed=change.before.passed,
            after_passed=change.after.passed,
        )


def _review_certificates(
    session: Session, attempt: Attempt, regrade: Regrade, actor_id: int
) -> None:
    """The learner lost a pass: unless another attempt still passes the quiz, any certificate
    of the course that rested on it goes to the administrators' queue for review."""
    session.flush()
    still_passed = session.scalar(
        select(Attempt.id)
        .where(
            Attempt.user_id == attempt.user_id,
            Attempt.quiz_id == attempt.quiz_id,
            Attempt.passed,
        )
        .limit(1)
    )
    if still_passed is None:
        reason = (
            f"A regrade of {attempt.quiz.title} turned attempt {attempt.number} from a pass "
            f"into a fail: {regrade.reason}"
        )
        review_valid_certificates(
            session, attempt.user_id, attempt.quiz.course_id, reason, actor_id
        )
