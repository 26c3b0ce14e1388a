"""Counts, durations and hours in the viewer's language, through the i18n layer (Flask-Babel's
``ngettext`` and Babel's number formats): "1 minute", "3 lessons", "24 hours",
"1 hour 30 minutes" (never "1 minutes" or "1440 minutes"); in French "1 heure 30 minutes",
"1,5 h". Templates use them as the ``plural``, ``minutes``, ``hours`` and ``ce_hours``
filters. Outside a request the default language is used (``select_locale``).

Each counted word is one entry of :data:`UNITS`, written out as an ``ngettext`` call so that
``pybabel extract`` finds both forms and each language supplies its own plural forms.
"""

from collections.abc import Callable

from babel import Locale
from babel.numbers import format_decimal
from flask_babel import get_locale, gettext, ngettext

#: Counted words, by the key callers name them with: ``plural(3, "lesson")``.
UNITS: dict[str, Callable[[int, str], str]] = {
    "lesson": lambda n, count: ngettext("%(count)s lesson", "%(count)s lessons", n, count=count),
    "minute": lambda n, count: ngettext("%(count)s minute", "%(count)s minutes", n, count=count),
    "hour": lambda n, count: ngettext("%(count)s hour", "%(count)s hours", n, count=count),
    "CE hour": lambda n, count: ngettext("%(count)s CE hour", "%(count)s CE hours", n, count=count),
    "online minute": lambda n, count: ngettext(
        "%(count)s online minute", "%(count)s online minutes", n, count=count
    ),
    "in-person hour": lambda n, count: ngettext(
        "%(count)s in-person hour", "%(count)s in-person hours", n, count=count
    ),
    "response": lambda n, count: ngettext(
        "%(count)s response", "%(count)s responses", n, count=count
    ),
    "learner": lambda n, count: ngettext("%(count)s learner", "%(count)s learners", n, count=count),
    "seat": lambda n, count: ngettext("%(count)s seat", "%(count)s seats", n, count=count),
    "incident": lambda n, count: ngettext(
        "%(count)s incident", "%(count)s incidents", n, count=count
    ),
}

#: Whole numbers to stand for a decimal count when choosing a catalogue's plural form (gettext
#: forms take integers only): the first whose CLDR category is the decimal's.
_STAND_INS = (1, 2, 0, 3, 5, 11, 21, 100, 1_000_000)


def number(value: float) -> str:
    """``1.5`` → ``1.5`` in English, ``1,5`` in French; at most two decimals, none trailing."""
    return format_decimal(round(value, 2), format="#,##0.##", locale=_locale())


def plural(count: float, unit: str) -> str:
    """``1 lesson``, ``2 lessons``, ``1.5 hours`` (``1,5 heure`` in French, where anything
    under 2 is singular): the count with the word of :data:`UNITS` that fits it."""
    return UNITS[unit](_form_count(count), number(count))


def _minutes(count: int) -> str:
    return ngettext("%(num)d minute", "%(num)d minutes", count)


def _hours(count: int) -> str:
    return ngettext("%(num)d hour", "%(num)d hours", count)


def minutes_text(minutes: float) -> str:
    """A span of minutes as a person says it: whole hours in hours, the rest in minutes."""
    minutes = round(minutes)
    hours, rest = divmod(minutes, 60)
    if not hours:
        return _minutes(rest)
    if not rest:
        return plural(hours, "hour")
    return gettext(
        "%(hours)s %(minutes)s", hours=plural(hours, "hour"), minutes=plural(rest, "minute")
    )


def hours_text(hours: float) -> str:
    """Hours as a decimal with the unit's symbol: ``1.5 h``, ``1,5 h`` (never split)."""
    return gettext("%(num)s h", num=number(hours)).replace(" ", "\N{NO-BREAK SPACE}")


def ce_hours_words(minutes: float) -> str:
    """A course's CE credit from its minutes, to the hundredth: ``6.58 CE hours``."""
    return plural(round(minutes / 60, 2), "CE hour")


def _form_count(count: float) -> int:
    """``count`` itself when whole; for a decimal, a whole number in the same plural category
    of the viewer's language (English 1.5 → 2, "hours"; French 1.5 → 1, "heure")."""
    if float(count).is_integer():
        return int(count)
    locale = _locale()
    category = locale.plural_form(count)
    return next((n for n in _STAND_INS if locale.plural_form(n) == category), 2)


def _locale() -> Locale:
    """The viewer's locale; English outside any application (a plain function call)."""
    return get_locale() or Locale.parse("en")
