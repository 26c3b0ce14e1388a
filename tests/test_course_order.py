"""Course order and wording: "Next" from a module's last lesson leads to its quiz (and from the
course's last lesson to the final exam); instructors' quiz lists follow the modules' order in
course.toml, not ids or internal names; minutes and hours read as people say them."""

from sqlalchemy import select

from course_app.modules.models import Course, CourseModule
from course_app.progress import LessonItem, ModuleOutline, QuizItem, course_progress
from course_app.quizzes.models import Quiz
from tests.helpers import login, make_user, post, text_of
from tests.test_learning import BASICS, complete, lesson_url

ONE, TWO, THREE = (LessonItem(i, s, s, 10) for i, s in ((1, "one"), (2, "two"), (3, "three")))
QUIZ_A, QUIZ_B, FINAL = QuizItem(1, "a", "A"), QuizItem(2, "b", "B"), QuizItem(3, "final", "F")


def test_next_after_a_modules_last_lesson_is_its_quiz():
    modules = (
        ModuleOutline(1, "m1", "M1", (ONE, TWO), QUIZ_A),
        ModuleOutline(2, "m2", "M2", (THREE,), None),
    )
    progress = course_progress(modules, frozenset(), final_exam=FINAL)
    assert progress.step_after(1) == TWO
    assert progress.step_after(2) == QUIZ_A
    assert progress.step_after(3) == FINAL  # the last module has no quiz: the final exam
    with_quiz = course_progress((ModuleOutline(1, "m1", "M1", (ONE,), QUIZ_B),), frozenset())
    assert with_quiz.step_after(1) == QUIZ_B
    assert course_progress((ModuleOutline(1, "m", "M", (ONE,)),), frozenset()).step_after(1) is None


def test_next_and_completing_lead_through_the_module_quiz(client, db, content):
    make_user(db)
    login(client, "learner@example.org")
    post(client, f"{BASICS}/enrol")
    page = text_of(client.get(lesson_url(BASICS, "two")))  # the first module's last lesson
    assert f'href="{BASICS}/quizzes/first" rel="next"' in page
    assert "20 minutes" in page
    complete(client, BASICS, "one")
    done = complete(client, BASICS, "two")
    assert done.headers["Location"].endswith(f"{BASICS}/quizzes/first")


def test_the_instructors_quiz_list_follows_the_course_order(app, db, instructor):
    first, second = db.scalars(
        select(CourseModule)
        .join(Course, Course.id == CourseModule.course_id)
        .where(Course.slug == "basics")
        .order_by(CourseModule.position)
    ).all()
    first.position, second.position = 2, 1  # the course now teaches "second" first
    db.commit()
    page = text_of(instructor.browser.get("/instructor/courses/basics/quizzes"))
    by_module = dict(db.execute(select(Quiz.module_id, Quiz.title)).all())
    assert page.index(by_module[second.id]) < page.index(by_module[first.id])
    assert page.index(by_module[first.id]) < page.index(by_module[None])  # the final last
