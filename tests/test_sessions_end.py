"""Faults 6 and 10 of the audit: logout, deactivation and a password change end every session
issued before (a saved cookie no longer opens anything), and a cross-site POST without a
valid CSRF token leaves the visitor's session cookie alone."""

from tests.helpers import PASSWORD, login, make_user, post
from tests.test_auth import reset_link_from_outbox


def _saved_session(client) -> str:
    """The session cookie as an attacker (or a shared computer's disk) would keep it."""
    return client.get_cookie("session").value


def _opens_dashboard(app, cookie: str) -> bool:
    replay = app.test_client()
    replay.set_cookie("session", cookie)
    return replay.get("/dashboard").status_code == 200


def test_a_cookie_saved_before_logout_no_longer_opens_the_dashboard(app, client, db):
    make_user(db)
    login(client, "learner@example.org")
    saved = _saved_session(client)
    assert _opens_dashboard(app, saved)
    assert post(client, "/auth/logout").status_code == 302
    assert not _opens_dashboard(app, saved)
    assert login(client, "learner@example.org").status_code == 302  # logging in again works


def test_deactivating_and_reactivating_does_not_revive_old_cookies(app, client, db):
    from course_app.auth.models import Role

    learner = make_user(db)
    make_user(db, email="admin@example.org", role=Role.ADMIN, full_name="Ada Admin")
    login(client, "learner@example.org")
    saved = _saved_session(client)
    admin = app.test_client()
    login(admin, "admin@example.org")
    for active in ("0", "1"):
        response = post(admin, f"/admin/users/{learner.id}/active", {"active": active})
        assert response.status_code == 302
    assert not _opens_dashboard(app, saved)


def test_a_password_change_ends_the_sessions_saved_before_it(app, client, db):
    make_user(db)
    login(client, "learner@example.org")
    saved = _saved_session(client)
    new = "a brand new passphrase"
    form = {"current_password": PASSWORD, "password": new, "confirm": new}
    assert post(client, "/auth/password", form).status_code == 302
    assert not _opens_dashboard(app, saved)
    assert client.get("/dashboard").status_code == 200  # the device that changed it stays in


def test_a_password_reset_ends_the_sessions_saved_before_it(app, client, db):
    make_user(db)
    login(client, "learner@example.org")
    saved = _saved_session(client)
    stranger = app.test_client()
    post(stranger, "/auth/reset", {"email": "learner@example.org"})
    new = {"password": "my new long passphrase", "confirm": "my new long passphrase"}
    assert post(stranger, reset_link_from_outbox(db), new).status_code == 302
    assert not _opens_dashboard(app, saved)


def test_a_cross_site_post_without_a_token_sets_no_cookie(app, db):
    """SameSite=Lax keeps the victim's cookie off a cross-site POST, so the request arrives
    with no session; answering it with a new session cookie would replace (log out) theirs."""
    make_user(db)
    cross_site = app.test_client(use_cookies=False)
    response = cross_site.post("/auth/logout", data={"anything": "1"})
    assert response.status_code == 400
    assert "Set-Cookie" not in response.headers


def test_a_post_with_a_wrong_token_keeps_the_session(app, client, db):
    make_user(db)
    login(client, "learner@example.org")
    saved = _saved_session(client)
    response = client.post("/courses/basics/enrol", data={"csrf_token": "forged"})
    assert response.status_code == 400
    assert "Set-Cookie" not in response.headers
    assert _saved_session(client) == saved
    assert client.get("/dashboard").status_code == 200


def test_a_cross_site_post_to_a_quiz_sets_no_cookie(app, db):
    """The quiz keeps the answers of an expired form in the session; a cross-site POST has no
    session of the visitor's to keep them in, and must not start one over theirs."""
    cross_site = app.test_client(use_cookies=False)
    for url in ("/attempts/1/save", "/attempts/1/submit"):
        response = cross_site.post(url, data={"q1": "1"})
        assert response.status_code in (302, 400), url
        assert "Set-Cookie" not in response.headers, url
