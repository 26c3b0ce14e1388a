"""Names and Role Provisioning: read a link's roster from the platform (on the queue, so
no launch waits for it) and match its members to the accounts linked by (issuer, sub).

A matched learner gets a grade row on the link, so their result reaches the platform even
before their next launch; members nobody here knows are counted, never created (an account
is made only by its owner's own launch).
"""

import requests
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.service_connector import ServiceConnector
from sqlalchemy import select
from sqlalchemy.orm import Session

from course_app.auth.models import User
from course_app.exceptions import DomainError
from course_app.jobs.kinds import Kind, register_kind
from course_app.jobs.models import Job
from course_app.lti.launches import grade_row
from course_app.lti.models import LtiAccount, LtiLink, LtiPlatform
from course_app.lti.tool import registration_of

KIND = "lti.roster"


def match_members(session: Session, link: LtiLink, members: list[dict]) -> int:
    """Match the roster's active members to linked accounts; returns how many matched."""
    platform = session.get(LtiPlatform, link.platform_id)
    subs = {str(m.get("user_id")): m for m in members if m.get("status", "Active") == "Active"}
    accounts = session.scalars(
        select(LtiAccount).where(
            LtiAccount.issuer == platform.issuer, LtiAccount.sub.in_(list(subs))
        )
    ).all()
    for account in accounts:
        grade_row(session, link, session.get(User, account.user_id), account.sub)
    link.roster_matched = len(accounts)
    session.flush()
    return len(accounts)


def fetch(session: Session, link: LtiLink) -> int:
    if not link.memberships_url:
        raise DomainError("The platform gave this link no roster service (NRPS).")
    platform = session.get(LtiPlatform, link.platform_id)
    service = NamesRolesProvisioningService(
        ServiceConnector(registration_of(platform)),
        {"context_memberships_url": link.memberships_url},
    )
    try:
        members = service.get_members()
    except (LtiException, LtiServiceException, requests.RequestException) as error:
        raise DomainError("The platform did not send the roster.") from error
    return match_members(session, link, members)


def _label(session: Session, _job: Job, subject: int) -> str:
    return f"LTI link {subject}"


def _run_unit(session: Session, _job: Job, subject: int) -> None:
    link = session.get(LtiLink, subject)
    if link is not None:
        fetch(session, link)


def register(app) -> None:
    register_kind(
        app,
        KIND,
        Kind(title="Read LTI rosters", label=_label, run_unit=_run_unit, back=_back),
    )


def _back(_job: Job) -> str:
    from flask import url_for

    return url_for("lti_admin.index")
