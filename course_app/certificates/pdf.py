"""Certificate and transcript PDFs with reportlab: A4 landscape, a QR code to the public
verification page, text that a PDF reader can extract, names in any script.

reportlab does not fall back between fonts by itself, so text is split into runs by which
font has the glyph: DejaVu covers Latin, Greek and Cyrillic; a CJK font (Debian
``fonts-droid-fallback`` or Noto CJK) covers Chinese, Japanese and Korean.
"""

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from course_app.i18n.formats import date_in, language_name, number_in, translator

FONT_DIRS = (Path("/usr/share/fonts/truetype"), Path("/usr/share/fonts/opentype"))
REGULAR = ("dejavu/DejaVuSans.ttf",)
BOLD = ("dejavu/DejaVuSans-Bold.ttf",)
FALLBACKS = (
    "droid/DroidSansFallbackFull.ttf",
    "droid/DroidSansFallback.ttf",
    "noto/NotoSansCJK-Regular.ttc",
)
NAVY, GOLD, INK = HexColor("#16324f"), HexColor("#a07c2c"), HexColor("#1b1f24")
CREDENTIAL_FILENAME = "credential.json"


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str
    fallbacks: tuple[str, ...]


def _find(candidates: Sequence[str]) -> Path | None:
    for directory in FONT_DIRS:
        for name in candidates:
            if (directory / name).exists():
                return directory / name
    return None


@cache
def fonts() -> Fonts:
    """Register the fonts once per process (on first use, not at import)."""
    names = []
    for label, candidates in (("Body", REGULAR), ("Body-Bold", BOLD)):
        path = _find(candidates)
        if path is None:
            names.append("Helvetica-Bold" if label.endswith("Bold") else "Helvetica")
            continue
        pdfmetrics.registerFont(TTFont(label, str(path)))
        names.append(label)
    fallbacks = []
    path = _find(FALLBACKS)
    if path is not None:
        pdfmetrics.registerFont(TTFont("Fallback", str(path)))
        fallbacks.append("Fallback")
    return Fonts(names[0], names[1], tuple(fallbacks))


def _has_glyph(font_name: str, char: str) -> bool:
    font = pdfmetrics.getFont(font_name)
    face = getattr(font, "face", None)
    if face is None or not hasattr(face, "charToGlyph"):
        return ord(char) < 256
    return ord(char) in face.charToGlyph


def runs(text: str, primary: str, fallbacks: Sequence[str]) -> list[tuple[str, str]]:
    """Split text into (font, text) runs so every character is drawn by a font that has it."""
    result: list[tuple[str, str]] = []
    for char in text:
        font = primary
        if not char.isspace() and not _has_glyph(primary, char):
            font = next((f for f in fallbacks if _has_glyph(f, char)), primary)
        if result and result[-1][0] == font:
            result[-1] = (font, result[-1][1] + char)
        else:
            result.append((font, char))
    return result


def _width(parts: list[tuple[str, str]], size: float) -> float:
    return sum(pdfmetrics.stringWidth(text, font, size) for font, text in parts)


def draw_centred(canvas: Canvas, text: str, x: float, y: float, size: float, bold=False) -> None:
    chosen = fonts()
    parts = runs(text, chosen.bold if bold else chosen.regular, chosen.fallbacks)
    cursor = x - _width(parts, size) / 2
    for font, chunk in parts:
        canvas.setFont(font, size)
        canvas.drawString(cursor, y, chunk)
        cursor += pdfmetrics.stringWidth(chunk, font, size)


def draw_left(canvas: Canvas, text: str, x: float, y: float, size: float, bold=False) -> None:
    chosen = fonts()
    cursor = x
    for font, chunk in runs(text, chosen.bold if bold else chosen.regular, chosen.fallbacks):
        canvas.setFont(font, size)
        canvas.drawString(cursor, y, chunk)
        cursor += pdfmetrics.stringWidth(chunk, font, size)


def draw_qr(canvas: Canvas, url: str, x: float, y: float, size: float) -> None:
    widget = QrCodeWidget(url, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(
        size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0]
    )
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x, y)


@dataclass(frozen=True)
class CertificateText:
    """Everything printed on a certificate, and the language it is printed in (days and
    hours are written by Babel for that language: "1 décembre 2026", "20,5 h")."""

    public_id: str
    holder_name: str
    registration: str
    course_title: str
    level: int
    theory_hours: float
    practical_hours: float
    competencies: tuple[str, ...]
    cohort_name: str
    cohort_starts_on: date | None
    cohort_ends_on: date | None
    assessors: str
    issued_on: date
    expires_on: date | None
    issuer: str
    verify_url: str
    language: str = "en"
    #: The record's language of issue: a copy printed in another language still states it.
    issued_in: str = "en"


def certificate_pdf(text: CertificateText) -> bytes:
    _ = translator(text.language)
    buffer = io.BytesIO()
    width, height = landscape(A4)
    canvas = Canvas(buffer, pagesize=(width, height), invariant=1)
    title = _("Certificate %(id)s: %(course)s", id=text.public_id, course=text.course_title)
    canvas.setTitle(title)
    canvas.setAuthor(text.issuer)
    _frame(canvas, width, height)
    centre = width / 2
    canvas.setFillColor(NAVY)
    draw_centred(canvas, _("Certificate of competency"), centre, height - 105, 30, bold=True)
    canvas.setFillColor(INK)
    draw_centred(canvas, _("This certifies that"), centre, height - 145, 13)
    draw_centred(canvas, text.holder_name, centre, height - 185, 28, bold=True)
    registration = _("Registration %(number)s", number=text.registration)
    draw_centred(canvas, registration, centre, height - 210, 12)
    passed = _("passed the summative evaluation (theory and practical) of")
    draw_centred(canvas, passed, centre, height - 240, 13)
    draw_centred(canvas, text.course_title, centre, height - 268, 18, bold=True)
    hours = _(
        "Online theory: %(theory)s h · In-person practical: %(practical)s h",
        theory=number_in(text.theory_hours, text.language),
        practical=number_in(text.practical_hours, text.language),
    )
    draw_centred(canvas, hours, centre, height - 295, 12)
    _details(canvas, text, height)
    draw_qr(canvas, text.verify_url, width - 170, 60, 110)
    draw_left(canvas, _("Verify: %(url)s", url=text.verify_url), 60, 48, 9)
    draw_left(
        canvas,
        _(
            "This certificate does not by itself authorize anyone to perform dry needling: "
            "authorization comes from the provincial regulator."
        ),
        60,
        34,
        8,
    )
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _frame(canvas: Canvas, width: float, height: float) -> None:
    canvas.setStrokeColor(NAVY)
    canvas.setLineWidth(4)
    canvas.rect(22, 22, width - 44, height - 44)
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(1.5)
    canvas.rect(30, 30, width - 60, height - 60)


def _details(canvas: Canvas, text: CertificateText, height: float) -> None:
    _, language = translator(text.language), text.language
    expires = date_in(text.expires_on, language) if text.expires_on else _("no expiry")
    cohort = ""
    if text.cohort_name:
        cohort = _(
            "Cohort: %(name)s, %(start)s to %(end)s",
            name=text.cohort_name,
            start=date_in(text.cohort_starts_on, language),
            end=date_in(text.cohort_ends_on, language),
        )
    competencies = "; ".join(text.competencies) if text.competencies else "–"
    lines = [
        _("Certificate %(id)s · Level %(level)s", id=text.public_id, level=text.level),
        _(
            "Issued %(issued)s · valid until %(expires)s",
            issued=date_in(text.issued_on, language),
            expires=expires,
        ),
        _language_line(text, _),
        cohort,
        _("Assessed by: %(names)s", names=text.assessors) if text.assessors else "",
        _("Issuer: %(name)s", name=text.issuer),
        _("Competencies signed off: %(list)s", list=competencies),
    ]
    y = height - 335
    for line in filter(None, lines):
        for chunk in _wrap(line, 120):
            draw_left(canvas, chunk, 60, y, 9.5)
            y -= 14


def _language_line(text: CertificateText, _) -> str:
    line = _("Language of issue: %(language)s", language=language_name(text.issued_in, _))
    if text.issued_in == text.language:
        return line
    copy = _("this copy in %(language)s", language=language_name(text.language, _))
    return f"{line} · {copy}"


def _wrap(line: str, width: int) -> list[str]:
    words, out, current = line.split(" "), [], ""
    for word in words:
        if len(current) + len(word) + 1 > width and current:
            out.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return [*out, current]


def with_attachment(pdf: bytes, credential: dict) -> bytes:
    """Embed the signed credential in the PDF, so the file itself can be verified."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    data = json.dumps(credential, indent=2, ensure_ascii=False).encode()
    writer.add_attachment(CREDENTIAL_FILENAME, data)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def attached_credential(pdf: bytes) -> dict | None:
    """The credential embedded in a certificate PDF, or None."""
    try:
        reader = PdfReader(io.BytesIO(pdf))
        files = reader.attachments.get(CREDENTIAL_FILENAME)
    except Exception:
        return None
    if not files:
        return None
    try:
        return json.loads(files[0])
    except ValueError:
        return None
