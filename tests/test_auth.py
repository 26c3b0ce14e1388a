"""Accounts through HTTP: register, log in and out, change and reset passwords, rate limits."""

import re

import pytest
from sqlalchemy import func, select

from course_app.auth.models import User
from course_app.mail.models import OutboxMessage
from tests.helpers import PASSWORD, csrf_token, login, make_user, post, text_of

VALID = {
    "full_name": "Zoë Ñúñez-Łukasz",
    "email": "Zoe@Example.org",
    "password": "correct horse battery staple",
    "confirm": "correct horse battery staple",
    "registration_number": "pt-10293",
    "jurisdiction": "ON",
    "regulator": "",
    "register_class": "full",
}


def count_users(db) -> int:
    return db.scalar(select(func.count()).select_from(User))


def test_register_creates_a_learner_who_then_logs_in(client, db):
    response = post(client, "/auth/register", VALID)
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/registered"
    user = db.scalar(select(User))
    assert (user.email, user.role, user.registration_number) == (
        "zoe@example.org",
        "learner",
        "PT-10293",
    )
    assert user.regulator == "College of Physiotherapists of Ontario"  # filled from province
    assert user.password_hash.startswith("$argon2id$")
    welcome = db.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "zoe@example.org"))
    assert welcome.subject == "Your Dry Needling CE account is ready"
    assert client.get("/dashboard").status_code == 302  # not logged in by registering
    login(client, "zoe@example.org", VALID["password"])
    assert "Zoë Ñúñez-Łukasz" in text_of(client.get("/dashboard"))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"password": "short pw", "confirm": "short pw"}, "Use at least 12 characters."),
        ({"email": "not-an-email"}, "Enter a valid e-mail address."),
        ({"registration_number": ""}, "Enter your registration (licence) number."),
        ({"registration_number": "<script>"}, "Use 3–40 letters, digits"),
        ({"confirm": "something else entirely"}, "The two passwords differ."),
        ({"register_class": ""}, "Choose your register class."),
        ({"register_class": "honorary"}, "Not a valid choice"),
        ({"jurisdiction": "XX"}, "Not a valid choice"),
        ({"jurisdiction": "OTHER", "regulator": ""}, "Name the regulator"),
        ({"full_name": ""}, "This field is required."),
    ],
)
def test_register_rejects_bad_input_and_stores_nothing(client, db, changes, message):
    response = post(client, "/auth/register", {**VALID, **changes})
    assert response.status_code == 400
    assert message in text_of(response)
    assert 'role="alert"' in text_of(response)  # the error summary is announced
    assert count_users(db) == 0


def test_a_taken_email_is_not_revealed_and_its_owner_is_told(app, client, db):
    make_user(db, email="zoe@example.org")
    taken = post(client, "/auth/register", {**VALID, "email": "Zoe@Example.org"})
    fresh = post(app.test_client(), "/auth/register", {**VALID, "email": "new@example.org"})
    assert taken.status_code == fresh.status_code == 302
    assert taken.headers["Location"] == fresh.headers["Location"] == "/auth/registered"
    pages = [text_of(c.get("/auth/registered")) for c in (client, app.test_client())]
    # The CSRF tokens (the meta tag's and the language switcher's) differ by session.
    without_tokens = [re.sub(r'(content|value)="[^"]+">', "", page) for page in pages]
    assert without_tokens[0] == without_tokens[1]  # the same page, whatever the address
    assert count_users(db) == 2
    warning = db.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "zoe@example.org"))
    assert warning.subject == "Someone tried to register with your address"
    assert "Nothing was changed" in warning.body


def test_outside_canada_with_a_named_regulator_is_accepted(client, db):
    data = {**VALID, "jurisdiction": "OTHER", "regulator": "Health and Care Professions Council"}
    assert post(client, "/auth/register", data).status_code == 302
    assert db.scalar(select(User.regulator)) == "Health and Care Professions Council"


def test_login_and_logout(client, db):
    make_user(db)
    response = login(client, "LEARNER@example.org")
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    assert client.get("/dashboard").status_code == 200
    assert post(client, "/auth/logout").status_code == 302
    assert client.get("/dashboard").status_code == 302


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("learner@example.org", "wrong password here"),
        ("nobody@example.org", PASSWORD),
    ],
)
def test_login_failure_says_the_same_for_unknown_email_and_wrong_password(
    client, db, email, password
):
    make_user(db)
    response = login(client, email, password)
    assert response.status_code == 400
    assert "The e-mail address or the password is not correct." in text_of(response)
    assert client.get("/dashboard").status_code == 302


def test_inactive_user_cannot_log_in(client, db):
    make_user(db, is_active=False)
    assert login(client, "learner@example.org").status_code == 400


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/courses/basics", "/courses/basics"),
        ("https://evil.example/phish", "/dashboard"),
        ("//evil.example/phish", "/dashboard"),
        ("/\\evil.example", "/dashboard"),
        ("javascript:alert(1)", "/dashboard"),
    ],
)
def test_next_only_redirects_within_the_site(client, db, next_url, expected):
    make_user(db)
    response = post(
        client,
        f"/auth/login?next={next_url}",
        {"email": "learner@example.org", "password": PASSWORD},
    )
    assert response.headers["Location"] == expected


def test_login_required_pages_send_to_login_with_next(client):
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


def test_change_password_needs_the_current_one(client, db):
    make_user(db)
    login(client, "learner@example.org")
    response = post(
        client,
        "/auth/password",
        {
            "current_password": "not it at all",
            "password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 400
    assert "The current password is not correct." in text_of(response)


def test_change_password_logs_out_other_sessions(app, db):
    make_user(db)
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, "learner@example.org")
    login(phone, "learner@example.org")
    response = post(
        laptop,
        "/auth/password",
        {
            "current_password": PASSWORD,
            "password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 302
    assert laptop.get("/dashboard").status_code == 200
    assert phone.get("/dashboard").status_code == 302
    assert login(phone, "learner@example.org", "a brand new passphrase").status_code == 302


def reset_link_from_outbox(db) -> str:
    body = db.scalars(select(OutboxMessage.body).order_by(OutboxMessage.id.desc())).first()
    return re.search(r"http://localhost(/auth/reset/\S+)", body).group(1)


def test_password_reset_by_link_works_once(client, db, caplog):
    make_user(db)
    response = post(client, "/auth/reset", {"email": "learner@example.org"})
    assert response.status_code == 302
    link = reset_link_from_outbox(db)
    assert link not in caplog.text  # never in the log (test_instance_perms checks it too)
    new = {"password": "my new long passphrase", "confirm": "my new long passphrase"}
    assert post(client, link, new).status_code == 302
    assert login(client, "learner@example.org", "my new long passphrase").status_code == 302
    used_again = post(
        client, link, {"password": "another passphrase!", "confirm": "another passphrase!"}
    )
    assert used_again.status_code == 400
    assert "invalid, used or expired" in text_of(used_again)


def test_reset_for_unknown_email_says_the_same_and_sends_nothing(client, db):
    response = post(client, "/auth/reset", {"email": "nobody@example.org"}, follow_redirects=True)
    assert "If an account uses that address" in text_of(response)
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_expired_reset_link_is_refused(make_app, db):
    make_user(db)
    client = make_app(PASSWORD_RESET_MAX_AGE=-1).test_client()
    post(client, "/auth/reset", {"email": "learner@example.org"})
    assert client.get(reset_link_from_outbox(db)).status_code == 400


def test_tampered_reset_link_is_refused(client, db):
    make_user(db)
    post(client, "/auth/reset", {"email": "learner@example.org"})
    link = reset_link_from_outbox(db)
    assert client.get(link[:-3] + "abc").status_code == 400


def test_posts_without_a_csrf_token_are_refused_and_change_nothing(client, db):
    response = client.post("/auth/register", data=VALID)
    assert response.status_code == 400
    assert "The form had expired" in text_of(response)
    assert count_users(db) == 0


def test_login_is_rate_limited(make_app, db):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    statuses = [login(client, "x@example.org", "wrong password!!").status_code for _ in range(4)]
    assert statuses == [400, 400, 400, 429]
    assert "Too many attempts" in text_of(login(client, "x@example.org", "wrong password!!"))


@pytest.mark.parametrize(
    ("setting", "url", "data"),
    [
        ("REGISTER_RATE_LIMIT", "/auth/register", {**VALID, "email": "bad"}),
        ("RESET_RATE_LIMIT", "/auth/reset", {"email": "x@example.org"}),
    ],
)
def test_registration_and_reset_are_rate_limited(make_app, db, setting, url, data):
    client = make_app(RATELIMIT_ENABLED=True, **{setting: "2 per minute"}).test_client()
    statuses = [post(client, url, data).status_code for _ in range(3)]
    assert statuses[2] == 429 and 429 not in statuses[:2]
    assert client.get(url).status_code == 200  # reading the form is never limited


def test_passwords_are_hashed_with_the_documented_argon2id_parameters(make_app):
    app = make_app(PASSWORD_HASH_MEMORY_KIB=19 * 1024, PASSWORD_HASH_TIME_COST=2)
    with app.app_context():
        from course_app.auth.passwords import hash_password

        assert hash_password("x" * 12).startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_login_upgrades_a_hash_made_with_old_parameters(make_app, db):
    user = make_user(db)  # hashed with the test parameters (m=1024)…
    stronger = make_app(PASSWORD_HASH_MEMORY_KIB=4096)  # …the site now asks for m=4096
    assert login(stronger.test_client(), "learner@example.org").status_code == 302
    db.expire_all()
    assert "m=4096" in db.get(User, user.id).password_hash


def test_csrf_token_is_on_every_page(client):
    assert csrf_token(client, "/auth/login")
