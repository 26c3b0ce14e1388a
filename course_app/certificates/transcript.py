"""A learner's CE transcript: every course, online and in-person hours apart, the time on task
recorded behind the online hours, dates, ids."""

import io
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from course_app import spreadsheet
from course_app.auth.models import SignedInUser, User
from course_app.certificates.models import Certificate
from course_app.db import utcnow
from course_app.instructor.models import Cohort, CohortMember
from course_app.modules.models import Lesson, LessonTime
from course_app.modules.services import course_statuses
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


def rows(session: Session, user_id: int) -> list[TranscriptRow]:
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
    seconds = _time_on_task(session, user_id)
    return [
        _row(
            status,
            hours.get(status.course.id, 0.0),
            seconds.get(status.course.id, 0),
            valid.get(status.course.id),
        )
        for status in statuses
    ]


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
            ]
        )
    return out.getvalue()


def as_pdf(learner: User | SignedInUser, items: list[TranscriptRow], issuer: str) -> bytes:
    # reportlab and pypdf are imported on first use: they cost each worker ~20 MiB.
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from course_app.certificates import pdf

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    canvas.setTitle(f"CE transcript: {learner.full_name}")
    _width, height = A4
    pdf.draw_left(canvas, "Continuing-education transcript", 50, height - 60, 18, bold=True)
    pdf.draw_left(
        canvas,
        f"{learner.full_name} · registration {learner.registration_number or '–'}",
        50,
        height - 85,
        11,
    )
    pdf.draw_left(
        canvas, f"Issued by {issuer} on {utcnow().date().isoformat()}", 50, height - 102, 9
    )
    y = height - 140
    for item in items:
        _draw_course(canvas, item, y)
        y -= 66
    total_online = sum(i.online_hours for i in items)
    total_time = sum(i.time_on_task_hours for i in items)
    total_practical = sum(i.practical_hours for i in items)
    pdf.draw_left(
        canvas,
        f"Total: online theory {total_online:g} h · time on task {total_time:g} h · "
        f"in-person practical {total_practical:g} h",
        50,
        y - 5,
        11,
        bold=True,
    )
    for number, line in enumerate(TIME_NOTE):
        pdf.draw_left(canvas, line, 50, y - 22 - 11 * number, 8.5)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


TIME_NOTE = (
    "Online theory hours count a lesson once the time on task the server recorded on it",
    "reached the required share of the lesson's minutes.",
)


def _draw_course(canvas, item: TranscriptRow, y: float) -> None:
    from course_app.certificates import pdf

    pdf.draw_left(canvas, f"{item.course} (level {item.level})", 50, y, 11, bold=True)
    pdf.draw_left(canvas, f"Enrolled {item.enrolled} · {item.status}", 50, y - 15, 9.5)
    pdf.draw_left(
        canvas,
        f"Online theory {item.online_hours:g} h credited · time on task recorded "
        f"{item.time_on_task_hours:g} h · in-person practical {item.practical_hours:g} h",
        50,
        y - 29,
        9.5,
    )
    certificate = (
        f"Certificate {item.certificate_id}, issued {item.issued}"
        if item.certificate_id
        else "No certificate yet"
    )
    pdf.draw_left(canvas, certificate, 50, y - 43, 9.5)
