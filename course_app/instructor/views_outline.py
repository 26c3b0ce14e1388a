"""The course outline in the browser: new modules and lessons, their order (up and down
buttons: plain forms, no script needed) and archiving."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from course_app.db import get_session
from course_app.exceptions import DomainError
from course_app.instructor import bp, outline
from course_app.instructor.forms import ConfirmForm, ModuleForm, NewLessonForm
from course_app.instructor.loading import taught_course_or_404
from course_app.modules.models import Course, CourseModule, Lesson
from course_app.standing_store import submit_recompute


def _outline_url(course: Course) -> str:
    return url_for("instructor.course_outline", course_slug=course.slug)


def _modules(course: Course) -> list[CourseModule]:
    query = select(CourseModule).where(CourseModule.course_id == course.id)
    return list(get_session().scalars(query.order_by(CourseModule.position, CourseModule.id)))


@bp.get("/courses/<course_slug>/outline")
def course_outline(course_slug: str):
    """Modules and lessons in course order, archived ones included (marked)."""
    return _render_outline(taught_course_or_404(course_slug), ModuleForm())


def _render_outline(course: Course, form: ModuleForm, status: int = 200):
    lessons = get_session().scalars(
        select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position, Lesson.id)
    )
    by_module: dict[int, list[Lesson]] = {}
    for lesson in lessons:
        by_module.setdefault(lesson.module_id, []).append(lesson)
    return render_template(
        "instructor/outline.html",
        course=course,
        modules=_modules(course),
        lessons=by_module,
        form=form,
    ), status


@bp.post("/courses/<course_slug>/modules")
def create_module(course_slug: str):
    course = taught_course_or_404(course_slug)
    form = ModuleForm()
    if form.validate_on_submit():
        db = get_session()
        try:
            summary = form.summary.data or ""
            outline.create_module(
                db, course, form.slug.data, form.title.data, summary, current_user.id
            )
        except DomainError as error:
            db.rollback()
            form.slug.errors.append(error.message)
        else:
            db.commit()
            submit_recompute(db, [course.id], current_user.id)  # a module with no lesson yet
            flash(f"Module “{form.title.data}” added at the end of the course.", "success")
            return redirect(_outline_url(course))
    return _render_outline(course, form, 400)


@bp.route("/courses/<course_slug>/lessons/new", methods=["GET", "POST"])
def new_lesson(course_slug: str):
    """A new lesson, checked as its file will be, published at the end of its module."""
    course = taught_course_or_404(course_slug)
    live = [module for module in _modules(course) if not module.is_archived]
    form = NewLessonForm(module=request.args.get("module"))
    form.module.choices = [(module.slug, module.title) for module in live]
    references = course.references
    form.sources.choices = [(r["id"], f"{r['id']}: {r['citation'][:80]}") for r in references]
    if form.validate_on_submit():
        db = get_session()
        module = next(module for module in live if module.slug == form.module.data)
        new = outline.NewLesson(
            slug=form.slug.data,
            title=form.title.data,
            minutes=form.minutes.data,
            objectives=form.objective_lines(),
            sources=tuple(form.sources.data),
            markdown=form.body.data,
        )
        try:
            outline.create_lesson(db, course, module, new, current_user.id)
        except DomainError as error:
            db.rollback()
            form.slug.errors.append(error.message)
        else:
            db.commit()
            submit_recompute(db, [course.id], current_user.id)  # one more lesson for everyone
            flash(f"Lesson “{new.title}” published: learners can read it now.", "success")
            return redirect(_outline_url(course))
    return render_template(
        "instructor/new_lesson.html", course=course, form=form
    ), 400 if form.errors else 200


def _module_or_404(course: Course, slug: str) -> CourseModule:
    query = select(CourseModule).where(
        CourseModule.course_id == course.id, CourseModule.slug == slug
    )
    return get_session().scalar(query) or abort(404)


def _lesson_or_404(course: Course, slug: str) -> Lesson:
    query = select(Lesson).where(Lesson.course_id == course.id, Lesson.slug == slug)
    return get_session().scalar(query) or abort(404)


def _change(course: Course, change, done: str, recompute: bool = False):
    """Run one outline change behind a valid CSRF token; commit, or say why not. With
    ``recompute`` (the change moves learners' figures), recompute their standings in the
    background."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    db = get_session()
    try:
        change(db)
    except DomainError as error:
        db.rollback()
        flash(error.message, "error")
        return redirect(_outline_url(course), 303)
    db.commit()
    if recompute:
        submit_recompute(db, [course.id], current_user.id)
    flash(done, "success")
    return redirect(_outline_url(course), 303)


def _step() -> int:
    return {"up": -1, "down": 1}.get(request.form.get("direction", ""), 0)


@bp.post("/courses/<course_slug>/modules/<module_slug>/move")
def move_module(course_slug: str, module_slug: str):
    course = taught_course_or_404(course_slug)
    module = _module_or_404(course, module_slug)
    return _change(
        course,
        lambda db: outline.move_module(db, module, _step(), current_user.id),
        f"Module “{module.title}” moved.",
    )


@bp.post("/courses/<course_slug>/lessons/<lesson_slug>/move")
def move_lesson(course_slug: str, lesson_slug: str):
    course = taught_course_or_404(course_slug)
    lesson = _lesson_or_404(course, lesson_slug)
    return _change(
        course,
        lambda db: outline.move_lesson(db, lesson, _step(), current_user.id),
        f"Lesson “{lesson.title}” moved.",
    )


def _archive_message(title: str, archived: bool) -> str:
    if archived:
        return f"“{title}” archived: learners no longer see it; their progress is kept."
    return f"“{title}” restored: learners see it again."


@bp.post("/courses/<course_slug>/modules/<module_slug>/archive")
def archive_module(course_slug: str, module_slug: str):
    course = taught_course_or_404(course_slug)
    module = _module_or_404(course, module_slug)
    archived = request.form.get("archived") != "no"
    return _change(
        course,
        lambda db: outline.set_archived(db, module, archived, current_user.id),
        _archive_message(module.title, archived),
        recompute=True,
    )


@bp.post("/courses/<course_slug>/lessons/<lesson_slug>/archive")
def archive_lesson(course_slug: str, lesson_slug: str):
    course = taught_course_or_404(course_slug)
    lesson = _lesson_or_404(course, lesson_slug)
    archived = request.form.get("archived") != "no"
    return _change(
        course,
        lambda db: outline.set_archived(db, lesson, archived, current_user.id),
        _archive_message(lesson.title, archived),
        recompute=True,
    )
