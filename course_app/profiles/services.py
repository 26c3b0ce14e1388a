"""Use cases of a person's own profile: details, e-mail change by confirmed link, and name
changes an administrator decides. Services take a session and plain data, raise DomainError,
record audit entries, and never commit."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from course_app.audit.services import record
from course_app.auth import passwords, tokens
from course_app.auth.models import RegisterClass, Role, User
from course_app.auth.services import WrongPassword, find_by_email, normalize_email
from course_app.db import utcnow
from course_app.exceptions import DomainError
from course_app.notifications.services import notify
from course_app.profiles.models import NameChangeRequest, NameRequestStatus
from course_app.profiles.zones import is_known_zone
from course_app.standing_store import refresh_learner

#: Stored only for now; the i18n layer will read it.
LANGUAGES = {"en": "English", "fr": "Français"}
#: What licence verification vouches for: changing any of it needs a new check.
REGISTRATION_FIELDS = ("registration_number", "jurisdiction", "regulator", "register_class")


class InvalidEmailLink(DomainError):
    pass


@dataclass(frozen=True)
class Details:
    language: str
    time_zone: str
    #: Empty for accounts without a registration (staff): left as they are.
    registration_number: str = ""
    jurisdiction: str = ""
    regulator: str = ""
    register_class: str = ""


def has_registration(user: User) -> bool:
    return user.role == Role.LEARNER or bool(user.registration_number)


def update_details(session: Session, user: User, details: Details) -> bool:
    """Save language, time zone and (for a registered person) the registration; True when the
    registration changed, which clears its verification until an administrator checks again."""
    if details.language not in LANGUAGES:
        raise DomainError("Choose English or French.")
    if details.time_zone and not is_known_zone(details.time_zone):
        raise DomainError(f"{details.time_zone} is not a time zone we know.")
    user.language = details.language
    user.time_zone = details.time_zone or None
    changed = has_registration(user) and _change_registration(session, user, details)
    session.flush()
    return changed


def _change_registration(session: Session, user: User, details: Details) -> bool:
    if details.register_class not in tuple(RegisterClass):
        raise DomainError("Choose your register class.")
    wanted = {
        "registration_number": details.registration_number.strip().upper(),
        "jurisdiction": details.jurisdiction,
        "regulator": details.regulator.strip(),
        "register_class": details.register_class,
    }
    before = {name: getattr(user, name) for name in REGISTRATION_FIELDS}
    if wanted == before:
        return False
    for name, value in wanted.items():
        setattr(user, name, value)
    was_verified = user.licence_verified_at is not None
    user.licence_verified_at = None
    user.licence_verified_by_id = None
    refresh_learner(session, user.id)  # no longer verified, in every course
    after = {**wanted, "licence_verified": False}
    record(
        session,
        user.id,
        "user.registration_changed",
        ("user", user.id),
        {**before, "licence_verified": was_verified},
        after,
    )
    return True


def start_email_change(session: Session, user: User, password: str, new_email: str) -> str | None:
    """Check the password and the new address; the token for the confirmation link, or None
    when the address already has an account (the caller tells that address, not the asker)."""
    if not passwords.verify_password(user.password_hash, password):
        raise WrongPassword("The current password is not correct.")
    new_email = normalize_email(new_email)
    if new_email == user.email:
        raise DomainError("That is already your e-mail address.")
    if find_by_email(session, new_email) is not None:
        return None
    return tokens.make_email_change_token(user, new_email)


def email_link_address(user: User, token: str) -> str:
    """The new address a confirmation link carries, if it is this person's, unused and
    unexpired; raises InvalidEmailLink otherwise (the same message for every reason)."""
    claims = tokens.read_email_change_token(token)
    if claims is None or claims[0] != user.id or not tokens.address_matches(user, claims[2]):
        raise InvalidEmailLink("This confirmation link is invalid, used, expired or not yours.")
    return claims[1]


def confirm_email_change(session: Session, user: User, token: str) -> tuple[str, str]:
    """Move the account to the address the link was sent to; returns (old, new). The link
    works once, for its owner only, until EMAIL_CHANGE_MAX_AGE."""
    old, new = user.email, email_link_address(user, token)
    if find_by_email(session, new) is not None:
        raise InvalidEmailLink("This address cannot be used any more; nothing changed.")
    user.email = new
    user.rotate_session_token()  # other devices log in again, with the new address
    before, after = {"email": old}, {"email": new}
    record(session, user.id, "user.email_changed", ("user", user.id), before, after)
    session.flush()
    return old, new


def pending_name_request(session: Session, user_id: int) -> NameChangeRequest | None:
    query = select(NameChangeRequest).where(
        NameChangeRequest.user_id == user_id,
        NameChangeRequest.status == NameRequestStatus.PENDING,
    )
    return session.scalar(query)


def request_name_change(
    session: Session, user: User, name: str, explanation: str
) -> NameChangeRequest:
    name = " ".join(name.split())
    if not name or len(name) > 200:
        raise DomainError("Enter the full name (at most 200 characters).")
    if name == user.full_name:
        raise DomainError("That is already your name.")
    if pending_name_request(session, user.id) is not None:
        raise DomainError("You already asked for a name change; an administrator will decide.")
    request = NameChangeRequest(
        user_id=user.id,
        current_name=user.full_name,
        requested_name=name,
        explanation=explanation.strip()[:2000],
    )
    session.add(request)
    session.flush()
    after = {"requested_name": name}
    record(session, user.id, "user.name_change_requested", ("user", user.id), None, after)
    return request


def pending_name_requests(session: Session) -> list[tuple[NameChangeRequest, User]]:
    query = (
        select(NameChangeRequest, User)
        .join(User, User.id == NameChangeRequest.user_id)
        .where(NameChangeRequest.status == NameRequestStatus.PENDING)
        .order_by(NameChangeRequest.requested_at, NameChangeRequest.id)
    )
    return [(request, user) for request, user in session.execute(query)]


def decide_name_change(
    session: Session, request: NameChangeRequest, actor_id: int, approve: bool, reason: str
) -> User:
    """Approve (the name changes now; certificates issued before keep the name they show)
    or refuse with a reason; the learner is told either way."""
    if request.status != NameRequestStatus.PENDING:
        raise DomainError("This request was already decided.")
    reason = reason.strip()
    if not approve and not reason:
        raise DomainError("Give the reason for refusing, so the learner knows what to do.")
    user = session.get(User, request.user_id)
    request.status = NameRequestStatus.APPROVED if approve else NameRequestStatus.REFUSED
    request.decided_at, request.decided_by_id, request.reason = utcnow(), actor_id, reason
    before = {"full_name": user.full_name}
    if approve:
        user.full_name = request.requested_name
    action = "user.renamed" if approve else "user.name_change_refused"
    after = {"full_name": request.requested_name}
    record(session, actor_id, action, ("user", user.id), before, after, reason)
    event = "name_change_approved" if approve else "name_change_refused"
    notify(session, user, event, f"name-request:{request.id}", "/account", request=request)
    return user
