"""A learner's CE transcript: every course, online and in-person hours apart, the time on task
recorded behind the online hours, completion dates, the competencies signed off, and each
certificate's id and verification link (the PDF, with QR codes, is ``transcript_pdf.py``)."""

import io
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from course_app import spreadsheet
from course_app.certificates.credential import verify_url
from course_app.certificates.models import Certificate
from course_app.evaluation.models import EvaluationSubmission
from course_app.instructor.models import Cohort, CohortMember, CompetencySignoff
from course_app.modules.models import Lesson, LessonProgress, LessonTime
from course_app.modules.services import course_statuses
from course_app.practical import is_passed
from course_app.quizzes.models import Attempt, Quiz
from course_app.standings import learner_standing
from course_app.timing import ce_hours


@dataclass(frozen=True)
class TranscriptRow:
    course: str
    level: int
    enrolled: str
    status: str
    #: CE credit: the minutes of the lessons completed (each needed its share of time on task).
    online_hours: float
    #: Time on task the server recorded on the course's lessons.
    time_on_task_hours: float
    practical_hours: float
    certificate_id: str
    issued: str
    #: The day the last requirement was met ("" while in progress).
    completed: str = ""
    #: Titles of the practical competencies signed off as passed.
    competencies: tuple[str, ...] = ()
    #: Where anyone checks the certificate ("" without one).
    verify_url: str = ""


def rows(session: Session, user_id: int, base_url: str = "") -> list[TranscriptRow]:
    """Every course the learner is enrolled in; ``base_url`` builds the verification links."""
    statuses = [s for s in course_statuses(session, user_id).values() if s.is_enrolled]
    hours = dict(
        session.execute(
            select(Cohort.course_id, CohortMember.practical_hours)
            .join(Cohort, Cohort.id == CohortMember.cohort_id)
            .where(CohortMember.user_id == user_id)
            .order_by(Cohort.starts_on)
        )
        .tuples()
        .all()
    )
    valid = {
        c.course_id: c
        for c in session.scalars(
            select(Certificate).where(Certificate.user_id == user_id, Certificate.status == "valid")
        )
    }
    carried = _carried_links(session, [c.id for c in valid.values()])
    seconds = _time_on_task(session, user_id)
    finished = completed_on(session, user_id)
    found = []
    for status in statuses:
        cert = valid.get(status.course.id)
        complete = status.progress.is_complete
        found.append(
            replace(
                _row(
                    status,
                    hours.get(status.course.id, 0.0),
                    seconds.get(status.course.id, 0),
                    cert,
                ),
                completed=finished.get(status.course.id, "") if complete else "",
                competencies=_signed_off(session, status.course, user_id),
                verify_url=_verify_url(cert, carried, base_url),
            )
        )
    return found


def _carried_links(session: Session, certificate_ids: list[int]) -> dict[int, str | None]:
    """Each certificate's credential id (its verification link), read in the database: the
    credential itself (tens of kilobytes, deferred) never leaves it for a list."""
    link = Certificate.credential["id"].as_string()
    query = select(Certificate.id, link).where(Certificate.id.in_(certificate_ids))
    return dict(session.execute(query).tuples().all())


def _verify_url(cert: Certificate | None, carried: dict[int, str | None], base_url: str) -> str:
    """The link the certificate itself carries (its credential's id), so both always agree."""
    if cert is None:
        return ""
    stored = carried.get(cert.id)
    return stored if isinstance(stored, str) and stored else verify_url(base_url, cert.public_id)


def _signed_off(session: Session, course, user_id: int) -> tuple[str, ...]:
    """The competencies the learner passed, in checklist order (the one standing rule)."""
    if not course.competencies:
        return ()
    standing = learner_standing(session, course.id, user_id)
    if standing is None:
        return ()
    results = standing.practical.results
    return tuple(c.title for c in standing.checklist if is_passed(c, results.get(c.key)))


def completed_on(session: Session, user_id: int) -> dict[int, str]:
    """Per course, the day of the learner's latest step (a lesson, a passed quiz, a practical
    result, the evaluation): for a complete course, the day it was completed."""
    latest: dict[int, datetime] = {}
    queries = (
        select(Lesson.course_id, func.max(LessonProgress.completed_at))
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .where(LessonProgress.user_id == user_id)
        .group_by(Lesson.course_id),
        select(Quiz.course_id, func.max(Attempt.finished_at))
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .where(Attempt.user_id == user_id, Attempt.passed)
        .group_by(Quiz.course_id),
        select(Cohort.course_id, func.max(CompetencySignoff.recorded_at))
        .join(Cohort, Cohort.id == CompetencySignoff.cohort_id)
        .where(CompetencySignoff.user_id == user_id)
        .group_by(Cohort.course_id),
        select(EvaluationSubmission.course_id, EvaluationSubmission.submitted_at).where(
            EvaluationSubmission.user_id == user_id
        ),
    )
    for query in queries:
        for course_id, at in session.execute(query):
            if at is not None and (course_id not in latest or at > latest[course_id]):
                latest[course_id] = at
    return {course_id: at.date().isoformat() for course_id, at in latest.items()}


def _time_on_task(session: Session, user_id: int) -> dict[int, int]:
    """Seconds of time on task per course."""
    rows = session.execute(
        select(Lesson.course_id, func.sum(LessonTime.active_seconds))
        .join(Lesson, Lesson.id == LessonTime.lesson_id)
        .where(LessonTime.user_id == user_id)
        .group_by(Lesson.course_id)
    )
    return {course_id: int(total) for course_id, total in rows}


def _row(status, practical_hours: float, seconds: int, cert: Certificate | None) -> TranscriptRow:
    return TranscriptRow(
        course=status.course.title,
        level=status.course.level,
        enrolled=status.enrolled_at.date().isoformat(),
        status="complete" if status.progress.is_complete else "in progress",
        online_hours=ce_hours(status.progress.minutes_done),
        time_on_task_hours=round(seconds / 3600, 2),
        practical_hours=practical_hours,
        certificate_id=cert.public_id if cert else "",
        issued=cert.issued_at.date().isoformat() if cert else "",
    )


HEADER = [
    "Course",
    "Level",
    "Enrolled",
    "Status",
    "Online theory hours",
    "Time on task hours",
    "In-person practical hours",
    "Certificate",
    "Issued",
    "Completed",
    "Competencies signed off",
    "Verification link",
]


def as_csv(items: list[TranscriptRow]) -> str:
    out = io.StringIO()
    writer = spreadsheet.writer(out)
    writer.writerow(HEADER)
    for item in items:
        writer.writerow(
            [
                item.course,
                item.level,
                item.enrolled,
                item.status,
                item.online_hours,
                item.time_on_task_hours,
                item.practical_hours,
                item.certificate_id,
                item.issued,
                item.completed,
                "; ".join(item.competencies),
                item.verify_url,
            ]
        )
    return out.getvalue()
