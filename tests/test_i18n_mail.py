"""E-mails other than notices in their recipient's language: a French account's password
reset, e-mail change and welcome arrive in French whatever the browser asking for them."""

from sqlalchemy import select

from course_app.auth.models import User
from course_app.mail.models import OutboxMessage
from tests.helpers import PASSWORD, login, make_user, post
from tests.test_auth import VALID

ENGLISH = {"Accept-Language": "en-CA,en;q=0.9"}
FRENCH = {"Accept-Language": "fr-CA,fr;q=0.9"}


def last_mail(db, recipient: str) -> OutboxMessage:
    db.expire_all()
    query = select(OutboxMessage).where(OutboxMessage.recipient == recipient)
    return db.scalars(query.order_by(OutboxMessage.id.desc())).first()


def test_a_reset_asked_from_an_english_browser_reaches_a_french_account_in_french(client, db):
    user = make_user(db, email="eloise@example.org", language="fr")
    post(client, "/auth/reset", {"email": user.email}, headers=ENGLISH)
    message = last_mail(db, user.email)
    assert message.subject.startswith("Réinitialiser le mot de passe")
    assert "Bonjour" in message.body and "Il ne fonctionne qu'une fois" in message.body
    assert "Someone (we hope you)" not in message.body


def test_an_english_account_still_gets_english(client, db):
    user = make_user(db, email="ada@example.org", language="en")
    post(client, "/auth/reset", {"email": user.email}, headers=FRENCH)
    message = last_mail(db, user.email)
    assert message.subject.startswith("Reset your") and "Hello" in message.body


def test_registering_in_french_keeps_french_for_the_account_and_its_welcome(client, db):
    post(client, "/auth/register", VALID, headers=FRENCH)
    user = db.scalar(select(User).where(User.email == VALID["email"].lower()))
    assert user.language == "fr"
    message = last_mail(db, user.email)
    assert "est prêt" in message.subject and "puncture sèche" in message.body


def test_the_e_mail_change_link_goes_out_in_french(client, db):
    user = make_user(db, email="eloise@example.org", language="fr")
    login(client, user.email)
    post(client, "/account/email", {"new_email": "new@example.org", "email_password": PASSWORD})
    message = last_mail(db, "new@example.org")
    assert message.subject.startswith("Confirmez votre nouvelle adresse courriel")
    assert "Suivez ce lien" in message.body and "pendant" in message.body
