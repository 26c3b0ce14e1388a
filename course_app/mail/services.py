"""Queue and deliver e-mail."""

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from course_app.db import get_session, utcnow
from course_app.mail.models import OutboxMessage

logger = logging.getLogger(__name__)


def queue_message(session: Session, recipient: str, subject: str, body: str) -> OutboxMessage:
    """Record a message in the outbox; without a mail server, log that it waits there.

    Never its subject or body: a reset link in a log file would let anyone who can read the
    log take over the account. Administrators read the outbox in the app."""
    message = OutboxMessage(recipient=recipient, subject=subject, body=body)
    session.add(message)
    session.flush()
    if not current_app.config["MAIL_SERVER"]:
        logger.warning(
            "No MAIL_SERVER configured; e-mail %s queued in the outbox (Administration → "
            "Outbox), not sent",
            message.id,
        )
    return message


def deliver(message_id: int) -> bool:
    """Send one committed message over SMTP if a server is configured; True when sent.

    Runs after the request's commit, in its own small transaction, so a slow or failing mail
    server never loses the user's change; failures stay in the outbox with their error.
    """
    if not current_app.config["MAIL_SERVER"]:
        return False
    session = get_session()
    message = session.get(OutboxMessage, message_id)
    if message is None or message.sent_at is not None:
        return False
    try:
        _send_smtp(message)
    except (OSError, smtplib.SMTPException) as error:
        logger.exception("Sending e-mail %s failed", message_id)
        message.last_error = str(error)[:500]
    else:
        message.sent_at, message.last_error = utcnow(), None
    session.commit()
    return message.sent_at is not None


def unsent_message_ids(session: Session) -> list[int]:
    query = select(OutboxMessage.id).where(OutboxMessage.sent_at.is_(None))
    return list(session.scalars(query.order_by(OutboxMessage.id)))


def _send_smtp(message: OutboxMessage) -> None:
    config = current_app.config
    email = EmailMessage()
    email["From"], email["To"], email["Subject"] = (
        config["MAIL_SENDER"],
        message.recipient,
        message.subject,
    )
    email.set_content(message.body)
    with smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=10) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)
