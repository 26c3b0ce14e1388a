"""Script in every free-text field a person can fill (names, lesson text, questions, cohort
and accommodation notes, licence notes) stays text on every page that shows it, checked in a
real browser with the CSP bypassed so escaping alone is tested."""

from tests.browser_support import (
    log_in_as,
)

XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=1</script>'


BASE = "/instructor/courses/dry-needling-level-1"


def test_xss_payloads_in_free_text_never_run(real_course_server, browser, tmp_path):
    """Script in every free-text field a person can fill, shown on the pages that display it,
    must stay text: checked in the browser (CSP bypassed, so escaping alone is tested)."""
    app, url = real_course_server
    learner_id, attempt_id, keys, cohort_url = _script_everywhere(app)
    pages = [
        ("root@example.org", "/courses/dry-needling-level-1/lessons/defining-dry-needling"),
        ("tess@example.org", f"{BASE}/gradebook"),
        ("tess@example.org", f"{BASE}/learners/{learner_id}"),
        ("tess@example.org", cohort_url),
        ("tess@example.org", f"{cohort_url}/learners/{learner_id}"),
        ("tess@example.org", "/staff/accommodations"),
        ("tess@example.org", f"{BASE}/lessons/defining-dry-needling/edit"),
        ("root@example.org", "/admin/users?q=xavier"),
        ("root@example.org", f"/admin/users/{learner_id}"),
        ("root@example.org", "/admin/audit"),
        ("x@example.org", f"/attempts/{attempt_id}"),
        ("tess@example.org", f"/instructor/attempts/{attempt_id}"),
        ("tess@example.org", f"{BASE}/quizzes/what-dry-needling-is/analysis"),
        ("tess@example.org", f"{BASE}/questions/{keys[0]}/preview"),
        ("tess@example.org", f"{BASE}/questions/{keys[0]}/edit"),
    ]
    dialogs: list[str] = []
    for email, path in pages:
        page = browser.new_context(bypass_csp=True).new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        log_in_as(page, url, email)
        page.goto(url + path)
        page.wait_for_load_state("load")
        for link in page.locator("a[href^='javascript']").all():
            raise AssertionError(f"javascript: link kept on {path}: {link.get_attribute('href')}")
        assert page.evaluate("window.__xss === undefined"), f"script ran on {path}"
        assert (
            "onerror" in page.content() or "&lt;img" in page.content() or XSS not in page.content()
        )
        page.context.close()
    assert dialogs == []


def _script_everywhere(app) -> tuple[int, int, list[str], str]:
    """People, a lesson, every question of the first quiz, an attempt, a cohort, an
    accommodation and a licence note, each carrying the script. Returns the learner's id, the
    attempt's id, the questions' keys and the cohort's address."""
    from sqlalchemy import select

    from course_app.auth.models import Role
    from course_app.db import EXTENSION_KEY
    from course_app.instructor.models import CourseStaff
    from course_app.modules.models import Course
    from tests.helpers import login, make_user, post, take_quiz

    with app.extensions[EXTENSION_KEY]() as db:
        make_user(db, email="root@example.org", role=Role.ADMIN, full_name="Root " + XSS)
        teacher = make_user(db, email="tess@example.org", role=Role.INSTRUCTOR)
        course_id = db.scalar(select(Course.id).where(Course.slug == "dry-needling-level-1"))
        db.add(CourseStaff(course_id=course_id, user_id=teacher.id))
        db.commit()
        learner = make_user(db, email="x@example.org", full_name="Xavier " + XSS)
        client = app.test_client()
        login(client, learner.email)
        post(client, "/courses/dry-needling-level-1/enrol")
        staff = app.test_client()
        login(staff, teacher.email)
        keys = _put_xss_in_every_question(staff, db, "what-dry-needling-is")
        attempt_id = take_quiz(
            client, db, "dry-needling-level-1", "what-dry-needling-is", right=False
        )
        lesson = {
            "title": "Defining " + XSS,
            "body": "Text " + XSS + "\n\n[link](javascript:window.__xss=1)",
            "action": "publish",
        }
        post(staff, f"{BASE}/lessons/defining-dry-needling/edit", lesson)
        cohort_url = _a_cohort_with_script(staff, learner.email)
        admin = app.test_client()
        login(admin, "root@example.org")
        post(admin, f"/admin/users/{learner.id}/licence", {"note": XSS})
        return learner.id, attempt_id, keys, cohort_url


def _a_cohort_with_script(staff, email: str) -> str:
    from tests.helpers import post

    cohort = {
        "name": "Cohort " + XSS,
        "starts_on": "2027-04-09",
        "ends_on": "2027-04-11",
        "location": "Loc " + XSS,
        "capacity": "5",
        "lab_hours": "24",
    }
    cohort_url = post(staff, f"{BASE}/cohorts", cohort).headers["Location"]
    post(staff, cohort_url, {"email": email})
    accommodation = {"email": email, "multiplier": "1.5", "note": XSS}
    post(staff, "/staff/accommodations", accommodation)
    return cohort_url


def _put_xss_in_every_question(staff, db, quiz_slug: str) -> list[str]:
    """Edit each question of a quiz in the question editor: the script goes into the prompt,
    every option and the rationale. Returns the questions' keys."""
    from sqlalchemy import select

    from course_app.quizzes.models import Question, QuestionVersion, Quiz, is_current_version
    from tests.helpers import post

    versions = db.execute(
        select(Question.key, QuestionVersion)
        .join(QuestionVersion, is_current_version())
        .join(Quiz, Quiz.module_id == Question.module_id)
        .where(Quiz.slug == quiz_slug)
    ).all()
    for key, version in versions:
        form = {
            "prompt": version.prompt + XSS,
            "rationale": version.rationale + XSS,
            "source": version.source,
            "objective": version.objective,
            "must_pass": "y" if version.must_pass else "",
        }
        if version.type == "true-false":
            form["answer"] = "true" if version.options[0]["correct"] else "false"
        for index, option in enumerate(version.options if version.type != "true-false" else []):
            form[f"options-{index}-text"] = option["text"] + XSS
            form[f"options-{index}-correct"] = "y" if option["correct"] else ""
        url = f"/instructor/courses/dry-needling-level-1/questions/{key}/edit"
        response = post(staff, url, form)
        assert response.status_code == 302, response.get_data(as_text=True)
    return [key for key, _ in versions]
