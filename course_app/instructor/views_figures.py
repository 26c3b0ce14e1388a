"""Figures in the browser: the course's figures, an upload form (bounded before it is read,
checked as ``check-content`` checks ``media/``), and each figure's page to replace its file
and words or archive it."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from course_app.db import get_session
from course_app.exceptions import DomainError
from course_app.instructor import bp, figures
from course_app.instructor.forms import ConfirmForm, FigureFileForm, FigureForm
from course_app.instructor.loading import taught_course_or_404
from course_app.modules.media import media_url


@bp.route("/courses/<course_slug>/figures", methods=["GET", "POST"])
def course_figures(course_slug: str):
    course = taught_course_or_404(course_slug)
    form = FigureForm()
    if form.validate_on_submit():
        new = _uploaded(form, form.key.data)
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


def _figure_or_404(course, key: str):
    return figures.figure_or_none(get_session(), course, key) or abort(404)


@bp.route("/courses/<course_slug>/figures/<key>", methods=["GET", "POST"])
def figure(course_slug: str, key: str):
    """One figure: replace its file and words (same key, same checks), archive or restore."""
    course = taught_course_or_404(course_slug)
    item = _figure_or_404(course, key)
    form = FigureFileForm(obj=None if request.method == "POST" else item)
    if form.validate_on_submit():
        new = _uploaded(form, item.key)
        db = get_session()
        try:
            figures.replace_figure(db, item, new, current_user.id)
        except DomainError as error:
            db.rollback()
            form.file.errors.append(error.message)
        else:
            db.commit()
            flash(
                f"Figure “{item.key}” replaced: lessons that place it show the new one.", "success"
            )
            return redirect(url_for("instructor.course_figures", course_slug=course.slug), 303)
    url = None if item.is_archived else media_url(course.slug, item.file_name, item.sha256)
    page = render_template("instructor/figure.html", course=course, figure=item, url=url, form=form)
    return page, 400 if form.errors else 200


@bp.post("/courses/<course_slug>/figures/<key>/archive")
def archive_figure(course_slug: str, key: str):
    course = taught_course_or_404(course_slug)
    item = _figure_or_404(course, key)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    archived = request.form.get("archived") != "no"
    db = get_session()
    try:
        figures.set_archived(db, item, archived, current_user.id)
    except DomainError as error:
        db.rollback()
        flash(error.message, "error")
    else:
        db.commit()
        done = "archived: lessons no longer show it" if archived else "restored"
        flash(f"Figure “{item.key}” {done}.", "success")
    return redirect(url_for("instructor.course_figures", course_slug=course.slug), 303)


def _uploaded(form, key: str) -> figures.NewFigure:
    """The figure a form sent (upload or replacement), read no further than the size limit
    plus one byte, so that an oversized file is refused before it is parsed."""
    return figures.NewFigure(
        key=key,
        upload_name=form.file.data.filename or "",
        data=form.file.data.read(figures.MAX_UPLOAD_BYTES + 1),
        title=form.title.data,
        alt=form.alt.data,
        description=form.description.data,
    )
