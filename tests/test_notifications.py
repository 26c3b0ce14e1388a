"""Notifications through the pages and the scheduled tasks: each event's notice reaches the
inbox (unread count in the header) and the outbox once, and optional ones can be turned off."""

import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select, update

from course_app.certificates.models import Certificate, CertificateFlag
from course_app.config import REPO_ROOT
from course_app.db import get_engine, utcnow
from course_app.mail.models import OutboxMessage
from course_app.notifications.events import EVENTS, expiry_notice
from course_app.notifications.models import Notification
from course_app.quizzes.models import Attempt, AttemptItem
from tests import test_mail
from tests.conftest import move_clock
from tests.helpers import (
    answers_for,
    login,
    post,
    served_for,
    start_quiz,
    take_quiz,
    text_of,
)
from tests.job_fixtures import admin_browser, eligible_learners
from tests.test_instructor import version_of
from tests.test_mail import free_port

smtp_server = test_mail.smtp_server  # the fixture, shared


@pytest.fixture
def admin(app, content, db):
    return admin_browser(app, db)


@contextmanager
def statements_outside_a_transaction(app):
    """On SQLite, the writing statements run while pysqlite has no transaction open."""
    outside: list[str] = []

    def watch(connection, _cursor, statement, *_args):
        dbapi = connection.connection.dbapi_connection
        if getattr(dbapi, "in_transaction", True) is False:
            outside.append(statement.split("(")[0].strip())

    event.listen(get_engine(app), "before_cursor_execute", watch)
    try:
        yield outside
    finally:
        event.remove(get_engine(app), "before_cursor_execute", watch)


def mails_to(db, email: str) -> list[OutboxMessage]:
    db.expire_all()
    query = select(OutboxMessage).where(OutboxMessage.recipient == email)
    return list(db.scalars(query.order_by(OutboxMessage.id)))


def scheduled(app, name: str) -> str:
    result = app.test_cli_runner().invoke(args=["run-scheduled", name])
    assert result.exit_code == 0, result.output
    return result.output


def _issue_one(app, admin, db):
    [learner] = eligible_learners(app, db, 1)
    response = post(admin, "/admin/certificates/basics/issue", {"learner": str(learner.id)})
    assert response.status_code == 302
    learner.browser = app.test_client()
    login(learner.browser, learner.email)
    return learner, db.scalar(select(Certificate).where(Certificate.user_id == learner.id))


def test_an_issued_certificate_is_announced_once_with_its_pdf_link(app, admin, db):
    learner, cert = _issue_one(app, admin, db)
    post(admin, "/admin/certificates/basics/issue", {"learner": str(learner.id)})  # refused
    [mail] = mails_to(db, learner.email)
    assert mail.subject == "Your certificate for Basics was issued"
    assert f"http://localhost/certificates/{cert.public_id}.pdf" in mail.body
    header = text_of(learner.browser.get("/dashboard"))
    assert 'Notifications <span class="badge">1<span class="visually-hidden"> unread' in header
    inbox = text_of(learner.browser.get("/notifications"))
    assert "Your certificate for Basics was issued" in inbox
    note_id = db.scalar(select(Notification.id).where(Notification.user_id == learner.id))
    post(learner.browser, f"/notifications/{note_id}/read")
    assert "> unread" not in text_of(learner.browser.get("/dashboard"))


def test_someone_elses_notification_cannot_be_marked_read(app, admin, db):
    learner, _cert = _issue_one(app, admin, db)
    note_id = db.scalar(select(Notification.id).where(Notification.user_id == learner.id))
    post(admin, f"/notifications/{note_id}/read")
    db.expire_all()
    assert db.get(Notification, note_id).read_at is None


def test_a_revocation_is_announced_with_its_reason(app, admin, db):
    learner, cert = _issue_one(app, admin, db)
    for _ in range(2):  # the second is refused: it is revoked already
        post(admin, f"/admin/certificates/{cert.public_id}/revoke", {"reason": "Licence lapsed."})
    _issued, mail = mails_to(db, learner.email)
    assert mail.subject == "Your certificate for Basics was revoked"
    assert "Reason: Licence lapsed." in mail.body


@pytest.mark.parametrize(
    ("days_left", "event"),
    [
        (91, None),
        (90, "certificate_expiring_90"),
        (31, "certificate_expiring_90"),
        (30, "certificate_expiring_30"),
        (8, "certificate_expiring_30"),
        (7, "certificate_expiring_7"),
        (0, "certificate_expiring_7"),
        (-1, "certificate_expired"),
    ],
)
def test_the_expiry_notice_due_on_a_day(days_left, event):
    today = utcnow().date()
    assert expiry_notice(today + timedelta(days=days_left), today) == event


def test_expiry_reminders_90_30_7_days_then_expired_each_once(app, admin, db):
    learner, cert = _issue_one(app, admin, db)
    subjects = []
    for days_left in (85, 85, 25, 6, -1, -1):
        expires = utcnow().date() + timedelta(days=days_left)
        db.execute(update(Certificate).where(Certificate.id == cert.id).values(expires_on=expires))
        db.commit()
        scheduled(app, "certificate-reminders")
        subjects = [mail.subject for mail in mails_to(db, learner.email)]
    assert subjects[1:] == [
        "Your certificate for Basics expires in 85 days",
        "Your certificate for Basics expires in 25 days",
        "Your certificate for Basics expires in 6 days",
        "Your certificate for Basics has expired",
    ]
    assert "/courses/basics" in mails_to(db, learner.email)[1].body  # the renewal path


def _answer_q_single_wrongly(db, learner) -> tuple[int, str]:
    attempt_id = start_quiz(learner.browser, "basics", "first")
    answers = answers_for(db, attempt_id)
    version = version_of(db, "q-single")
    position = db.scalar(
        select(AttemptItem.position).where(
            AttemptItem.attempt_id == attempt_id, AttemptItem.question_version_id == version.id
        )
    )
    wrong = next(o["key"] for o in version.options if not o["correct"])
    answers[f"q{position}"] = [served_for(db, attempt_id, position, wrong)]
    post(learner.browser, f"/attempts/{attempt_id}/submit", answers)
    return attempt_id, wrong


REGRADE = "/instructor/courses/basics/questions/q-single/regrade"


def test_a_regrade_that_changes_a_result_is_announced(db, learner, instructor):
    _attempt_id, wrong = _answer_q_single_wrongly(db, learner)
    for _ in range(2):  # the same regrade again changes no result: nothing more is told
        post(instructor.browser, REGRADE, {"version": "1", "correct": wrong, "reason": "Green."})
    [mail] = mails_to(db, learner.email)
    assert mail.subject == "A regrade changed your result in Quiz: First module"
    assert "score 80 % → 100 %" in mail.body


def test_a_cooldown_end_is_announced_once_unless_turned_off(app, db, learner):
    take_quiz(learner.browser, db, "basics", "first", right=False)
    assert "0 cooldown" in scheduled(app, "cooldown-notices")  # 10 minutes to wait
    move_clock(timedelta(minutes=11))
    assert "1 cooldown" in scheduled(app, "cooldown-notices")
    assert "0 cooldown" in scheduled(app, "cooldown-notices")
    assert [m.subject for m in mails_to(db, learner.email)] == [
        "You may try Quiz: First module again"
    ]
    # Turned off: the next cooldown's end is not announced.
    post(learner.browser, "/notifications/settings", {"event": ["regrade_changed"]})
    take_quiz(learner.browser, db, "basics", "first", right=False)
    move_clock(timedelta(minutes=11))
    assert "0 cooldown" in scheduled(app, "cooldown-notices")


def test_admins_hear_once_who_waits_for_a_certificate(app, admin, db):
    eligible_learners(app, db, 2)
    assert "1 waiting" in scheduled(app, "issue-waiting")
    assert "0 waiting" in scheduled(app, "issue-waiting")
    [mail] = mails_to(db, "admin@example.org")
    assert mail.subject == "2 learner(s) waiting for a certificate of Basics"
    assert "Learner 0, Learner 1" in mail.body


def test_only_optional_notices_can_be_turned_off(app, admin, db):
    page = text_of(admin.get("/notifications/settings"))
    choices = set(re.findall(r'name="event" value="([^"]+)"', page))
    staff = {"signoff_waiting", "certificate_flagged", "issue_waiting"}
    seats = {"cohort_booked", "cohort_moved", "cohort_cancelled"}
    assert choices == {"regrade_changed", "cooldown_ended"} | seats | staff
    assert "Security and certificate notices cannot be turned off" in page
    post(admin, "/notifications/settings", {"event": ["certificate_issued"]})
    eligible_learners(app, db, 1)
    assert "0 waiting" in scheduled(app, "issue-waiting")
    assert db.scalar(select(func.count()).select_from(Notification)) == 0


def test_a_regrade_of_many_attempts_runs_as_a_job(app, db, learner, instructor):
    app.config["REGRADE_JOB_ATTEMPTS"] = 0  # every regrade is "many" here
    attempt_id, wrong = _answer_q_single_wrongly(db, learner)
    form = {"version": "1", "correct": wrong, "reason": "Green."}
    job_url = post(instructor.browser, REGRADE, form).headers["Location"]
    assert re.fullmatch(r"/jobs/\d+", job_url)
    page = text_of(instructor.browser.get(job_url))
    assert "Regrade attempts" in page and "Finished: 1 of 1 done, 0 failed." in page
    db.expire_all()
    assert db.get(Attempt, attempt_id).score == pytest.approx(1.0)
    result = text_of(learner.browser.get(f"/attempts/{attempt_id}"))
    assert "This attempt was regraded" in result
    [mail] = mails_to(db, learner.email)
    assert "score 80 % → 100 %" in mail.body


def test_a_notice_waits_out_an_smtp_outage_and_is_sent_once(make_app, content, db, smtp_server):
    controller, inbox = smtp_server
    offline = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    admin = admin_browser(offline, db)
    _learner, _cert = _issue_one(offline, admin, db)
    assert "Sent 0 of 1" in scheduled(offline, "retry-mail")  # the server is away
    [waiting] = mails_to(db, "learner0@example.org")
    assert waiting.sent_at is None and waiting.last_error
    online = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    assert "Sent 1 of 1" in scheduled(online, "retry-mail")
    assert "Sent 0 of 0" in scheduled(online, "retry-mail")
    [sent] = inbox.messages
    assert sent["Subject"] == "Your certificate for Basics was issued"


def test_admins_hear_once_of_a_flagged_certificate(app, admin, db, instructor):
    _learner, cert = _issue_one(app, admin, db)
    # A regrade of the must-pass question takes back the learner's pass: the certificate is
    # flagged for review.
    version = version_of(db, "q-safety")
    wrong = next(o["key"] for o in version.options if not o["correct"])
    url = "/instructor/courses/basics/questions/q-safety/regrade"
    form = {"version": str(version.number), "correct": wrong, "reason": "Key inverted."}
    assert post(instructor.browser, url, form).status_code == 302
    assert db.scalar(select(func.count()).select_from(CertificateFlag)) == 1
    assert "Sent 1 flagged" in scheduled(app, "flagged-certificates")
    assert "Sent 0 flagged" in scheduled(app, "flagged-certificates")
    [mail] = mails_to(db, "admin@example.org")
    assert mail.subject == f"Certificate {cert.public_id}: Needs review"
    assert "Key inverted." in mail.body


def _cohort(instructor, starts_on: str, ends_on: str) -> str:
    form = {
        "instructors": "",
        "name": "Toronto, spring",
        "starts_on": starts_on,
        "ends_on": ends_on,
        "location": "Toronto",
        "capacity": "12",
        "lab_hours": "24",
    }
    return post(instructor.browser, "/instructor/courses/basics/cohorts", form).headers["Location"]


def test_a_learner_booked_on_a_cohort_is_told_once(app, db, learner, instructor):
    cohort_url = _cohort(instructor, "2027-06-20", "2027-06-22")
    with statements_outside_a_transaction(app) as outside:
        post(instructor.browser, cohort_url, {"email": learner.email})
    # The booking, its audit entry and its notice commit together (SQLite: see test_jobs).
    assert not [s for s in outside if s.startswith(("SAVEPOINT", "INSERT INTO cohort_members"))]
    post(instructor.browser, cohort_url, {"email": learner.email})  # refused: already in it
    [mail] = mails_to(db, learner.email)
    assert mail.subject == "You are booked on Toronto, spring (Basics)"
    assert "2027-06-20 to 2027-06-22, Toronto" in mail.body


def test_instructors_hear_once_who_waits_for_practical_sign_off(app, db, learner, instructor):
    cohort_url = _cohort(instructor, "2027-05-29", "2027-05-31")  # begun (today: 05-31)
    post(instructor.browser, cohort_url, {"email": learner.email})
    assert "Sent 1 sign-off" in scheduled(app, "signoff-waiting")
    assert "Sent 0 sign-off" in scheduled(app, "signoff-waiting")
    [mail] = mails_to(db, instructor.email)
    assert mail.subject == "1 learner(s) of Toronto, spring waiting for practical sign-off"
    assert "Ada Learner" in mail.body and cohort_url in mail.body


def test_every_event_has_its_template_and_a_row_in_the_docs(app):
    """One template per event in English and in every other language (French), and
    docs/jobs.md's table names each (who, when)."""
    table = (REPO_ROOT / "docs" / "jobs.md").read_text()
    others = [code for code in app.config["LANGUAGES"] if code != "en"]
    assert others == ["fr"]
    for key in EVENTS:
        assert app.jinja_env.get_template(f"notifications/events/{key}.txt")
        for code in others:
            assert app.jinja_env.get_template(f"notifications/events/{code}/{key}.txt")
        expiring = key.startswith("certificate_expiring_")
        named = "`certificate_expiring_90`, `_30`, `_7`" if expiring else f"| `{key}` |"
        assert named in table, key
