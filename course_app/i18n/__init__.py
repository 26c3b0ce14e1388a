"""Languages and time zones: Flask-Babel set up, the language each request is shown in, the
viewer's time zone, the ``local_datetime`` filter and the language switcher (``i18n``
blueprint). Catalogues live in ``course_app/translations/`` (README: "How to add a language").
"""

from flask import Blueprint, Flask, current_app
from flask_babel import Babel, get_locale, gettext

bp = Blueprint("i18n", __name__)


def N_(text: str) -> str:
    """Marks ``text`` for the catalogue where it is defined (a constant); it is translated
    where it is shown, with ``gettext`` (the ``gettext`` template filter)."""
    return text


babel = Babel()


def init_app(app: Flask) -> None:
    from course_app.i18n import views  # noqa: F401  (the switcher's route)
    from course_app.i18n.formats import (
        ce_hours_local,
        language_pdf_label,
        long_date,
        number,
        statistic,
    )
    from course_app.i18n.selection import select_locale, select_timezone
    from course_app.i18n.times import local_datetime

    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.register_blueprint(bp)
    app.add_template_filter(local_datetime, "local_datetime")
    app.add_template_global(local_datetime, "local_datetime")
    app.add_template_filter(gettext, "gettext")
    app.add_template_filter(number, "number")
    app.add_template_filter(statistic, "statistic")
    app.add_template_filter(long_date, "long_date")
    app.add_template_filter(long_date, "local_day")
    app.add_template_global(language_pdf_label, "language_pdf_label")
    # Replaces the modules' plain ``ce_hours`` filter: the same figure, written for the locale.
    app.add_template_filter(ce_hours_local, "ce_hours")
    app.context_processor(_locale_context)


def _locale_context() -> dict:
    """``current_locale`` for ``<html lang>`` and the switcher's list of ``languages``."""
    return {"current_locale": str(get_locale()), "languages": current_app.config["LANGUAGES"]}
