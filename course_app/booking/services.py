"""Learners book seats in practical cohorts, wait for one when a cohort is full, and cancel
before the cut-off; staff confirm, move or cancel seats. Services: no commits, domain errors;
the learner is told through notifications (inbox and e-mail, one template per event, their
choices respected), once per audited action; each service returns the ids of the e-mails it
queued, for the view to send after its commit.

Seats are taken and freed through ``instructor/seats.py`` (a conditional UPDATE), so
concurrent bookings never overfill a cohort. A freed seat goes to the first learner waiting.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from course_app.audit.services import record
from course_app.auth.models import User
from course_app.db import utcnow
from course_app.exceptions import DomainError
from course_app.i18n.times import local_datetime
from course_app.instructor.models import (
    Cohort,
    CohortInstructor,
    CohortMember,
    CohortWaitlist,
    CompetencySignoff,
)
from course_app.instructor.seats import free_seat, take_seat
from course_app.modules.models import Enrollment
from course_app.notifications.services import notify
from course_app.practical import booking_problem, cancel_deadline, signoff_block_reason
from course_app.standing_store import refresh_standing

BOOKED, CONFIRMED, WAITING = "booked", "confirmed", "waiting"


@dataclass(frozen=True)
class Offering:
    """One cohort as a learner sees it."""

    cohort: Cohort
    instructors: tuple[str, ...]
    #: The learner's place: BOOKED, CONFIRMED, WAITING or None.
    mine: str | None
    #: Their place in the waiting list (1 = next), when waiting.
    waiting_place: int | None
    cancel_until: datetime
    today: date

    @property
    def seats_left(self) -> int:
        return max(0, self.cohort.capacity - self.cohort.seats_taken)

    @property
    def is_open(self) -> bool:
        return booking_problem(self.cohort.starts_on, self.today) is None

    @property
    def may_cancel(self) -> bool:
        return self.mine in (BOOKED, CONFIRMED) and utcnow() <= self.cancel_until


def offerings(session: Session, course_id: int, user_id: int, cutoff_hours: float):
    """The course's cohorts that have not ended, soonest first, with this learner's place."""
    today = utcnow().date()
    cohorts = list(
        session.scalars(
            select(Cohort)
            .where(Cohort.course_id == course_id, Cohort.ends_on >= today)
            .order_by(Cohort.starts_on, Cohort.id)
        )
    )
    ids = [c.id for c in cohorts]
    names = _instructor_names(session, ids)
    seats = dict(
        session.execute(
            select(CohortMember.cohort_id, CohortMember.confirmed_at).where(
                CohortMember.cohort_id.in_(ids), CohortMember.user_id == user_id
            )
        ).all()
    )
    places = _waiting_places(session, ids, user_id)
    return [
        Offering(
            c,
            names.get(c.id, ()),
            _mine(c.id, seats, places),
            places.get(c.id),
            cancel_deadline(c.starts_on, cutoff_hours),
            today,
        )
        for c in cohorts
    ]


def _mine(cohort_id: int, seats: dict, places: dict) -> str | None:
    if cohort_id in seats:
        return CONFIRMED if seats[cohort_id] is not None else BOOKED
    return WAITING if cohort_id in places else None


def _instructor_names(session: Session, ids: list[int]) -> dict[int, tuple[str, ...]]:
    rows = session.execute(
        select(CohortInstructor.cohort_id, User.full_name)
        .join(User, User.id == CohortInstructor.user_id)
        .where(CohortInstructor.cohort_id.in_(ids))
        .order_by(User.full_name)
    )
    names: dict[int, list[str]] = defaultdict(list)
    for cohort_id, name in rows:
        names[cohort_id].append(name)
    return {cohort_id: tuple(found) for cohort_id, found in names.items()}


def _waiting_places(session: Session, ids: list[int], user_id: int) -> dict[int, int]:
    rows = session.execute(
        select(CohortWaitlist.cohort_id, CohortWaitlist.user_id)
        .where(CohortWaitlist.cohort_id.in_(ids))
        .order_by(CohortWaitlist.joined_at, CohortWaitlist.id)
    )
    places, counts = {}, defaultdict(int)
    for cohort_id, waiting in rows:
        counts[cohort_id] += 1
        if waiting == user_id:
            places[cohort_id] = counts[cohort_id]
    return places


def waitlist_of(session: Session, cohort_id: int) -> list[User]:
    """Who waits for a seat in this cohort, first in line first."""
    return list(
        session.scalars(
            select(User)
            .join(CohortWaitlist, CohortWaitlist.user_id == User.id)
            .where(CohortWaitlist.cohort_id == cohort_id)
            .order_by(CohortWaitlist.joined_at, CohortWaitlist.id)
        )
    )


def _check_may_book(session: Session, cohort: Cohort, learner: User) -> None:
    problem = booking_problem(cohort.starts_on, utcnow().date()) or signoff_block_reason(
        learner.register_class
    )
    if problem:
        raise DomainError(problem)
    enrolled = select(Enrollment.id).where(
        Enrollment.user_id == learner.id, Enrollment.course_id == cohort.course_id
    )
    if session.scalar(enrolled) is None:
        raise DomainError(_("Enrol in the course before booking its practical."))
    held = _held_seat(session, cohort.course_id, learner.id)
    if held is not None:
        raise DomainError(
            _("You already have a seat in “%(cohort)s”: cancel it first to change.", cohort=held)
        )


def _held_seat(session: Session, course_id: int, user_id: int) -> str | None:
    """The name of a cohort of this course, not ended, where the learner has a seat."""
    return session.scalar(
        select(Cohort.name)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .where(
            Cohort.course_id == course_id,
            Cohort.ends_on >= utcnow().date(),
            CohortMember.user_id == user_id,
        )
        .limit(1)
    )


def book(session: Session, cohort: Cohort, learner: User) -> list[int]:
    """Take a seat for the learner, awaiting staff confirmation; full: DomainError."""
    _check_may_book(session, cohort, learner)
    if not take_seat(session, cohort.id):
        raise DomainError(
            _("“%(cohort)s” is full: join its waiting list instead.", cohort=cohort.name)
        )
    _add_member(session, cohort, learner)
    session.execute(
        delete(CohortWaitlist).where(
            CohortWaitlist.cohort_id == cohort.id, CohortWaitlist.user_id == learner.id
        )
    )
    entry = record(
        session, learner.id, "cohort.seat_booked", ("cohort", cohort.id), after=_who(learner)
    )
    return _tell(session, learner, "cohort_booked", entry, cohort, state="booked")


def _add_member(session: Session, cohort: Cohort, learner: User, confirmed=None) -> None:
    try:
        with session.begin_nested():
            session.add(
                CohortMember(cohort_id=cohort.id, user_id=learner.id, confirmed_at=confirmed)
            )
    except IntegrityError as error:  # the same learner, twice at once
        raise DomainError(_("You already have a seat in this cohort.")) from error
    refresh_standing(session, learner.id, cohort.course_id)  # their latest cohort changed


def join_waitlist(session: Session, cohort: Cohort, learner: User) -> None:
    _check_may_book(session, cohort, learner)
    if cohort.seats_taken < cohort.capacity:
        raise DomainError(_("“%(cohort)s” has seats left: book one.", cohort=cohort.name))
    try:
        with session.begin_nested():
            session.add(CohortWaitlist(cohort_id=cohort.id, user_id=learner.id))
    except IntegrityError as error:
        raise DomainError(_("You are already on this cohort's waiting list.")) from error
    record(
        session, learner.id, "cohort.waitlist_joined", ("cohort", cohort.id), after=_who(learner)
    )


def leave_waitlist(session: Session, cohort: Cohort, learner: User) -> None:
    removed = session.execute(
        delete(CohortWaitlist).where(
            CohortWaitlist.cohort_id == cohort.id, CohortWaitlist.user_id == learner.id
        )
    )
    if not removed.rowcount:
        raise DomainError(_("You are not on this cohort's waiting list."))
    record(session, learner.id, "cohort.waitlist_left", ("cohort", cohort.id), before=_who(learner))


def cancel_own(session: Session, cohort: Cohort, learner: User, cutoff_hours: float) -> list[int]:
    """The learner gives up their seat, up to the cut-off before the cohort starts."""
    deadline = cancel_deadline(cohort.starts_on, cutoff_hours)
    if utcnow() > deadline:
        raise DomainError(
            _(
                "Seats can be cancelled online until %(deadline)s; contact the course's staff.",
                deadline=local_datetime(deadline),
            )
        )
    member = _member(session, cohort, learner)
    return _remove(session, cohort, member, learner, learner.id, "cohort.seat_cancelled")


def _member(session: Session, cohort: Cohort, learner: User) -> CohortMember:
    member = session.scalar(
        select(CohortMember).where(
            CohortMember.cohort_id == cohort.id, CohortMember.user_id == learner.id
        )
    )
    if member is None:
        raise DomainError(f"{learner.full_name} has no seat in this cohort.")
    return member


def _check_no_results(session: Session, cohort: Cohort, member: CohortMember) -> None:
    signed = select(CompetencySignoff.id).where(
        CompetencySignoff.cohort_id == cohort.id, CompetencySignoff.user_id == member.user_id
    )
    if member.practical_hours or session.scalar(signed.limit(1)) is not None:
        raise DomainError("Results or hours are recorded for this seat: it stays in this cohort.")


def _remove(session, cohort, member, learner, actor_id, action, reason="") -> list[int]:
    _check_no_results(session, cohort, member)
    session.delete(member)
    session.flush()
    free_seat(session, cohort.id)
    refresh_standing(session, learner.id, cohort.course_id)
    entry = record(
        session, actor_id, action, ("cohort", cohort.id), before=_who(learner), reason=reason
    )
    by_staff = actor_id != learner.id
    told = _tell(session, learner, "cohort_cancelled", entry, cohort, by_staff=by_staff)
    return told + promote_waiting(session, cohort)


def promote_waiting(session: Session, cohort: Cohort) -> list[int]:
    """Give a freed seat (before the cohort starts) to the first learner waiting who has no
    seat in another cohort of the course; those who have one since are taken off the list."""
    if booking_problem(cohort.starts_on, utcnow().date()):
        return []
    waiting = session.scalars(
        select(CohortWaitlist)
        .where(CohortWaitlist.cohort_id == cohort.id)
        .order_by(CohortWaitlist.joined_at, CohortWaitlist.id)
    ).all()
    for entry in waiting:
        session.delete(entry)
        if _held_seat(session, cohort.course_id, entry.user_id) is None:  # seated elsewhere
            return _seat_from_waitlist(session, cohort, session.get(User, entry.user_id))
    return []


def _seat_from_waitlist(session: Session, cohort: Cohort, learner: User) -> list[int]:
    if not take_seat(session, cohort.id):
        return []
    _add_member(session, cohort, learner)
    entry = record(
        session, None, "cohort.seat_from_waitlist", ("cohort", cohort.id), after=_who(learner)
    )
    return _tell(session, learner, "cohort_booked", entry, cohort, state="from_waitlist")


def confirm(session: Session, cohort: Cohort, learner: User, actor_id: int) -> list[int]:
    member = _member(session, cohort, learner)
    if member.confirmed_at is not None:
        raise DomainError(f"{learner.full_name}'s seat is already confirmed.")
    member.confirmed_at = utcnow()
    entry = record(
        session, actor_id, "cohort.seat_confirmed", ("cohort", cohort.id), after=_who(learner)
    )
    return _tell(session, learner, "cohort_booked", entry, cohort, state="confirmed")


def move(
    session: Session, cohort: Cohort, learner: User, target: Cohort, actor_id: int
) -> list[int]:
    """Move a learner's seat to another cohort of the same course that has a seat left."""
    member = _member(session, cohort, learner)
    if target.course_id != cohort.course_id or target.id == cohort.id:
        raise DomainError("Choose another cohort of the same course.")
    _check_no_results(session, cohort, member)
    held = select(CohortMember.id).where(
        CohortMember.cohort_id == target.id, CohortMember.user_id == learner.id
    )
    if session.scalar(held) is not None:
        raise DomainError(f"{learner.full_name} already has a seat in “{target.name}”.")
    if not take_seat(session, target.id):
        raise DomainError(f"“{target.name}” is full.")
    member.cohort_id, member.confirmed_at = target.id, utcnow()
    session.flush()
    free_seat(session, cohort.id)
    refresh_standing(session, learner.id, cohort.course_id)
    entry = record(
        session,
        actor_id,
        "cohort.seat_moved",
        ("cohort", cohort.id),
        before=_who(learner),
        after={**_who(learner), "cohort": target.id},
    )
    told = _tell(session, learner, "cohort_moved", entry, target, from_cohort=cohort)
    return told + promote_waiting(session, cohort)


def cancel_by_staff(
    session: Session, cohort: Cohort, learner: User, actor_id: int, reason: str
) -> list[int]:
    if not reason.strip():
        raise DomainError("Say why the seat is cancelled: the learner is told.")
    member = _member(session, cohort, learner)
    return _remove(session, cohort, member, learner, actor_id, "cohort.seat_cancelled", reason)


def _who(learner: User) -> dict:
    return {"learner": learner.id}


def _tell(session, learner: User, event: str, entry, cohort: Cohort, **context) -> list[int]:
    """Notify the learner of one audited seat action (its audit entry is the subject, so a
    learner who books, cancels and books again hears of each, and of each only once); the
    id of the e-mail queued, if any (none when they turned these notices off)."""
    link = f"/courses/{cohort.course.slug}/practical"
    told = notify(
        session,
        learner,
        event,
        f"audit:{entry.id}",
        link,
        cohort=cohort,
        reason=entry.reason,
        **context,
    )
    return [told.outbox_message_id] if told is not None else []
