"""What a validated launch does here: find or provision the account linked to the
platform's (issuer, sub), keep the resource link, and enrol a learner in its course."""

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from course_app.auth.models import RegisterClass, Role, User
from course_app.auth.passwords import hash_password
from course_app.db import utcnow
from course_app.exceptions import AccessDenied, DomainError
from course_app.lti import roles as lti_roles
from course_app.lti.models import LtiAccount, LtiGrade, LtiLink, LtiPlatform
from course_app.modules import services as courses
from course_app.modules.models import Course, CourseModule

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"


class LaunchError(DomainError):
    pass


@dataclass(frozen=True)
class Opened:
    """What a resource-link launch opened: for whom, which link and course, and the lock's
    reason when the course is still locked for the learner."""

    user: User
    link: LtiLink
    course: Course
    locked: str | None


@dataclass(frozen=True)
class Target:
    course: Course
    module: CourseModule | None


def platform_of(session: Session, claims: dict[str, Any]) -> LtiPlatform:
    aud = claims.get("aud")
    client_id = aud[0] if isinstance(aud, list) else aud
    platform = session.scalar(
        select(LtiPlatform).where(
            LtiPlatform.issuer == claims["iss"], LtiPlatform.client_id == client_id
        )
    )
    if platform is None:  # validated launches always have one: the registration was found
        raise LaunchError("This platform is not registered here.")
    return platform


def account_for(session: Session, platform: LtiPlatform, claims: dict[str, Any]) -> User:
    """The account linked to (issuer, sub), created on the first launch. Never matched by
    e-mail: an address the platform asserts proves nothing about an account here."""
    sub, roles = str(claims.get("sub") or ""), claims.get(CLAIM + "roles") or []
    if not sub:
        raise LaunchError("The launch names no user (no 'sub' claim).")
    link = session.scalar(
        select(LtiAccount).where(LtiAccount.issuer == platform.issuer, LtiAccount.sub == sub)
    )
    if link is not None:
        user = session.get(User, link.user_id)
        if not user.is_active:
            raise AccessDenied("This account is closed.")
        user.role = lti_roles.kept_role(user.role, roles)
        return user
    user = _new_user(session, platform.issuer, sub, claims, lti_roles.role_for(roles))
    session.add(LtiAccount(issuer=platform.issuer, sub=sub, user_id=user.id))
    session.flush()
    return user


def _new_user(session: Session, issuer: str, sub: str, claims: dict, role: Role) -> User:
    name = str(claims.get("name") or claims.get("given_name") or "").strip()[:200]
    user = User(
        email=_free_email(session, issuer, sub, str(claims.get("email") or "")),
        # Nobody knows this password: the account signs in through its platform (or its
        # owner sets one with "forgot password" at the address the platform gave).
        password_hash=hash_password(secrets.token_urlsafe(32)),
        full_name=name or "LTI user",
        role=role,
    )
    if role == Role.LEARNER:
        # The platform does not tell the licence: left blank (and provisional) until the
        # learner states it on their profile; an administrator verifies it as for anyone.
        user.registration_number, user.jurisdiction, user.regulator = "", "", ""
        user.register_class = RegisterClass.PROVISIONAL
    session.add(user)
    session.flush()
    return user


def _free_email(session: Session, issuer: str, sub: str, email: str) -> str:
    """The platform's address if no account has it, or a unique one that cannot receive
    mail (``.invalid``): the column is unique and an address is never shared."""
    email = email.strip().lower()
    plausible = email and "@" in email and len(email) <= 254
    if plausible and session.scalar(select(User.id).where(User.email == email)) is None:
        return email
    digest = hashlib.sha256(f"{issuer}\n{sub}".encode()).hexdigest()[:24]
    return f"lti-{digest}@lti.invalid"


def target_of(session: Session, custom: dict[str, Any]) -> Target | None:
    """The course (and module) the link's custom parameters name, if they exist."""
    course = session.scalar(
        select(Course).where(Course.slug == str(custom.get("course") or ""), ~Course.is_archived)
    )
    if course is None:
        return None
    module = None
    if custom.get("module"):
        module = session.scalar(
            select(CourseModule).where(
                CourseModule.course_id == course.id,
                CourseModule.slug == str(custom["module"]),
                ~CourseModule.is_archived,
            )
        )
        if module is None:
            return None
    return Target(course, module)


def keep_link(session: Session, platform: LtiPlatform, claims: dict[str, Any]) -> LtiLink:
    """The resource link's row, created or updated with this launch's service endpoints."""
    deployment = claims[CLAIM + "deployment_id"]
    resource_link = (claims.get(CLAIM + "resource_link") or {}).get("id")
    if not resource_link:
        raise LaunchError("The launch names no resource link.")
    link = session.scalar(
        select(LtiLink).where(
            LtiLink.platform_id == platform.id,
            LtiLink.deployment_id == deployment,
            LtiLink.resource_link_id == resource_link,
        )
    )
    target = target_of(session, claims.get(CLAIM + "custom") or {})
    if link is None:
        if target is None:
            raise LaunchError("This link names no course here: ask the instructor to pick one.")
        link = LtiLink(platform_id=platform.id, deployment_id=deployment)
        link.resource_link_id = resource_link
        session.add(link)
    if target is not None:
        link.course_id = target.course.id
        link.module_id = target.module.id if target.module else None
    ags, nrps = claims.get(AGS_CLAIM) or {}, claims.get(NRPS_CLAIM) or {}
    link.context_id = (claims.get(CLAIM + "context") or {}).get("id")
    link.lineitem_url = ags.get("lineitem") or link.lineitem_url
    link.ags_scopes = list(ags.get("scope") or link.ags_scopes or [])
    link.memberships_url = nrps.get("context_memberships_url") or link.memberships_url
    link.updated_at = utcnow()
    session.flush()
    return link


def enrol(session: Session, user: User, course: Course) -> str | None:
    """Enrol a learner in the link's course; the lock's reason when it is still locked."""
    if user.role != Role.LEARNER:
        return None
    status = courses.course_statuses(session, user.id).get(course.slug)
    if status is None:
        return None
    try:
        courses.enroll(session, user.id, status)
    except AccessDenied as locked:
        return locked.message
    return None


def grade_row(session: Session, link: LtiLink, user: User, sub: str) -> LtiGrade | None:
    """A learner's grade row on a link whose platform takes scores (AGS)."""
    if user.role != Role.LEARNER or not link.lineitem_url:
        return None
    grade = session.scalar(
        select(LtiGrade).where(LtiGrade.link_id == link.id, LtiGrade.user_id == user.id)
    )
    if grade is None:
        grade = LtiGrade(link_id=link.id, user_id=user.id, sub=sub)
        session.add(grade)
        session.flush()
    return grade


def open_link(session: Session, claims: dict[str, Any]) -> Opened:
    """A validated resource-link launch: the account, the link, the enrolment and the grade
    row (the caller commits)."""
    platform = platform_of(session, claims)
    user = account_for(session, platform, claims)
    link = keep_link(session, platform, claims)
    course = session.get(Course, link.course_id)
    locked = enrol(session, user, course)
    grade_row(session, link, user, claims["sub"])
    return Opened(user, link, course, locked)


def is_teaching_launch(claims: dict[str, Any]) -> bool:
    return lti_roles.is_teaching(claims.get(CLAIM + "roles") or [])
