"""The account page over HTTP: e-mail changes by confirmed link, registration changes that
await a new licence check, language and time zone, and name changes an admin decides."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from course_app.audit.models import AuditEntry
from course_app.auth.models import Role, User
from course_app.db import utcnow
from course_app.mail.models import OutboxMessage
from course_app.notifications.models import Notification
from course_app.profiles.models import NameChangeRequest
from course_app.profiles.zones import default_zone, effective_zone
from tests.conftest import move_clock
from tests.helpers import PASSWORD, login, make_user, post, text_of

NEW = "ada.new@example.org"
DETAILS = {
    "registration_number": "PT12345",
    "jurisdiction": "ON",
    "regulator": "College of Physiotherapists of Ontario",
    "register_class": "full",
    "language": "en",
    "time_zone": "",
}


@pytest.fixture
def ada(app, db):
    user = make_user(db, email="ada@example.org", full_name="Ada Lovelace")
    user.browser = app.test_client()
    login(user.browser, user.email)
    return user


@pytest.fixture
def admin(app, db):
    user = make_user(db, email="admin@example.org", role=Role.ADMIN, full_name="Root Admin")
    user.browser = app.test_client()
    login(user.browser, user.email)
    return user


def fresh(db, user_id: int) -> User:
    db.expire_all()
    return db.get(User, user_id)


def mails_to(db, address: str) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.recipient == address)
    return list(db.scalars(query.order_by(OutboxMessage.id)))


def confirmation_path(db, address: str = NEW) -> str:
    body = mails_to(db, address)[-1].body
    return re.search(r"http://localhost(/account/email/\S+)", body).group(1)


def ask_for(browser, new_email: str = NEW, password: str = PASSWORD):
    data = {"new_email": new_email, "email_password": password}
    return post(browser, "/account/email", data, follow_redirects=True)


def actions(db, user_id: int) -> list[str]:
    query = select(AuditEntry.action).where(
        AuditEntry.subject_type == "user", AuditEntry.subject_id == user_id
    )
    return list(db.scalars(query.order_by(AuditEntry.id)))


def test_the_account_page_shows_the_person_and_needs_a_login(client, ada):
    page = text_of(ada.browser.get("/account"))
    assert "Ada Lovelace" in page and "ada@example.org" in page and "PT12345" in page
    assert "America/Toronto" in page  # Ontario's zone, the default
    assert client.get("/account").status_code == 302


def test_a_new_address_changes_only_when_its_link_is_followed(client, db, ada):
    answer = ask_for(ada.browser)
    assert f"We sent a link to {NEW}. Follow it within 24 hours" in text_of(answer)
    assert "it works once, for 24 hours" in mails_to(db, NEW)[-1].body
    assert fresh(db, ada.id).email == "ada@example.org"
    path = confirmation_path(db)
    assert "Use ada.new@example.org" in text_of(ada.browser.get(path))
    assert fresh(db, ada.id).email == "ada@example.org"  # a GET changes nothing
    done = post(ada.browser, path, follow_redirects=True)
    assert f"Your e-mail address is now {NEW}" in text_of(done)
    assert fresh(db, ada.id).email == NEW
    assert (
        "changed from this address to ada.new@example.org"
        in mails_to(db, "ada@example.org")[-1].body
    )
    assert actions(db, ada.id)[-1] == "user.email_changed"
    assert ada.browser.get("/account").status_code == 200  # this browser stays logged in
    assert login(client, "ada@example.org").status_code == 400
    assert login(client, NEW).status_code == 302


def test_a_used_link_does_not_work_again(db, ada):
    ask_for(ada.browser)
    path = confirmation_path(db)
    post(ada.browser, path)
    ask_for(ada.browser, "third@example.org")
    again = post(ada.browser, path)
    assert again.status_code == 400 and "invalid, used, expired" in text_of(again)
    assert ada.browser.get(path).status_code == 400
    assert fresh(db, ada.id).email == NEW


def test_an_expired_link_does_not_work(db, ada):
    ask_for(ada.browser)
    path = confirmation_path(db)
    move_clock(timedelta(hours=25))
    login(ada.browser, ada.email)
    assert ada.browser.get(path).status_code == 400
    assert post(ada.browser, path).status_code == 400
    assert fresh(db, ada.id).email == "ada@example.org"


def test_someone_elses_link_does_not_work_for_them(app, db, ada):
    ask_for(ada.browser)
    path = confirmation_path(db)
    make_user(db, email="eve@example.org", full_name="Eve")
    eve = app.test_client()
    login(eve, "eve@example.org")
    assert eve.get(path).status_code == 400
    assert post(eve, path).status_code == 400
    assert {fresh(db, ada.id).email} == {"ada@example.org"}
    assert db.scalar(select(User.email).where(User.full_name == "Eve")) == "eve@example.org"


def test_a_forged_or_mangled_link_is_refused(db, ada):
    ask_for(ada.browser)
    path = confirmation_path(db)
    assert ada.browser.get(path[:-3] + "abc").status_code == 400
    assert post(ada.browser, "/account/email/not-a-token").status_code == 400


def test_a_taken_address_is_told_and_the_asker_sees_the_same_answer(db, ada):
    make_user(db, email="taken@example.org", full_name="Tom Taken")
    answer = text_of(ask_for(ada.browser, "Taken@Example.org"))
    assert "We sent a link to taken@example.org" in answer
    told = mails_to(db, "taken@example.org")[-1].body
    assert "already has an account, so nothing changed" in told
    assert "/account/email/" not in told  # no link that could take the address
    assert fresh(db, ada.id).email == "ada@example.org"


def test_a_wrong_password_or_the_same_address_changes_nothing(db, ada):
    wrong = ask_for(ada.browser, password="not my password at all")
    assert wrong.status_code == 400 and "current password is not correct" in text_of(wrong)
    same = ask_for(ada.browser, "ada@example.org")
    assert same.status_code == 400 and "already your e-mail address" in text_of(same)
    bad = ask_for(ada.browser, "not an address")
    assert bad.status_code == 400
    assert mails_to(db, NEW) == []


def test_forms_without_the_csrf_token_are_refused(db, ada):
    before = db.scalar(select(func.count()).select_from(OutboxMessage))
    for url, data in (
        ("/account/email", {"new_email": NEW, "email_password": PASSWORD}),
        ("/account/details", {**DETAILS, "registration_number": "PT999"}),
        ("/account/name", {"full_name": "Ada King"}),
    ):
        assert ada.browser.post(url, data=data).status_code == 400
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == before
    user = fresh(db, ada.id)
    assert (user.registration_number, user.full_name) == ("PT12345", "Ada Lovelace")
    assert db.scalar(select(func.count()).select_from(NameChangeRequest)) == 0


def test_a_changed_registration_clears_the_verification_and_waits_for_an_admin(db, ada, admin):
    post(admin.browser, f"/admin/users/{ada.id}/licence", {"note": "register"})
    assert fresh(db, ada.id).licence_verified_at is not None
    listed = f'href="/admin/users/{ada.id}"'
    assert listed not in text_of(admin.browser.get("/admin/users?licence=unverified"))
    new = {**DETAILS, "registration_number": "pt 777", "register_class": "provisional"}
    answer = post(ada.browser, "/account/details", new, follow_redirects=True)
    assert "will verify your new registration" in text_of(answer)
    user = fresh(db, ada.id)
    assert (user.registration_number, user.register_class) == ("PT 777", "provisional")
    assert user.licence_verified_at is None and user.licence_verified_by_id is None
    assert actions(db, ada.id)[-1] == "user.registration_changed"
    assert listed in text_of(admin.browser.get("/admin/users?licence=unverified"))
    assert "Not yet" in text_of(admin.browser.get(f"/admin/users/{ada.id}"))


def test_saving_the_same_registration_keeps_the_verification(db, ada, admin):
    post(admin.browser, f"/admin/users/{ada.id}/licence", {"note": "register"})
    post(ada.browser, "/account/details", {**DETAILS, "language": "fr"})
    user = fresh(db, ada.id)
    assert user.licence_verified_at is not None and user.language == "fr"
    assert actions(db, ada.id)[-1] == "user.licence_verified"


def test_province_and_regulator_changes_need_a_new_check_too(db, ada):
    post(ada.browser, "/account/details", {**DETAILS, "jurisdiction": "QC", "regulator": ""})
    user = fresh(db, ada.id)
    assert user.jurisdiction == "QC" and user.regulator.startswith("Ordre professionnel")
    assert actions(db, ada.id)[-1] == "user.registration_changed"


@pytest.mark.parametrize(
    "zone", ["Mars/Olympus", "../../etc/passwd", "America/Toronto\x00", "x" * 65, "utc "[:3] + "x"]
)
def test_an_unknown_time_zone_is_a_form_error_and_changes_nothing(db, ada, zone):
    answer = post(ada.browser, "/account/details", {**DETAILS, "time_zone": zone, "language": "fr"})
    assert answer.status_code == 400
    # A NUL is refused before the form is read (course_app/security.py), with its own message.
    shown = "NUL character" if "\x00" in zone else 'id="time_zone-error"'
    assert shown in text_of(answer)
    user = fresh(db, ada.id)
    assert (user.time_zone, user.language) == (None, "en")


def test_a_known_zone_is_stored_and_blank_means_the_provinces(db, ada):
    post(ada.browser, "/account/details", {**DETAILS, "time_zone": "America/Vancouver"})
    assert fresh(db, ada.id).time_zone == "America/Vancouver"
    post(ada.browser, "/account/details", DETAILS)
    assert fresh(db, ada.id).time_zone is None
    assert "America/Toronto (your province" in text_of(ada.browser.get("/account"))


def test_an_unknown_language_or_class_is_a_form_error(db, ada):
    for bad in ({"language": "de"}, {"register_class": "honorary"}, {"jurisdiction": "ZZ"}):
        assert post(ada.browser, "/account/details", {**DETAILS, **bad}).status_code == 400
    user = fresh(db, ada.id)
    assert (user.language, user.register_class, user.jurisdiction) == ("en", "full", "ON")


def test_staff_without_a_registration_set_only_language_and_zone(db, admin):
    answer = post(admin.browser, "/account/details", {"language": "fr", "time_zone": "UTC"})
    assert answer.status_code == 302
    user = fresh(db, admin.id)
    assert (user.language, user.time_zone, user.registration_number) == ("fr", "UTC", None)
    assert "registration_number" not in text_of(admin.browser.get("/account"))


def test_zone_rules():
    assert default_zone("SK") == "America/Regina"
    assert default_zone("OTHER") == default_zone(None) == "UTC"
    assert effective_zone(None, "NL") == "America/St_Johns"
    assert effective_zone("Europe/Paris", "NL") == "Europe/Paris"


def request_name(browser, name: str = "Ada King", why: str = "married"):
    return post(browser, "/account/name", {"full_name": name, "explanation": why})


def pending(db) -> NameChangeRequest:
    db.expire_all()
    return db.scalar(select(NameChangeRequest).order_by(NameChangeRequest.id.desc()))


def test_a_new_name_waits_for_an_admin_who_approves_it(db, ada, admin):
    assert request_name(ada.browser).status_code == 302
    assert fresh(db, ada.id).full_name == "Ada Lovelace"
    assert "Ada King" in text_of(ada.browser.get("/account"))
    queue = text_of(admin.browser.get("/admin/name-requests"))
    assert "Ada Lovelace → Ada King" in queue and "married" in queue
    request = pending(db)
    decided = post(admin.browser, f"/admin/name-requests/{request.id}", {"decision": "approve"})
    assert decided.status_code == 302
    assert fresh(db, ada.id).full_name == "Ada King"
    assert pending(db).status == "approved" and pending(db).decided_by_id == admin.id
    assert actions(db, ada.id)[-2:] == ["user.name_change_requested", "user.renamed"]
    told = db.scalar(select(Notification).where(Notification.user_id == ada.id))
    assert told.event == "name_change_approved" and "Ada King" in told.title
    assert "No name change is waiting" in text_of(admin.browser.get("/admin/name-requests"))


def test_a_refusal_needs_a_reason_and_tells_the_learner(db, ada, admin):
    request_name(ada.browser)
    url = f"/admin/name-requests/{pending(db).id}"
    no_reason = post(admin.browser, url, {"decision": "refuse"}, follow_redirects=True)
    assert "Give the reason" in text_of(no_reason) and pending(db).status == "pending"
    post(admin.browser, url, {"decision": "refuse", "reason": "Not on the register"})
    assert pending(db).status == "refused" and fresh(db, ada.id).full_name == "Ada Lovelace"
    told = db.scalar(select(Notification).where(Notification.user_id == ada.id))
    assert told.event == "name_change_refused" and "Not on the register" in told.body
    again = post(admin.browser, url, {"decision": "approve"}, follow_redirects=True)
    assert "already decided" in text_of(again) and fresh(db, ada.id).full_name == "Ada Lovelace"
    assert actions(db, ada.id)[-1] == "user.name_change_refused"
    assert request_name(ada.browser, "Ada Byron").status_code == 302  # may ask again


def test_one_request_at_a_time_and_no_empty_or_same_name(db, ada):
    request_name(ada.browser)
    assert request_name(ada.browser, "Ada Byron").status_code == 400
    assert db.scalar(select(func.count()).select_from(NameChangeRequest)) == 1
    db.execute(NameChangeRequest.__table__.delete())
    db.commit()
    assert request_name(ada.browser, "   ").status_code == 400
    assert request_name(ada.browser, "Ada Lovelace").status_code == 400
    assert request_name(ada.browser, "x" * 201).status_code == 400


def test_only_admins_decide_name_changes(app, db, ada):
    request_name(ada.browser)
    url = f"/admin/name-requests/{pending(db).id}"
    assert ada.browser.get("/admin/name-requests").status_code == 403
    assert post(ada.browser, url, {"decision": "approve"}).status_code == 403
    assert app.test_client().get("/admin/name-requests").status_code == 302
    assert fresh(db, ada.id).full_name == "Ada Lovelace"
    assert post(ada.browser, "/admin/name-requests/999", {}).status_code == 403


def test_an_unknown_request_is_404_for_admins(admin):
    assert (
        post(admin.browser, "/admin/name-requests/999", {"decision": "approve"}).status_code == 404
    )


def test_the_email_change_audit_keeps_both_addresses(db, ada):
    ask_for(ada.browser)
    post(ada.browser, confirmation_path(db))
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "user.email_changed"))
    assert entry.before == {"email": "ada@example.org"} and entry.after == {"email": NEW}
    assert entry.actor_id == ada.id and entry.at <= utcnow()


@pytest.mark.parametrize(
    ("setting", "url", "data"),
    [
        ("RESET_RATE_LIMIT", "/account/email", {"new_email": NEW, "email_password": "wrong!"}),
        ("LOGIN_RATE_LIMIT", "/account/close", {"close_password": "wrong password"}),
    ],
)
def test_password_and_mail_sending_forms_are_rate_limited(make_app, db, setting, url, data):
    make_user(db, email="ada@example.org")
    client = make_app(RATELIMIT_ENABLED=True, **{setting: "2 per minute"}).test_client()
    login(client, "ada@example.org")
    statuses = [post(client, url, data).status_code for _ in range(3)]
    assert statuses == [400, 400, 429]
    assert fresh(db, db.scalar(select(User.id))).is_active
