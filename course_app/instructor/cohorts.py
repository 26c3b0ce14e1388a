"""Cohorts, their members and the practical sign-off (services: no commits, domain errors)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from course_app.audit.services import record
from course_app.auth.models import Role, SignedInUser, User
from course_app.auth.services import find_by_email
from course_app.db import utcnow
from course_app.exceptions import DomainError
from course_app.instructor.models import (
    Cohort,
    CohortInstructor,
    CohortMember,
    CompetencySignoff,
    CourseStaff,
)
from course_app.instructor.seats import take_seat
from course_app.modules.models import Course, Enrollment
from course_app.modules.services import checklist_of
from course_app.notifications.services import notify
from course_app.practical import (
    CohortFacts,
    Competency,
    PracticalStatus,
    Signoff,
    hours_problem,
    latest_results,
    practical_status,
    signoff_block_reason,
    signoff_date_problem,
)
from course_app.standing_store import refresh_standing
from course_app.xapi import events as xapi_events


@dataclass(frozen=True)
class CohortData:
    name: str
    starts_on: date
    ends_on: date
    location: str
    capacity: int
    lab_hours: float
    instructor_emails: tuple[str, ...] = ()


@dataclass(frozen=True)
class RosterRow:
    member: CohortMember
    learner: User
    results: dict[str, CompetencySignoff]
    status: PracticalStatus

    @property
    def block_reason(self) -> str | None:
        return signoff_block_reason(self.learner.register_class)


def cohorts_of(session: Session, course_id: int) -> list[tuple[Cohort, int]]:
    """The course's cohorts, newest first, with their member counts (one query)."""
    members = (
        select(CohortMember.cohort_id, func.count().label("n"))
        .group_by(CohortMember.cohort_id)
        .subquery()
    )
    query = (
        select(Cohort, func.coalesce(members.c.n, 0))
        .outerjoin(members, members.c.cohort_id == Cohort.id)
        .where(Cohort.course_id == course_id)
        .order_by(Cohort.starts_on.desc(), Cohort.id.desc())
    )
    return [(cohort, count) for cohort, count in session.execute(query)]


def create_cohort(
    session: Session, course: Course, data: CohortData, actor: User | SignedInUser
) -> Cohort:
    if data.ends_on < data.starts_on:
        raise DomainError(_("The cohort cannot end before it starts."))
    instructors = _instructors(session, data.instructor_emails)
    if actor.role == Role.INSTRUCTOR and actor.id not in {u.id for u in instructors}:
        instructors.append(actor)
    cohort = Cohort(
        course_id=course.id,
        name=data.name,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        location=data.location,
        capacity=data.capacity,
        lab_hours=data.lab_hours,
    )
    session.add(cohort)
    session.flush()
    session.add_all(CohortInstructor(cohort_id=cohort.id, user_id=u.id) for u in instructors)
    record(session, actor.id, "cohort.created", ("cohort", cohort.id), after={"name": data.name})
    return cohort


def _instructors(session: Session, emails: tuple[str, ...]) -> list[User]:
    users = []
    for email in emails:
        user = find_by_email(session, email)
        if user is None or user.role != Role.INSTRUCTOR:
            raise DomainError(_("%(email)s is not an instructor's e-mail address.", email=email))
        users.append(user)
    return users


def cohort_instructors(session: Session, cohort_id: int) -> list[User]:
    query = (
        select(User)
        .join(CohortInstructor, CohortInstructor.user_id == User.id)
        .where(CohortInstructor.cohort_id == cohort_id)
        .order_by(User.full_name)
    )
    return list(session.scalars(query))


def add_member(session: Session, cohort: Cohort, email: str, actor_id: int) -> User:
    """Add an enrolled learner to the cohort, within its capacity."""
    learner = find_by_email(session, email)
    enrolled = learner is not None and session.scalar(
        select(Enrollment.id).where(
            Enrollment.user_id == learner.id, Enrollment.course_id == cohort.course_id
        )
    )
    if not enrolled or learner.role != Role.LEARNER:
        # One answer whether the account is unknown or outside this course: the instructor
        # learns nothing (not a name, not that it exists) about people they do not teach.
        raise DomainError(
            _("No learner enrolled in this course has this e-mail address (learners enrol first).")
        )
    already = session.scalar(
        select(CohortMember.id).where(
            CohortMember.cohort_id == cohort.id, CohortMember.user_id == learner.id
        )
    )
    if already is not None:
        raise DomainError(_("%(name)s is already in this cohort.", name=learner.full_name))
    if not take_seat(session, cohort.id):
        raise DomainError(
            ngettext(
                "The cohort is full (%(num)d place).",
                "The cohort is full (%(num)d places).",
                cohort.capacity,
            )
        )
    try:
        with session.begin_nested():
            seat = CohortMember(cohort_id=cohort.id, user_id=learner.id, confirmed_at=utcnow())
            session.add(seat)
    except IntegrityError as error:
        raise DomainError(
            _("%(name)s is already in this cohort.", name=learner.full_name)
        ) from error
    refresh_standing(session, learner.id, cohort.course_id)
    entry = record(
        session,
        actor_id,
        "cohort.member_added",
        ("cohort", cohort.id),
        after={"learner": learner.id},
    )
    # Told once per audited addition (removed and added again: told again).
    path = f"/courses/{cohort.course.slug}"
    key = f"audit:{entry.id}"
    notify(session, learner, "cohort_booked", key, path, cohort=cohort, state="added")
    return learner


def find_member(
    session: Session, cohort_id: int, learner_id: int
) -> tuple[CohortMember, User] | None:
    query = (
        select(CohortMember, User)
        .join(User, User.id == CohortMember.user_id)
        .where(CohortMember.cohort_id == cohort_id, CohortMember.user_id == learner_id)
    )
    row = session.execute(query).first()
    return (row[0], row[1]) if row else None


def roster(session: Session, cohort: Cohort) -> list[RosterRow]:
    """Every member with their results and practical status (two queries)."""
    members = session.execute(
        select(CohortMember, User)
        .join(User, User.id == CohortMember.user_id)
        .where(CohortMember.cohort_id == cohort.id)
        .order_by(User.full_name)
    ).all()
    signoffs = session.scalars(
        select(CompetencySignoff).where(CompetencySignoff.cohort_id == cohort.id)
    )
    by_learner: dict[int, dict[str, CompetencySignoff]] = defaultdict(dict)
    for signoff in signoffs:
        by_learner[signoff.user_id][signoff.competency_key] = signoff
    checklist = checklist_of(cohort.course)
    return [
        RosterRow(member, user, by_learner[user.id], _status(checklist, by_learner[user.id]))
        for member, user in members
    ]


def _status(checklist: list[Competency], results: dict[str, CompetencySignoff]):
    signoffs = [
        Signoff(key, row.result, row.recorded_at, row.id, row.confirmed)
        for key, row in results.items()
    ]
    return practical_status(checklist, latest_results(signoffs))


def facts(cohort: Cohort) -> CohortFacts:
    return CohortFacts(
        cohort.id, cohort.name, cohort.starts_on, cohort.ends_on, cohort.location, cohort.lab_hours
    )


def set_practical_hours(
    session: Session, cohort: Cohort, member: CohortMember, hours: float, actor_id: int, today: date
) -> None:
    """Record the hours attended: never more than the cohort offered, nor before it starts."""
    problem = hours_problem(hours, facts(cohort), today)
    if problem:
        raise DomainError(problem)
    before = {"practical_hours": member.practical_hours}
    member.practical_hours = hours
    refresh_standing(session, member.user_id, cohort.course_id)
    record(
        session,
        actor_id,
        "cohort.practical_hours",
        ("cohort_member", member.id),
        before,
        {"practical_hours": hours},
    )


@dataclass(frozen=True)
class SignoffData:
    competency_key: str
    result: str  # "pass" or "not-yet"
    assessed_on: date
    notes: str


def record_signoff(
    session: Session,
    cohort: Cohort,
    learner: User,
    data: SignoffData,
    assessor_id: int,
    today: date,
) -> CompetencySignoff:
    """Record (or change) one competency's result; every change goes to the audit trail.

    The date falls within the cohort's days and is never in the future. A second assessor's
    confirmation was of the earlier result: a change clears it."""
    reason = signoff_block_reason(learner.register_class)
    if reason:
        raise DomainError(reason)
    checklist = checklist_of(cohort.course)
    titles = {c.key: c.title for c in checklist}
    needs_second = {c.key for c in checklist if c.second_assessor}
    if data.competency_key not in titles:
        raise DomainError(_("That competency is not on this level's checklist."))
    problem = signoff_date_problem(data.assessed_on, facts(cohort), today)
    if problem:
        raise DomainError(problem)
    row = _signoff_row(session, cohort, learner, data.competency_key)
    before = _signoff_state(row)
    if row is None:
        row = CompetencySignoff(
            cohort_id=cohort.id, user_id=learner.id, competency_key=data.competency_key
        )
        session.add(row)
    row.result, row.assessed_on, row.notes = data.result, data.assessed_on, data.notes
    row.assessor_id = assessor_id
    row.second_assessor_id, row.second_assessed_on = None, None
    refresh_standing(session, learner.id, cohort.course_id)
    record(
        session,
        assessor_id,
        "signoff.recorded",
        ("competency_signoff", row.id),
        before,
        _signoff_state(row),
    )
    if data.competency_key not in needs_second or data.result != "pass":
        _signed_off(session, cohort, learner, data, titles[data.competency_key], row.id)
    return row


def _signed_off(session, cohort, learner, data, title, row_id):
    """The xAPI statement of a result (a pass that needs a second assessor waits for them)."""
    course = cohort.course
    xapi_events.competency_signed_off(
        session,
        learner.id,
        (course.slug, course.title),
        (data.competency_key, title),
        data.result == "pass",
        f"{row_id}:{data.result}:{data.assessed_on.isoformat()}",
        utcnow(),
    )


def assessor_names(session: Session, signoffs) -> dict[int, str]:
    """{user id: name} for everyone who assessed or confirmed these sign-offs."""
    ids = {s.assessor_id for s in signoffs} | {s.second_assessor_id for s in signoffs}
    ids.discard(None)
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.full_name).where(User.id.in_(ids))).all())


def _signoff_row(session: Session, cohort: Cohort, learner: User, key: str):
    return session.scalar(
        select(CompetencySignoff).where(
            CompetencySignoff.cohort_id == cohort.id,
            CompetencySignoff.user_id == learner.id,
            CompetencySignoff.competency_key == key,
        )
    )


def confirm_signoff(
    session: Session,
    cohort: Cohort,
    learner: User,
    key: str,
    assessed_on: date,
    assessor_id: int,
    today: date,
) -> CompetencySignoff:
    """A second assessor confirms a pass of a competency that requires one."""
    competency = next((c for c in checklist_of(cohort.course) if c.key == key), None)
    if competency is None or not competency.second_assessor:
        raise DomainError(_("This competency does not take a second assessor."))
    row = _signoff_row(session, cohort, learner, key)
    if row is None or row.result != "pass":
        raise DomainError(_("Only a recorded pass can be confirmed by a second assessor."))
    if row.assessor_id == assessor_id:
        raise DomainError(_("The second assessor must be someone other than the first."))
    problem = signoff_date_problem(assessed_on, facts(cohort), today)
    if problem:
        raise DomainError(problem)
    before = _signoff_state(row)
    row.second_assessor_id, row.second_assessed_on = assessor_id, assessed_on
    refresh_standing(session, learner.id, cohort.course_id)
    record(
        session,
        assessor_id,
        "signoff.confirmed",
        ("competency_signoff", row.id),
        before,
        _signoff_state(row),
    )
    course = cohort.course
    xapi_events.competency_signed_off(
        session,
        learner.id,
        (course.slug, course.title),
        (key, competency.title),
        True,
        f"{row.id}:confirmed:{assessed_on.isoformat()}",
        utcnow(),
    )
    return row


def _signoff_state(row: CompetencySignoff | None) -> dict | None:
    if row is None:
        return None
    state = {
        "competency": row.competency_key,
        "result": row.result,
        "assessed_on": row.assessed_on.isoformat(),
        "notes": row.notes,
    }
    if row.second_assessor_id:
        state["second_assessor"] = row.second_assessor_id
    return state


def staff_of(session: Session, course_id: int) -> list[User]:
    query = (
        select(User)
        .join(CourseStaff, CourseStaff.user_id == User.id)
        .where(CourseStaff.course_id == course_id)
        .order_by(User.full_name)
    )
    return list(session.scalars(query))


def assign_instructor(session: Session, course: Course, email: str, actor_id: int) -> User:
    user = find_by_email(session, email)
    if user is None or user.role != Role.INSTRUCTOR:
        raise DomainError(_("No instructor has this e-mail address."))
    try:
        with session.begin_nested():
            session.add(CourseStaff(course_id=course.id, user_id=user.id))
    except IntegrityError as error:
        raise DomainError(
            _("%(name)s already teaches this course.", name=user.full_name)
        ) from error
    record(
        session,
        actor_id,
        "course.instructor_assigned",
        ("course", course.id),
        after={"user": user.id},
    )
    return user


def unassign_instructor(session: Session, course: Course, user_id: int, actor_id: int) -> None:
    row = session.scalar(
        select(CourseStaff).where(
            CourseStaff.course_id == course.id, CourseStaff.user_id == user_id
        )
    )
    if row is None:
        raise DomainError(_("That instructor does not teach this course."))
    session.delete(row)
    record(
        session,
        actor_id,
        "course.instructor_removed",
        ("course", course.id),
        before={"user": user_id},
    )
