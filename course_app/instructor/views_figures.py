"""Figures in the browser: the course's figures, and an upload form (bounded before it is
read, checked as ``check-content`` checks ``media/``)."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from course_app.db import get_session
from course_app.exceptions import DomainError
from course_app.instructor import bp, figures
from course_app.instructor.forms import FigureForm
from course_app.instructor.loading import taught_course_or_404
from course_app.modules.media import media_url


@bp.route("/courses/<course_slug>/figures", methods=["GET", "POST"])
def course_figures(course_slug: str):
    course = taught_course_or_404(course_slug)
    form = FigureForm()
    if form.validate_on_submit():
        data = form.file.data.read(figures.MAX_UPLOAD_BYTES + 1)
        new = figures.NewFigure(
            key=form.key.data,
            upload_name=form.file.data.filename or "",
            data=data,
            title=form.title.data,
            alt=form.alt.data,
            description=form.description.data,
        )
        db = get_session()
        try:
            figures.add_figure(db, course, new, current_user.id)
        except DomainError as error:
            db.rollback()
            form.file.errors.append(error.message)
        else:
            db.commit()
            flash(
                f"Figure “{new.key}” added: place it in a lesson with {{{{ figure {new.key} }}}}.",
                "success",
            )
            return redirect(url_for("instructor.course_figures", course_slug=course.slug))
    items = [
        (figure, media_url(course.slug, figure.file_name, figure.sha256))
        for figure in figures.course_figures(get_session(), course)
    ]
    return render_template(
        "instructor/figures.html", course=course, form=form, items=items
    ), 400 if form.errors else 200
