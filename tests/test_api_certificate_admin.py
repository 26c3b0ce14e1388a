"""Issuing and revoking certificates through the API: an administrator's token with
admin:certificates, the queue's own services (eligibility, audit, notification), problem
details when refused, and nothing but the bearer token authenticates."""

import pytest
from sqlalchemy import select

from course_app.audit.models import AuditEntry
from course_app.auth.models import Role, User
from course_app.certificates.models import Certificate
from course_app.db import utcnow
from tests.api_support import assert_problem, bearer, create_token
from tests.helpers import complete_course, login, make_user, post

V1 = "/api/v1"


def browser_for(app, user):
    browser = app.test_client()
    login(browser, user.email)
    return browser


@pytest.fixture
def admin(app, db, content):
    user = make_user(db, email="admin@example.org", role=Role.ADMIN, full_name="Ann Admin")
    user.browser = browser_for(app, user)
    return user


@pytest.fixture
def token(admin):
    return create_token(admin.browser, ["admin:certificates"])


@pytest.fixture
def done(app, db, content):
    """Dora completed basics and her licence is verified: eligible."""
    dora = make_user(db, email="dora@example.org", full_name="Dora Done")
    complete_course(browser_for(app, dora), db, "basics")
    db.get(User, dora.id).licence_verified_at = utcnow()
    db.commit()
    return dora


def send(client, path, token, body):
    return client.post(V1 + path, headers=bearer(token), json=body)


def issue(client, token, learner_id, course="basics"):
    return send(client, "/certificates", token, {"course": course, "learner_id": learner_id})


def test_an_admin_issues_an_eligible_learners_certificate(client, db, admin, token, done):
    response = issue(client, token, done.id)
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["user_id"] == done.id and body["status"] == "valid"
    cert = db.scalar(select(Certificate).where(Certificate.public_id == body["public_id"]))
    assert cert.issued_by_id == admin.id
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "certificate.issued"))
    assert entry.actor_id == admin.id and entry.subject_id == cert.id


def test_issuing_twice_is_a_conflict_and_issues_one(client, db, token, done):
    first = issue(client, token, done.id).get_json()["public_id"]
    body = assert_problem(issue(client, token, done.id), 409)
    assert "already holds" in body["detail"] and body["reason"] == "already-certified"
    assert body["certificate"] == first  # a retry learns what the first request issued
    assert db.scalars(select(Certificate.public_id)).all() == [first]


def test_not_eligible_or_not_enrolled_is_a_conflict_saying_which(client, db, token, learner):
    body = assert_problem(issue(client, token, learner.id), 409)
    assert "not eligible yet" in body["detail"] and body["reason"] == "not-eligible"
    stranger = make_user(db, email="stranger@example.org")
    body = assert_problem(issue(client, token, stranger.id), 409)
    assert "not enrolled" in body["detail"] and body["reason"] == "not-enrolled"
    assert_problem(issue(client, token, learner.id, course="nowhere"), 404)
    assert db.scalar(select(Certificate.id)) is None


@pytest.mark.parametrize(
    "body", [{}, {"course": "basics"}, {"course": "Basics!", "learner_id": 1}, {"learner_id": -1}]
)
def test_bad_bodies_are_unprocessable(client, token, body):
    assert_problem(send(client, "/certificates", token, body), 422)


def test_only_an_admin_token_with_the_scope_writes(client, db, admin, instructor, learner, done):
    without = create_token(admin.browser, ["read:self", "read:courses"])
    body = assert_problem(issue(client, without, done.id), 403)
    assert "admin:certificates" in body["detail"]
    for person in (learner, instructor):
        token = create_token(person.browser, ["read:self", "read:courses"])
        assert_problem(issue(client, token, done.id), 403)
    assert_problem(issue(client, "cat_forged", done.id), 401)
    # The admin's session cookie authenticates nothing (and so needs no CSRF token).
    sent = admin.browser.post(f"{V1}/certificates", json={"course": "basics", "learner_id": 1})
    assert_problem(sent, 401)
    assert db.scalar(select(Certificate.id)) is None


def test_a_demoted_admins_token_cannot_issue(client, db, admin, token, done):
    db.get(User, admin.id).role = Role.INSTRUCTOR
    db.commit()
    assert_problem(issue(client, token, done.id), 403)


def test_revoking_needs_a_reason_and_is_audited(client, db, admin, token, done):
    public_id = issue(client, token, done.id).get_json()["public_id"]
    path = f"/certificates/{public_id}/revoke"
    assert_problem(send(client, path, token, {}), 422)
    assert_problem(send(client, path, token, {"reason": "   "}), 422)
    response = send(client, path, token, {"reason": "Issued in error"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["status"] == "revoked"
    assert response.get_json()["revoked_at"] is not None
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "certificate.revoked"))
    assert entry.actor_id == admin.id and entry.reason == "Issued in error"
    assert_problem(send(client, path, token, {"reason": "again"}), 409)
    assert_problem(
        send(client, "/certificates/DN1-NONE-NONE-NONE/revoke", token, {"reason": "x"}), 404
    )


def test_a_revoked_certificate_can_be_issued_anew(client, token, done):
    public_id = issue(client, token, done.id).get_json()["public_id"]
    send(client, f"/certificates/{public_id}/revoke", token, {"reason": "Wrong course date"})
    assert issue(client, token, done.id).status_code == 201


def test_a_learner_cannot_revoke(client, learner, token, done):
    public_id = issue(client, token, done.id).get_json()["public_id"]
    mine = create_token(learner.browser, ["read:self", "read:courses"])
    path = f"/certificates/{public_id}/revoke"
    assert_problem(send(client, path, mine, {"reason": "spite"}), 403)
    assert post(learner.browser, V1 + path, {"reason": "spite"}).status_code == 401
