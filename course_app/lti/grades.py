"""Assignment and Grade Services: a learner's result on a link sent to the platform's line
item through the job queue, so no learner's request waits on the platform.

The result of a module link is the learner's best score on the module's quiz; of a course
link, the best score on its final exam; "completed" once that quiz is passed. A grade is
queued when it differs from what the platform last took: after the learner's own quiz
requests and, for everything else (an attempt timed out, a regrade, a send that failed), by
the scheduled task ``lti-grades`` (every 5 minutes, course_app/scheduled.py), which also
tries a failed send again.
"""

from dataclasses import dataclass
from datetime import datetime

import requests
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.grade import Grade
from pylti1p3.service_connector import ServiceConnector
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from course_app.db import utcnow
from course_app.exceptions import DomainError
from course_app.jobs.kinds import Kind, register_kind
from course_app.jobs.models import Job
from course_app.lti.models import LtiGrade, LtiLink, LtiPlatform
from course_app.lti.tool import registration_of
from course_app.quizzes.models import Attempt, Quiz
from course_app.quizzes.rules import AttemptStatus

KIND = "lti.grade"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
#: Sends tried for one grade before the sweep gives up on it (kept, shown to admins).
MAX_TRIES = 20


@dataclass(frozen=True)
class Result:
    score: float | None  # a fraction, 0 to 1; None before any graded attempt
    completed: bool


def result_of(session: Session, link: LtiLink, user_id: int) -> Result:
    quiz = select(Quiz.id).where(Quiz.course_id == link.course_id)
    if link.module_id is None:
        quiz = quiz.where(Quiz.module_id.is_(None))
    else:
        quiz = quiz.where(Quiz.module_id == link.module_id)
    graded = (
        Attempt.user_id == user_id,
        Attempt.quiz_id.in_(quiz.scalar_subquery()),
        Attempt.status.in_((AttemptStatus.SUBMITTED, AttemptStatus.TIMED_OUT)),
    )
    best, passed = session.execute(
        select(func.max(Attempt.score), func.max(case((Attempt.passed, 1), else_=0))).where(*graded)
    ).one()
    return Result(best, bool(passed))


def is_pending(grade: LtiGrade, result: Result) -> bool:
    """Does the platform still need this result? (A pure rule.)"""
    if result.score is None:
        return False
    return (grade.sent_score, grade.sent_completed) != (result.score, result.completed)


def queue_changed(session: Session, grades: list[LtiGrade], now: datetime | None = None) -> int:
    """Queue a send for every grade whose result changed and is not being sent already;
    commits (the job queue's submit does). Returns how many jobs were queued."""
    from course_app.jobs.queue import submit

    queued = 0
    for grade in grades:
        link = session.get(LtiLink, grade.link_id)
        result = result_of(session, link, grade.user_id)
        if not is_pending(grade, result) or grade.tries >= MAX_TRIES or _in_flight(session, grade):
            continue
        grade.score, grade.completed = result.score, result.completed
        grade.tries += 1
        session.flush()
        submit(session, KIND, [grade.id], None, _key(grade))
        queued += 1
    return queued


def _key(grade: LtiGrade) -> str:
    return f"{grade.id}-{grade.tries}"


def _in_flight(session: Session, grade: LtiGrade) -> bool:
    if grade.tries == 0:
        return False
    status = session.scalar(
        select(Job.status).where(Job.idempotency_key == f"{KIND}:None:{_key(grade)}")
    )
    return status is not None and status != "finished"


def grades_of_user(session: Session, user_id: int) -> list[LtiGrade]:
    return list(session.scalars(select(LtiGrade).where(LtiGrade.user_id == user_id)))


def sweep(session: Session) -> int:
    """Queue every grade the platform does not have yet (new results, failed sends)."""
    grades = session.scalars(select(LtiGrade).where(LtiGrade.tries < MAX_TRIES)).all()
    return queue_changed(session, list(grades))


def send(session: Session, grade: LtiGrade) -> None:
    """Post the learner's current result to the link's line item (AGS score service)."""
    link = session.get(LtiLink, grade.link_id)
    platform = session.get(LtiPlatform, link.platform_id)
    result = result_of(session, link, grade.user_id)
    if result.score is None:
        return
    if SCORE_SCOPE not in (link.ags_scopes or []) or not link.lineitem_url:
        raise DomainError("The platform did not allow this link to send scores.")
    service = AssignmentsGradesService(
        ServiceConnector(registration_of(platform)),
        {"scope": link.ags_scopes, "lineitem": link.lineitem_url},
    )
    score = (
        Grade()
        .set_score_given(round(result.score * 100, 2))
        .set_score_maximum(100)
        .set_timestamp(utcnow().isoformat())
        .set_activity_progress("Completed" if result.completed else "Submitted")
        .set_grading_progress("FullyGraded")
        .set_user_id(grade.sub)
    )
    try:
        service.put_grade(score)
    except (LtiException, LtiServiceException, requests.RequestException) as error:
        raise DomainError(f"The platform did not take the score: {_reason(error)}") from error
    grade.sent_score, grade.sent_completed, grade.sent_at = result.score, result.completed, utcnow()
    grade.score, grade.completed, grade.last_error = result.score, result.completed, ""


def _reason(error: Exception) -> str:
    response = getattr(error, "response", None) or (error.args[0] if error.args else None)
    status = getattr(response, "status_code", None)
    return f"HTTP {status}" if status else type(error).__name__


def _label(session: Session, _job: Job, subject: int) -> str:
    grade = session.get(LtiGrade, subject)
    return f"LTI grade {subject} (user {grade.user_id})" if grade else f"LTI grade {subject}"


def _run_unit(session: Session, _job: Job, subject: int) -> None:
    grade = session.get(LtiGrade, subject)
    if grade is not None:
        send(session, grade)


def register(app) -> None:
    register_kind(app, KIND, Kind(title="Send LTI grades", label=_label, run_unit=_run_unit))
