"""Mail through a real SMTP server (aiosmtpd on 127.0.0.1)."""

import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from sqlalchemy import select

from course_app.mail.models import OutboxMessage
from tests.helpers import make_user, post


class Inbox(Message):
    def __init__(self) -> None:
        super().__init__()
        self.messages = []

    def handle_message(self, message) -> None:
        self.messages.append(message)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def test_reset_mail_is_sent_over_smtp_when_configured(make_app, db, smtp_server):
    controller, inbox = smtp_server
    make_user(db)
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    post(app.test_client(), "/auth/reset", {"email": "learner@example.org"})
    assert len(inbox.messages) == 1
    assert inbox.messages[0]["To"] == "learner@example.org"
    assert "/auth/reset/" in inbox.messages[0].get_payload()
    assert db.scalar(select(OutboxMessage.sent_at)) is not None


def test_unreachable_mail_server_keeps_the_message_and_the_error(make_app, db):
    make_user(db)
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    response = post(app.test_client(), "/auth/reset", {"email": "learner@example.org"})
    assert response.status_code == 302  # the user still gets an answer
    message = db.scalar(select(OutboxMessage))
    assert message.sent_at is None and message.last_error


def test_send_mail_retries_unsent_messages(make_app, db, smtp_server):
    controller, inbox = smtp_server
    make_user(db)
    offline = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    post(offline.test_client(), "/auth/reset", {"email": "learner@example.org"})
    online = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    result = online.test_cli_runner().invoke(args=["send-mail"])
    assert "Sent 1 of 1" in result.output
    assert len(inbox.messages) == 1
