"""A learner's CE transcript: every course, online and in-person hours apart, dates, ids."""

import csv
import io
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from course_app.auth.models import SignedInUser, User
from course_app.certificates.models import Certificate
from course_app.db import utcnow
from course_app.instructor.models import Cohort, CohortMember
from course_app.modules.services import course_statuses


@dataclass(frozen=True)
class TranscriptRow:
    course: str
    level: int
    enrolled: str
    status: str
    online_hours: float
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
    return [
        _row(status, hours.get(status.course.id, 0.0), valid.get(status.course.id))
        for status in statuses
    ]


def _row(status, practical_hours: float, cert: Certificate | None) -> TranscriptRow:
    return TranscriptRow(
        course=status.course.title,
        level=status.course.level,
        enrolled=status.enrolled_at.date().isoformat(),
        status="complete" if status.progress.is_complete else "in progress",
        online_hours=round(status.progress.minutes_done / 60, 2),
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
    "In-person practical hours",
    "Certificate",
    "Issued",
]


def as_csv(items: list[TranscriptRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for item in items:
        writer.writerow(
            [
                item.course,
                item.level,
                item.enrolled,
                item.status,
                item.online_hours,
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
        pdf.draw_left(canvas, f"{item.course} (level {item.level})", 50, y, 11, bold=True)
        pdf.draw_left(
            canvas,
            f"Enrolled {item.enrolled} · {item.status} · online theory "
            f"{item.online_hours:g} h · in-person practical {item.practical_hours:g} h",
            50,
            y - 15,
            9.5,
        )
        certificate = (
            f"Certificate {item.certificate_id}, issued {item.issued}"
            if item.certificate_id
            else "No certificate yet"
        )
        pdf.draw_left(canvas, certificate, 50, y - 29, 9.5)
        y -= 52
    total_online = sum(i.online_hours for i in items)
    total_practical = sum(i.practical_hours for i in items)
    pdf.draw_left(
        canvas,
        f"Total: online theory {total_online:g} h · in-person practical {total_practical:g} h",
        50,
        y - 5,
        11,
        bold=True,
    )
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
