"""The xAPI outbox: every statement the platform makes, written in the transaction of the
event it records, and the opaque name each learner has in them."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from course_app.db import Base, UTCDateTime


class XapiStatement(Base):
    """One statement; its id is a UUID derived from the event, so recording or sending the
    same event twice never makes two statements."""

    __tablename__ = "xapi_statements"

    #: The order statements were recorded in (those of one event share their timestamp).
    seq: Mapped[int] = mapped_column(primary_key=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: The statement without its actor, which is filled in when it is sent or exported.
    body: Mapped[dict] = mapped_column(JSON)
    #: The statement's timestamp (when the event happened): the export's date range.
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    #: When the LRS accepted it; NULL while pending (or when no LRS is configured).
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    #: Failed sends so far, and when the next may be tried (back-off).
    tries: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(500))


class XapiActor(Base):
    """A learner's account name in statements: random, so it tells nothing about them."""

    __tablename__ = "xapi_actors"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    name: Mapped[str] = mapped_column(String(36), unique=True)
