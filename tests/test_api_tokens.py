"""Personal access tokens: created and revoked by their owner in the browser, shown once,
stored hashed, scopes limited by the owner's role, audited."""

import hashlib

from sqlalchemy import select

from course_app.api.models import ApiToken
from course_app.audit.models import AuditEntry
from course_app.auth.models import Role
from tests.api_support import assert_problem, bearer, create_token
from tests.helpers import PASSWORD, login, make_user, post, text_of
from tests.quality import html_errors, require_tools


def test_the_account_page_links_to_the_tokens_page(learner):
    page = learner.browser.get("/account").get_data(as_text=True)
    assert 'href="/account/tokens"' in page


def test_a_token_is_shown_once_and_stored_only_as_its_hash(learner, db):
    secret = create_token(learner.browser, ["read:self"], days=30, name="HR export")
    token = db.scalar(select(ApiToken))
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(token.prefix) and len(secret) > 40
    assert token.scopes == ["read:self"] and token.user_id == learner.id
    assert (token.expires_at - token.created_at).days == 30
    listed = learner.browser.get("/account/tokens")
    assert secret not in listed.get_data(as_text=True)
    assert token.prefix in listed.get_data(as_text=True)
    assert listed.headers["Cache-Control"] == "no-store"
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "api_token.create"))
    assert entry.actor_id == learner.id and entry.subject_id == token.id
    assert secret not in str(entry.after)


def test_a_token_name_is_shown_as_text(learner):
    create_token(learner.browser, ["read:self"], name="<script>alert(1)</script>")
    page = learner.browser.get("/account/tokens").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_a_learner_cannot_give_a_token_an_admin_scope(learner, db):
    page = learner.browser.get("/account/tokens").get_data(as_text=True)
    assert "admin:users" not in page
    response = post(
        learner.browser, "/account/tokens", {"name": "x", "scopes": ["admin:users"], "days": 30}
    )
    assert response.status_code == 400
    assert db.scalar(select(ApiToken)) is None


def test_an_admin_may_give_admin_scopes(app, db, content):
    admin = make_user(db, email="admin@example.org", role=Role.ADMIN)
    browser = app.test_client()
    login(browser, admin.email)
    create_token(browser, ["admin:users", "admin:certificates"])
    assert db.scalar(select(ApiToken.scopes)) == ["admin:certificates", "admin:users"]
    audit = browser.get("/admin/audit")
    assert audit.status_code == 200 and "api_token.create" in text_of(audit)


def test_expiry_is_required_and_at_most_a_year(learner, db):
    for days in ("", "0", "366", "many"):
        response = post(
            learner.browser, "/account/tokens", {"name": "x", "scopes": ["read:self"], "days": days}
        )
        assert response.status_code == 400, days
        assert "Days until it expires" in text_of(response)
    assert db.scalar(select(ApiToken)) is None


def test_a_name_and_a_scope_are_required(learner, db):
    assert post(learner.browser, "/account/tokens", {"scopes": ["read:self"]}).status_code == 400
    for name in ("a\x00b", "tab\there", "x" * 81):
        sent = {"name": name, "scopes": ["read:self"], "days": 5}
        assert post(learner.browser, "/account/tokens", sent).status_code == 400
    assert post(learner.browser, "/account/tokens", {"name": "x", "days": 5}).status_code == 400
    assert db.scalar(select(ApiToken)) is None


def test_creating_needs_the_csrf_token(learner, db):
    response = learner.browser.post(
        "/account/tokens", data={"name": "x", "scopes": ["read:self"], "days": 5}
    )
    assert response.status_code == 400
    assert db.scalar(select(ApiToken)) is None


def test_the_owner_revokes_a_token_and_it_stops_working(learner, client, db):
    secret = create_token(learner.browser, ["read:self"])
    assert client.get("/api/v1/me/attempts", headers=bearer(secret)).status_code == 200
    token_id = db.scalar(select(ApiToken.id))
    response = post(learner.browser, f"/account/tokens/{token_id}/revoke")
    assert response.status_code == 302
    assert_problem(client.get("/api/v1/me/attempts", headers=bearer(secret)), 401)
    db.expire_all()
    assert db.get(ApiToken, token_id).revoked_at is not None
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "api_token.revoke"))
    assert "Revoked" in learner.browser.get("/account/tokens").get_data(as_text=True)


def test_nobody_revokes_another_persons_token(learner, app, db):
    create_token(learner.browser, ["read:self"])
    token_id = db.scalar(select(ApiToken.id))
    other = make_user(db, email="other@example.org")
    browser = app.test_client()
    login(browser, other.email)
    assert post(browser, f"/account/tokens/{token_id}/revoke").status_code == 404
    db.expire_all()
    assert db.get(ApiToken, token_id).revoked_at is None


def test_the_tokens_page_needs_a_login(client, content):
    assert client.get("/account/tokens").status_code == 302


def test_the_tokens_and_docs_pages_are_valid_html(learner, client, tmp_path):
    require_tools()
    pages = {
        "created.html": post(
            learner.browser, "/account/tokens", {"name": "x", "scopes": ["read:self"], "days": 9}
        ),
        "refused.html": post(learner.browser, "/account/tokens", {"name": "", "days": 0}),
        "listed.html": learner.browser.get("/account/tokens"),
        "docs.html": client.get("/api/v1/docs"),
    }
    files = []
    for name, response in pages.items():
        files.append(tmp_path / name)
        files[-1].write_bytes(response.get_data())
    assert html_errors(files) == []


def test_the_export_lists_tokens_without_hashes_and_closing_deletes_them(learner, client, db):
    secret = create_token(learner.browser, ["read:self"], name="HR export")
    exported = learner.browser.get("/account/export.json").get_json()["api_tokens"]
    assert [token["name"] for token in exported] == ["HR export"]
    assert "token_hash" not in exported[0] and secret not in str(exported)
    post(learner.browser, "/account/close", {"close_password": PASSWORD})
    assert db.scalar(select(ApiToken)) is None
    assert_problem(client.get("/api/v1/me/standing", headers=bearer(secret)), 401)
