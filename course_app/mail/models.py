"""The outbox: every e-mail the platform sends or would send."""

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from course_app.db import Base, UTCDateTime, utcnow


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    #: When the SMTP server accepted it; NULL while unsent or when no server is configured.
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The last delivery error, kept for the admin page.
    last_error: Mapped[str | None] = mapped_column(String(500))
