"""Every route in the URL map × every kind of user → the expected status.

The matrix is checked against the app's URL map: a new route without an entry here fails.
"""

from datetime import date

import pytest
from sqlalchemy import func, select, update

from course_app.auth.models import Role
from course_app.instructor.models import Cohort, CohortMember, CourseStaff
from course_app.jobs.models import Job
from course_app.models import metadata
from course_app.modules.models import Course
from tests.helpers import complete_course, login, make_user, post

USERS = ("anonymous", "learner", "other_learner", "instructor", "other_instructor", "admin")
LOGIN = 302  # anonymous users are sent to the login page


def expect(
    anonymous, learner, other_learner=None, instructor=None, admin=None, other_instructor=None
):
    """Statuses per user; each defaults to the one before it (other instructor: instructor)."""
    other = learner if other_learner is None else other_learner
    staff = learner if instructor is None else instructor
    outsider = staff if other_instructor is None else other_instructor
    return dict(
        zip(
            USERS,
            (anonymous, learner, other, staff, outsider, staff if admin is None else admin),
            strict=True,
        )
    )


def teaching(ok: int) -> dict[str, int]:
    """Only the course's instructors and admins get ``ok``; everyone else is refused."""
    return expect(LOGIN, 403, 403, ok, ok, other_instructor=403)


OPEN = expect(200, 200)
STAFF_ONLY = expect(LOGIN, 403, instructor=200, admin=200)
#: Another person's attempt does not exist for them (404 leaks nothing, unlike 403).
OWNER_ONLY = expect(LOGIN, 200, 404, 404, 404)
LOGGED_IN = expect(LOGIN, 200)
ADMIN_ONLY = expect(LOGIN, 403, instructor=403, admin=200)
NO_CERT = "DN1-0000-0000-0000"
WORKSPACE = expect(LOGIN, 403, 403, 200, 200)  # any instructor, and admins
INVALID_FORM = expect(400, 400)  # posted empty: refused with the form's errors
API = expect(401, 401)  # a session cookie authenticates nothing in the API

#: (method, endpoint, URL) → expected status per user. "learner" (user 1) is enrolled in basics
#: and has completed it (lessons, both module quizzes and the final exam: attempts 1–3) and is
#: in cohort 1 of basics; "other_learner" (2) is enrolled nowhere; "instructor" (3) teaches
#: basics; "other_instructor" (5) teaches advanced only; "admin" is user 4.
WS = "/instructor/courses/basics"
MATRIX = {
    ("GET", "index", "/"): OPEN,
    ("GET", "modules.catalog", "/courses"): OPEN,
    ("GET", "modules.dashboard", "/dashboard"): LOGGED_IN,
    ("GET", "modules.course", "/courses/advanced"): OPEN,
    ("GET", "modules.lesson", "/courses/basics/lessons/one"): expect(LOGIN, 200, 302, 200),
    ("GET", "modules.lesson", "/courses/advanced/lessons/four"): expect(LOGIN, 302, 403, 200),
    ("GET", "modules.resume", "/courses/basics/resume"): expect(LOGIN, 302),
    ("GET", "modules.resume", "/courses/advanced/resume"): expect(LOGIN, 302, 403, 302),
    # Staff read every course without enrolling; a locked course refuses their enrolment too.
    ("POST", "modules.enrol", "/courses/advanced/enrol"): expect(LOGIN, 302, 403, 403),
    ("POST", "modules.complete", "/courses/basics/lessons/two/complete"): expect(LOGIN, 302),
    # A heartbeat: the learner posts no page token (400); others are not enrolled (403).
    ("POST", "modules.record_time", "/courses/basics/lessons/two/time"): expect(
        LOGIN, 400, 403, 403
    ),
    # The language switcher: anyone; no or an unknown language changes nothing, back to a page.
    ("POST", "i18n.switch", "/language"): expect(302, 302),
    ("GET", "auth.register", "/auth/register"): OPEN,
    ("GET", "auth.registered", "/auth/registered"): OPEN,
    ("POST", "auth.register", "/auth/register"): INVALID_FORM,
    ("GET", "auth.login", "/auth/login"): OPEN,
    ("POST", "auth.login", "/auth/login"): INVALID_FORM,
    ("POST", "auth.logout", "/auth/logout"): expect(302, 302),
    ("GET", "auth.change_password", "/auth/password"): LOGGED_IN,
    ("POST", "auth.change_password", "/auth/password"): expect(LOGIN, 400),
    ("GET", "auth.request_reset", "/auth/reset"): OPEN,
    ("POST", "auth.request_reset", "/auth/reset"): INVALID_FORM,
    ("GET", "auth.reset_password", "/auth/reset/not-a-token"): expect(400, 400),
    ("POST", "auth.reset_password", "/auth/reset/not-a-token"): expect(400, 400),
    ("GET", "auth.accept_invitation", "/auth/invitation/not-a-token"): expect(400, 400),
    ("POST", "auth.accept_invitation", "/auth/invitation/not-a-token"): expect(400, 400),
    ("GET", "admin.index", "/admin/"): ADMIN_ONLY,
    ("GET", "admin.outbox", "/admin/outbox"): ADMIN_ONLY,
    ("GET", "xapi.index", "/admin/learning-records/"): ADMIN_ONLY,
    (
        "GET",
        "xapi.download",
        "/admin/learning-records/statements.json?since=2027-05-01&until=2027-05-31",
    ): ADMIN_ONLY,
    ("GET", "static", "/static/style.css"): OPEN,
    ("GET", "health.health", "/health"): OPEN,
    ("GET", "favicon", "/favicon.ico"): expect(301, 301),
    ("GET", "favicon_svg", "/favicon.svg"): OPEN,
    ("GET", "modules.media", "/media/basics/nothing.svg"): expect(404, 404),
    ("GET", "quizzes.overview", "/courses/basics/quizzes/first"): LOGGED_IN,
    ("GET", "quizzes.overview", "/courses/advanced/quizzes/only"): expect(LOGIN, 200, 403, 200),
    ("GET", "quizzes.overview", "/courses/basics/quizzes/nothing"): expect(LOGIN, 404),
    # Passed already, or not enrolled: back to the quiz page with the reason.
    ("POST", "quizzes.start", "/courses/basics/quizzes/first/start"): expect(LOGIN, 302),
    ("POST", "quizzes.start", "/courses/advanced/quizzes/only/start"): expect(LOGIN, 302, 403, 302),
    ("GET", "quizzes.attempt", "/attempts/1"): OWNER_ONLY,
    ("GET", "quizzes.attempt", "/attempts/999"): expect(LOGIN, 404),
    # The attempt is graded: saving is refused with a message, a repeat submit shows the result.
    ("POST", "quizzes.save", "/attempts/1/save"): expect(LOGIN, 303, 404, 404, 404),
    ("POST", "quizzes.submit", "/attempts/1/submit"): expect(LOGIN, 302, 404, 404, 404),
    ("GET", "quizzes.accommodations", "/staff/accommodations"): STAFF_ONLY,
    ("POST", "quizzes.accommodations", "/staff/accommodations"): expect(LOGIN, 403, 403, 400, 400),
    ("GET", "instructor.index", "/instructor/"): WORKSPACE,
    ("POST", "instructor.preview", "/instructor/preview"): WORKSPACE,
    ("GET", "instructor.gradebook", f"{WS}/gradebook"): teaching(200),
    ("GET", "instructor.gradebook", "/instructor/courses/nothing/gradebook"): expect(
        LOGIN, 403, 403, 404, 404
    ),
    ("GET", "instructor.gradebook_csv", f"{WS}/gradebook.csv"): teaching(200),
    ("GET", "instructor.learner", f"{WS}/learners/1"): teaching(200),
    ("GET", "instructor.learner", f"{WS}/learners/2"): teaching(404),  # not enrolled here
    ("POST", "instructor.grant_allowance", f"{WS}/learners/1/allowance"): teaching(400),
    ("GET", "instructor.attempt", "/instructor/attempts/1"): teaching(200),
    ("GET", "instructor.quizzes", f"{WS}/quizzes"): teaching(200),
    ("GET", "instructor.item_analysis", f"{WS}/quizzes/first/analysis"): teaching(200),
    ("GET", "instructor.quiz_settings", f"{WS}/quizzes/first/settings"): teaching(200),
    ("POST", "instructor.quiz_settings", f"{WS}/quizzes/first/settings"): teaching(400),
    ("GET", "instructor.edit_question", f"{WS}/questions/q-single/edit"): teaching(200),
    ("POST", "instructor.edit_question", f"{WS}/questions/q-single/edit"): teaching(400),
    ("GET", "instructor.new_question", f"{WS}/quizzes/first/questions/new"): teaching(200),
    ("POST", "instructor.new_question", f"{WS}/quizzes/first/questions/new"): teaching(400),
    ("GET", "instructor.preview_question", f"{WS}/questions/q-single/preview"): teaching(200),
    ("GET", "instructor.regrade", f"{WS}/questions/q-single/regrade"): teaching(200),
    ("POST", "instructor.apply_regrade", f"{WS}/questions/q-single/regrade"): teaching(303),
    ("GET", "instructor.lessons", f"{WS}/lessons"): teaching(200),
    ("GET", "instructor.edit_lesson", f"{WS}/lessons/one/edit"): teaching(200),
    # Posted without fields, the editor keeps the current text and shows its preview.
    ("POST", "instructor.edit_lesson", f"{WS}/lessons/one/edit"): teaching(200),
    ("GET", "instructor.lesson_history", f"{WS}/lessons/one/history"): teaching(200),
    ("GET", "instructor.lesson_revision", f"{WS}/lessons/one/history/1"): teaching(200),
    ("POST", "instructor.restore_revision", f"{WS}/lessons/one/history/1/restore"): teaching(302),
    ("GET", "instructor.course_outline", f"{WS}/outline"): teaching(200),
    ("POST", "instructor.create_module", f"{WS}/modules"): teaching(400),
    ("GET", "instructor.new_lesson", f"{WS}/lessons/new"): teaching(200),
    ("POST", "instructor.new_lesson", f"{WS}/lessons/new"): teaching(400),
    # Posted without a direction: refused with a message, nothing moved.
    ("POST", "instructor.move_module", f"{WS}/modules/first/move"): teaching(303),
    ("POST", "instructor.move_lesson", f"{WS}/lessons/one/move"): teaching(303),
    ("POST", "instructor.archive_module", f"{WS}/modules/second/archive"): teaching(303),
    ("POST", "instructor.archive_lesson", f"{WS}/lessons/one/archive"): teaching(303),
    ("GET", "instructor.course_figures", f"{WS}/figures"): teaching(200),
    ("POST", "instructor.course_figures", f"{WS}/figures"): teaching(400),
    # The test course has no figures: any key is unknown (after the teaching check).
    ("GET", "instructor.figure", f"{WS}/figures/none"): teaching(404),
    ("POST", "instructor.figure", f"{WS}/figures/none"): teaching(404),
    ("POST", "instructor.archive_figure", f"{WS}/figures/none/archive"): teaching(404),
    ("GET", "instructor.quiz_cases", f"{WS}/quizzes/first/cases"): teaching(200),
    ("POST", "instructor.quiz_cases", f"{WS}/quizzes/first/cases"): teaching(400),
    ("GET", "instructor.course_cohorts", f"{WS}/cohorts"): teaching(200),
    ("POST", "instructor.course_cohorts", f"{WS}/cohorts"): teaching(400),
    ("GET", "instructor.cohort", "/instructor/cohorts/1"): teaching(200),
    ("POST", "instructor.cohort", "/instructor/cohorts/1"): teaching(400),
    ("GET", "instructor.practical", "/instructor/cohorts/1/learners/1"): teaching(200),
    ("GET", "instructor.practical", "/instructor/cohorts/1/learners/2"): teaching(404),
    ("POST", "instructor.sign_off", "/instructor/cohorts/1/learners/1/competencies/x"): teaching(
        400
    ),
    ("POST", "instructor.practical_hours", "/instructor/cohorts/1/learners/1/hours"): teaching(400),
    # Basics has no checklist: an empty sheet records nothing and goes back to the page.
    ("POST", "instructor.sign_off_sheet", "/instructor/cohorts/1/learners/1/signoffs"): teaching(
        302
    ),
    (
        "POST",
        "instructor.confirm_sign_off",
        "/instructor/cohorts/1/learners/1/competencies/x/confirm",
    ): teaching(400),
    # Basics has no practical checklist: no practical page. Cohort 1 has started: booking,
    # waiting and (past the cut-off) cancelling are refused with a message; staff book nothing.
    ("GET", "booking.offerings", "/courses/basics/practical"): expect(LOGIN, 404),
    ("POST", "booking.book", "/cohorts/1/book"): expect(LOGIN, 303, 303, 403),
    ("POST", "booking.join_waitlist", "/cohorts/1/waitlist"): expect(LOGIN, 303, 303, 403),
    ("POST", "booking.leave_waitlist", "/cohorts/1/waitlist/leave"): expect(LOGIN, 303, 303, 403),
    ("POST", "booking.cancel", "/cohorts/1/cancel"): expect(LOGIN, 303, 303, 403),
    ("POST", "booking.confirm_seat", "/instructor/cohorts/1/learners/1/seat/confirm"): teaching(
        302
    ),
    # No target cohort, no reason: refused with the reason.
    ("POST", "booking.move_seat", "/instructor/cohorts/1/learners/1/seat/move"): teaching(303),
    ("POST", "booking.cancel_seat", "/instructor/cohorts/1/learners/1/seat/cancel"): teaching(303),
    ("GET", "incidents.cohort_log", "/instructor/cohorts/1/incidents"): teaching(200),
    ("POST", "incidents.cohort_log", "/instructor/cohorts/1/incidents"): teaching(400),
    ("GET", "incidents.all_incidents", "/admin/incidents"): ADMIN_ONLY,
    # The evaluation: the course's enrolled learners answer it (the learner already has, so a
    # post changes nothing); only its instructors and admins read the anonymous report.
    ("GET", "evaluation.answer", "/courses/basics/evaluation"): expect(LOGIN, 200, 403, 403),
    ("POST", "evaluation.answer", "/courses/basics/evaluation"): expect(LOGIN, 200, 403, 403),
    ("GET", "evaluation.report", f"{WS}/evaluation"): teaching(200),
    ("GET", "modules.search", "/search?q=lesson"): LOGGED_IN,
    ("GET", "evaluation.report_csv", f"{WS}/evaluation.csv"): teaching(200),
    ("GET", "incidents.incidents_csv", "/admin/incidents.csv"): ADMIN_ONLY,
    ("GET", "admin.courses", "/admin/courses"): ADMIN_ONLY,
    ("GET", "certificates.verify_form", "/verify"): OPEN,
    ("POST", "certificates.verify_form", "/verify"): OPEN,  # nothing entered: asked again
    ("GET", "certificates.verify", f"/verify/{NO_CERT}"): expect(404, 404),
    ("GET", "certificates.verify_json", f"/verify/{NO_CERT}.json"): expect(404, 404),
    ("GET", "certificates.issuer_profile", "/issuers/course-app"): OPEN,
    ("GET", "certificates.did_json", "/.well-known/did.json"): OPEN,
    ("GET", "certificates.revocation_list", "/status-lists/revocation"): OPEN,
    ("GET", "certificates.mine", "/certificates"): LOGGED_IN,
    ("GET", "certificates.certificate_pdf", f"/certificates/{NO_CERT}.pdf"): expect(LOGIN, 404),
    ("GET", "certificates.credential_json", f"/certificates/{NO_CERT}/credential.json"): expect(
        LOGIN, 404
    ),
    ("GET", "certificates.transcript_file", "/transcript.csv"): LOGGED_IN,
    ("GET", "certificates.transcript_file", "/transcript.pdf"): LOGGED_IN,
    ("GET", "certificates.queue", "/admin/certificates"): ADMIN_ONLY,
    ("POST", "certificates.issue", "/admin/certificates/basics/issue"): ADMIN_ONLY | {"admin": 303},
    ("POST", "certificates.course_settings", "/admin/certificates/basics/settings"): ADMIN_ONLY
    | {"admin": 303},
    ("GET", "certificates.detail", f"/admin/certificates/{NO_CERT}"): ADMIN_ONLY | {"admin": 404},
    ("POST", "certificates.revoke", f"/admin/certificates/{NO_CERT}/revoke"): ADMIN_ONLY
    | {"admin": 404},
    ("POST", "certificates.reissue", f"/admin/certificates/{NO_CERT}/reissue"): ADMIN_ONLY
    | {"admin": 404},
    ("POST", "certificates.review", f"/admin/certificates/{NO_CERT}/review"): ADMIN_ONLY
    | {"admin": 404},
    ("GET", "admin.users", "/admin/users"): ADMIN_ONLY,
    ("GET", "admin.invite_user", "/admin/users/invite"): ADMIN_ONLY,
    ("POST", "admin.invite_user", "/admin/users/invite"): expect(
        LOGIN, 403, instructor=403, admin=400
    ),
    ("GET", "admin.user", "/admin/users/1"): ADMIN_ONLY,
    ("GET", "admin.user", "/admin/users/999"): ADMIN_ONLY | {"admin": 404},
    ("POST", "admin.user_role", "/admin/users/1/role"): ADMIN_ONLY
    | {"admin": 303},  # no role given
    ("POST", "admin.user_active", "/admin/users/1/active"): ADMIN_ONLY | {"admin": 302},
    ("POST", "admin.user_licence", "/admin/users/1/licence"): ADMIN_ONLY | {"admin": 302},
    ("POST", "admin.user_name", "/admin/users/1/name"): ADMIN_ONLY | {"admin": 303},  # empty name
    ("GET", "admin.audit", "/admin/audit"): ADMIN_ONLY,
    ("GET", "admin.audit_csv", "/admin/audit.csv"): ADMIN_ONLY,
    ("GET", "admin.reports", "/admin/reports"): ADMIN_ONLY,
    ("GET", "admin.reports_csv", "/admin/reports.csv"): ADMIN_ONLY,
    ("POST", "admin.assign_staff", "/admin/courses/basics/staff"): expect(
        LOGIN, 403, instructor=403, admin=303
    ),
    ("POST", "admin.remove_staff", "/admin/courses/basics/staff/3/remove"): expect(
        LOGIN, 403, instructor=403, admin=302
    ),
    # Job 1 is the learner's (made in as_user): theirs and administrators' only.
    ("GET", "jobs.page", "/jobs/1"): expect(LOGIN, 200, 404, 404, admin=200),
    ("GET", "jobs.status", "/jobs/1.json"): expect(LOGIN, 200, 404, 404, admin=200),
    ("GET", "jobs.download", "/jobs/1/download"): expect(LOGIN, 404),  # job 1 wrote no file
    ("POST", "instructor.export_gradebook", f"{WS}/gradebook/export"): teaching(303),
    ("POST", "admin.export_audit", "/admin/audit/export"): expect(
        LOGIN, 403, instructor=403, admin=303
    ),
    # Everyone's own inbox; marking another person's notification read marks nothing.
    ("GET", "notifications.inbox", "/notifications"): LOGGED_IN,
    ("POST", "notifications.mark_read", "/notifications/1/read"): expect(LOGIN, 302),
    ("POST", "notifications.mark_all_read", "/notifications/read"): expect(LOGIN, 302),
    ("GET", "notifications.settings", "/notifications/settings"): LOGGED_IN,
    ("POST", "notifications.settings", "/notifications/settings"): expect(LOGIN, 302),
    # Everyone's own account; empty forms are refused with their errors; no such request (1).
    ("GET", "profiles.account", "/account"): LOGGED_IN,
    ("POST", "profiles.save_details", "/account/details"): expect(LOGIN, 400),
    ("POST", "profiles.change_email", "/account/email"): expect(LOGIN, 400),
    ("GET", "profiles.confirm_email_page", "/account/email/not-a-token"): expect(LOGIN, 400),
    ("POST", "profiles.confirm_email", "/account/email/not-a-token"): expect(LOGIN, 400),
    ("POST", "profiles.request_name", "/account/name"): expect(LOGIN, 400),
    ("GET", "profiles.export", "/account/export.json"): LOGGED_IN,
    ("GET", "profiles.close", "/account/close"): LOGGED_IN,
    ("POST", "profiles.close", "/account/close"): expect(LOGIN, 400),
    # Their own API tokens (no token 1 exists); the API itself answers a session cookie with
    # 401: only a bearer token authenticates there. Its reference and document are public.
    ("GET", "api_tokens.index", "/account/tokens"): LOGGED_IN,
    ("POST", "api_tokens.create", "/account/tokens"): expect(LOGIN, 400),
    ("POST", "api_tokens.revoke", "/account/tokens/1/revoke"): expect(LOGIN, 404),
    ("GET", "api_docs.docs", "/api/v1/docs"): OPEN,
    ("GET", "api-docs.openapi_json", "/api/v1/openapi.json"): OPEN,
    ("GET", "api_courses.list_courses", "/api/v1/courses"): API,
    ("GET", "api_courses.get_course", "/api/v1/courses/basics"): API,
    ("GET", "api_learners.my_standing", "/api/v1/me/standing"): API,
    ("GET", "api_learners.my_attempts", "/api/v1/me/attempts"): API,
    ("GET", "api_learners.certificates", "/api/v1/certificates"): API,
    ("GET", "api_users.users", "/api/v1/users"): API,
    ("GET", "api_grades.enrolments", "/api/v1/enrolments"): API,
    ("GET", "api_grades.course_gradebook", "/api/v1/courses/basics/gradebook"): API,
    ("GET", "api_grades.user_standing", "/api/v1/users/1/standing"): API,
    ("POST", "api_certificate_admin.issue", "/api/v1/certificates"): API,
    ("POST", "api_certificate_admin.revoke", "/api/v1/certificates/DN1-0000-0000-0000/revoke"): API,
    # LTI 1.3: the platform's OIDC login and launch are signed, CSRF-exempt POSTs; without a
    # launch target or a login state they are refused (400) whoever asks.
    ("GET", "lti.jwks", "/lti/jwks"): OPEN,
    ("GET", "lti.login", "/lti/login"): expect(400, 400),
    ("POST", "lti.login", "/lti/login"): expect(400, 400),
    ("POST", "lti.launch", "/lti/launch"): expect(400, 400),
    # The deep-linking picker answers only the account a platform's instructor launched as.
    ("GET", "lti.deep_link", "/lti/deep-link"): expect(LOGIN, 403),
    ("POST", "lti.deep_link", "/lti/deep-link"): expect(LOGIN, 403),
    ("GET", "lti_admin.index", "/admin/lti"): ADMIN_ONLY,
    ("POST", "lti_admin.create", "/admin/lti"): ADMIN_ONLY | {"admin": 400},
    ("POST", "lti_admin.remove", "/admin/lti/999/remove"): ADMIN_ONLY | {"admin": 404},
    ("POST", "lti_admin.read_roster", "/admin/lti/links/999/roster"): ADMIN_ONLY | {"admin": 404},
    ("GET", "profiles.name_requests", "/admin/name-requests"): ADMIN_ONLY,
    ("POST", "profiles.decide_name_request", "/admin/name-requests/1"): expect(
        LOGIN, 403, instructor=403, admin=404
    ),
}


def test_every_route_is_in_the_matrix(app):
    routes = {
        (method, rule.endpoint)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    covered = {(method, endpoint) for method, endpoint, _url in MATRIX}
    assert routes - covered == set(), "add the new routes to MATRIX"


@pytest.fixture
def as_user(app, client, db, content):
    """Log the client in as one kind of user, with data that makes the cases meaningful."""
    learner = make_user(db, email="learner@example.org")
    make_user(db, email="other@example.org")
    instructor = make_user(db, email="instructor@example.org", role=Role.INSTRUCTOR)
    make_user(db, email="admin@example.org", role=Role.ADMIN)
    outsider = make_user(db, email="other_instructor@example.org", role=Role.INSTRUCTOR)
    login(client, learner.email)
    complete_course(client, db, "basics")  # attempts 1–3: the two module quizzes, the final
    post(client, "/auth/logout")
    teach(db, instructor, "basics", cohort_member=learner)
    teach(db, outsider, "advanced")
    db.add(
        Job(
            kind="certificates.issue",
            params={"course": "basics", "base_url": "https://ce.example.org"},
            created_by_id=learner.id,
            idempotency_key="matrix",
        )
    )
    db.commit()

    def become(user: str) -> None:
        if user != "anonymous":
            email = {"other_learner": "other@example.org"}.get(user, f"{user}@example.org")
            assert login(client, email).status_code == 302

    return become


def teach(db, instructor, course_slug: str, cohort_member=None) -> None:
    """Assign an instructor to a course (and give it a cohort with one learner)."""
    course = db.scalar(select(Course).where(Course.slug == course_slug))
    db.add(CourseStaff(course_id=course.id, user_id=instructor.id))
    if cohort_member is not None:
        cohort = Cohort(
            course_id=course.id,
            name="Spring",
            starts_on=date(2027, 4, 1),
            ends_on=date(2027, 4, 3),
            location="Toronto",
            capacity=10,
            lab_hours=24,
        )
        db.add(cohort)
        db.flush()
        db.add(CohortMember(cohort_id=cohort.id, user_id=cohort_member.id))
    db.commit()


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize(("method", "endpoint", "url"), list(MATRIX))
def test_route_answers_each_user_as_expected(client, as_user, user, method, endpoint, url):
    as_user(user)
    if method == "GET":
        with client.get(url) as response:
            status = response.status_code
    else:
        status = post(client, url).status_code
    assert status == MATRIX[(method, endpoint, url)][user]


#: Quiz answers posted with an expired form are refused and shown again, filled in.
KEEPS_ANSWERS = {"quizzes.save", "quizzes.submit"}
#: API writes take no CSRF token: only a bearer token authenticates them (none here: 401).
BEARER_ONLY = {"api_certificate_admin.issue", "api_certificate_admin.revoke"}


def row_counts(db) -> dict[str, int]:
    return {
        table.name: db.scalar(select(func.count()).select_from(table))
        for table in metadata.sorted_tables
    }


@pytest.mark.parametrize(("method", "endpoint", "url"), [key for key in MATRIX if key[0] == "POST"])
@pytest.mark.parametrize("user", ["anonymous", "learner"])
def test_every_post_without_a_csrf_token_is_refused(
    client, db, as_user, user, method, endpoint, url
):
    as_user(user)
    before = row_counts(db)
    response = client.post(url, data={"email": "learner@example.org", "q1": "a"})
    if endpoint in KEEPS_ANSWERS:
        # Refused too, but the answers are kept for the learner to send again.
        assert response.status_code == 302
        assert response.headers["Location"] == url.rsplit("/", 1)[0]
    elif endpoint in BEARER_ONLY:
        assert response.status_code == 401
    else:
        assert response.status_code == 400
    assert row_counts(db) == before


def table_contents(db) -> dict[str, list[str]]:
    """Every row of every table, so an UPDATE is caught as well as an INSERT or DELETE."""
    return {
        table.name: sorted(repr(tuple(row)) for row in db.execute(select(table)))
        for table in metadata.sorted_tables
    }


@pytest.mark.parametrize(("method", "endpoint", "url"), [key for key in MATRIX if key[0] == "GET"])
@pytest.mark.parametrize("user", ["learner", "instructor", "admin"])
def test_get_never_changes_state(client, db, as_user, user, method, endpoint, url):
    as_user(user)
    before = table_contents(db)
    with client.get(url):
        pass
    db.expire_all()
    assert table_contents(db) == before


def test_the_state_check_sees_an_update_that_keeps_row_counts(db, as_user):
    """The check above would be blind if it compared counts only: an UPDATE must show."""
    from course_app.auth.models import User

    as_user("learner")
    counts, before = row_counts(db), table_contents(db)
    db.execute(update(User).values(full_name="Someone Else"))
    assert row_counts(db) == counts
    assert table_contents(db) != before
