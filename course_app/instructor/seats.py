"""A cohort's seats, taken and freed with one conditional UPDATE each, so that concurrent
bookings never overfill it: PostgreSQL re-checks ``seats_taken < capacity`` on the row a
concurrent transaction just updated, SQLite serializes writers, and a CHECK constraint backs
both. Every change of a cohort's members goes through here."""

from sqlalchemy import update
from sqlalchemy.orm import Session

from course_app.instructor.models import Cohort


def take_seat(session: Session, cohort_id: int) -> bool:
    """Take one seat if one is free; False when the cohort is full."""
    taken = session.execute(
        update(Cohort)
        .where(Cohort.id == cohort_id, Cohort.seats_taken < Cohort.capacity)
        .values(seats_taken=Cohort.seats_taken + 1)
        .execution_options(synchronize_session=False)
    )
    return taken.rowcount == 1


def free_seat(session: Session, cohort_id: int) -> None:
    session.execute(
        update(Cohort)
        .where(Cohort.id == cohort_id, Cohort.seats_taken > 0)
        .values(seats_taken=Cohort.seats_taken - 1)
        .execution_options(synchronize_session=False)
    )
