"""Counts and durations in plain English, as pure functions: "1 minute", "3 lessons",
"24 hours", "1 hour 30 minutes" (never "1 minutes" or "1440 minutes"). Templates use them as
the ``plural`` and ``minutes`` filters."""


def plural(count: float, singular: str, plural_form: str | None = None) -> str:
    """``1 lesson``, ``2 lessons``, ``1.5 hours``: the count with the word that fits it."""
    word = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{count:g} {word}"


def minutes_text(minutes: float) -> str:
    """A span of minutes as a person says it: whole hours in hours, the rest in minutes."""
    minutes = round(minutes)
    hours, rest = divmod(minutes, 60)
    if not hours:
        return plural(rest, "minute")
    if not rest:
        return plural(hours, "hour")
    return f"{plural(hours, 'hour')} {plural(rest, 'minute')}"
