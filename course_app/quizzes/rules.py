"""When a learner may start an attempt, when an attempt closes, and what feedback shows.

Pure functions over plain data; services gather the data and the views show the reasons.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from flask_babel import gettext as _
from flask_babel import ngettext

#: Saves and submits arriving this long after the deadline still count (network, clocks).
GRACE = timedelta(seconds=30)


def utc_text(moment: datetime) -> str:
    """The default way a rule's message names a time; pages pass the viewer's zone instead."""
    return f"{moment:%Y-%m-%d %H:%M} UTC"


class AttemptStatus(StrEnum):
    IN_PROGRESS = "in-progress"
    SUBMITTED = "submitted"
    TIMED_OUT = "timed-out"


class FeedbackPolicy(StrEnum):
    IMMEDIATELY = "immediately"
    AFTER_PASSING = "after-passing"
    NEVER = "never"


@dataclass(frozen=True)
class AttemptSummary:
    status: AttemptStatus
    passed: bool | None
    finished_at: datetime | None


@dataclass(frozen=True)
class StartPolicy:
    max_attempts: int  # 0: unlimited
    cooldown: timedelta
    #: Granted to this learner by staff (see :mod:`allowances`), on top of max_attempts.
    extra_attempts: int = 0
    #: Staff lifted the cooldown then: attempts finished before it no longer make one wait.
    cooldown_lifted_at: datetime | None = None
    #: A final exam: a learner out of attempts is referred to an instructor.
    refers_to_instructor: bool = False

    @property
    def attempts_allowed(self) -> int:
        """0: unlimited."""
        return self.max_attempts + self.extra_attempts if self.max_attempts else 0


def start_block_reason(
    attempts: Sequence[AttemptSummary],
    policy: StartPolicy,
    now: datetime,
    unmet_requirement: str | None = None,
    show_time: Callable[[datetime], str] = utc_text,
) -> str | None:
    """Why a new attempt cannot start now, or None when it can; ``show_time`` writes the end of
    a cooldown (the page passes one in the learner's own time zone).

    An attempt in progress is resumed, not blocked. After a pass there is nothing to retake.
    """
    if any(a.status is AttemptStatus.IN_PROGRESS for a in attempts):
        return None
    if unmet_requirement:
        return unmet_requirement
    if any(a.passed for a in attempts):
        return _("You have passed this quiz.")
    allowed = policy.attempts_allowed
    if allowed and len(attempts) >= allowed:
        used = ngettext(
            "You have used the %(num)d attempt allowed for this quiz.",
            "You have used all %(num)d attempts allowed for this quiz.",
            allowed,
        )
        if policy.refers_to_instructor:
            return (
                used
                + " "
                + _(
                    "You are referred to your instructor, who can review your results with "
                    "you and decide on another attempt."
                )
            )
        return used
    ready_at = cooldown_ends(attempts, policy)
    if ready_at is not None and now < ready_at:
        return _(
            "You can try again from %(moment)s, after the cooldown.", moment=show_time(ready_at)
        )
    return None


def cooldown_ends(attempts: Sequence[AttemptSummary], policy: StartPolicy) -> datetime | None:
    finished = [a.finished_at for a in attempts if a.finished_at is not None]
    if not finished or not policy.cooldown:
        return None
    lifted = policy.cooldown_lifted_at
    if lifted is not None and lifted >= max(finished):
        return None
    return max(finished) + policy.cooldown


def attempt_deadline(
    started_at: datetime, time_limit_minutes: int, multiplier: float
) -> datetime | None:
    """When the attempt's time runs out (None: untimed); extra time scales the limit."""
    if not time_limit_minutes:
        return None
    return started_at + timedelta(minutes=time_limit_minutes * multiplier)


def is_past_grace(deadline: datetime | None, now: datetime) -> bool:
    """True once nothing more may be saved: the deadline plus the grace period has passed."""
    return deadline is not None and now > deadline + GRACE


def shows_feedback(policy: FeedbackPolicy, has_passed_quiz: bool) -> bool:
    """Whether per-question answers, right answers and rationales are shown."""
    if policy is FeedbackPolicy.IMMEDIATELY:
        return True
    return policy is FeedbackPolicy.AFTER_PASSING and has_passed_quiz
