"""A learner's request to change the name their certificates carry, decided by an admin."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from course_app.db import Base, UTCDateTime, utcnow

PENDING = "status = 'pending'"


class NameRequestStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class NameChangeRequest(Base):
    __tablename__ = "name_change_requests"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'approved', 'refused')", name="name_request_status_known"
        ),
        CheckConstraint("length(trim(requested_name)) > 0", name="requested_name_present"),
        # One open request per person: a second one would race the first at approval.
        Index(
            "uq_name_change_requests_one_pending",
            "user_id",
            unique=True,
            sqlite_where=text(PENDING),
            postgresql_where=text(PENDING),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: The name when the request was made, and the one asked for.
    current_name: Mapped[str] = mapped_column(String(200))
    requested_name: Mapped[str] = mapped_column(String(200))
    #: Why the learner asks (e.g. "married"), shown to the deciding admin.
    explanation: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default=NameRequestStatus.PENDING)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The admin's reason, required for a refusal.
    reason: Mapped[str] = mapped_column(Text, default="")
