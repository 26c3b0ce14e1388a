"""The course outline authored in the browser: new modules and lessons (checked by the rules
``check-content`` uses), their order, archiving (hidden, never deleted, out of what remains and
of CE hours), and export writing it all back to files that load to the same state."""

import shutil

from sqlalchemy import select

from course_app.audit.models import AuditEntry
from course_app.auth.models import Role
from course_app.content_warnings import content_warnings
from course_app.instructor.export import replace_module_tables
from course_app.modules.content import ce_minutes_of, parse_content
from course_app.modules.lesson_files import lesson_problems
from course_app.modules.models import Course, CourseModule, Lesson, LessonProgress
from tests.conftest import TEST_CONTENT
from tests.helpers import login, make_user, post, read_and_complete, text_of

WS = "/instructor/courses/basics"
NEW_LESSON = {
    "module": "first",
    "slug": "new-four",
    "title": "Lesson four",
    "minutes": "1",
    "objectives": "Learn four\nApply four",
    "sources": "S1",
    "body": "## Four\n\nBody of **four** [S1]. <script>alert(1)</script>\n\n"
    + "A minute of reading. " * 40,
}


def _ce_minutes(db) -> int:
    db.expire_all()
    return db.scalar(select(Course.ce_minutes).where(Course.slug == "basics"))


def _positions(db, model, **where) -> list[str]:
    db.expire_all()
    query = select(model).filter_by(**where).order_by(model.position)
    return [row.slug for row in db.scalars(query)]


def test_ce_minutes_rule_is_lessons_plus_quiz_limits_and_never_zero():
    assert ce_minutes_of(60, 20) == 80
    assert ce_minutes_of(0, 0) == 1


def test_a_lesson_file_is_checked_by_the_same_rules_check_content_runs():
    raw = b'+++\nslug = "Bad Slug"\ntitle = "T"\nmodule = "nowhere"\norder = 1\nminutes = 5\n'
    raw += b'objectives = ["x"]\nclaims = []\nsources = ["S9"]\n+++\n{{ figure missing }}\n'
    messages = [p.message for p in lesson_problems("x.md", raw, {"first"}, {"S1"}, ())]
    assert any("'slug' must be lower-case" in m for m in messages)
    assert any("module 'nowhere'" in m for m in messages)
    assert any("source 'S9'" in m for m in messages)
    assert any("no figure 'missing'" in m for m in messages)


def test_module_tables_are_replaced_in_place_keeping_the_rest_of_the_manifest():
    text = (
        'slug = "c"\n# about\n\n[[modules]]\nslug = "a"\ntitle = "A"\n\n'
        '[[modules]]\nslug = "b"\ntitle = "B"\n\n# the sources\n[[references]]\nid = "S1"\n'
    )
    out = replace_module_tables(text, '[[modules]]\nslug = "b"\ntitle = "B"\n')
    assert out.startswith('slug = "c"\n# about\n\n[[modules]]\nslug = "b"')
    assert 'slug = "a"' not in out and "# the sources\n[[references]]" in out


def test_instructor_creates_a_module_and_a_lesson_learners_then_read(app, db, instructor, learner):
    before = _ce_minutes(db)
    form = {"slug": "third", "title": "Third module", "summary": "More."}
    assert post(instructor.browser, f"{WS}/modules", form).status_code == 302
    page = text_of(instructor.browser.get(f"{WS}/outline"))
    assert "Third module" in page
    response = post(instructor.browser, f"{WS}/lessons/new", NEW_LESSON | {"module": "third"})
    assert response.status_code == 302, text_of(response)
    lesson = db.scalar(select(Lesson).where(Lesson.slug == "new-four"))
    assert "<script" not in lesson.body_html and "<strong>four</strong>" in lesson.body_html
    assert lesson.objectives == ["Learn four", "Apply four"]
    assert _ce_minutes(db) == before + 1
    assert "Body of" in text_of(learner.browser.get("/courses/basics/lessons/new-four"))
    actions = set(db.scalars(select(AuditEntry.action)))
    assert {"module.created", "lesson.created"} <= actions


def test_browser_line_endings_become_the_files_so_a_figure_line_is_recognised(db, instructor):
    body = NEW_LESSON["body"].replace("\n", "\r\n") + "\r\n\r\n{{ figure nowhere }}\r\n"
    response = post(instructor.browser, f"{WS}/lessons/new", NEW_LESSON | {"body": body})
    assert response.status_code == 400 and "no figure" in text_of(response)


def test_a_new_lesson_is_refused_with_check_content_messages_and_nothing_saved(db, instructor):
    bad = NEW_LESSON | {"body": "See:\n\n{{ figure nowhere }}\n"}
    response = post(instructor.browser, f"{WS}/lessons/new", bad)
    assert response.status_code == 400 and "no figure" in text_of(response)
    long = post(instructor.browser, f"{WS}/lessons/new", NEW_LESSON | {"minutes": "90"})
    assert long.status_code == 400 and "declares 90 minutes" in text_of(long)
    taken = post(instructor.browser, f"{WS}/lessons/new", NEW_LESSON | {"slug": "one"})
    assert taken.status_code == 400 and "already used" in text_of(taken)
    bad_slug = post(instructor.browser, f"{WS}/modules", {"slug": "Bad Slug", "title": "X"})
    assert bad_slug.status_code == 400 and "lower-case" in text_of(bad_slug)
    taken_module = post(instructor.browser, f"{WS}/modules", {"slug": "first", "title": "X"})
    assert taken_module.status_code == 400 and "already used" in text_of(taken_module)
    db.expire_all()
    assert db.scalar(select(Lesson).where(Lesson.slug == "new-four")) is None


def test_lessons_and_modules_move_up_and_down(db, instructor):
    post(instructor.browser, f"{WS}/lessons/two/move", {"direction": "up"})
    first = db.scalar(select(CourseModule.id).where(CourseModule.slug == "first"))
    assert _positions(db, Lesson, module_id=first) == ["two", "one"]
    refused = post(instructor.browser, f"{WS}/lessons/two/move", {"direction": "up"})
    assert refused.status_code == 303
    assert "already at that end" in text_of(instructor.browser.get(f"{WS}/outline"))
    post(instructor.browser, f"{WS}/modules/second/move", {"direction": "up"})
    course = db.scalar(select(Course.id).where(Course.slug == "basics"))
    assert _positions(db, CourseModule, course_id=course) == ["second", "first"]
    assert "module.moved" in set(db.scalars(select(AuditEntry.action)))


def test_archiving_hides_a_lesson_keeps_progress_and_leaves_what_remains_and_hours(
    db, instructor, learner
):
    read_and_complete(learner.browser, "basics", "one", minutes=10)
    before = _ce_minutes(db)
    assert post(instructor.browser, f"{WS}/lessons/two/archive").status_code == 303
    assert _ce_minutes(db) == before - 20
    assert learner.browser.get("/courses/basics/lessons/two").status_code == 404
    assert "Lesson two" not in text_of(learner.browser.get("/courses/basics"))
    post(instructor.browser, f"{WS}/lessons/one/archive")
    assert db.scalar(select(LessonProgress.id)) is not None  # past progress stays
    post(instructor.browser, f"{WS}/modules/second/archive")
    assert "Lesson three" not in text_of(learner.browser.get("/courses/basics"))
    assert learner.browser.get("/courses/basics/lessons/three").status_code == 404
    post(instructor.browser, f"{WS}/lessons/two/archive", {"archived": "no"})
    assert "Lesson two" in text_of(learner.browser.get("/courses/basics"))
    actions = set(db.scalars(select(AuditEntry.action)))
    assert {"lesson.archived", "module.archived", "lesson.restored"} <= actions


def test_only_the_course_s_instructors_and_admins_change_its_outline(app, db, content):
    make_user(db, email="other@example.org", role=Role.INSTRUCTOR)
    browser = app.test_client()
    login(browser, "other@example.org")
    assert browser.get(f"{WS}/outline").status_code == 403
    assert post(browser, f"{WS}/lessons/one/archive").status_code == 403
    assert post(browser, f"{WS}/modules", {"slug": "x", "title": "X"}).status_code == 403
    make_user(db, email="admin@example.org", role=Role.ADMIN)
    admin = app.test_client()
    login(admin, "admin@example.org")
    assert admin.get(f"{WS}/outline").status_code == 200


def test_outline_changes_need_the_csrf_token(app, db, instructor):
    app.config["WTF_CSRF_ENABLED"] = True
    response = instructor.browser.post(f"{WS}/lessons/one/archive")
    assert response.status_code == 400
    db.expire_all()
    assert not db.scalar(select(Lesson.is_archived).where(Lesson.slug == "one"))


def _state(session) -> dict:
    """What learners get: modules and lessons in order, archived or not, and the CE minutes."""
    session.expire_all()
    course = session.scalar(select(Course).where(Course.slug == "basics"))
    modules = session.scalars(
        select(CourseModule).where(CourseModule.course_id == course.id).order_by("position")
    )
    lessons = session.scalars(select(Lesson).where(Lesson.course_id == course.id))
    return {
        "ce_minutes": course.ce_minutes,
        "modules": [(m.slug, m.title, m.is_archived) for m in modules],
        "lessons": sorted(
            (x.module.slug, x.position, x.slug, x.title, x.is_archived, x.body_markdown)
            for x in lessons
        ),
    }


def test_browser_outline_exports_to_files_that_check_strictly_and_load_to_the_same_state(
    app, make_app, db, instructor, tmp_path
):
    post(instructor.browser, f"{WS}/modules", {"slug": "third", "title": "Third module"})
    post(instructor.browser, f"{WS}/lessons/new", NEW_LESSON | {"module": "third"})
    post(instructor.browser, f"{WS}/lessons/new", NEW_LESSON | {"slug": "five", "title": "5"})
    post(instructor.browser, f"{WS}/lessons/five/move", {"direction": "up"})
    post(instructor.browser, f"{WS}/lessons/one/archive")
    post(instructor.browser, f"{WS}/modules/second/archive")
    post(instructor.browser, f"{WS}/modules/third/move", {"direction": "up"})
    authored = _state(db)
    tree = tmp_path / "content"
    shutil.copytree(TEST_CONTENT, tree)
    known = tmp_path / "known.txt"  # the test curriculum's own warnings: nothing new allowed
    courses, _problems = parse_content(tree)
    known.write_text("".join(f"{w.rule} {w.subject}\n" for w in content_warnings(courses)))
    runner = app.test_cli_runner()
    kept = runner.invoke(args=["load-content", "--dir", str(tree)]).output  # before export
    assert "archived" not in kept and _state(db) == authored
    assert "course.toml" in runner.invoke(args=["export-content", "--dir", str(tree)]).output
    strict = ["check-content", "--strict", "--known", str(known), "--dir", str(tree)]
    checked = runner.invoke(args=strict)
    assert checked.exit_code == 0, checked.output
    assert "nothing changed" in runner.invoke(args=["load-content", "--dir", str(tree)]).output
    fresh = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    assert fresh.test_cli_runner().invoke(args=["init-db"]).exit_code == 0
    loaded = fresh.test_cli_runner().invoke(args=["load-content", "--dir", str(tree)])
    assert loaded.exit_code == 0, loaded.output
    from course_app.db import EXTENSION_KEY

    session = fresh.extensions[EXTENSION_KEY]()
    try:
        assert _state(session) == authored
    finally:
        session.close()
    courses, problems = parse_content(tree)
    assert problems == []
