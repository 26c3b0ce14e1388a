"""Record and read the lab incident log (services: no commits, domain errors). Every entry is
also written to the audit trail; entries are never changed or deleted."""

import io
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from course_app import spreadsheet
from course_app.audit.services import record
from course_app.auth.models import User
from course_app.exceptions import DomainError
from course_app.incidents.models import KINDS, LabIncident
from course_app.instructor.models import Cohort
from course_app.modules.models import Course
from course_app.practical import CohortFacts, signoff_days


@dataclass(frozen=True)
class IncidentData:
    kind: str
    occurred_on: date
    occurred_time: str
    people: str
    what: str
    place: str
    action_taken: str
    follow_up: str
    reported_to: str
    corrects_id: int | None = None


def incident_days(cohort: Cohort, today: date) -> list[date]:
    """The days an incident may be recorded on: the cohort's, up to today."""
    facts = CohortFacts(
        cohort.id, cohort.name, cohort.starts_on, cohort.ends_on, cohort.location, 0
    )
    return signoff_days(facts, today)


def record_incident(
    session: Session, cohort: Cohort, data: IncidentData, actor_id: int, today: date
) -> LabIncident:
    if data.kind not in KINDS:
        raise DomainError(_("Choose adverse event or needlestick injury."))
    if data.occurred_on not in incident_days(cohort, today):
        raise DomainError(_("The day must be one of the cohort's days, and not one to come."))
    if data.corrects_id is not None:
        earlier = session.get(LabIncident, data.corrects_id)
        if earlier is None or earlier.cohort_id != cohort.id:
            raise DomainError(_("The entry to correct must be one of this cohort's."))
    incident = LabIncident(cohort_id=cohort.id, recorded_by_id=actor_id, **vars(data))
    session.add(incident)
    session.flush()
    summary = {"kind": data.kind, "cohort": cohort.id, "occurred_on": data.occurred_on.isoformat()}
    if data.corrects_id:
        summary["corrects"] = data.corrects_id
    record(session, actor_id, "incident.recorded", ("lab_incident", incident.id), after=summary)
    return incident


@dataclass(frozen=True)
class IncidentRow:
    incident: LabIncident
    cohort: Cohort
    course_title: str
    recorded_by: str


def _rows_query():
    recorder = aliased(User)
    return (
        select(LabIncident, Cohort, Course.title, recorder.full_name)
        .join(Cohort, Cohort.id == LabIncident.cohort_id)
        .join(Course, Course.id == Cohort.course_id)
        .join(recorder, recorder.id == LabIncident.recorded_by_id)
        .order_by(LabIncident.occurred_on.desc(), LabIncident.id.desc())
    )


def incidents(
    session: Session, cohort_id: int | None = None, kind: str = "", limit=None, offset=0
) -> list[IncidentRow]:
    """Entries, latest first: one cohort's or all, of one kind or both."""
    query = _rows_query()
    if cohort_id is not None:
        query = query.where(LabIncident.cohort_id == cohort_id)
    if kind in KINDS:
        query = query.where(LabIncident.kind == kind)
    rows = session.execute(query.limit(limit).offset(offset)).all()
    return [IncidentRow(*row) for row in rows]


def count(session: Session, kind: str = "") -> int:
    query = select(func.count()).select_from(LabIncident)
    if kind in KINDS:
        query = query.where(LabIncident.kind == kind)
    return session.scalar(query)


HEADERS = [
    "id",
    "kind",
    "course",
    "cohort",
    "day",
    "time",
    "who",
    "what",
    "where",
    "action taken",
    "follow-up",
    "reported to",
    "corrects",
    "recorded by",
    "recorded at (UTC)",
]


def as_csv(rows: list[IncidentRow]) -> str:
    out = io.StringIO()
    writer = spreadsheet.writer(out)  # neutralises formula-like text (OWASP)
    writer.writerow(HEADERS)
    for row in rows:
        i = row.incident
        cells = [
            i.id,
            KINDS[i.kind],
            row.course_title,
            row.cohort.name,
            i.occurred_on.isoformat(),
            i.occurred_time,
            i.people,
            i.what,
            i.place,
            i.action_taken,
            i.follow_up,
            i.reported_to,
            i.corrects_id or "",
            row.recorded_by,
            i.recorded_at.isoformat(timespec="seconds"),
        ]
        writer.writerow(cells)
    return out.getvalue()
