"""Telling people things: one inbox row and one outbox e-mail per recipient, event and
subject, from the event's one template. Services never commit; the e-mail leaves through
the outbox (course_app/mail) after the commit, with its retries."""

from functools import partial

from flask import current_app, has_request_context, request
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from course_app import mail
from course_app.auth.models import User
from course_app.db import utcnow
from course_app.i18n.selection import supported_language
from course_app.i18n.times import DATE_FORMAT, in_zone
from course_app.notifications.events import EVENTS, optional_events
from course_app.notifications.models import Notification, NotificationOptOut
from course_app.profiles.zones import effective_zone

FALLBACK_BASE_URL = "http://127.0.0.1:5000"
#: The language of the templates in notifications/events/ itself; every other language's
#: are in a folder named by its code (notifications/events/fr/).
TEMPLATE_LANGUAGE = "en"
#: How many notifications the inbox shows.
INBOX_SIZE = 100


def absolute(path: str, base_url: str = "") -> str:
    """A link for an e-mail: ``base_url``, else PUBLIC_BASE_URL, else the request's address
    (scheduled work has none: set PUBLIC_BASE_URL in production)."""
    base = (
        base_url
        or current_app.config["PUBLIC_BASE_URL"]
        or (request.url_root if has_request_context() else FALLBACK_BASE_URL)
    )
    return base.rstrip("/") + path


def render(event: str, user: User, **context) -> tuple[str, str]:
    """The event's title (the template's first line) and body (the rest), written for
    ``user``: in their language (English when theirs has no template) with dates and times
    in their zone. Never the request's: scheduled work has none, and an administrator's
    action tells a learner who may read another language in another zone."""
    language = supported_language(user.language) or TEMPLATE_LANGUAGE
    names = [f"notifications/events/{event}.txt"]
    if language != TEMPLATE_LANGUAGE:
        names.insert(0, f"notifications/events/{language}/{event}.txt")
    zone = effective_zone(user.time_zone, user.jurisdiction)
    text = current_app.jinja_env.select_template(names).render(
        user=user,
        local_date=partial(in_zone, zone=zone, fmt=DATE_FORMAT),
        local_time=partial(in_zone, zone=zone),
        **context,
    )
    title, _, body = text.strip().partition("\n")
    return title.strip(), body.strip()


def opted_out(session: Session, user_id: int, event: str) -> bool:
    query = select(NotificationOptOut.id).where(
        NotificationOptOut.user_id == user_id, NotificationOptOut.event == event
    )
    return session.scalar(query) is not None


def notify(
    session: Session,
    user: User,
    event: str,
    subject_key: str,
    link: str = "",
    base_url: str = "",
    **context,
) -> Notification | None:
    """Tell the user, once per event and subject; None when already told or turned off.

    ``link`` is a path on this site: the inbox links to it, the e-mail gives it in full.
    """
    spec = EVENTS[event]
    if not spec.essential and opted_out(session, user.id, event):
        return None
    told = select(Notification.id).where(
        Notification.user_id == user.id,
        Notification.event == event,
        Notification.subject_key == subject_key,
    )
    if session.scalar(told) is not None:
        return None
    title, body = render(event, user, link=absolute(link, base_url) if link else "", **context)
    notification = Notification(
        user_id=user.id, event=event, subject_key=subject_key, title=title, body=body, link=link
    )
    session.add(notification)
    session.execute(
        update(User)
        .where(User.id == user.id)
        .values(unread_notifications=User.unread_notifications + 1)
    )
    session.flush()
    notification.outbox_message_id = mail.queue_message(session, user.email, title, body).id
    return notification


def inbox(session: Session, user_id: int) -> list[Notification]:
    query = select(Notification).where(Notification.user_id == user_id)
    return list(session.scalars(query.order_by(Notification.id.desc()).limit(INBOX_SIZE)))


def mark_read(session: Session, user_id: int, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications (or all of them) read; returns how many. The
    header's counter is counted again from the rows, so it cannot drift."""
    query = update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    marked = session.execute(query.values(read_at=utcnow())).rowcount
    unread = (
        select(func.count())
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .scalar_subquery()
    )
    session.execute(update(User).where(User.id == user_id).values(unread_notifications=unread))
    return marked


def turned_off(session: Session, user_id: int) -> set[str]:
    query = select(NotificationOptOut.event).where(NotificationOptOut.user_id == user_id)
    return set(session.scalars(query))


def save_choices(session: Session, user_id: int, role: str, wanted: set[str]) -> None:
    """Keep exactly the optional notices ``wanted`` on; essential ones cannot be turned off."""
    optional = {key for key, _event in optional_events(role)}
    session.execute(delete(NotificationOptOut).where(NotificationOptOut.user_id == user_id))
    for event in sorted(optional - wanted):
        session.add(NotificationOptOut(user_id=user_id, event=event))
    session.flush()
