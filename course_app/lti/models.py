"""LTI 1.3: the platforms an administrator registered, the platform accounts linked to
ours, the resource links launched, the grades to send back and the login's state/nonce."""

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from course_app.db import Base, UTCDateTime, utcnow


class LtiPlatform(Base):
    """A platform (LMS) registration: what the platform's administrator gave ours."""

    __tablename__ = "lti_platforms"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    issuer: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(255))
    #: The deployment ids this registration accepts (a launch from any other is refused).
    deployment_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    auth_login_url: Mapped[str] = mapped_column(String(500))
    auth_token_url: Mapped[str] = mapped_column(String(500))
    key_set_url: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LtiAccount(Base):
    """Who a platform's user is here: linked by (issuer, sub), never by e-mail."""

    __tablename__ = "lti_accounts"
    __table_args__ = (UniqueConstraint("issuer", "sub"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(255))
    sub: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LtiLink(Base):
    """A resource link on a platform, pointing at a course or one of its modules, with the
    platform's service endpoints (AGS line item, NRPS roster) given at its last launch."""

    __tablename__ = "lti_links"
    __table_args__ = (UniqueConstraint("platform_id", "deployment_id", "resource_link_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id"), index=True)
    deployment_id: Mapped[str] = mapped_column(String(255))
    resource_link_id: Mapped[str] = mapped_column(String(255))
    context_id: Mapped[str | None] = mapped_column(String(255))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    module_id: Mapped[int | None] = mapped_column(ForeignKey("course_modules.id"))
    lineitem_url: Mapped[str | None] = mapped_column(String(500))
    ags_scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    memberships_url: Mapped[str | None] = mapped_column(String(500))
    #: Roster members (NRPS) matched to accounts at the last roster fetch.
    roster_matched: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LtiGrade(Base):
    """A learner's score on a link: the one to send and the one the platform last took."""

    __tablename__ = "lti_grades"
    __table_args__ = (
        UniqueConstraint("link_id", "user_id"),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 1)", name="score_fraction"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("lti_links.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: The platform's ``sub`` of the learner (the score's userId).
    sub: Mapped[str] = mapped_column(String(255))
    score: Mapped[float | None] = mapped_column(Float)
    completed: Mapped[bool] = mapped_column(Boolean, default=False)
    sent_score: Mapped[float | None] = mapped_column(Float)
    sent_completed: Mapped[bool | None] = mapped_column(Boolean)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Sends tried (each one a job); part of the job's idempotency key.
    tries: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(500), default="")


class LtiLoginState(Base):
    """pylti1p3's launch data (the OIDC nonce, state parameters) kept in the database
    instead of the session cookie, which a cross-site launch POST does not carry."""

    __tablename__ = "lti_login_states"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[dict | list | str | bool | None] = mapped_column(JSON)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
