"""The CE transcript as a PDF a regulator can read: the provider, the learner with their
jurisdiction and registration number, then per course its completion date, online theory and
in-person practical hours apart, the competencies signed off, and each certificate's id and
verification link with a QR code. It flows onto as many A4 pages as it needs. It is written in
the language asked for (the page's), days and hours as Babel writes them for it."""

import io
from datetime import date

from course_app.auth.models import SignedInUser, User
from course_app.certificates.transcript import TranscriptRow
from course_app.db import utcnow
from course_app.i18n import N_
from course_app.i18n.formats import date_in, number_in, translator

MARGIN = 50
LINE = 13
QR_SIZE = 62
#: Characters per line of the competencies list (9.5 pt, the width left beside the QR code).
WRAP = 92
TIME_NOTE = N_(
    "Online theory hours count a lesson once the time on task the server recorded on it "
    "reached the required share of the lesson's minutes."
)


class Pages:
    """A canvas with a cursor that moves down and starts a new page when a block won't fit."""

    def __init__(self, canvas, title: str, language: str = "en") -> None:
        from reportlab.lib.pagesizes import A4

        self.canvas, self.title = canvas, title
        self.language, self._ = language, translator(language)
        self.width, self.height = A4
        self.number = 1
        self.y = self.height - 60

    def need(self, height: float) -> None:
        if self.y - height < MARGIN + 20:
            self.finish_page()
            self.canvas.showPage()
            self.number += 1
            self.y = self.height - 60
            self.line(self._("%(title)s (continued)", title=self.title), 10, bold=True)
            self.y -= 6

    def line(self, text: str, size: float = 9.5, bold: bool = False, indent: float = 0) -> None:
        from course_app.certificates import pdf

        pdf.draw_left(self.canvas, text, MARGIN + indent, self.y, size, bold=bold)
        self.y -= max(LINE, size + 4)

    def finish_page(self) -> None:
        from course_app.certificates import pdf

        page = self._("Page %(number)s", number=self.number)
        pdf.draw_left(self.canvas, page, self.width - MARGIN - 40, 30, 8)

    def day(self, iso: str) -> str:
        """An ISO day ("2026-12-01") as the language writes it; other text as it is."""
        try:
            return date_in(date.fromisoformat(iso), self.language)
        except ValueError:
            return iso

    def hours(self, value: float) -> str:
        return number_in(value, self.language)


def as_pdf(
    learner: User | SignedInUser,
    items: list[TranscriptRow],
    provider: str,
    issuer: str,
    language: str = "en",
) -> bytes:
    # reportlab is imported on first use: it costs each worker ~20 MiB.
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    _ = translator(language)
    title = _("CE transcript: %(name)s", name=learner.full_name)
    canvas.setTitle(title)
    pages = Pages(canvas, title, language)
    _heading(pages, learner, provider, issuer)
    for item in items:
        _course(pages, item)
    _totals(pages, items)
    pages.finish_page()
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _heading(pages: Pages, learner, provider: str, issuer: str) -> None:
    _ = pages._
    pages.line(_("Continuing-education transcript"), 18, bold=True)
    pages.line(_("Provider: %(name)s", name=provider), 11)
    pages.line(learner.full_name, 12, bold=True)
    regulator = f" ({learner.regulator})" if getattr(learner, "regulator", None) else ""
    jurisdiction = f"{learner.jurisdiction or '–'}{regulator}"
    pages.line(_("Jurisdiction: %(jurisdiction)s", jurisdiction=jurisdiction), 10)
    number = learner.registration_number or "–"
    pages.line(_("Registration number: %(number)s", number=number), 10)
    today = date_in(utcnow().date(), pages.language)
    pages.line(_("Issued by %(issuer)s on %(day)s", issuer=issuer, day=today), 9)
    pages.y -= 12


def _course(pages: Pages, item: TranscriptRow) -> None:
    from course_app.certificates import pdf

    _ = pages._
    competencies = _wrapped(item.competencies)
    pages.need(LINE * 5)  # the course's heading and hours stay together
    pages.line(_("%(course)s (level %(level)s)", course=item.course, level=item.level), 11, True)
    states = {"complete": _("complete"), "in progress": _("in progress")}
    done = states.get(item.status, item.status)
    if item.completed:
        done = _("completed %(day)s", day=pages.day(item.completed))
    pages.line(_("Enrolled %(day)s · %(done)s", day=pages.day(item.enrolled), done=done))
    pages.line(
        _(
            "Online theory %(online)s h credited (time on task recorded %(recorded)s h) · "
            "in-person practical %(practical)s h",
            online=pages.hours(item.online_hours),
            recorded=pages.hours(item.time_on_task_hours),
            practical=pages.hours(item.practical_hours),
        )
    )
    if competencies:
        count = len(item.competencies)
        pages.line(_("Competencies signed off (%(count)s):", count=count))
        for text in competencies:
            pages.need(LINE)
            pages.line(text, 8.5, indent=12)
    if item.certificate_id:
        pages.need(QR_SIZE + LINE)
        top = pages.y
        issued = pages.day(item.issued)
        pages.line(_("Certificate %(id)s, issued %(day)s", id=item.certificate_id, day=issued))
        pages.line(_("Verify: %(url)s", url=item.verify_url), 8.5)
        qr_x = pages.width - MARGIN - QR_SIZE
        pdf.draw_qr(pages.canvas, item.verify_url, qr_x, top - QR_SIZE + 10, QR_SIZE)
        pages.y = min(pages.y, top - QR_SIZE + 4)
    else:
        pages.line(_("No certificate yet"))
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
    _ = pages._
    total = _(
        "Total: online theory %(online)s h · time on task %(recorded)s h · "
        "in-person practical %(practical)s h",
        online=pages.hours(online),
        recorded=pages.hours(recorded),
        practical=pages.hours(practical),
    )
    pages.line(total, 11, bold=True)
    # The note is wrapped for the page in whichever language it is written.
    from course_app.certificates.pdf import _wrap

    for text in _wrap(_(TIME_NOTE), 100):
        pages.line(text, 8.5)
