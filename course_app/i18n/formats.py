"""Numbers and calendar days as the request's locale writes them (Babel through Flask-Babel):
``20.5`` / ``20,5``, ``December 1, 2026`` / ``1 décembre 2026``. Template filters ``number``,
``ce_hours`` and ``long_date``; the PDFs call :func:`number_in` and :func:`date_in` with the
document's language (no request locale there)."""

from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from pathlib import Path

from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal as babel_format_decimal
from babel.support import Translations
from flask_babel import format_date, format_decimal

from course_app.timing import ce_hours

#: Up to two decimals, none when whole: 8, 6.58, 20.5 (and 20,5 in French).
DECIMALS = "#,##0.##"


def number(value: float | int | None) -> str:
    """A count or measure (hours attended, CE hours) in the request's locale."""
    return "–" if value is None else format_decimal(value, format=DECIMALS)


def statistic(value: float | None) -> str:
    """A statistic to the hundredth, zeros kept so a column lines up: 0.50, 0,50 in French."""
    return "–" if value is None else format_decimal(value, format="0.00")


def ce_hours_local(minutes: float) -> str:
    """CE hours for ``minutes`` (``timing.ce_hours``, to the hundredth) in the locale."""
    return number(ce_hours(minutes))


def long_date(day: date | datetime | None) -> str:
    """A calendar day written out: ``December 1, 2026`` / ``1 décembre 2026``. A moment
    (UTC) is first moved to the viewer's zone (Flask-Babel rebases it), so an issue at
    02:00 UTC is the day before in Toronto."""
    if day is None:
        return "–"
    return format_date(day, format="long")


def number_in(value: float, language: str) -> str:
    return babel_format_decimal(value, format=DECIMALS, locale=language)


def date_in(day: date | datetime, language: str) -> str:
    if isinstance(day, datetime):
        day = day.date()
    return babel_format_date(day, format="long", locale=language)


#: A link to a document in another language names it in that language (``lang`` set on it).
PDF_IN = {"en": "PDF in English", "fr": "PDF en français"}


def language_pdf_label(code: str) -> str:
    return PDF_IN.get(code, f"PDF ({code})")


#: The compiled catalogues (the same ones Flask-Babel reads).
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


@cache
def _catalogue(language: str) -> Translations:
    return Translations.load(str(TRANSLATIONS), [language])


def translator(language: str) -> Callable[..., str]:
    """A ``gettext`` for a document written in ``language`` whatever the request (a PDF made
    by a background job has none): ``_ = translator("fr"); _("Issuer: %(name)s", name=...)``.
    Strings passed to it are marked where they are written, with a function named ``_``."""
    catalogue = _catalogue(language)

    def translate(text: str, **values) -> str:
        found = catalogue.gettext(text)
        return found % values if values else found

    return translate


def language_name(code: str, _: Callable[..., str]) -> str:
    """The name of a language in the document's own (``_`` its translator)."""
    names = {"en": _("English"), "fr": _("French")}
    return names.get(code, code)
