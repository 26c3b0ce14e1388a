"""In-app notifications (the inbox) and each person's choice of non-essential ones.

A notification is unique per recipient, event and subject (e.g. a certificate's id), so the
same news is never sent twice however often the code that sends it runs.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from course_app.db import Base, UTCDateTime, utcnow


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("user_id", "event", "subject_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: One of course_app/notifications/events.py's EVENTS.
    event: Mapped[str] = mapped_column(String(40))
    #: What it is about, e.g. "DN1-7K3M-9QXP-2HVB" or "attempt:12".
    subject_key: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    #: Where to act on it (a path on this site), or empty.
    link: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    #: The id of the outbox e-mail queued with it, set by notify() for a view that sends it
    #: at once after its commit (not a column: the outbox row is the record).
    outbox_message_id = None


class NotificationOptOut(Base):
    """A person who chose not to get one kind of non-essential notice."""

    __tablename__ = "notification_opt_outs"
    __table_args__ = (UniqueConstraint("user_id", "event"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    event: Mapped[str] = mapped_column(String(40))
