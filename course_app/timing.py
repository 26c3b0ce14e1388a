"""Time-on-task rules, as pure functions over plain data.

No database, no Flask. A lesson's CE minutes count, and the lesson completes, only once the
time on task the server recorded reaches a share of its declared minutes
(:func:`is_time_enough`; the share is the ``LESSON_TIME_SHARE`` setting). Time is recorded in
credits: each heartbeat, and the completion form, earns the time since the later of the page's
opening and the last credit, never more than a cap (:func:`credit`), so a tab left open
or a flood of requests earns no more than the time that really passed.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta


def needed_seconds(minutes: int, share: float) -> int:
    """Seconds of time on task a lesson of ``minutes`` needs (rounded up)."""
    if not 0 <= share <= 1:  # also refuses NaN
        raise ValueError(f"the time share must be between 0 and 1, not {share!r}")
    return math.ceil(minutes * 60 * share)


def is_time_enough(recorded_seconds: int, minutes: int, share: float) -> bool:
    """The rule: the recorded time reaches the share of the lesson's declared minutes."""
    return recorded_seconds >= needed_seconds(minutes, share)


@dataclass(frozen=True)
class Credit:
    """What one beat earns, and where the next one counts from."""

    seconds: int
    #: The end of the time credited, so that no fraction of a second is lost or counted
    #: twice; when the cap cut the beat short, now: the time beyond the cap is forfeited.
    until: datetime


def credit(
    now: datetime, opened_at: datetime, last_credit_at: datetime | None, cap_seconds: int
) -> Credit:
    """One beat: the whole seconds since the page was opened or since the last credit,
    whichever is later, at most ``cap_seconds`` and never below zero."""
    since = opened_at if last_credit_at is None else max(opened_at, last_credit_at)
    elapsed = max(0, math.floor((now - since).total_seconds()))
    if elapsed > cap_seconds:
        return Credit(cap_seconds, now)
    return Credit(elapsed, since + timedelta(seconds=elapsed))


def form_cap_seconds(
    minutes: int, opened_at: datetime, last_credit_at: datetime | None, beat_cap_seconds: int
) -> int:
    """The most the completion form earns. Without JavaScript it is all the page can show:
    the time since the page opened, up to the lesson's minutes. Once heartbeats from this page
    (or a later one) were credited, the script was watching, and time it did not credit (the
    page hidden, the learner away) must not come back with the click: one beat's cap."""
    heartbeats = last_credit_at is not None and last_credit_at > opened_at
    return beat_cap_seconds if heartbeats else minutes * 60


def ce_hours(minutes: float) -> float:
    """CE hours for a number of minutes, to the hundredth: the one figure every page, PDF and
    credential states (395 minutes are 6.58 h everywhere, never 6.6 on one and 6.58333 on
    another)."""
    return round(minutes / 60, 2)


def ce_hours_text(minutes: float) -> str:
    """``6.58``, ``8``: :func:`ce_hours` without trailing zeros."""
    return f"{ce_hours(minutes):g}"


def duration(seconds: int) -> str:
    """``7 min 30 s``, ``45 s``, ``1 h 5 min``: a time as a person would say it."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes and secs:
        return f"{minutes} min {secs} s"
    if minutes or not secs:
        return f"{minutes} min"
    return f"{secs} s"


def shortfall_message(recorded_seconds: int, minutes: int, share: float) -> str:
    """Why a lesson cannot be completed yet: the time recorded against the time needed."""
    needed = needed_seconds(minutes, share)
    return (
        f"Not complete yet: {duration(recorded_seconds)} of time on this lesson is recorded, "
        f"and {duration(needed)} is needed ({round(share * 100)} % of its {minutes} minutes). "
        "Keep reading: the page records your time while it is open and you are active."
    )


def progress_message(recorded_seconds: int, minutes: int, share: float) -> str:
    """What the lesson page says after each heartbeat."""
    needed = needed_seconds(minutes, share)
    if recorded_seconds >= needed:
        recorded = duration(recorded_seconds)
        return f"Time on this lesson: {recorded} recorded: you can mark it complete."
    return (
        f"Time on this lesson: {duration(recorded_seconds)} recorded of the {duration(needed)} "
        "needed to complete it."
    )
