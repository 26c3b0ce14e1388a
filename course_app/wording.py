"""Counts and durations as a person says them, in the request's language: "1 minute",
"3 lessons", "24 hours", "1 hour 30 minutes" (never "1 minutes" or "1440 minutes"). Templates
use them as the ``plural`` and ``minutes`` filters. Outside a request (a script, a test of the
rule) Flask-Babel's functions fall back to the English text."""

from flask_babel import gettext, ngettext


def plural(count: float, singular: str, plural_form: str | None = None) -> str:
    """``1 lesson``, ``2 lessons``, ``1.5 hours``: the count with the word that fits it.

    English words only (staff pages); a learner-facing count is written with ``ngettext``
    so that French (three plural forms in CLDR) gets its own words."""
    word = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{count:g} {word}"


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
        return _hours(hours)
    return gettext("%(hours)s %(minutes)s", hours=_hours(hours), minutes=_minutes(rest))
