"""Per-learner exceptions: staff grant one learner extra attempts at one quiz, or lift its
cooldown, with a reason, audited. Without one, a learner who has used every attempt stays
blocked; a learner out of final-exam attempts is referred to the course's instructors, who see
them listed (:func:`referred`).
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from course_app.audit.services import record
from course_app.auth.models import User
from course_app.exceptions import DomainError
from course_app.quizzes.models import Attempt, AttemptAllowance, Quiz

#: More than this at once is a new course, not an exception.
MAX_EXTRA_ATTEMPTS = 5
MAX_REASON = 500


@dataclass(frozen=True)
class Allowance:
    extra_attempts: int = 0
    cooldown_lifted_at: datetime | None = None


def allowance_of(session: Session, user_id: int, quiz_id: int) -> Allowance:
    """Everything granted to this learner at this quiz, in one query."""
    extra, lifted = session.execute(
        select(
            func.coalesce(func.sum(AttemptAllowance.extra_attempts), 0),
            func.max(AttemptAllowance.granted_at).filter(AttemptAllowance.lifts_cooldown),
        ).where(AttemptAllowance.user_id == user_id, AttemptAllowance.quiz_id == quiz_id)
    ).one()
    return Allowance(int(extra), lifted)


def grant(
    session: Session,
    learner_id: int,
    quiz: Quiz,
    extra_attempts: int,
    lift_cooldown: bool,
    reason: str,
    actor_id: int,
    now: datetime,
) -> AttemptAllowance:
    """Record an exception; DomainError (nothing stored) for a bad count or no reason."""
    reason = reason.strip()
    if not 0 <= extra_attempts <= MAX_EXTRA_ATTEMPTS:
        raise DomainError(f"Extra attempts must be a whole number from 0 to {MAX_EXTRA_ATTEMPTS}.")
    if not extra_attempts and not lift_cooldown:
        raise DomainError("Grant at least one extra attempt or lift the cooldown.")
    if not reason or len(reason) > MAX_REASON:
        raise DomainError(f"Give the reason (at most {MAX_REASON} characters): it is audited.")
    allowance = AttemptAllowance(
        user_id=learner_id,
        quiz_id=quiz.id,
        extra_attempts=extra_attempts,
        lifts_cooldown=lift_cooldown,
        reason=reason,
        granted_by_id=actor_id,
        granted_at=now,
    )
    session.add(allowance)
    session.flush()
    record(
        session,
        actor_id,
        "quiz.allowance_granted",
        ("user", learner_id),
        None,
        {"quiz": quiz.slug, "extra_attempts": extra_attempts, "lifts_cooldown": lift_cooldown},
        reason,
    )
    return allowance


@dataclass(frozen=True)
class Referral:
    learner: User
    quiz_id: int
    attempts_used: int


def referred(session: Session, course_id: int) -> list[Referral]:
    """Learners who used every attempt of the course's final exam without passing (and were
    granted none since): for the instructors to contact."""
    final = session.scalar(
        select(Quiz).where(Quiz.course_id == course_id, Quiz.module_id.is_(None), ~Quiz.is_archived)
    )
    if final is None or not final.max_attempts:
        return []
    tried = session.execute(
        select(Attempt.user_id, func.count(), func.max(case((Attempt.passed, 1), else_=0)))
        .where(Attempt.quiz_id == final.id, Attempt.status != "in-progress")
        .group_by(Attempt.user_id)
    ).all()
    extras = dict(
        session.execute(
            select(AttemptAllowance.user_id, func.sum(AttemptAllowance.extra_attempts))
            .where(AttemptAllowance.quiz_id == final.id)
            .group_by(AttemptAllowance.user_id)
        ).all()
    )
    out = {
        user_id: used
        for user_id, used, passed in tried
        if not passed and used >= final.max_attempts + extras.get(user_id, 0)
    }
    learners = session.scalars(select(User).where(User.id.in_(out)).order_by(User.full_name))
    return [Referral(learner, final.id, out[learner.id]) for learner in learners]


def granted(session: Session, user_id: int, quiz_ids: list[int]) -> list[AttemptAllowance]:
    """The exceptions granted to a learner at these quizzes, newest first."""
    query = select(AttemptAllowance).where(
        AttemptAllowance.user_id == user_id, AttemptAllowance.quiz_id.in_(quiz_ids)
    )
    return list(session.scalars(query.order_by(AttemptAllowance.granted_at.desc())))
