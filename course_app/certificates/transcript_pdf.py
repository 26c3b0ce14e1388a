"""The CE transcript as a PDF a regulator can read: the provider, the learner with their
jurisdiction and registration number, then per course its completion date, online theory and
in-person practical hours apart, the competencies signed off, and each certificate's id and
verification link with a QR code. It flows onto as many A4 pages as it needs."""

import io

from course_app.auth.models import SignedInUser, User
from course_app.certificates.transcript import TranscriptRow
from course_app.db import utcnow

MARGIN = 50
LINE = 13
QR_SIZE = 62
#: Characters per line of the competencies list (9.5 pt, the width left beside the QR code).
WRAP = 92
TIME_NOTE = (
    "Online theory hours count a lesson once the time on task the server recorded on it",
    "reached the required share of the lesson's minutes.",
)


class Pages:
    """A canvas with a cursor that moves down and starts a new page when a block won't fit."""

    def __init__(self, canvas, title: str) -> None:
        from reportlab.lib.pagesizes import A4

        self.canvas, self.title = canvas, title
        self.width, self.height = A4
        self.number = 1
        self.y = self.height - 60

    def need(self, height: float) -> None:
        if self.y - height < MARGIN + 20:
            self.finish_page()
            self.canvas.showPage()
            self.number += 1
            self.y = self.height - 60
            self.line(f"{self.title} (continued)", 10, bold=True)
            self.y -= 6

    def line(self, text: str, size: float = 9.5, bold: bool = False, indent: float = 0) -> None:
        from course_app.certificates import pdf

        pdf.draw_left(self.canvas, text, MARGIN + indent, self.y, size, bold=bold)
        self.y -= max(LINE, size + 4)

    def finish_page(self) -> None:
        from course_app.certificates import pdf

        pdf.draw_left(self.canvas, f"Page {self.number}", self.width - MARGIN - 40, 30, 8)


def as_pdf(
    learner: User | SignedInUser, items: list[TranscriptRow], provider: str, issuer: str
) -> bytes:
    # reportlab is imported on first use: it costs each worker ~20 MiB.
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    canvas.setTitle(f"CE transcript: {learner.full_name}")
    pages = Pages(canvas, f"CE transcript: {learner.full_name}")
    _heading(pages, learner, provider, issuer)
    for item in items:
        _course(pages, item)
    _totals(pages, items)
    pages.finish_page()
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _heading(pages: Pages, learner, provider: str, issuer: str) -> None:
    pages.line("Continuing-education transcript", 18, bold=True)
    pages.line(f"Provider: {provider}", 11)
    pages.line(learner.full_name, 12, bold=True)
    regulator = f" ({learner.regulator})" if getattr(learner, "regulator", None) else ""
    pages.line(f"Jurisdiction: {learner.jurisdiction or '–'}{regulator}", 10)
    pages.line(f"Registration number: {learner.registration_number or '–'}", 10)
    pages.line(f"Issued by {issuer} on {utcnow().date().isoformat()}", 9)
    pages.y -= 12


def _course(pages: Pages, item: TranscriptRow) -> None:
    from course_app.certificates import pdf

    competencies = _wrapped(item.competencies)
    pages.need(LINE * 5)  # the course's heading and hours stay together
    pages.line(f"{item.course} (level {item.level})", 11, bold=True)
    done = f"completed {item.completed}" if item.completed else item.status
    pages.line(f"Enrolled {item.enrolled} · {done}")
    pages.line(
        f"Online theory {item.online_hours:g} h credited (time on task recorded "
        f"{item.time_on_task_hours:g} h) · in-person practical {item.practical_hours:g} h"
    )
    if competencies:
        pages.line(f"Competencies signed off ({len(item.competencies)}):")
        for text in competencies:
            pages.need(LINE)
            pages.line(text, 8.5, indent=12)
    if item.certificate_id:
        pages.need(QR_SIZE + LINE)
        top = pages.y
        pages.line(f"Certificate {item.certificate_id}, issued {item.issued}")
        pages.line(f"Verify: {item.verify_url}", 8.5)
        qr_x = pages.width - MARGIN - QR_SIZE
        pdf.draw_qr(pages.canvas, item.verify_url, qr_x, top - QR_SIZE + 10, QR_SIZE)
        pages.y = min(pages.y, top - QR_SIZE + 4)
    else:
        pages.line("No certificate yet")
    pages.y -= 10


def _wrapped(competencies: tuple[str, ...]) -> list[str]:
    from course_app.certificates.pdf import _wrap

    lines: list[str] = []
    for title in competencies:
        first, *rest = _wrap(title, WRAP)
        lines += [f"• {first}", *[f"  {more}" for more in rest]]
    return lines


def _totals(pages: Pages, items: list[TranscriptRow]) -> None:
    pages.need(LINE * 4)
    online = round(sum(i.online_hours for i in items), 2)
    recorded = round(sum(i.time_on_task_hours for i in items), 2)
    practical = round(sum(i.practical_hours for i in items), 2)
    pages.line(
        f"Total: online theory {online:g} h · time on task {recorded:g} h · "
        f"in-person practical {practical:g} h",
        11,
        bold=True,
    )
    for text in TIME_NOTE:
        pages.line(text, 8.5)
