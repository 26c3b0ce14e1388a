"""Registering and removing LTI platforms (administrators), each change audited."""

from dataclasses import asdict, dataclass

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from course_app.audit.services import record
from course_app.exceptions import DomainError
from course_app.lti.models import LtiGrade, LtiLink, LtiPlatform


class AlreadyRegistered(DomainError):
    pass


@dataclass(frozen=True)
class PlatformData:
    name: str
    issuer: str
    client_id: str
    deployment_ids: list[str]
    auth_login_url: str
    auth_token_url: str
    key_set_url: str


def register(session: Session, actor_id: int, data: PlatformData) -> LtiPlatform:
    """Raises AlreadyRegistered for an issuer and client id known already (the session then
    needs a rollback: the failed INSERT ended its transaction)."""
    platform = LtiPlatform(**asdict(data))
    session.add(platform)
    try:
        session.flush()
    except IntegrityError as error:
        raise AlreadyRegistered("This issuer and client ID are already registered.") from error
    record(
        session,
        actor_id,
        "lti.platform_registered",
        ("lti_platform", platform.id),
        None,
        asdict(data),
    )
    return platform


def remove(session: Session, actor_id: int, platform: LtiPlatform) -> None:
    """Remove a registration with its links and their grade rows. Accounts stay (linked by
    issuer and sub): registering the platform again finds them."""
    links = select(LtiLink.id).where(LtiLink.platform_id == platform.id).scalar_subquery()
    session.execute(delete(LtiGrade).where(LtiGrade.link_id.in_(links)))
    session.execute(delete(LtiLink).where(LtiLink.platform_id == platform.id))
    before = {"name": platform.name, "issuer": platform.issuer, "client_id": platform.client_id}
    record(session, actor_id, "lti.platform_removed", ("lti_platform", platform.id), before, None)
    session.delete(platform)
    session.flush()
