"""Fault 7 of the audit: failed logins are throttled per account as well as per address,
counted in the database so that every worker (here: two apps on one database, as two
gunicorn workers or two instances) sees the same count; the refusal says why and is audited."""

from datetime import timedelta

from sqlalchemy import select

from course_app.audit.models import AuditEntry
from tests.conftest import move_clock
from tests.helpers import PASSWORD, login, make_user, text_of

WRONG = "not the password at all"


def _workers(make_app, **limits):
    settings = {
        "LOGIN_FAILURES_PER_ACCOUNT": 3,
        "LOGIN_FAILURES_PER_ADDRESS": 50,
        "LOGIN_FAILURE_WINDOW_SECONDS": 900,
        **limits,
    }
    return make_app(**settings), make_app(**settings)


def _throttle_audits(db) -> list[AuditEntry]:
    db.expire_all()
    query = select(AuditEntry).where(AuditEntry.action == "auth.login_throttled")
    return list(db.scalars(query))


def test_an_account_is_throttled_across_workers_even_with_the_right_password(make_app, db):
    user = make_user(db)
    a, b = _workers(make_app)
    statuses = [
        login(worker.test_client(), user.email, WRONG).status_code for worker in (a, b, a, b)
    ]
    assert statuses == [400, 400, 400, 429]
    refused = login(a.test_client(), user.email, PASSWORD)
    assert refused.status_code == 429
    assert "Too many failed logins for this account" in text_of(refused)
    assert login(b.test_client(), "other@example.org", WRONG).status_code == 400  # others not
    audits = _throttle_audits(db)
    assert len(audits) == 1  # once when the limit was reached, not at every refusal
    assert audits[0].subject_id == user.id
    assert audits[0].after["limits_reached"] == ["account"]


def test_an_unknown_address_is_throttled_the_same_way(make_app, db):
    a, b = _workers(make_app)
    for worker in (a, b, a):
        login(worker.test_client(), "nobody@example.org", WRONG)
    assert login(b.test_client(), "nobody@example.org", WRONG).status_code == 429


def test_a_client_address_is_throttled_across_accounts(make_app, db):
    a, b = _workers(make_app, LOGIN_FAILURES_PER_ADDRESS=4)
    make_user(db)
    for number in range(4):
        worker = (a, b)[number % 2]
        assert login(worker.test_client(), f"guess{number}@example.org", WRONG).status_code == 400
    refused = login(a.test_client(), "learner@example.org", PASSWORD)
    assert refused.status_code == 429
    assert "Too many failed logins from your network" in text_of(refused)
    assert _throttle_audits(db)[0].after["limits_reached"] == ["address"]


def test_the_throttle_ends_with_its_window(make_app, db):
    user = make_user(db)
    a, _b = _workers(make_app)
    for _ in range(3):
        login(a.test_client(), user.email, WRONG)
    assert login(a.test_client(), user.email, PASSWORD).status_code == 429
    move_clock(timedelta(minutes=16))
    assert login(a.test_client(), user.email, PASSWORD).status_code == 302


def test_a_successful_login_clears_the_account_count(make_app, db):
    user = make_user(db)
    a, b = _workers(make_app)
    for worker in (a, b):
        login(worker.test_client(), user.email, WRONG)
    assert login(a.test_client(), user.email, PASSWORD).status_code == 302
    for worker in (a, b):
        assert login(worker.test_client(), user.email, WRONG).status_code == 400
    assert login(b.test_client(), user.email, PASSWORD).status_code == 302
