"""The lab incident log: adverse events and needlestick injuries during a practical.

Entries are only ever added: the database refuses UPDATE and DELETE (triggers, as for the
audit trail), and a correction is a new entry that names the one it corrects.
"""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from course_app.db import Base, UTCDateTime, utcnow
from course_app.i18n import N_

ADVERSE_EVENT, NEEDLESTICK = "adverse-event", "needlestick"
#: English names (the CSV's); pages show them translated (``gettext``).
KINDS = {ADVERSE_EVENT: N_("Adverse event"), NEEDLESTICK: N_("Needlestick injury")}


class LabIncident(Base):
    __tablename__ = "lab_incidents"
    __table_args__ = (
        CheckConstraint("kind IN ('adverse-event', 'needlestick')", name="kind_known"),
        CheckConstraint(
            "people <> '' AND what <> '' AND place <> '' AND action_taken <> '' "
            "AND follow_up <> '' AND reported_to <> ''",
            name="every_account_given",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    kind: Mapped[str] = mapped_column(String(20))
    occurred_on: Mapped[date] = mapped_column(Date)
    #: Local time of day as the instructor gives it ("14:35"), or "".
    occurred_time: Mapped[str] = mapped_column(String(5), default="")
    #: Who: the people involved (the learner needling, the person needled, witnesses).
    people: Mapped[str] = mapped_column(Text)
    what: Mapped[str] = mapped_column(Text)
    place: Mapped[str] = mapped_column(String(200))
    action_taken: Mapped[str] = mapped_column(Text)
    follow_up: Mapped[str] = mapped_column(Text)
    reported_to: Mapped[str] = mapped_column(String(300))
    #: The earlier entry this one corrects (entries are never edited).
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("lab_incidents.id"))
