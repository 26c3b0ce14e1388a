"""Administrators create accounts of any role; an e-mailed, single-use, expiring link sets
the password."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from course_app.audit.models import AuditEntry
from course_app.auth.models import Role, User
from course_app.mail.models import OutboxMessage
from tests.conftest import move_clock
from tests.helpers import login, make_user, post, text_of

NEW = "a fresh invited passphrase"


def _admin(client, db):
    make_user(db, "root@example.org", role=Role.ADMIN, full_name="Ada Admin")
    login(client, "root@example.org")
    return client


def _invite(client, **fields):
    data = {"full_name": "Tess Teacher", "email": "Tess@Example.org", "role": "instructor"}
    return post(client, "/admin/users/invite", {**data, **fields})


def _link(db) -> str:
    body = db.scalar(select(OutboxMessage.body).order_by(OutboxMessage.id.desc()))
    return re.search(r"http://localhost(/auth/invitation/\S+)", body).group(1)


def test_an_invited_instructor_sets_a_password_once(app, client, db):
    admin = _admin(client, db)
    answer = _invite(admin)
    assert answer.status_code == 302, text_of(answer)
    tess = db.scalar(select(User).where(User.email == "tess@example.org"))
    assert tess.role == Role.INSTRUCTOR
    assert db.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc())) == "user.invited"
    link = _link(db)
    guest = app.test_client()
    assert guest.get(link).status_code == 200
    set_password = post(guest, link, {"password": NEW, "confirm": NEW})
    assert set_password.status_code == 302
    assert login(guest, "tess@example.org", NEW).status_code == 302
    assert guest.get("/instructor/").status_code == 200
    again = app.test_client()
    assert again.get(link).status_code == 400  # used: the password it was made for is gone
    assert "invitation link is invalid, used or expired" in text_of(again.get(link))


def test_an_invitation_expires(app, client, db):
    _invite(_admin(client, db))
    link = _link(db)
    move_clock(timedelta(days=7, minutes=1))
    assert app.test_client().get(link).status_code == 400


def test_a_learner_needs_registration_and_a_taken_address_is_refused(client, db):
    admin = _admin(client, db)
    refused = _invite(admin, role="learner", email="new@example.org")
    assert refused.status_code == 400 and "registration number" in text_of(refused)
    taken = _invite(admin, email="ROOT@example.org")
    assert taken.status_code == 400 and "already exists" in text_of(taken)
    assert db.scalar(select(func.count(User.id))) == 1
    learner = _invite(
        admin,
        role="learner",
        email="lee@example.org",
        registration_number="pt-77",
        jurisdiction="ON",
        regulator="College",
        register_class="full",
    )
    assert learner.status_code == 302
    assert db.scalar(select(User.registration_number).where(User.email == "lee@example.org")) == (
        "PT-77"
    )


def test_a_reset_link_is_no_invitation(app, client, db):
    _invite(_admin(client, db))
    token = _link(db).rsplit("/", 1)[1]
    assert app.test_client().get(f"/auth/reset/{token}").status_code == 400
