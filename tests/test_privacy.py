"""PIPEDA over HTTP: the personal-data export, and account closure that removes personal data
while issued certificates stay verifiable and the audit trail stays intact."""

import json

import pytest
from sqlalchemy import func, select

from course_app.audit.models import AuditEntry
from course_app.audit.services import verify_all
from course_app.auth.models import Role, User
from course_app.mail.models import OutboxMessage
from course_app.notifications.models import Notification
from course_app.profiles.models import NameChangeRequest
from course_app.profiles.privacy import CLOSED_NAME
from tests.helpers import PASSWORD, login, make_user, post, start_quiz, text_of
from tests.issued import BASE, issue_for, public_app


@pytest.fixture
def ca_app(make_app, db):
    return public_app(make_app, db)


@pytest.fixture
def holder(ca_app, db):
    """Ada, with a certificate for 'basics', an attempt at its first quiz, a pending name
    request, logged in (``holder.browser``) and ``holder.cert``."""
    cert = issue_for(ca_app, db, "ada@example.org", "Ada Lovelace")
    user = db.scalar(select(User).where(User.email == "ada@example.org"))
    user.cert_id, user.browser = cert.public_id, ca_app.test_client()
    db.add(
        Notification(
            user_id=user.id, event="cooldown_ended", subject_key="q", title="Go", body="Hi"
        )
    )
    db.commit()
    login(user.browser, user.email)
    start_quiz(user.browser, "basics", "first")
    post(user.browser, "/account/name", {"full_name": "Ada King", "explanation": "married"})
    return user


def fresh(db, user_id: int) -> User:
    db.expire_all()
    return db.get(User, user_id)


def exported(browser) -> dict:
    response = browser.get("/account/export.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="my-data.json"'
    return json.loads(response.get_data(as_text=True))


def test_the_export_holds_everything_about_the_person_and_no_secret(db, holder):
    make_user(db, email="other@example.org", full_name="Olga Other")
    data = exported(holder.browser)
    assert data["account"]["email"] == "ada@example.org"
    assert data["account"]["registration_number"] == "PT12345"
    assert "password_hash" not in data["account"] and "session_token" not in data["account"]
    assert [row["user_id"] for row in data["enrollments"]] == [holder.id]
    (attempt,) = data["attempts"]
    items = data["attempt_items"]
    assert items and {item["attempt_id"] for item in items} == {attempt["id"]}
    assert "response" in items[0]  # the answers
    (cert,) = data["certificates"]
    assert cert["id"] == holder.cert_id and cert["holder_name"] == "Ada Lovelace"
    assert cert["verify_url"] == f"{BASE}/verify/{holder.cert_id}"
    assert "pdf" not in cert and "credential" not in cert
    assert data["name_change_requests"][0]["requested_name"] == "Ada King"
    assert [n["title"] for n in data["notifications"]] == ["Go"]
    assert "competency_signoffs" in data and "cohort_members" in data
    assert "user.name_change_requested" in {e["action"] for e in data["audit_entries"]}
    assert "other@example.org" not in json.dumps(data)


def test_the_export_needs_a_login(ca_app):
    assert ca_app.test_client().get("/account/export.json").status_code == 302


def test_closing_needs_the_password_and_the_csrf_token(db, holder):
    page = holder.browser.get("/account/close")
    assert page.status_code == 200 and "cannot be undone" in text_of(page)
    wrong = post(holder.browser, "/account/close", {"close_password": "not the password!"})
    assert wrong.status_code == 400 and "password is not correct" in text_of(wrong)
    forged = holder.browser.post("/account/close", data={"close_password": PASSWORD})
    assert forged.status_code == 400
    user = fresh(db, holder.id)
    assert (user.full_name, user.is_active, user.closed_at) == ("Ada Lovelace", True, None)


def test_closing_removes_personal_data_and_sign_in(ca_app, db, holder):
    entries_before = db.scalar(select(func.count()).select_from(AuditEntry))
    closed = post(holder.browser, "/account/close", {"close_password": PASSWORD})
    assert closed.status_code == 302
    user = fresh(db, holder.id)
    assert (user.full_name, user.email) == (CLOSED_NAME, f"closed-{holder.id}@closed.invalid")
    assert (user.registration_number, user.jurisdiction, user.regulator) == ("", "", "")
    assert not user.is_active and user.closed_at is not None
    for model in (Notification, NameChangeRequest):  # both had a row
        assert db.scalar(select(func.count()).where(model.user_id == holder.id)) == 0
    mails = select(func.count()).where(OutboxMessage.recipient == "ada@example.org")
    assert db.scalar(mails) == 0
    assert holder.browser.get("/account").status_code == 302  # logged out
    assert login(ca_app.test_client(), "ada@example.org").status_code == 400
    post(ca_app.test_client(), "/auth/reset", {"email": "ada@example.org"})
    assert db.scalar(mails) == 0  # no reset link for a closed account
    assert db.scalar(select(func.count()).select_from(AuditEntry)) == entries_before + 1
    last = db.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    assert (last.action, last.subject_id, last.after) == (
        "user.closed",
        holder.id,
        {"closed": True},
    )
    assert verify_all(db) is None  # the trail is whole: nothing in it was edited


def test_issued_certificates_stay_verifiable_with_the_printed_name(ca_app, db, holder):
    post(holder.browser, "/account/close", {"close_password": PASSWORD})
    page = ca_app.test_client().get(f"/verify/{holder.cert_id}")
    assert page.status_code == 200
    assert "Ada Lovelace" in text_of(page) and "ada@example.org" not in text_of(page)


def test_the_address_of_a_closed_account_is_free_again(ca_app, db, holder):
    post(holder.browser, "/account/close", {"close_password": PASSWORD})
    make_user(db, email="ada@example.org", full_name="Ada Again")
    assert login(ca_app.test_client(), "ada@example.org").status_code == 302


def test_the_last_administrator_cannot_close_their_account(app, db):
    make_user(db, email="root@example.org", role=Role.ADMIN, full_name="Root")
    browser = app.test_client()
    login(browser, "root@example.org")
    refused = post(browser, "/account/close", {"close_password": PASSWORD})
    assert refused.status_code == 400 and "last administrator" in text_of(refused)
    assert db.scalar(select(User.is_active).where(User.email == "root@example.org"))
    make_user(db, email="second@example.org", role=Role.ADMIN, full_name="Second")
    assert post(browser, "/account/close", {"close_password": PASSWORD}).status_code == 302
    db.expire_all()
    assert db.scalar(select(func.count()).where(User.role == Role.ADMIN, User.is_active)) == 1


def test_an_admin_cannot_reactivate_a_closed_account(ca_app, db, holder):
    post(holder.browser, "/account/close", {"close_password": PASSWORD})
    make_user(db, email="root@example.org", role=Role.ADMIN, full_name="Root")
    admin = ca_app.test_client()
    login(admin, "root@example.org")
    answer = post(admin, f"/admin/users/{holder.id}/active", {"active": "1"}, follow_redirects=True)
    assert "cannot be reactivated" in text_of(answer)
    assert not fresh(db, holder.id).is_active


def test_the_admin_user_page_says_the_owner_closed_it(ca_app, db, holder):
    post(holder.browser, "/account/close", {"close_password": PASSWORD})
    make_user(db, email="root@example.org", role=Role.ADMIN, full_name="Root")
    admin = ca_app.test_client()
    login(admin, "root@example.org")
    page = text_of(admin.get(f"/admin/users/{holder.id}"))
    assert "its owner closed the account" in page and "ada@example.org" not in page
