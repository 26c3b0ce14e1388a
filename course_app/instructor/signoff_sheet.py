"""One learner's practical on one page: every competency in one form ("all passed" with
per-item overrides, dates from the cohort's days), and each competency's earlier results,
read from the audit trail (a sign-off row keeps only its latest result). Services: no
commits, domain errors."""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from course_app.audit.models import AuditEntry
from course_app.auth.models import User
from course_app.exceptions import DomainError
from course_app.instructor import cohorts
from course_app.instructor.models import Cohort, CompetencySignoff
from course_app.modules.services import checklist_of
from course_app.practical import NOT_YET, PASS, sheet_results, signoff_days

RESULTS = (PASS, NOT_YET)


@dataclass(frozen=True)
class Earlier:
    """A result recorded before the current one (or in another cohort of the course)."""

    cohort_name: str
    result: str
    assessed_on: str
    notes: str


def earlier_results(session: Session, cohort: Cohort, learner: User) -> dict[str, list[Earlier]]:
    """Per competency, every result recorded for this learner in the course except the
    current one in this cohort, oldest first (two queries)."""
    rows = session.execute(
        select(CompetencySignoff.id, CompetencySignoff.cohort_id, Cohort.name)
        .join(Cohort, Cohort.id == CompetencySignoff.cohort_id)
        .where(Cohort.course_id == cohort.course_id, CompetencySignoff.user_id == learner.id)
    ).all()
    if not rows:
        return {}
    entries = session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.subject_type == "competency_signoff",
            AuditEntry.subject_id.in_([row.id for row in rows]),
            AuditEntry.action == "signoff.recorded",
        )
        .order_by(AuditEntry.id)
    )
    states: dict[int, list[dict]] = defaultdict(list)
    for entry in entries:
        states[entry.subject_id].append(entry.after or {})
    earlier: dict[str, list[Earlier]] = defaultdict(list)
    for row_id, cohort_id, name in rows:
        kept = states[row_id][:-1] if cohort_id == cohort.id else states[row_id]
        for state in kept:
            found = Earlier(name, state["result"], state["assessed_on"], state.get("notes", ""))
            earlier[state["competency"]].append(found)
    return {key: sorted(found, key=lambda e: e.assessed_on) for key, found in earlier.items()}


@dataclass(frozen=True)
class SheetEntry:
    """One competency's line as posted: a result ("" leaves it), a day, notes."""

    result: str
    day: str
    notes: str


def record_sheet(
    session: Session,
    cohort: Cohort,
    learner: User,
    entries: Mapping[str, SheetEntry],
    all_passed: bool,
    assessor_id: int,
    today: date,
) -> dict[str, str]:
    """Record every result the sheet sets, all or none: {competency key: problem} when any
    line is refused (the caller rolls back), else {}."""
    checklist = {c.key: c for c in checklist_of(cohort.course)}
    current = {row.competency_key: row.result for row in _rows(session, cohort, learner)}
    choices = {key: entries[key].result if key in entries else "" for key in checklist}
    days = {d.isoformat(): d for d in signoff_days(cohorts.facts(cohort), today)}
    problems = {}
    for key, result in sheet_results(choices, current, all_passed).items():
        entry = entries.get(key, SheetEntry(result, "", ""))
        if result not in RESULTS:
            problems[key] = "Choose Pass or Not yet."
        elif entry.day not in days:
            problems[key] = "Choose one of the cohort's days (not a day still to come)."
        elif len(entry.notes) > 2000:
            problems[key] = "Notes are at most 2,000 characters."
        else:
            data = cohorts.SignoffData(key, result, days[entry.day], entry.notes.strip())
            try:
                cohorts.record_signoff(session, cohort, learner, data, assessor_id, today)
            except DomainError as error:
                problems[key] = error.message
    return problems


def _rows(session: Session, cohort: Cohort, learner: User):
    return session.scalars(
        select(CompetencySignoff).where(
            CompetencySignoff.cohort_id == cohort.id, CompetencySignoff.user_id == learner.id
        )
    )


def default_day(cohort: Cohort, today: date) -> date | None:
    """The day the sheet proposes: the cohort's last day so far (its only day, for a one-day
    cohort), never a day to come; None before the cohort starts."""
    days = signoff_days(cohorts.facts(cohort), today)
    return days[-1] if days else None
