"""Quiz pages: overview, start, take (save, submit), review; and extra-time settings for staff.

An attempt belongs to one learner: anyone else gets 404, as if it did not exist.
"""

import re
from collections.abc import Mapping
from dataclasses import replace

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError
from sqlalchemy import select

from course_app import permissions
from course_app.auth.models import Role, User
from course_app.auth.services import find_by_email
from course_app.bounded import bounded_int
from course_app.certificates import services as certificates
from course_app.certificates.issuer import current_issuer
from course_app.db import get_session, utcnow
from course_app.errors import csrf_error_page
from course_app.i18n.times import local_datetime
from course_app.modules import services as learning
from course_app.modules.localized import localized_version, reader_language
from course_app.modules.models import Enrollment
from course_app.quizzes import accommodations as accommodations_service
from course_app.quizzes import answering, bp, idempotency, services
from course_app.quizzes.forms import AccommodationForm
from course_app.quizzes.models import Attempt
from course_app.quizzes.rules import GRACE

ANSWER_FIELD = re.compile(r"^q(\d{1,4})$")
#: Where answers that could not be saved (expired form or session) wait for the learner.
PENDING_KEY = "pending_answers"


def _course_or_404(course_slug: str) -> learning.CourseStatus:
    status = learning.course_statuses(get_session(), current_user.id).get(course_slug)
    return status or abort(404)


def _quiz_status(course_slug: str, quiz_slug: str) -> services.QuizStatus:
    course = _course_or_404(course_slug)
    quiz = services.find_quiz(get_session(), course.course.id, quiz_slug) or abort(404)
    permissions.check_course_open(current_user, course)
    return services.quiz_status(
        get_session(), current_user.id, quiz, course, utcnow(), local_datetime
    )


def _own_attempt(attempt_id: int) -> Attempt:
    attempt = services.load_attempt(get_session(), current_user.id, attempt_id)
    return attempt or abort(404)


@bp.get("/courses/<course_slug>/quizzes/<quiz_slug>")
@login_required
def overview(course_slug: str, quiz_slug: str):
    """The quiz's rules, the learner's attempts, and the start or continue button."""
    status = _quiz_status(course_slug, quiz_slug)
    get_session().commit()  # attempts whose time ran out were just graded
    return render_template("quizzes/overview.html", status=status, grace=GRACE)


@bp.post("/courses/<course_slug>/quizzes/<quiz_slug>/start")
@login_required
def start(course_slug: str, quiz_slug: str):
    """Start an attempt (or continue the open one); the same form sent again only shows the
    attempt it started."""
    status = _quiz_status(course_slug, quiz_slug)
    db = get_session()
    key = _posted_key()
    if (earlier := idempotency.acted_on(db, current_user.id, key)) is not None:
        return redirect(url_for("quizzes.attempt", attempt_id=earlier))
    try:
        attempt = services.start_attempt(db, current_user.id, status, utcnow())
    except answering.QuizError as error:
        db.commit()  # keep any attempt graded on the way (time ran out)
        flash(error.message, "error")
        return redirect(url_for("quizzes.overview", course_slug=course_slug, quiz_slug=quiz_slug))
    if attempt.language is None:
        attempt.language = reader_language()  # what it was shown in; grading ignores it
    idempotency.remember(db, current_user.id, key, "start", attempt.id)
    db.commit()
    return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))


@bp.get("/attempts/<int:attempt_id>")
@login_required
def attempt(attempt_id: int):
    """The attempt: a form while it is open, the result once it is graded."""
    attempt = _own_attempt(attempt_id)
    db = get_session()
    if answering.close_if_expired(db, attempt, utcnow()):
        db.commit()
        flash(_("Time is up: your attempt was graded with the answers saved by then."), "info")
    items = answering.shown_items(db, attempt)
    # The reader's language: the words only; option keys and their order are the attempt's.
    shown = [replace(item, version=localized_version(item.version)) for item in items]
    if attempt.is_open:
        saved = {item.item.position: item.chosen for item in items}
        answers = _take_pending(attempt, items) or saved
        return render_template(
            "quizzes/attempt.html", attempt=attempt, items=shown, answers=answers
        )
    references = {ref["id"]: ref["citation"] for ref in attempt.quiz.course.references}
    return render_template(
        "quizzes/result.html",
        attempt=attempt,
        items=shown,
        references=references,
        regrades=services.regrades_of(db, attempt.id),
        shows_feedback=services.shows_feedback_for(db, attempt),
        objectives=services.objective_scores(db, attempt),
    )


@bp.post("/attempts/<int:attempt_id>/save")
@login_required
def save(attempt_id: int):
    """Save the answers so far: the Save button, or the page's script on every change."""
    db = get_session()
    answers = _posted_answers(request.form)
    try:
        if not answering.save_answers(db, current_user.id, attempt_id, answers, utcnow()):
            abort(404)
    except answering.QuizError as error:
        db.commit()  # an attempt closed on the way stays closed
        return _refused(attempt_id, error.message)
    db.commit()
    if _wants_json():
        saved_at = local_datetime(utcnow())
        return jsonify(saved=True, message=_("Answers saved at %(when)s.", when=saved_at))
    flash(_("Your answers are saved. You can come back to this attempt later."), "success")
    return redirect(url_for("quizzes.attempt", attempt_id=attempt_id))


@bp.post("/attempts/<int:attempt_id>/submit")
@login_required
def submit(attempt_id: int):
    """Grade the attempt. A repeated submit changes nothing and shows the same result; the
    same form sent again is not even looked at twice (its idempotency key)."""
    attempt = _own_attempt(attempt_id)
    db = get_session()
    key = _posted_key()
    if idempotency.acted_on(db, current_user.id, key) is not None:
        return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))
    try:
        result = answering.submit_attempt(db, attempt, _posted_answers(request.form), utcnow())
    except answering.QuizError as error:
        db.rollback()
        return _refused(attempt.id, error.message)
    idempotency.remember(db, current_user.id, key, "submit", attempt.id)
    db.commit()
    if result is not None and result.passed:  # only a pass can complete a course
        _auto_issue(attempt.quiz.course_id, attempt.user_id)
    return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))


def _auto_issue(course_id: int, learner_id: int) -> None:
    """A passed final exam can complete the course: issue the certificate if the course says so."""
    db = get_session()
    if certificates.auto_issue(db, course_id, learner_id, current_issuer):
        db.commit()
        flash(_("Your certificate has been issued: see Certificates."), "success")


def _posted_key() -> str | None:
    try:
        return idempotency.posted_key(request.form)
    except idempotency.BadKey:
        abort(400)


def _posted_answers(form: Mapping) -> dict[int, list[str]]:
    answers = {}
    for name in form:
        found = ANSWER_FIELD.match(name)
        if found:
            answers[int(found.group(1))] = form.getlist(name)
    return answers


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _refused(attempt_id: int, message: str):
    if _wants_json():
        return jsonify(saved=False, message=message), 409
    flash(message, "error")
    return redirect(url_for("quizzes.attempt", attempt_id=attempt_id), 303)


@bp.errorhandler(CSRFError)
def keep_answers_of_expired_form(error: CSRFError):
    """A long quiz can outlive its form or the login: keep the answers, ask to send again.

    The answers wait in the (signed) session, are shown filled in, and are stored only when
    the learner presses Save again: an expired form never writes anything by itself.
    """
    found = request.view_args or {}
    if request.endpoint not in {"quizzes.save", "quizzes.submit"} or "attempt_id" not in found:
        return csrf_error_page(error)
    if current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
        # No session came with it (a cross-site form: SameSite=Lax keeps the cookie back):
        # starting one here would replace the visitor's own cookie and log them out.
        return csrf_error_page(error)
    session[PENDING_KEY] = {
        "attempt": found["attempt_id"],
        "answers": _posted_answers(request.form),
    }
    message = "Your answers were not saved: the page had expired. They are filled in below."
    if _wants_json():
        return jsonify(saved=False, message=message + " Press Save answers."), 400
    flash(message + " " + _("Check them and press Save answers."), "error")
    return redirect(url_for("quizzes.attempt", attempt_id=found["attempt_id"]))


def _take_pending(attempt: Attempt, items) -> dict[int, frozenset[str]] | None:
    """The answers an expired form sent, as option keys (the form sent places on the page)."""
    pending = session.get(PENDING_KEY)
    if not pending or pending.get("attempt") != attempt.id:
        return None
    session.pop(PENDING_KEY)
    orders = {shown.item.position: shown.item.option_order for shown in items}
    answers = {}
    for position, served in pending["answers"].items():
        keys = answering.chosen_keys(orders.get(int(position), ()), served)
        answers[int(position)] = keys or frozenset()  # an impossible value shows unticked
    return answers


def _address_of(db, learner_id: int | None) -> str | None:
    """The learner's address, if the person asking may see it (else nothing is filled in)."""
    learner = db.get(User, learner_id) if learner_id else None
    if learner is None or learner.role != Role.LEARNER:
        return None
    enrolled = frozenset(
        db.scalars(select(Enrollment.course_id).where(Enrollment.user_id == learner.id))
    )
    return learner.email if permissions.can_see_learner(current_user, enrolled) else None


@bp.route("/staff/accommodations", methods=["GET", "POST"])
@login_required
def accommodations():
    """Extra time on timed quizzes for learners who need it (instructors and admins)."""
    permissions.require(permissions.can_set_accommodations(current_user))
    db = get_session()
    form = AccommodationForm()
    if request.method == "GET":  # from a learner's page: their address filled in, not typed
        form.email.data = _address_of(db, request.args.get("learner", type=bounded_int))
    if form.validate_on_submit():
        learner = find_by_email(db, form.email.data)
        if learner is None or learner.role != Role.LEARNER:
            form.email.errors.append("No learner has this e-mail address.")
        else:
            multiplier = float(form.multiplier.data)  # the form gives a Decimal
            note = form.note.data or ""
            accommodations_service.set_accommodation(
                db, learner.id, multiplier, note, current_user.id
            )
            db.commit()
            flash(f"Extra time for {learner.full_name} is now ×{multiplier:g}.", "success")
            return redirect(url_for("quizzes.accommodations"))
    return render_template(
        "quizzes/accommodations.html", form=form, rows=accommodations_service.accommodations(db)
    ), 400 if form.errors else 200
