"""Every event people are told about: who gets it, whether they may turn it off, and its
template (templates/notifications/events/<event>.txt, and fr/<event>.txt in French: the first
line is the title, the rest the body; the same text goes to the inbox and by e-mail).

A template is written for its recipient, never for the request (scheduled work has none):
it shows a stored time with ``local_date(moment)`` or ``local_time(moment)`` (the zone
named), both in the recipient's zone, not with the pages' ``local_datetime``. The labels
below are the settings page's, marked for the catalogue and translated there."""

from dataclasses import dataclass
from datetime import date

from course_app.i18n import N_


@dataclass(frozen=True)
class Event:
    label: str
    #: Security and certificate notices are always sent; the rest each person may turn off.
    essential: bool
    #: Who may receive it: "learner" (anyone), "staff" (instructors, admins) or "admin".
    audience: str = "learner"


EVENTS: dict[str, Event] = {
    "certificate_issued": Event(N_("A certificate was issued to you"), essential=True),
    "certificate_expiring_90": Event(N_("Your certificate expires in 90 days"), essential=True),
    "certificate_expiring_30": Event(N_("Your certificate expires in 30 days"), essential=True),
    "certificate_expiring_7": Event(N_("Your certificate expires in 7 days"), essential=True),
    "certificate_expired": Event(N_("Your certificate expired"), essential=True),
    "certificate_revoked": Event(N_("Your certificate was revoked"), essential=True),
    # Certificates carry the name, so the answer to a name-change request is always sent.
    "name_change_approved": Event(N_("Your name change was approved"), essential=True),
    "name_change_refused": Event(N_("Your name change was refused"), essential=True),
    "cohort_booked": Event(
        N_("Your seat in a practical cohort was booked or confirmed"), essential=False
    ),
    "cohort_moved": Event(N_("Your seat was moved to another practical cohort"), essential=False),
    "cohort_cancelled": Event(N_("Your seat in a practical cohort was cancelled"), essential=False),
    "regrade_changed": Event(N_("A regrade changed one of your results"), essential=False),
    "cooldown_ended": Event(N_("You may try a quiz again"), essential=False),
    "signoff_waiting": Event(
        N_("Learners are waiting for practical sign-off"), essential=False, audience="staff"
    ),
    "certificate_flagged": Event(
        N_("A certificate was flagged for review"), essential=False, audience="admin"
    ),
    "issue_waiting": Event(
        N_("Learners are eligible and waiting for a certificate"), essential=False, audience="admin"
    ),
}

#: Reminders before expiry: (days left at most, event), nearest first.
EXPIRY_REMINDERS = (
    (7, "certificate_expiring_7"),
    (30, "certificate_expiring_30"),
    (90, "certificate_expiring_90"),
)


def expiry_notice(expires_on: date, today: date) -> str | None:
    """The expiry notice due today: the nearest reminder whose window has begun, or
    "expired" from the day after the last valid day. A certificate first seen 20 days before
    expiry gets the 30-day notice only (never a late 90-day one)."""
    days_left = (expires_on - today).days
    if days_left < 0:
        return "certificate_expired"
    for limit, event in EXPIRY_REMINDERS:
        if days_left <= limit:
            return event
    return None


def optional_events(role: str) -> list[tuple[str, Event]]:
    """The notices this person (by role) may turn off, in the order of the settings page."""
    audiences = {"admin": {"learner", "staff", "admin"}, "instructor": {"learner", "staff"}}
    seen = audiences.get(role, {"learner"})
    return [
        (key, event)
        for key, event in EVENTS.items()
        if not event.essential and event.audience in seen
    ]
