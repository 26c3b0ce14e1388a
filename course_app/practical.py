"""The in-person practical's rules, as pure functions over plain data.

The course's files state the checklist (each competency critical or not, some needing a second
assessor) and the minimum practical hours; instructors record results and hours per cohort.
These functions decide:

- the latest sign-off of a competency wins (written once, read by every page);
- a competency that needs a second assessor passes only once a different assessor confirmed
  the pass;
- a critical competency recorded "not yet" fails the practical until it is re-assessed and
  passed; any other competency not yet passed leaves it in progress;
- the practical is done when it passed and the hours attended reach the course's minimum,
  whatever the cohort offered;
- sign-off dates fall within the cohort's days and never in the future; hours never exceed
  what the cohort offered, and are recorded once it has started.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from flask_babel import gettext as _

from course_app.i18n import N_

#: Marked for the catalogue, translated by signoff_block_reason for the request's reader.
PROVISIONAL_REASON = N_(
    "Provisional registrants may complete the online theory but may not needle another "
    "person in any context, including course labs, so their practical cannot be signed off."
)
PASS, NOT_YET = "pass", "not-yet"
#: A pass that a second, different assessor confirmed (as stored results are read).
CONFIRMED_PASS = "pass-confirmed"  # noqa: S105 (a result code, not a password)


class PracticalStatus(StrEnum):
    NOT_STARTED = "not-started"
    IN_PROGRESS = "in-progress"
    FAILED = "failed"
    PASSED = "passed"


@dataclass(frozen=True)
class Competency:
    key: str
    title: str
    critical: bool
    #: Passed only when a second, different assessor confirms the pass.
    second_assessor: bool = False
    #: The region or muscle group it is assessed on, where the course names one.
    region: str = ""


@dataclass(frozen=True)
class Signoff:
    """One recorded result, as plain data."""

    key: str
    result: str  # PASS or NOT_YET
    recorded_at: datetime
    order: int = 0  # ties on recorded_at: the later row wins
    confirmed: bool = False  # a second, different assessor confirmed the pass

    @property
    def code(self) -> str:
        return CONFIRMED_PASS if self.result == PASS and self.confirmed else self.result


def latest_results(signoffs: Iterable[Signoff]) -> dict[str, str]:
    """The latest result per competency (a re-assessment replaces an earlier one), as codes:
    PASS, CONFIRMED_PASS or NOT_YET."""
    results: dict[str, str] = {}
    for signoff in sorted(signoffs, key=lambda s: (s.recorded_at, s.order)):
        results[signoff.key] = signoff.code
    return results


def is_passed(competency: Competency, code: str | None) -> bool:
    if competency.second_assessor:
        return code == CONFIRMED_PASS
    return code in (PASS, CONFIRMED_PASS)


def practical_status(
    checklist: Sequence[Competency], results: Mapping[str, str]
) -> PracticalStatus:
    """The practical's status from the latest result code per competency."""
    if not checklist or not results:
        return PracticalStatus.NOT_STARTED
    if any(c.critical and results.get(c.key) == NOT_YET for c in checklist):
        return PracticalStatus.FAILED
    if all(is_passed(c, results.get(c.key)) for c in checklist):
        return PracticalStatus.PASSED
    return PracticalStatus.IN_PROGRESS


def signoff_block_reason(register_class: str | None) -> str | None:
    """Why this learner cannot be signed off on a needling practical, or None."""
    return _(PROVISIONAL_REASON) if register_class == "provisional" else None


@dataclass(frozen=True)
class CohortFacts:
    id: int
    name: str
    starts_on: date
    ends_on: date
    location: str
    lab_hours: float


@dataclass(frozen=True)
class PracticalRecord:
    """One learner's practical in one course: their latest cohort, hours attended there,
    the latest result per competency (codes), and who assessed them."""

    cohort: CohortFacts | None = None
    hours: float = 0.0
    results: Mapping[str, str] = field(default_factory=dict)
    assessors: tuple[str, ...] = ()

    def status(self, checklist: Sequence[Competency]) -> PracticalStatus:
        return practical_status(checklist, self.results)

    def passed_titles(self, checklist: Sequence[Competency]) -> tuple[str, ...]:
        return tuple(c.title for c in checklist if is_passed(c, self.results.get(c.key)))

    def remaining(self, checklist: Sequence[Competency]) -> tuple[Competency, ...]:
        return tuple(c for c in checklist if not is_passed(c, self.results.get(c.key)))


def practical_done(
    checklist: Sequence[Competency], record: PracticalRecord | None, minimum_hours: float
) -> bool:
    """Signed off as passed and the course's minimum hours attended (no practical: done)."""
    if not checklist:
        return True
    record = record or PracticalRecord()
    return record.status(checklist) is PracticalStatus.PASSED and record.hours >= minimum_hours


def signoff_date_problem(assessed_on: date, cohort: CohortFacts, today: date) -> str | None:
    """Why a sign-off cannot carry this date, or None."""
    if assessed_on > today:
        return _("A competency cannot be signed off in the future.")
    if not cohort.starts_on <= assessed_on <= cohort.ends_on:
        return _(
            "The date must fall within the cohort's days, %(first)s to %(last)s.",
            first=cohort.starts_on.isoformat(),
            last=cohort.ends_on.isoformat(),
        )
    return None


def hours_problem(hours: float, cohort: CohortFacts, today: date) -> str | None:
    """Why these attended hours cannot be recorded, or None."""
    if today < cohort.starts_on:
        return _(
            "The cohort starts on %(day)s: no hours attended yet.", day=cohort.starts_on.isoformat()
        )
    if not 0 <= hours <= cohort.lab_hours:
        return _(
            "Hours attended must be from 0 to the cohort's %(hours)s lab hours.",
            hours=f"{cohort.lab_hours:g}",
        )
    return None


def cancel_deadline(starts_on: date, cutoff_hours: float) -> datetime:
    """A learner may cancel a seat until this instant: the cut-off before the cohort's first
    day begins (midnight UTC)."""
    return datetime.combine(starts_on, time.min, tzinfo=UTC) - timedelta(hours=cutoff_hours)


def booking_problem(starts_on: date, today: date) -> str | None:
    """Why a seat in this cohort cannot be booked or waited for, or None: it has started."""
    if today >= starts_on:
        return _("This cohort has started: booking is closed.")
    return None


def signoff_days(cohort: CohortFacts, today: date) -> list[date]:
    """The days a sign-off may carry: the cohort's, up to today (none before it starts)."""
    last = min(cohort.ends_on, today)
    count = (last - cohort.starts_on).days + 1
    return [cohort.starts_on + timedelta(days=n) for n in range(max(0, count))]


def sheet_results(
    choices: Mapping[str, str], current: Mapping[str, str], all_passed: bool
) -> dict[str, str]:
    """The results a one-page sign-off records: each competency's own choice; with "all
    passed", every competency left blank that is not already a pass (re-recording a pass
    would clear a second assessor's confirmation); blanks otherwise change nothing."""
    results = {key: choice for key, choice in choices.items() if choice}
    if all_passed:
        for key, choice in choices.items():
            if not choice and current.get(key) != PASS:
                results[key] = PASS
    return results
