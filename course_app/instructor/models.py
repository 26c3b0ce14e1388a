"""Teaching: who teaches which course, cohorts (in-person offerings) and practical sign-off."""

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course_app.db import Base, UTCDateTime, utcnow
from course_app.modules.models import SLUG_LENGTH, Course


class CourseStaff(Base):
    """An instructor assigned to a course: they author it and see its learners' results."""

    __tablename__ = "course_staff"
    __table_args__ = (UniqueConstraint("course_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Cohort(Base):
    """One in-person offering of a level: where and when its practical takes place."""

    __tablename__ = "cohorts"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("lab_hours >= 0", name="lab_hours_not_negative"),
        # Booking takes a seat with a conditional UPDATE (seats_taken < capacity); this is
        # the backstop: no transaction, however raced, overfills a cohort.
        CheckConstraint(
            "seats_taken >= 0 AND seats_taken <= capacity", name="seats_within_capacity"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    location: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int] = mapped_column(Integer)
    #: In-person lab hours the cohort provides (recorded apart from online minutes).
    lab_hours: Mapped[float] = mapped_column(Float)
    #: Members (seats booked or given by staff): kept with the members by ``seats.py``.
    seats_taken: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    course: Mapped[Course] = relationship()


class CohortInstructor(Base):
    __tablename__ = "cohort_instructors"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class CohortMember(Base):
    __tablename__ = "cohort_members"
    __table_args__ = (
        UniqueConstraint("cohort_id", "user_id"),
        CheckConstraint("practical_hours >= 0", name="practical_hours_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: In-person hours the learner attended, recorded by the instructor.
    practical_hours: Mapped[float] = mapped_column(Float, default=0.0)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: When staff confirmed a seat the learner booked (None: booked, awaiting confirmation).
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CohortWaitlist(Base):
    """A learner waiting for a seat in a full cohort; the first in line gets a freed seat."""

    __tablename__ = "cohort_waitlist"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CompetencySignoff(Base):
    """The current result of one practical competency for one learner in one cohort.

    Every change is also written to the audit trail, so the history is kept there.
    """

    __tablename__ = "competency_signoffs"
    __table_args__ = (
        UniqueConstraint("cohort_id", "user_id", "competency_key"),
        CheckConstraint("result IN ('pass', 'not-yet')", name="result_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    competency_key: Mapped[str] = mapped_column(String(SLUG_LENGTH))
    result: Mapped[str] = mapped_column(String(10))
    assessed_on: Mapped[date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    assessor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: A second, different assessor who confirmed a pass (competencies that require one).
    #: Recording the result again clears it: the confirmation was of the earlier result.
    second_assessor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    second_assessed_on: Mapped[date | None] = mapped_column(Date)

    @property
    def confirmed(self) -> bool:
        """A pass that a second, different assessor confirmed (``confirmed_pass`` in SQL)."""
        second = self.second_assessor_id
        return self.result == "pass" and second is not None and second != self.assessor_id

    @classmethod
    def confirmed_pass(cls):
        """SQL: a pass that a second, different assessor confirmed (``confirmed`` in Python)."""
        return (
            (cls.result == "pass")
            & cls.second_assessor_id.is_not(None)
            & (cls.second_assessor_id != cls.assessor_id)
        )
