"""Learning records: each event makes its xAPI 1.0.3 statements in the outbox, in the
transaction of the event, valid by the spec's rules; activity ids stable, actors opaque;
exported for a date range by the CLI and by administrators. (Sending to a real LRS:
tests/test_xapi_ralph.py.)"""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from course_app.auth.models import User
from course_app.xapi.models import XapiStatement
from course_app.xapi.sending import backoff
from course_app.xapi.statements import statement_id
from tests.helpers import login, make_user, post, read_and_complete, take_quiz, text_of
from tests.job_fixtures import admin_browser, eligible_learners
from tests.test_practical import LEVEL_1, create_cohort, learner_browser, sign_off_everything
from tests.xapi_rules import problems

ADL = "http://adlnet.gov/expapi/verbs/"


def exported(app, since="2027-05-31", until="2027-06-30") -> list[dict]:
    result = app.test_cli_runner().invoke(args=["xapi-export", "--since", since, "--until", until])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def verbs(statements) -> list[str]:
    return [s["verb"]["id"].rsplit("/", 1)[1] for s in statements]


def check_all(statements, user: User) -> None:
    for statement in statements:
        assert problems(statement) == [], (statement, problems(statement))
        assert user.email not in json.dumps(statement)


def test_a_learners_journey_is_recorded_once_valid_and_without_their_email(app, db, content):
    user = make_user(db, email="ada@example.org")
    browser = app.test_client()
    login(browser, user.email)
    post(browser, "/courses/basics/enrol")
    post(browser, "/courses/basics/enrol")  # already enrolled: launched once
    read_and_complete(browser, "basics", "one", 10)
    take_quiz(browser, db, "basics", "first", right=False)
    statements = exported(app)
    check_all(statements, user)
    names = verbs(statements)
    assert names[:3] == ["launched", "completed", "attempted"]
    assert names[-1] == "failed" and set(names[3:-1]) == {"answered"}
    base = "http://localhost/xapi/courses/basics"
    launched, completed, attempted = statements[:3]
    assert launched["verb"]["id"] == ADL + "launched"
    assert launched["object"]["id"] == base
    assert launched["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/course"
    assert completed["object"]["id"] == f"{base}/lessons/one"
    parents = [p["id"] for p in completed["context"]["contextActivities"]["parent"]]
    assert parents[-1] == base and "/modules/" in parents[0]
    assert attempted["object"]["id"] == f"{base}/quizzes/first"
    answered = statements[3]
    assert answered["object"]["definition"]["type"].endswith("/cmi.interaction")
    assert answered["object"]["id"].startswith(f"{base}/quizzes/first/questions/")
    failed = statements[-1]["result"]
    assert failed["success"] is False and failed["completion"] is True
    assert failed["score"]["min"] == 0 and failed["score"]["max"] == len(names) - 4
    assert 0 <= failed["score"]["scaled"] <= 1
    # One opaque actor for all of them, never a database id or the e-mail.
    accounts = {json.dumps(s["actor"], sort_keys=True) for s in statements}
    [account] = [s["actor"]["account"] for s in statements[:1]]
    assert len(accounts) == 1 and account["homePage"] == "http://localhost"
    assert len(account["name"]) == 32 and str(user.id) != account["name"]
    # Statement ids are derived from their events: the same event, the same id.
    assert launched["id"] == statement_id("http://localhost", f"launched:{user.id}:basics")


def test_a_passed_quiz_has_its_score_and_success(app, db, learner):
    take_quiz(learner.browser, db, "basics", "first", right=True)
    passed = exported(app)[-1]
    assert passed["verb"]["id"] == ADL + "passed"
    score = passed["result"]["score"]
    assert passed["result"]["success"] is True and score["raw"] == score["max"]
    assert score["scaled"] == 1.0


def test_activity_ids_follow_xapi_activity_base_not_database_ids(make_app, db, content):
    app = make_app(XAPI_ACTIVITY_BASE="https://curriculum.example.org/dn/")
    user = make_user(db, email="ada@example.org")
    browser = app.test_client()
    login(browser, user.email)
    post(browser, "/courses/basics/enrol")
    [launched] = exported(app)
    assert launched["object"]["id"] == "https://curriculum.example.org/dn/xapi/courses/basics"
    assert launched["actor"]["account"]["homePage"] == "http://localhost"


def test_a_certificate_earned_and_revoked(app, db, content):
    admin = admin_browser(app, db)
    [learner] = eligible_learners(app, db, 1)
    post(admin, "/admin/certificates/basics/issue", {"learner": str(learner.id)})
    from course_app.certificates.models import Certificate

    cert = db.scalar(select(Certificate).where(Certificate.user_id == learner.id))
    post(admin, f"/admin/certificates/{cert.public_id}/revoke", {"reason": "Licence lapsed."})
    statements = exported(app)
    check_all(statements, learner)
    earned, revoked = statements[-2:]
    assert earned["verb"]["id"] == "http://id.tincanapi.com/verb/earned"
    assert revoked["verb"]["id"] == "http://localhost/xapi/verbs/revoked"
    for statement in (earned, revoked):
        assert statement["object"]["id"] == "http://localhost/xapi/courses/basics/certificate"
        extensions = statement["result"]["extensions"]
        assert extensions["http://localhost/xapi/extensions/certificate-id"] == cert.public_id
    assert "launched" in verbs(statements) and "completed" in verbs(statements)


def test_practical_competencies_signed_off(real_app, db, teacher):
    learner, _browser = learner_browser(real_app, db, "ada@example.org")
    cohort_id = create_cohort(teacher)
    post(teacher, f"/instructor/cohorts/{cohort_id}", {"email": learner.email})
    sign_off_everything(teacher, db, cohort_id, learner.id)
    sign_off_everything(teacher, db, cohort_id, learner.id)  # the same again: no new statement
    statements = [s for s in exported(real_app, "2027-05-01") if s["verb"]["display"]]
    check_all(statements, learner)
    signed = [s for s in statements if "/competencies/" in s["object"]["id"]]
    assert signed and {verbs([s])[0] for s in signed} == {"passed"}
    kinds = {s["object"]["definition"]["type"] for s in signed}
    assert kinds == {"http://adlnet.gov/expapi/activities/performance"}
    assert len({s["id"] for s in signed}) == len(signed)
    assert all(
        s["object"]["id"].startswith(f"http://localhost/xapi/courses/{LEVEL_1}/") for s in signed
    )


def test_events_with_no_statement_change_write_nothing_twice(app, db, learner):
    before = db.scalars(select(XapiStatement.id)).all()
    post(learner.browser, "/courses/basics/enrol")
    db.expire_all()
    assert db.scalars(select(XapiStatement.id)).all() == before


def test_the_export_range_is_whole_utc_days(app, db, learner):
    assert len(exported(app, "2027-05-31", "2027-05-31")) == 1
    assert exported(app, "2027-06-01", "2027-06-30") == []
    assert exported(app, "2027-05-30", "2027-05-30") == []
    result = app.test_cli_runner().invoke(
        args=["xapi-export", "--since", "2027-06-02", "--until", "2027-06-01"]
    )
    assert result.exit_code != 0 and "end date is before the start" in result.output


def test_administrators_download_the_statements_of_a_date_range(app, db, learner):
    admin = admin_browser(app, db)
    page = text_of(admin.get("/admin/learning-records/"))
    assert "Learning records" in page and "Not sent yet" in page
    response = admin.get(
        "/admin/learning-records/statements.json?since=2027-05-31&until=2027-05-31"
    )
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert json.loads(response.get_data(as_text=True)) == exported(app)
    bad = admin.get("/admin/learning-records/statements.json?since=yesterday&until=2027-05-31")
    assert bad.status_code == 400 and "YYYY-MM-DD" in text_of(bad)
    for url in ("/admin/learning-records/", "/admin/learning-records/statements.json"):
        assert learner.browser.get(url).status_code == 403


@pytest.mark.parametrize("lrs", ["", "http://127.0.0.1:9/xAPI"])
def test_a_learners_request_never_waits_for_the_lrs(make_app, db, content, lrs):
    """Nothing is sent in the request: with no LRS, or one that is down, enrolling works and
    the statement stays pending for the consumer."""
    app = make_app(XAPI_LRS_URL=lrs)
    user = make_user(db, email="ada@example.org")
    browser = app.test_client()
    login(browser, user.email)
    assert post(browser, "/courses/basics/enrol").status_code == 302
    [row] = db.scalars(select(XapiStatement)).all()
    assert row.sent_at is None and row.tries == 0
    output = app.test_cli_runner().invoke(args=["run-scheduled", "send-xapi"]).output
    db.expire_all()
    if lrs:
        assert "Sent 0 xAPI statement(s); 1 pending." in output
        assert db.get(XapiStatement, row.seq).tries == 1
        assert "ConnectionError" in db.get(XapiStatement, row.seq).last_error
    else:
        assert "XAPI_LRS_URL is not set" in output


def test_a_learners_own_data_export_holds_their_statements_and_actor_name(app, db, learner):
    data = learner.browser.get("/account/export.json").get_json()
    [statement] = data["xapi_statements"]
    [actor] = data["xapi_actors"]
    assert statement["body"]["verb"]["id"] == ADL + "launched"
    assert exported(app)[0]["actor"]["account"]["name"] == actor["name"]


def test_the_back_off_doubles_up_to_an_hour_however_long_the_outage():
    minutes = [backoff(tries) // timedelta(minutes=1) for tries in (1, 2, 3, 4, 6, 7, 8, 10_000)]
    assert minutes == [1, 2, 4, 8, 32, 60, 60, 60]
