"""Who answered a course's evaluation, and what was answered, kept apart.

``EvaluationSubmission`` says that a learner answered (what "what remains" reads) and never
what; ``EvaluationResponse`` holds the answers and never who: no user, no time, so that an
instructor's report cannot be traced back to a learner. The cohort is kept (reports are per
cohort too) and shown only when enough learners answered (``EVALUATION_MIN_RESPONSES``).
Both rows are written in one transaction, so someone reading the database itself could pair
them by their ids' order; no page or export shows either id or that order.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from course_app.db import Base, UTCDateTime, utcnow


class EvaluationSubmission(Base):
    __tablename__ = "evaluation_submissions"
    __table_args__ = (UniqueConstraint("course_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EvaluationResponse(Base):
    __tablename__ = "evaluation_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    #: The learner's practical cohort when they answered (None: not in one).
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id"), index=True)
    #: {question key: 1–5 or a comment}; unanswered optional questions are absent.
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
