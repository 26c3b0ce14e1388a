"""Authoring: lessons (draft, live preview, publish, history with diff, restore), questions
(edit as a new version, preview) and quiz settings."""

from dataclasses import replace

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from course_app import permissions
from course_app.db import get_session
from course_app.exceptions import DomainError
from course_app.instructor import authoring, bp, item_review
from course_app.instructor.forms import (
    LessonForm,
    NewQuestionForm,
    QuestionForm,
    settings_form_for,
)
from course_app.instructor.loading import taught_course_or_404
from course_app.markdown import render_markdown
from course_app.modules.media import media_of
from course_app.modules.models import Course, CourseModule, Lesson
from course_app.quizzes import services as quiz_services
from course_app.quizzes.draw import BlueprintRow
from course_app.quizzes.grading import QuestionType, Scoring
from course_app.quizzes.models import Question, QuestionVersion, Quiz, is_current_version
from course_app.quizzes.rules import FeedbackPolicy
from course_app.standing_store import submit_recompute

PREVIEW_LIMIT = 200_000


@bp.post("/preview")
def preview():
    """Render Markdown exactly as learners will see it (for the editor's live preview)."""
    text = request.form.get("markdown", "")[:PREVIEW_LIMIT]
    return jsonify(html=render_markdown(text, _figures_for_preview(request.args.get("course"))))


def _figures_for_preview(course_slug: str | None):
    """The figures of the course being edited, if the user teaches it (none otherwise)."""
    db = get_session()
    course = db.scalar(select(Course).where(Course.slug == course_slug)) if course_slug else None
    if course is None or not permissions.can_teach(current_user, course.id):
        return {}
    return media_of(db, course)


@bp.get("/courses/<course_slug>/lessons")
def lessons(course_slug: str):
    """Every lesson of the course, by module, with its editing state."""
    course = taught_course_or_404(course_slug)
    rows = (
        get_session()
        .execute(
            select(Lesson, CourseModule)
            .join(CourseModule, CourseModule.id == Lesson.module_id)
            .where(Lesson.course_id == course.id, ~Lesson.is_archived)
            .order_by(CourseModule.position, Lesson.position)
        )
        .all()
    )
    return render_template("instructor/lessons.html", course=course, rows=rows)


def _lesson_or_404(course: Course, lesson_slug: str) -> Lesson:
    query = select(Lesson).where(Lesson.course_id == course.id, Lesson.slug == lesson_slug)
    return get_session().scalar(query) or abort(404)


@bp.route("/courses/<course_slug>/lessons/<lesson_slug>/edit", methods=["GET", "POST"])
def edit_lesson(course_slug: str, lesson_slug: str):
    """The editor: save a draft, preview, or publish what learners read."""
    course = taught_course_or_404(course_slug)
    lesson = _lesson_or_404(course, lesson_slug)
    text = lesson.draft_markdown if lesson.draft_markdown is not None else lesson.body_markdown
    form = LessonForm(title=lesson.title, body=text)
    action = request.form.get("action", "preview")
    if form.validate_on_submit() and action in ("draft", "publish"):
        return _save_lesson(course, lesson, form, action)
    status = 400 if form.errors else 200
    return render_template(
        "instructor/edit_lesson.html",
        course=course,
        lesson=lesson,
        form=form,
        preview_html=render_markdown(form.body.data or "", media_of(get_session(), course)),
    ), status


def _save_lesson(course: Course, lesson: Lesson, form: LessonForm, action: str):
    db = get_session()
    try:
        if action == "publish":
            number = authoring.publish(
                db, lesson, form.title.data.strip(), form.body.data, current_user.id
            )
            message = _(
                "Published as revision %(number)d: learners now read this version.", number=number
            )
        else:
            authoring.save_draft(db, lesson, form.body.data, current_user.id)
            message = _("Draft saved. Learners still read the published version.")
    except DomainError as error:
        db.rollback()
        flash(error.message, "error")
        return redirect(
            url_for("instructor.edit_lesson", course_slug=course.slug, lesson_slug=lesson.slug), 303
        )
    db.commit()
    flash(message, "success")
    return redirect(
        url_for("instructor.edit_lesson", course_slug=course.slug, lesson_slug=lesson.slug)
    )


@bp.get("/courses/<course_slug>/lessons/<lesson_slug>/history")
def lesson_history(course_slug: str, lesson_slug: str):
    """Every published revision, newest first."""
    course = taught_course_or_404(course_slug)
    lesson = _lesson_or_404(course, lesson_slug)
    return render_template(
        "instructor/history.html",
        course=course,
        lesson=lesson,
        revisions=authoring.revisions(get_session(), lesson),
    )


@bp.get("/courses/<course_slug>/lessons/<lesson_slug>/history/<int:number>")
def lesson_revision(course_slug: str, lesson_slug: str, number: int):
    """One revision compared with the published text."""
    course = taught_course_or_404(course_slug)
    lesson = _lesson_or_404(course, lesson_slug)
    revision = authoring.find_revision(get_session(), lesson, number) or abort(404)
    return render_template(
        "instructor/revision.html",
        course=course,
        lesson=lesson,
        revision=revision,
        diff=authoring.line_diff(revision.body_markdown, lesson.body_markdown),
    )


@bp.post("/courses/<course_slug>/lessons/<lesson_slug>/history/<int:number>/restore")
def restore_revision(course_slug: str, lesson_slug: str, number: int):
    """Put an old revision back as the draft; publishing it is a separate, deliberate step."""
    course = taught_course_or_404(course_slug)
    lesson = _lesson_or_404(course, lesson_slug)
    db = get_session()
    revision = authoring.find_revision(db, lesson, number) or abort(404)
    authoring.restore(db, lesson, revision, current_user.id)
    db.commit()
    flash(
        _(
            "Revision %(number)d is now the draft. Review it and publish when ready.",
            number=number,
        ),
        "success",
    )
    return redirect(
        url_for("instructor.edit_lesson", course_slug=course.slug, lesson_slug=lesson.slug)
    )


def _question_or_404(course: Course, key: str) -> tuple[Question, QuestionVersion, Quiz]:
    """The question, its current version, and its module's quiz (whose objectives and topics
    it names, also when it sits in the final exam's bank)."""
    db = get_session()
    row = db.execute(
        select(Question, QuestionVersion, Quiz)
        .join(
            QuestionVersion,
            is_current_version(),
        )
        .join(Quiz, Quiz.module_id == Question.module_id)
        .where(Question.course_id == course.id, Question.key == key)
    ).first()
    return (row[0], row[1], row[2]) if row else abort(404)


def _vocabulary(form: QuestionForm, course: Course, quiz: Quiz) -> QuestionForm:
    """The choices a question of ``quiz``'s module may name."""
    form.source.choices = [(r["id"], f"{r['id']}: {r['citation'][:80]}") for r in course.references]
    form.objective.choices = [(key, text) for key, text in quiz.objectives.items()]
    form.topic.choices = [("", "No topic")] + [(key, text) for key, text in quiz.topics.items()]
    return form


def _question_form(course: Course, quiz: Quiz, version: QuestionVersion) -> QuestionForm:
    options = [{"text": o["text"], "correct": o["correct"]} for o in version.options]
    answer = next((o["key"] for o in version.options if o["correct"]), None)
    form = QuestionForm(
        prompt=version.prompt,
        options=options if version.type != "true-false" else [],
        answer=answer,
        rationale=version.rationale,
        source=version.source,
        objective=version.objective,
        topic=version.topic or "",
        must_pass=version.must_pass,
        required=version.required,
    )
    return _vocabulary(form, course, quiz)


@bp.route("/courses/<course_slug>/questions/<key>/edit", methods=["GET", "POST"])
def edit_question(course_slug: str, key: str):
    """Edit a question: saving makes a new version; past attempts keep theirs."""
    course = taught_course_or_404(course_slug)
    question, version, quiz = _question_or_404(course, key)
    form = _question_form(course, quiz, version)
    if form.validate_on_submit():
        db = get_session()
        try:
            new = authoring.edit_question(
                db, question, version, _edit_from(form, version.type), current_user.id
            )
        except DomainError as error:
            db.rollback()
            form.prompt.errors.append(error.message)
        else:
            db.commit()
            flash(
                f"Saved as version {new.number} of “{key}”; past attempts keep their version.",
                "success",
            )
            return redirect(
                url_for("instructor.preview_question", course_slug=course.slug, key=key)
            )
    return render_template(
        "instructor/edit_question.html",
        course=course,
        question=question,
        version=version,
        form=form,
        findings=item_review.question_findings(get_session(), course, key),
    ), 400 if form.errors else 200


def _edit_from(form: QuestionForm, kind: str) -> authoring.QuestionEdit:
    if kind == QuestionType.TRUE_FALSE:
        if form.answer.data not in ("true", "false"):
            raise DomainError("Choose whether the statement is true or false.")
        rows = (("true", form.answer.data == "true"),)
    else:
        rows = tuple(
            (entry.form.text.data.strip(), bool(entry.form.correct.data))
            for entry in form.options
            if (entry.form.text.data or "").strip()
        )
    return authoring.QuestionEdit(
        prompt=form.prompt.data.strip(),
        options=rows,
        rationale=form.rationale.data.strip(),
        source=form.source.data,
        objective=form.objective.data,
        must_pass=form.must_pass.data,
        topic=form.topic.data or None,
        required=form.required.data,
    )


@bp.route("/courses/<course_slug>/quizzes/<quiz_slug>/questions/new", methods=["GET", "POST"])
def new_question(course_slug: str, quiz_slug: str):
    """Add a question to a quiz's bank. A final exam's question first names its module (whose
    objectives and topics it uses): without ``?module=`` the page asks which."""
    course = taught_course_or_404(course_slug)
    db = get_session()
    quiz = quiz_services.find_quiz(db, course.id, quiz_slug) or abort(404)
    vocabulary = quiz
    if quiz.is_final_exam:
        modules = quiz_services.module_quizzes(db, course.id)
        vocabulary = modules.get(request.args.get("module", ""))
        if vocabulary is None:
            return render_template(
                "instructor/choose_module.html", course=course, quiz=quiz, modules=modules
            )
    form = _vocabulary(NewQuestionForm(), course, vocabulary)
    if form.validate_on_submit():
        kind = QuestionType(form.type.data)
        try:
            edit = _edit_from(form, kind)
            authoring.create_question(
                db, quiz, vocabulary.module_id, form.key.data, kind, edit, current_user.id
            )
        except DomainError as error:
            db.rollback()
            form.key.errors.append(error.message)
        else:
            db.commit()
            flash(f"Question “{form.key.data}” added to the bank.", "success")
            return redirect(
                url_for("instructor.preview_question", course_slug=course.slug, key=form.key.data)
            )
    return render_template(
        "instructor/new_question.html",
        course=course,
        quiz=quiz,
        form=form,
        module=vocabulary.module if quiz.is_final_exam else None,
    ), 400 if form.errors else 200


@bp.get("/courses/<course_slug>/questions/<key>/preview")
def preview_question(course_slug: str, key: str):
    """The question as a learner sees it in an attempt (options in authored order)."""
    course = taught_course_or_404(course_slug)
    question, version, _quiz = _question_or_404(course, key)
    return render_template(
        "instructor/preview_question.html",
        course=course,
        question=question,
        version=version,
        findings=item_review.question_findings(get_session(), course, key),
    )


def _draw_rows(quiz: Quiz, course: Course) -> list[tuple[str, BlueprintRow]]:
    """(label, row with a zero count) for each blueprint field of the settings form: per
    objective and per topic for a module quiz, per module for a final exam, and any other row
    the file has (so saving never drops one)."""
    if quiz.module_id:
        objectives, topics = quiz.objectives.items(), quiz.topics.items()
        rows = [(f"objective “{text}”", BlueprintRow(0, objective=k)) for k, text in objectives]
        rows += [(f"topic “{text}”", BlueprintRow(0, topic=k)) for k, text in topics]
    else:
        modules = get_session().scalars(
            select(CourseModule)
            .where(CourseModule.course_id == course.id, ~CourseModule.is_archived)
            .order_by(CourseModule.position)
        )
        rows = [(module.title, BlueprintRow(0, module=module.slug)) for module in modules]
    known = {_row_key(row) for _label, row in rows}
    for saved in quiz.blueprint:
        row = BlueprintRow(**{**saved, "count": 0})
        if _row_key(row) not in known:
            label = ", ".join(f"{k} {v}" for k, v in saved.items() if k != "count" and v)
            rows.append((label, row))
    return rows


def _row_key(row: BlueprintRow) -> tuple[str | None, str | None, str | None]:
    return row.module, row.objective, row.topic


@bp.route("/courses/<course_slug>/quizzes/<quiz_slug>/settings", methods=["GET", "POST"])
def quiz_settings(course_slug: str, quiz_slug: str):
    """Pass mark, attempts, cooldown, time limit, shuffling, feedback and the draw blueprint."""
    course = taught_course_or_404(course_slug)
    quiz = quiz_services.find_quiz(get_session(), course.id, quiz_slug) or abort(404)
    rows = _draw_rows(quiz, course)
    form = _settings_form(quiz, rows)
    if form.validate_on_submit():
        db = get_session()
        try:
            authoring.update_quiz_settings(db, quiz, _settings_from(form, rows), current_user.id)
        except DomainError as error:
            db.rollback()
            form.pass_mark.errors.append(error.message)
        else:
            db.commit()
            submit_recompute(db, [course.id], current_user.id)  # a time limit is CE minutes
            flash(
                "Settings saved. Attempts already started keep the settings they began with.",
                "success",
            )
            return redirect(url_for("instructor.quizzes", course_slug=course.slug))
    draw_fields = [form[f"draw_{i}"] for i in range(len(rows))]
    return render_template(
        "instructor/quiz_settings.html",
        course=course,
        quiz=quiz,
        form=form,
        draw_fields=draw_fields,
    ), 400 if form.errors else 200


def _settings_form(quiz: Quiz, rows):
    counts = {_row_key(BlueprintRow(**saved)): saved["count"] for saved in quiz.blueprint}
    drawn_all = not quiz.blueprint
    defaults = {
        f"draw_{i}": counts.get(_row_key(row), 0 if not drawn_all else None)
        for i, (_label, row) in enumerate(rows)
    }
    form_class = settings_form_for([label for label, _row in rows])
    return form_class(obj=quiz, **{k: v for k, v in defaults.items() if v is not None})


def _settings_from(form, rows) -> authoring.QuizSettingsEdit:
    blueprint = tuple(
        replace(row, count=form[f"draw_{i}"].data)
        for i, (_label, row) in enumerate(rows)
        if form[f"draw_{i}"].data
    )
    return authoring.QuizSettingsEdit(
        pass_mark=form.pass_mark.data,
        max_attempts=form.max_attempts.data,
        cooldown_minutes=form.cooldown_minutes.data,
        time_limit_minutes=form.time_limit_minutes.data,
        shuffle_questions=form.shuffle_questions.data,
        feedback=FeedbackPolicy(form.feedback.data),
        must_pass_fails_attempt=form.must_pass_fails_attempt.data,
        scoring=Scoring(form.scoring.data),
        blueprint=blueprint,
    )
