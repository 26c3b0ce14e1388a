"""Issued certificates: a snapshot of what was certified, never deleted or edited in place.

Revoking changes the status (with date, reason and who); a reissue creates a new certificate
and marks the old one superseded by it. One valid certificate per learner and course, enforced
by the database, so issuing twice at once yields one.
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from course_app.db import Base, UTCDateTime, utcnow

VALID = "status = 'valid'"


class Certificate(Base):
    __tablename__ = "certificates"
    __table_args__ = (
        CheckConstraint(
            "status IN ('valid', 'expired', 'revoked', 'superseded')", name="status_known"
        ),
        Index(
            "uq_certificates_one_valid",
            "user_id",
            "course_id",
            unique=True,
            sqlite_where=text(VALID),
            postgresql_where=text(VALID),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Random, unambiguous and human-friendly (Crockford base32), e.g. DN1-7K3M-9QXP-2HVB.
    public_id: Mapped[str] = mapped_column(String(24), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    status: Mapped[str] = mapped_column(String(12), default="valid")
    holder_name: Mapped[str] = mapped_column(String(200))
    registration_number: Mapped[str] = mapped_column(String(40))
    jurisdiction: Mapped[str] = mapped_column(String(80))
    course_title: Mapped[str] = mapped_column(String(200))
    level: Mapped[int] = mapped_column(Integer)
    theory_minutes: Mapped[int] = mapped_column(Integer)
    practical_hours: Mapped[float] = mapped_column(Float)
    #: Titles of the practical competencies signed off (the skills and regions tested).
    competencies: Mapped[list[str]] = mapped_column(JSON)
    cohort_name: Mapped[str] = mapped_column(String(120), default="")
    cohort_starts_on: Mapped[date | None] = mapped_column(Date)
    cohort_ends_on: Mapped[date | None] = mapped_column(Date)
    assessors: Mapped[list[str]] = mapped_column(JSON)
    issuer_name: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_on: Mapped[date | None] = mapped_column(Date)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_reason: Mapped[str] = mapped_column(Text, default="")
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    #: The signed Open Badges 3.0 credential (JSON), and the key that signed it. It and the
    #: PDF (~50 KB together) are deferred: loaded only when read, never by a list.
    credential: Mapped[dict[str, Any] | None] = mapped_column(JSON, deferred=True)
    key_id: Mapped[str] = mapped_column(String(120), default="")
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    pdf_sha256: Mapped[str] = mapped_column(String(64), default="")
    #: Its bit in the revocation status list (status_list.py); None before that release.
    status_list_index: Mapped[int | None] = mapped_column(Integer, unique=True)
    #: Why an administrator reissued the certificate this one replaces (shown publicly).
    reissue_reason: Mapped[str] = mapped_column(Text, default="")
    #: The language of issue ("en" or "fr", the holder's at the time): the stored PDF's. The
    #: holder may download it in another language without changing this record.
    language: Mapped[str] = mapped_column(String(2), default="en", server_default="en")

    def status_on(self, today: date) -> str:
        """valid, expired, revoked or superseded, as of a day."""
        if self.status != "valid":
            return self.status  # expired (renewed), revoked or superseded
        if self.expires_on is not None and today > self.expires_on:
            return "expired"
        return "valid"


OPEN = "cleared_at IS NULL"


class CertificateFlag(Base):
    """Something an administrator must look at on an issued certificate.

    ``reissue``: what the certificate's PDF and signed credential state is wrong (e.g. an
    expiry date corrected after issue); a reissue fixes it. ``review``: a later change may
    undo what was certified (e.g. a regrade turned a pass into a fail); an administrator
    decides. Flags are cleared, never deleted, and never revoke anything by themselves.
    """

    __tablename__ = "certificate_flags"
    __table_args__ = (
        CheckConstraint("kind IN ('reissue', 'review')", name="kind_known"),
        Index(
            "uq_certificate_flags_one_open",
            "certificate_id",
            "kind",
            unique=True,
            sqlite_where=text(OPEN),
            postgresql_where=text(OPEN),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(Text)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cleared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cleared_note: Mapped[str] = mapped_column(Text, default="")
