"""Notices are written for their recipient: in the language of their account (French or
English), whoever's request or scheduled task sends them, with dates in their time zone; the
inbox entry and the e-mail carry the same text."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from course_app.auth.models import User
from course_app.certificates.models import Certificate
from course_app.db import utcnow
from course_app.mail.models import OutboxMessage
from course_app.notifications.models import Notification
from tests.conftest import move_clock
from tests.helpers import login, post, text_of
from tests.job_fixtures import admin_browser, eligible_learners

#: 19:30 on 31 May in Vancouver (PDT, UTC-7), already 1 June in UTC.
LATE_EVENING_IN_VANCOUVER = datetime(2027, 6, 1, 2, 30, tzinfo=UTC)


@pytest.fixture
def admin(app, content, db):
    return admin_browser(app, db)


def _learner(app, db, language: str = "en", time_zone: str | None = None) -> User:
    """An eligible learner of 'basics' who chose ``language`` with the footer's switcher."""
    [learner] = eligible_learners(app, db, 1)
    learner.browser = app.test_client()
    login(learner.browser, learner.email)
    post(learner.browser, "/language", {"language": language, "next": "/dashboard"})
    # The zone is set on the row: the account page's form also re-checks the licence.
    db.execute(update(User).where(User.id == learner.id).values(time_zone=time_zone))
    db.commit()
    return learner


def _issue(admin, db, learner: User) -> Certificate:
    response = post(admin, "/admin/certificates/basics/issue", {"learner": str(learner.id)})
    assert response.status_code == 302
    return db.scalar(select(Certificate).where(Certificate.user_id == learner.id))


def _told(db, learner: User) -> list[tuple[Notification, OutboxMessage]]:
    """Each inbox entry of the learner with the e-mail queued with it, oldest first; the two
    carry the same title and text."""
    db.expire_all()
    notes = db.scalars(
        select(Notification).where(Notification.user_id == learner.id).order_by(Notification.id)
    ).all()
    mails = db.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.recipient == learner.email)
        .order_by(OutboxMessage.id)
    ).all()
    assert len(notes) == len(mails)
    for note, mail in zip(notes, mails, strict=True):
        assert (mail.subject, mail.body) == (note.title, note.body)
    return list(zip(notes, mails, strict=True))


def test_a_french_speaking_learner_is_told_in_french(app, admin, db):
    learner = _learner(app, db, "fr")
    cert = _issue(admin, db, learner)
    post(admin, f"/admin/certificates/{cert.public_id}/revoke", {"reason": "Permis échu."})
    (issued, _mail), (revoked, _) = _told(db, learner)
    assert issued.title == "Votre attestation pour Basics a été délivrée"
    assert issued.body.startswith("Bonjour Learner 0,")
    assert f"a été délivrée le {utcnow().date().isoformat()}" in issued.body
    assert f"Téléchargez le PDF : http://localhost/certificates/{cert.public_id}.pdf" in (
        issued.body
    )
    assert revoked.title == "Votre attestation pour Basics a été révoquée"
    assert f"a été révoquée le {utcnow().date().isoformat()}." in revoked.body
    assert "Motif : Permis échu." in revoked.body
    assert "Vos attestations : http://localhost/certificates" in revoked.body
    assert "Votre attestation pour Basics a été délivrée" in text_of(
        learner.browser.get("/notifications")
    )


def test_an_english_speaking_learner_is_told_in_english_by_a_french_speaking_admin(app, admin, db):
    """The language is the recipient's, not that of the request that sends the notice."""
    learner = _learner(app, db, "en")
    post(admin, "/language", {"language": "fr", "next": "/dashboard"})
    _issue(admin, db, learner)
    [(issued, _mail)] = _told(db, learner)
    assert issued.title == "Your certificate for Basics was issued"
    assert issued.body.startswith("Dear Learner 0,")


def test_a_scheduled_reminder_follows_the_holders_language(app, admin, db):
    """No request at all: the expiry reminder of the schedule, from the command line."""
    learner = _learner(app, db, "fr")
    cert = _issue(admin, db, learner)
    expires = utcnow().date() + timedelta(days=1)
    db.execute(update(Certificate).where(Certificate.id == cert.id).values(expires_on=expires))
    db.commit()
    result = app.test_cli_runner().invoke(args=["run-scheduled", "certificate-reminders"])
    assert "Sent 1 certificate expiry" in result.output
    _issued, (reminder, _mail) = _told(db, learner)
    assert reminder.title == "Votre attestation pour Basics expire dans 1 jour"
    assert f"expire le {expires.isoformat()} (dans 1 jour, selon le calendrier UTC)" in (
        reminder.body
    )
    assert "/courses/basics" in reminder.body


def test_a_french_speaking_admin_hears_who_waits_in_french(app, admin, db):
    """Staff notices too, from a scheduled task, with the names and the count worded in
    French."""
    post(admin, "/language", {"language": "fr", "next": "/dashboard"})
    eligible_learners(app, db, 2)
    result = app.test_cli_runner().invoke(args=["run-scheduled", "issue-waiting"])
    assert "Sent 1 waiting" in result.output
    admin_user = db.scalar(select(User).where(User.email == "admin@example.org"))
    [(waiting, _mail)] = _told(db, admin_user)
    assert waiting.title == "2 personnes apprenantes attendent une attestation pour Basics"
    assert "n'ont pas encore d'attestation : Learner 0, Learner 1." in waiting.body


@pytest.mark.clock("2027-06-01T00:00:00+00:00")
def test_the_issue_date_is_the_learners_local_day(app, admin, db, still_clock):
    learner = _learner(app, db, "en", "America/Vancouver")
    move_clock(LATE_EVENING_IN_VANCOUVER - datetime.now(UTC))  # the course took its minutes
    cert = _issue(admin, db, learner)
    assert cert.issued_at.replace(tzinfo=UTC) == LATE_EVENING_IN_VANCOUVER
    [(issued, _mail)] = _told(db, learner)
    assert "was issued on 2027-05-31" in issued.body
    assert "2027-06-01" not in issued.body


@pytest.mark.clock("2027-06-01T00:00:00+00:00")
def test_a_learner_without_a_zone_of_their_own_reads_their_provinces_day(
    app, admin, db, still_clock
):
    """No zone chosen: the province's (Ontario: Toronto, EDT, UTC-4), in French too."""
    learner = _learner(app, db, "fr")
    move_clock(LATE_EVENING_IN_VANCOUVER - datetime.now(UTC))
    _issue(admin, db, learner)
    [(issued, _mail)] = _told(db, learner)
    assert "a été délivrée le 2027-05-31" in issued.body
