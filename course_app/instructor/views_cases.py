"""Case vignettes in the browser: a quiz's cases, and a form to write or edit one."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from course_app.db import get_session
from course_app.exceptions import DomainError
from course_app.instructor import bp, cases
from course_app.instructor.forms import CaseForm
from course_app.instructor.loading import taught_course_or_404
from course_app.quizzes import services as quiz_services


@bp.route("/courses/<course_slug>/quizzes/<quiz_slug>/cases", methods=["GET", "POST"])
def quiz_cases(course_slug: str, quiz_slug: str):
    course = taught_course_or_404(course_slug)
    db = get_session()
    quiz = quiz_services.find_quiz(db, course.id, quiz_slug) or abort(404)
    written = cases.cases_of(db, quiz)
    editing = next((c for c in written if c.key == request.args.get("case")), None)
    form = CaseForm(
        data={"key": editing.key, "title": editing.title, "text": editing.text}
        | {"questions": list(editing.questions)}
        if editing and request.method == "GET"
        else None
    )
    form.questions.choices = [
        (question.key, f"{question.key}: {version.prompt[:90]}")
        for question, version in cases.bank(db, quiz)
    ]
    if form.validate_on_submit():
        case = cases.Case(
            form.key.data, form.title.data, form.text.data, tuple(form.questions.data)
        )
        try:
            changed = cases.write_case(db, quiz, case, current_user.id)
        except DomainError as error:
            db.rollback()
            form.key.errors.append(error.message)
        else:
            db.commit()
            flash(
                f"Case “{case.title}” saved; {changed} question(s) got a new version "
                "(past attempts keep theirs).",
                "success",
            )
            return redirect(
                url_for("instructor.quiz_cases", course_slug=course.slug, quiz_slug=quiz.slug)
            )
    return render_template(
        "instructor/cases.html", course=course, quiz=quiz, cases=written, form=form
    ), 400 if form.errors else 200
