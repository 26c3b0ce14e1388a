"""The LTI 1.3 tool against a real LTI 1.3 platform library (lti1p3platform): registration by
an administrator, OIDC login → launch with a signed id_token, deep linking, a grade sent back
through AGS (token from the platform's client-credentials endpoint), the NRPS roster, and
forged, expired and replayed launches refused with nothing provisioned."""

import base64
import json
from urllib.parse import parse_qsl, urlsplit

import jwt
import pytest
from sqlalchemy import func, select

from course_app.auth.models import Role, User
from course_app.lti import grades
from course_app.lti import roles as lti_roles
from course_app.lti.models import LtiAccount, LtiGrade, LtiLink
from course_app.modules.models import Enrollment
from tests.helpers import login, make_user, post, take_quiz, text_of
from tests.lti_platform import INSTRUCTOR, LEARNER, LaunchClaims, Platform

TOOL = "http://localhost"


@pytest.fixture
def admin(app, db, content):
    user = make_user(db, email="admin@example.org", role=Role.ADMIN, full_name="Ad Min")
    browser = app.test_client()
    login(browser, user.email)
    user.browser = browser
    return user


@pytest.fixture
def platform(app, admin):
    """A platform (lti1p3platform) serving on 127.0.0.1, registered by the admin in the
    browser form; it knows the tool's keys from the tool's own JWKS endpoint."""
    tool_jwks = app.test_client().get("/lti/jwks").get_json()
    with Platform(TOOL, tool_jwks) as running:
        response = post(admin.browser, "/admin/lti", running.registration_form())
        assert response.status_code == 302, text_of(response)
        yield running


def launch(app, platform, claims, browser=None):
    """A browser going through OIDC login and launch; returns (browser, launch response)."""
    browser = browser or app.test_client()
    started = browser.get(platform.login_url(claims.sub))
    assert started.status_code == 302, text_of(started)
    form = platform.authorize(started.headers["Location"], claims)
    assert form["launch_url"] == TOOL + "/lti/launch"
    answer = browser.post(
        "/lti/launch", data={"id_token": form["id_token"], "state": form["state"]}
    )
    return browser, answer, form


def counts(db):
    db.expire_all()
    return (
        db.scalar(select(func.count()).select_from(User)),
        db.scalar(select(func.count()).select_from(LtiAccount)),
        db.scalar(select(func.count()).select_from(Enrollment)),
    )


def learner_claims(**options):
    custom = {"course": "basics", "module": "first"}
    return LaunchClaims("platform-user-7", [LEARNER], custom=custom, **options)


@pytest.mark.parametrize(
    ("roles", "new", "kept_from_learner"),
    [
        ([LEARNER], Role.LEARNER, Role.LEARNER),
        ([INSTRUCTOR], Role.INSTRUCTOR, Role.INSTRUCTOR),
        (
            ["http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"],
            Role.INSTRUCTOR,
            Role.INSTRUCTOR,
        ),
        (
            ["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"],
            Role.LEARNER,
            Role.LEARNER,
        ),
        ([], Role.LEARNER, Role.LEARNER),
    ],
)
def test_roles_claim_rules(roles, new, kept_from_learner):
    assert lti_roles.role_for(roles) == new
    assert lti_roles.kept_role(Role.LEARNER, roles) == kept_from_learner
    # Nobody is lowered, and a platform never makes an administrator.
    assert lti_roles.kept_role(Role.ADMIN, [LEARNER]) == Role.ADMIN
    assert lti_roles.kept_role(Role.INSTRUCTOR, [LEARNER]) == Role.INSTRUCTOR


def test_jwks_publishes_one_key_made_once_in_the_instance_folder(app, client):
    first = client.get("/lti/jwks").get_json()
    again = app.test_client().get("/lti/jwks").get_json()
    assert first == again and len(first["keys"]) == 1
    key = first["keys"][0]
    assert key["kty"] == "RSA" and key["alg"] == "RS256" and "d" not in key
    key_file = app.instance_path + "/lti_tool_key.pem"
    import os
    import stat

    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600


def test_registration_form_refuses_bad_input_and_changes_nothing(admin, db):
    bad = {
        "name": "x",
        "issuer": "",
        "client_id": "c",
        "deployment_ids": "",
        "auth_login_url": "ftp://x",
        "auth_token_url": "http://lms.example.org/t",
        "key_set_url": "not a url",
    }
    response = post(admin.browser, "/admin/lti", bad)
    assert response.status_code == 400
    assert "Use an https:// address." in text_of(response)


def test_learner_launch_provisions_links_signs_in_and_enrols(app, db, platform):
    browser, answer, _form = launch(app, platform, learner_claims(email="robin@lms.example"))
    assert answer.status_code == 302, text_of(answer)
    assert answer.headers["Location"].startswith("/courses/basics")
    account = db.scalar(select(LtiAccount))
    user = db.get(User, account.user_id)
    assert (account.issuer, account.sub) == (platform.issuer, "platform-user-7")
    assert user.role == Role.LEARNER and user.email == "robin@lms.example"
    assert db.scalar(select(Enrollment).where(Enrollment.user_id == user.id)) is not None
    assert browser.get("/dashboard").status_code == 200  # signed in
    link = db.scalar(select(LtiLink))
    assert link.lineitem_url == platform.base + "/lineitems/item-1"
    # A second launch finds the same account: linked by (issuer, sub), nothing new made.
    before = counts(db)
    _b, again, _f = launch(app, platform, learner_claims(email="robin@lms.example"))
    assert again.status_code == 302 and counts(db) == before


def test_an_existing_email_is_never_used_to_link(app, db, platform):
    owner = make_user(db, email="robin@lms.example", full_name="Someone Else")
    _b, answer, _f = launch(app, platform, learner_claims(email="robin@lms.example"))
    assert answer.status_code == 302
    account = db.scalar(select(LtiAccount))
    assert account.user_id != owner.id
    assert db.get(User, account.user_id).email.endswith("@lti.invalid")


def test_instructor_role_comes_from_the_roles_claim(app, db, platform):
    claims = LaunchClaims("teacher-1", [INSTRUCTOR], custom={"course": "basics"})
    _b, answer, _f = launch(app, platform, claims)
    assert answer.status_code == 302, text_of(answer)
    user = db.get(User, db.scalar(select(LtiAccount.user_id)))
    assert user.role == Role.INSTRUCTOR
    assert db.scalar(select(Enrollment).where(Enrollment.user_id == user.id)) is None


def test_quiz_result_is_sent_to_the_platform_line_item(app, db, platform):
    browser, answer, _f = launch(app, platform, learner_claims())
    assert answer.status_code == 302
    take_quiz(browser, db, "basics", "first")  # right answers: passed, 100
    assert len(platform.scores) == 1, platform.scores
    score = platform.scores[0]
    assert score["line_item"] == "item-1"
    assert score["userId"] == "platform-user-7"
    assert (score["scoreGiven"], score["scoreMaximum"]) == (100, 100)
    assert score["activityProgress"] == "Completed"
    grade = db.scalar(select(LtiGrade))
    db.refresh(grade)
    assert grade.sent_score == 1.0 and grade.sent_completed is True
    # Nothing changed: the sweep sends nothing again.
    assert grades.sweep(db) == 0 and len(platform.scores) == 1


def test_a_failed_send_is_retried_by_the_sweep(app, db, platform):
    browser, _answer, _f = launch(app, platform, learner_claims())
    platform.line_items.clear()  # the platform answers 404 for now
    take_quiz(browser, db, "basics", "first", right=False)
    grade = db.scalar(select(LtiGrade))
    db.refresh(grade)
    assert grade.sent_at is None and grade.tries == 1 and platform.scores == []
    platform.line_items.add("item-1")
    result = app.test_cli_runner().invoke(args=["run-scheduled", "lti-grades"])
    assert "Queued 1 LTI grade(s)" in result.output, result.output
    assert len(platform.scores) == 1 and platform.scores[0]["activityProgress"] == "Submitted"


def test_roster_is_read_on_an_instructor_launch_and_matched(app, db, platform):
    launch(app, platform, learner_claims())  # the learner has an account here
    platform.members = [
        {"user_id": "platform-user-7", "roles": [LEARNER], "status": "Active"},
        {"user_id": "nobody-here", "roles": [LEARNER], "status": "Active"},
    ]
    claims = LaunchClaims("teacher-1", [INSTRUCTOR], custom={"course": "basics", "module": "first"})
    _b, answer, _f = launch(app, platform, claims)
    assert answer.status_code == 302
    link = db.scalar(select(LtiLink))
    db.refresh(link)
    assert link.roster_matched == 1
    assert db.scalar(select(func.count()).select_from(User).where(User.email.like("%nobody%"))) == 0


def test_admin_reads_a_roster_through_the_job_queue(app, db, platform, admin):
    launch(app, platform, learner_claims())
    platform.members = [{"user_id": "platform-user-7", "roles": [LEARNER]}]
    link = db.scalar(select(LtiLink))
    response = post(admin.browser, f"/admin/lti/links/{link.id}/roster")
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    db.refresh(link)
    assert link.roster_matched == 1
    assert "Read the roster" in text_of(admin.browser.get("/admin/lti"))


def test_deep_linking_returns_a_signed_choice_the_platform_accepts(app, db, platform):
    claims = LaunchClaims("teacher-1", [INSTRUCTOR], deep_link=True)
    browser, answer, _f = launch(app, platform, claims)
    assert answer.status_code == 302 and answer.headers["Location"] == "/lti/deep-link"
    page = browser.get("/lti/deep-link")
    assert page.status_code == 200 and "basics/first" in text_of(page)
    returned = post(browser, "/lti/deep-link", {"target": "basics/first"})
    assert returned.status_code == 200, text_of(returned)
    html = returned.get_data(as_text=True)
    assert f'action="{platform.base}/deep-link-return"' in html
    assert platform.base in returned.headers["Content-Security-Policy"]
    token = html.split('name="JWT" value="', 1)[1].split('"', 1)[0]
    items = platform.conf().validate_deeplinking_resp({"JWT": token})  # the library checks it
    assert items[0]["type"] == "ltiResourceLink"
    assert items[0]["url"] == TOOL + "/lti/launch"
    assert items[0]["custom"] == {"course": "basics", "module": "first"}
    assert items[0]["lineItem"]["scoreMaximum"] == 100
    # The picker was for that one request: it is gone now.
    assert browser.get("/lti/deep-link").status_code == 403


def test_a_learner_cannot_answer_a_deep_linking_request(app, db, platform):
    claims = LaunchClaims("learner-9", [LEARNER], deep_link=True)
    before = counts(db)
    _b, answer, _f = launch(app, platform, claims)
    assert answer.status_code == 400
    assert "instructors" in text_of(answer)
    assert counts(db) == before


def _tampered(token: str) -> str:
    header, body, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["sub"] = "someone-else"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return ".".join([header, forged, signature])


def test_forged_launch_is_refused_and_provisions_nothing(app, db, platform):
    browser = app.test_client()
    started = browser.get(platform.login_url("platform-user-7"))
    form = platform.authorize(started.headers["Location"], learner_claims())
    before = counts(db)
    answer = browser.post(
        "/lti/launch", data={"id_token": _tampered(form["id_token"]), "state": form["state"]}
    )
    assert answer.status_code == 400
    assert "The LTI launch was refused" in text_of(answer)
    assert counts(db) == before
    # Signed with a key that is not the platform's (same header claims): refused too.
    claims = jwt.decode(form["id_token"], options={"verify_signature": False})
    other = jwt.encode(
        claims,
        _other_key(),
        algorithm="RS256",
        headers={"kid": jwt.get_unverified_header(form["id_token"])["kid"]},
    )
    answer = browser.post("/lti/launch", data={"id_token": other, "state": form["state"]})
    assert answer.status_code == 400 and counts(db) == before
    # The real token still works: the forgeries spent nothing (nonce and state intact).
    answer = browser.post(
        "/lti/launch", data={"id_token": form["id_token"], "state": form["state"]}
    )
    assert answer.status_code == 302


def _other_key() -> str:
    from tests.lti_platform import new_private_key

    return new_private_key()


def test_expired_launch_is_refused_and_provisions_nothing(app, db, platform):
    before = counts(db)
    _b, answer, _f = launch(app, platform, learner_claims(expires_in=-60))
    assert answer.status_code == 400
    assert "expired" in text_of(answer).lower()
    assert counts(db) == before


def test_replayed_launch_is_refused(app, db, platform):
    browser, answer, form = launch(app, platform, learner_claims())
    assert answer.status_code == 302
    before = counts(db)
    again = browser.post("/lti/launch", data={"id_token": form["id_token"], "state": form["state"]})
    assert again.status_code == 400
    assert "already used" in text_of(again)
    # From another browser (no state cookie) too.
    other = app.test_client().post(
        "/lti/launch", data={"id_token": form["id_token"], "state": form["state"]}
    )
    assert other.status_code == 400 and counts(db) == before


def test_launch_without_login_state_is_refused(app, db, platform):
    browser = app.test_client()
    started = browser.get(platform.login_url("platform-user-7"))
    form = platform.authorize(started.headers["Location"], learner_claims())
    stranger = app.test_client()  # not the browser that started the login: no state cookie
    answer = stranger.post("/lti/launch", data=form | {"launch_url": None})
    assert answer.status_code == 400 and counts(db)[1] == 0


def test_login_for_another_target_or_unknown_platform_is_refused(app, client, platform):
    url = platform.login_url("u")
    query = dict(parse_qsl(urlsplit(url).query))
    wrong_target = client.get(
        "/lti/login", query_string=query | {"target_link_uri": "https://evil.example/x"}
    )
    assert wrong_target.status_code == 400
    unknown = client.get("/lti/login", query_string=query | {"iss": "https://unknown.example"})
    assert unknown.status_code == 400


def test_lti_posts_need_no_csrf_token_but_the_picker_does(app, platform):
    browser = app.test_client()
    claims = LaunchClaims("teacher-1", [INSTRUCTOR], deep_link=True)
    browser, answer, _f = launch(app, platform, claims, browser)
    assert answer.status_code == 302  # posted without any CSRF token
    refused = browser.post("/lti/deep-link", data={"target": "basics"})
    assert refused.status_code == 400  # our own form keeps its CSRF check


def test_frame_ancestors_and_cross_site_cookies_when_configured(make_app):
    app = make_app(LTI_FRAME_ANCESTORS="https://lms.example.org")
    response = app.test_client().get("/lti/jwks")
    assert (
        "frame-ancestors 'self' https://lms.example.org"
        in response.headers["Content-Security-Policy"]
    )
    assert app.config["SESSION_COOKIE_SAMESITE"] == "None" and app.config["SESSION_COOKIE_SECURE"]


def test_frame_ancestors_must_be_origins(make_app):
    with pytest.raises(ValueError, match="not an http"):
        make_app(LTI_FRAME_ANCESTORS="https://lms.example.org; script-src *")
    app = make_app(LTI_FRAME_ANCESTORS=["https://a.example", "https://b.example:8443"])
    policy = app.test_client().get("/lti/jwks").headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://a.example https://b.example:8443" in policy


def test_launch_into_a_locked_course_opens_its_page_without_enrolling(app, db, platform):
    claims = LaunchClaims("platform-user-8", [LEARNER], custom={"course": "advanced"})
    browser, answer, _f = launch(app, platform, claims)
    assert answer.status_code == 302 and answer.headers["Location"] == "/courses/advanced"
    user_id = db.scalar(select(LtiAccount.user_id))
    assert db.scalar(select(Enrollment).where(Enrollment.user_id == user_id)) is None
    assert browser.get("/courses/advanced").status_code == 200


def test_launch_from_an_unregistered_deployment_or_to_nothing_is_refused(app, db, platform):
    platform.registration.set_deployment_id("deployment-not-registered")
    _b, answer, _f = launch(app, platform, learner_claims())
    assert answer.status_code == 400 and "deployment" in text_of(answer)
    platform.registration.set_deployment_id("deployment-1")
    claims = LaunchClaims("platform-user-7", [LEARNER], custom={"course": "no-such-course"})
    browser, answer, form = launch(app, platform, claims)
    assert answer.status_code == 400 and "names no course" in text_of(answer)
    assert counts(db) == (1, 0, 0)  # the admin only
    # Its nonce was spent all the same: the token cannot be tried again later.
    again = browser.post("/lti/launch", data={"id_token": form["id_token"], "state": form["state"]})
    assert again.status_code == 400 and "already used" in text_of(again)


def test_logins_are_rate_limited_per_address(make_app, content):
    app = make_app(RATELIMIT_ENABLED=True, LTI_LOGIN_RATE_LIMIT="2 per minute")
    client = app.test_client()
    assert [client.get("/lti/login").status_code for _ in range(3)] == [400, 400, 429]


def test_lti_pages_are_valid_html(app, db, platform, admin, tmp_path):
    from tests.quality import html_errors, require_tools

    require_tools()
    launch(app, platform, learner_claims())  # the admin page then lists a link
    claims = LaunchClaims("teacher-1", [INSTRUCTOR], deep_link=True)
    browser, _answer, _f = launch(app, platform, claims)
    pages = {
        "platforms.html": admin.browser.get("/admin/lti"),
        "refused.html": post(admin.browser, "/admin/lti", {"name": ""}),
        "picker.html": browser.get("/lti/deep-link"),
        "picker-refused.html": post(browser, "/lti/deep-link", {}),
        "return.html": post(browser, "/lti/deep-link", {"target": "basics"}),
    }
    files = []
    for name, response in pages.items():
        files.append(tmp_path / name)
        files[-1].write_bytes(response.get_data())
    assert html_errors(files) == []


def test_admin_registers_and_removes_a_platform_each_audited(app, db, platform, admin):
    from course_app.audit.models import AuditEntry
    from course_app.lti.models import LtiPlatform

    again = post(admin.browser, "/admin/lti", platform.registration_form())
    assert again.status_code == 400 and "already registered" in text_of(again)
    launch(app, platform, learner_claims())
    registered = db.scalar(select(LtiPlatform))
    removed = post(admin.browser, f"/admin/lti/{registered.id}/remove")
    assert removed.status_code == 302
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(LtiLink)) == 0
    actions = db.scalars(select(AuditEntry.action).where(AuditEntry.action.like("lti.%")))
    assert list(actions) == ["lti.platform_registered", "lti.platform_removed"]
    # Its logins are refused now; the account stays linked for a new registration.
    assert app.test_client().get(platform.login_url("platform-user-7")).status_code == 400
    assert db.scalar(select(func.count()).select_from(LtiAccount)) == 1
