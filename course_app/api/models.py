"""Personal access tokens: a secret shown once, stored only as its SHA-256."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from course_app.db import Base, UTCDateTime, utcnow


class ApiToken(Base):
    __tablename__ = "api_tokens"
    __table_args__ = (
        CheckConstraint("length(trim(name)) > 0", name="api_token_name_present"),
        CheckConstraint("expires_at > created_at", name="api_token_expires_after_creation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: What the owner calls it ("HR export"), shown in their list.
    name: Mapped[str] = mapped_column(String(80))
    #: The token's first characters, kept so an owner can tell their tokens apart.
    prefix: Mapped[str] = mapped_column(String(16))
    #: SHA-256 (hex) of the whole token: the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
