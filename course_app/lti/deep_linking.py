"""Deep linking: what the platform's request allows, the picker's choices (each live course
and each of its modules) and the signed answer naming the one chosen."""

from typing import Any
from urllib.parse import urlsplit

from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.lineitem import LineItem
from sqlalchemy import select
from sqlalchemy.orm import Session

from course_app.auth.models import User
from course_app.exceptions import DomainError
from course_app.lti.launches import CLAIM, account_for, platform_of, target_of
from course_app.lti.models import LtiPlatform
from course_app.lti.tool import registration_of
from course_app.modules.models import Course, CourseModule
from course_app.urls import public_url

SETTINGS_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"


def settings_of(claims: dict[str, Any]) -> dict[str, Any]:
    settings = claims.get(SETTINGS_CLAIM) or {}
    if not _plain_web_address(settings.get("deep_link_return_url")):
        raise DomainError("The deep-linking request has no usable return address.")
    if "ltiResourceLink" not in (settings.get("accept_types") or []):
        raise DomainError("The platform does not accept LTI resource links here.")
    keep = ("deep_link_return_url", "accept_types", "data", "accept_multiple")
    return {key: settings[key] for key in keep if key in settings}


def start(session: Session, claims: dict[str, Any]) -> tuple[User, dict[str, Any]]:
    """A validated deep-linking request: the instructor's account and what the picker must
    keep until the choice (the caller commits and keeps it in the session)."""
    settings = settings_of(claims)
    platform = platform_of(session, claims)
    user = account_for(session, platform, claims)
    state = {
        "user": user.id,
        "platform": platform.id,
        "deployment": claims[CLAIM + "deployment_id"],
        "settings": settings,
    }
    return user, state


def _plain_web_address(url: Any) -> bool:
    """An http(s) address whose origin can stand in a Content-Security-Policy header (the
    answer page allows posting there): no spaces, quotes, commas or semicolons."""
    if not isinstance(url, str) or len(url) > 2000:
        return False
    parts = urlsplit(url)
    unsafe = set(" \t\r\n;,'\"")
    return parts.scheme in ("https", "http") and bool(parts.netloc) and not unsafe & set(url)


def choices(session: Session) -> list[tuple[str, str]]:
    """``course`` or ``course/module`` → its title, courses in catalog order."""
    courses = session.scalars(
        select(Course).where(~Course.is_archived).order_by(Course.position, Course.id)
    ).all()
    modules = session.scalars(
        select(CourseModule).where(~CourseModule.is_archived).order_by(CourseModule.position)
    ).all()
    listed = []
    for course in courses:
        listed.append((course.slug, course.title))
        listed += [
            (f"{course.slug}/{m.slug}", f"{course.title} — {m.title}")
            for m in modules
            if m.course_id == course.id
        ]
    return listed


def response_jwt(session: Session, state: dict[str, Any], choice: str) -> str:
    """The signed LtiDeepLinkingResponse naming the chosen course or module, with a line
    item (scores out of 100) so the platform's gradebook takes its results."""
    course_slug, _, module_slug = choice.partition("/")
    target = target_of(session, {"course": course_slug, "module": module_slug or None})
    if target is None:
        raise DomainError("This course or module no longer exists.")
    title = target.course.title + (f" — {target.module.title}" if target.module else "")
    custom = {"course": target.course.slug}
    if target.module:
        custom["module"] = target.module.slug
    resource = (
        DeepLinkResource()
        .set_url(public_url("lti.launch"))
        .set_title(title)
        .set_custom_params(custom)
        .set_lineitem(LineItem().set_score_maximum(100).set_label(title).set_resource_id(choice))
    )
    platform = session.get(LtiPlatform, state["platform"])
    link = DeepLink(registration_of(platform), state["deployment"], state["settings"])
    return link.get_response_jwt([resource])
