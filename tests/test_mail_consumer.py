"""The SMTP server going away under a running job consumer loses no mail and sends none twice.

A real consumer process (``flask jobs-worker``, with its schedule) and a real SMTP server
(aiosmtpd on 127.0.0.1): notices are queued while nothing listens on the mail port; the
consumer's ``retry-mail`` run fails and keeps each with its error; the server comes up on
that port; the next run delivers every message once, and the run after it finds nothing to
send. ``retry-mail`` runs when the consumer starts and then every minute, so this test takes
two to three minutes; it polls with a deadline and asserts no durations.
"""

import signal
import subprocess

from aiosmtpd.controller import Controller
from sqlalchemy import select

from course_app.mail.models import OutboxMessage
from tests.helpers import post
from tests.job_fixtures import admin_browser, eligible_learners
from tests.test_jobs_consumer import DEADLINE_S, _environment, _flask, _poll
from tests.test_mail import Inbox, free_port

#: Two runs of retry-mail (a minute apart) and the consumer's start, with room to spare.
MAIL_DEADLINE_S = 240
LEARNERS = 3


def _outbox(db) -> list[OutboxMessage]:
    db.expire_all()
    return list(db.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _start_consumer(app, port: int, log):
    environment = {
        **_environment(app),
        "COURSE_APP_MAIL_SERVER": "127.0.0.1",
        "COURSE_APP_MAIL_PORT": str(port),
    }
    with log.open("ab") as output:
        return subprocess.Popen(
            _flask(app, app.config["DATABASE_URL"], "jobs-worker", "--workers", "1"),
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def test_an_smtp_outage_under_the_consumer_loses_no_mail_and_sends_none_twice(
    make_app, content, db, tmp_path
):
    port = free_port()  # nothing listens here yet: the mail server is away
    app = make_app(JOBS_IMMEDIATE=False, MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    admin = admin_browser(app, db)
    learners = eligible_learners(app, db, LEARNERS)
    for learner in learners:
        post(admin, "/admin/certificates/basics/issue", {"learner": str(learner.id)})
    assert len(_outbox(db)) == LEARNERS and all(m.sent_at is None for m in _outbox(db))

    log = tmp_path / "consumer.log"
    consumer = _start_consumer(app, port, log)
    inbox = Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    try:
        _poll(
            lambda: all(m.last_error for m in _outbox(db)),
            "a failed retry-mail run",
            log,
            MAIL_DEADLINE_S,
        )
        assert all(m.sent_at is None for m in _outbox(db))
        server.start()  # the mail server is back, on the same port
        _poll(
            lambda: all(m.sent_at for m in _outbox(db)),
            "delivery after the outage",
            log,
            MAIL_DEADLINE_S,
        )
        _poll(
            lambda: "retry-mail: Sent 0 of 0" in log.read_text(),
            "the next retry-mail run",
            log,
            MAIL_DEADLINE_S,
        )
        assert consumer.poll() is None  # it lived through the outage
    finally:
        consumer.send_signal(signal.SIGTERM)
        consumer.wait(timeout=DEADLINE_S)
        server.stop(no_assert=True)
    received = sorted(message["To"] for message in inbox.messages)
    assert received == sorted(learner.email for learner in learners)  # each once
    assert {message["Subject"] for message in inbox.messages} == {
        "Your certificate for Basics was issued"
    }
    assert all(m.last_error is None for m in _outbox(db))
