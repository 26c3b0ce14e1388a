"""Workspace home, cohorts, members and the practical sign-off."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from course_app import permissions
from course_app.booking import services as booking
from course_app.certificates import services as certificates
from course_app.certificates.issuer import current_issuer
from course_app.db import get_session, utcnow
from course_app.exceptions import DomainError
from course_app.i18n import N_
from course_app.instructor import bp, candidates, cohorts, signoff_sheet
from course_app.instructor.forms import (
    CohortForm,
    ConfirmForm,
    ConfirmSignoffForm,
    HoursForm,
    MemberForm,
    SignoffForm,
)
from course_app.instructor.loading import (
    run_cohort_or_404,
    taught_course_or_404,
    workspace_courses,
)
from course_app.modules.services import checklist_of
from course_app.practical import signoff_days


@bp.before_request
@login_required
def _staff_only():
    permissions.require(
        permissions.can_use_workspace(current_user),
        N_("The instructor workspace is for instructors and administrators."),
    )


@bp.get("/")
def index():
    """The courses this instructor teaches, with links to each tool."""
    return render_template("instructor/index.html", courses=workspace_courses())


@bp.route("/courses/<course_slug>/cohorts", methods=["GET", "POST"])
def course_cohorts(course_slug: str):
    """A course's cohorts, and the form to create one."""
    course = taught_course_or_404(course_slug)
    form, db = CohortForm(), get_session()
    if form.validate_on_submit():
        data = cohorts.CohortData(
            form.name.data.strip(),
            form.starts_on.data,
            form.ends_on.data,
            form.location.data.strip(),
            form.capacity.data,
            float(form.lab_hours.data),
            form.instructor_emails(),
        )
        try:
            cohort = cohorts.create_cohort(db, course, data, current_user)
        except DomainError as error:
            db.rollback()
            form.name.errors.append(error.message)
        else:
            db.commit()
            flash(_("Cohort “%(name)s” created.", name=cohort.name), "success")
            return redirect(url_for("instructor.cohort", cohort_id=cohort.id))
    rows = cohorts.cohorts_of(db, course.id)
    status = 400 if form.errors else 200
    return render_template("instructor/cohorts.html", course=course, rows=rows, form=form), status


@bp.route("/cohorts/<int:cohort_id>", methods=["GET", "POST"])
def cohort(cohort_id: int):
    """The roster with each learner's practical status, and the form to add a learner."""
    cohort = run_cohort_or_404(cohort_id)
    form, db = MemberForm(), get_session()
    if form.validate_on_submit():
        try:
            learner = cohorts.add_member(db, cohort, form.email.data, current_user.id)
        except DomainError as error:
            db.rollback()
            form.email.errors.append(error.message)
        else:
            db.commit()
            flash(_("%(name)s added to the cohort.", name=learner.full_name), "success")
            return redirect(url_for("instructor.cohort", cohort_id=cohort.id))
    return render_template(
        "instructor/cohort.html",
        cohort=cohort,
        roster=cohorts.roster(db, cohort),
        instructors=cohorts.cohort_instructors(db, cohort.id),
        checklist=checklist_of(cohort.course),
        form=form,
        find=request.args.get("find", ""),
        found=candidates.addable_learners(db, cohort, request.args.get("find", "")),
        waitlist=booking.waitlist_of(db, cohort.id),
        targets=[c for c, _n in cohorts.cohorts_of(db, cohort.course_id) if c.id != cohort.id],
    ), 400 if form.errors else 200


def _member_or_404(cohort_id: int, learner_id: int):
    return cohorts.find_member(get_session(), cohort_id, learner_id) or abort(404)


def _practical_page(cohort, learner, sheet=None, hours_form=None, status=200):
    """One learner's practical: hours, every competency in one form with its earlier
    results, and the second assessor's confirmations. ``sheet`` re-shows a refused post:
    (posted lines by key, problems by key)."""
    db = get_session()
    row = next(r for r in cohorts.roster(db, cohort) if r.learner.id == learner.id)
    today = utcnow().date()
    posted, problems = sheet or ({}, {})
    hours_form = hours_form or HoursForm(formdata=None, hours=row.member.practical_hours)
    return render_template(
        "instructor/practical.html",
        cohort=cohort,
        row=row,
        checklist=checklist_of(cohort.course),
        days=signoff_days(cohorts.facts(cohort), today),
        default_day=signoff_sheet.default_day(cohort, today),
        earlier=signoff_sheet.earlier_results(db, cohort, learner),
        posted=posted,
        problems=problems,
        hours_form=hours_form,
        confirm_day=signoff_sheet.default_day(cohort, today),
        assessors=cohorts.assessor_names(db, row.results.values()),
    ), status


@bp.get("/cohorts/<int:cohort_id>/learners/<int:learner_id>")
def practical(cohort_id: int, learner_id: int):
    """One learner's practical: each competency's result and the hours attended."""
    cohort = run_cohort_or_404(cohort_id)
    _member, learner = _member_or_404(cohort.id, learner_id)
    return _practical_page(cohort, learner)


@bp.post("/cohorts/<int:cohort_id>/learners/<int:learner_id>/competencies/<key>")
def sign_off(cohort_id: int, learner_id: int, key: str):
    """Record one competency's result (pass / not yet) for one learner."""
    cohort = run_cohort_or_404(cohort_id)
    _member, learner = _member_or_404(cohort.id, learner_id)
    form, db = SignoffForm(prefix=key), get_session()
    if form.validate_on_submit():
        data = cohorts.SignoffData(
            key, form.result.data, form.assessed_on.data, form.notes.data or ""
        )
        try:
            cohorts.record_signoff(db, cohort, learner, data, current_user.id, utcnow().date())
        except DomainError as error:
            db.rollback()
            flash(error.message, "error")
            return _practical_page(cohort, learner, status=400)
        return _recorded(cohort, learner, _("Result recorded."))
    for errors in form.errors.values():
        flash(" ".join(str(error) for error in errors), "error")  # lazy texts too
    return _practical_page(cohort, learner, status=400)


@bp.post("/cohorts/<int:cohort_id>/learners/<int:learner_id>/signoffs")
def sign_off_sheet(cohort_id: int, learner_id: int):
    """Record the whole sheet: each competency's result ("all passed" fills the blanks that
    are not passed yet), all or none."""
    cohort = run_cohort_or_404(cohort_id)
    _member, learner = _member_or_404(cohort.id, learner_id)
    form, db = ConfirmForm(), get_session()
    if not form.validate_on_submit():
        flash(_("The form had expired. Please send it again."), "error")
        return _practical_page(cohort, learner, status=400)
    posted = {
        item.key: signoff_sheet.SheetEntry(
            request.form.get(f"result-{item.key}", ""),
            request.form.get(f"day-{item.key}", ""),
            request.form.get(f"notes-{item.key}", ""),
        )
        for item in checklist_of(cohort.course)
    }
    all_passed = request.form.get("all_passed") == "1"
    problems = signoff_sheet.record_sheet(
        db, cohort, learner, posted, all_passed, current_user.id, utcnow().date()
    )
    if problems:
        db.rollback()
        flash(_("Nothing was recorded: correct the competencies marked below."), "error")
        return _practical_page(cohort, learner, sheet=(posted, problems), status=400)
    return _recorded(cohort, learner, _("Results recorded."))


def _recorded(cohort, learner, message: str):
    """Commit a practical change; it may complete the course: issue if the course says so."""
    db = get_session()
    db.commit()
    if certificates.auto_issue(db, cohort.course_id, learner.id, current_issuer):
        db.commit()
        flash(
            _("%(name)s is now eligible: the certificate was issued.", name=learner.full_name),
            "success",
        )
    flash(message, "success")
    return redirect(url_for("instructor.practical", cohort_id=cohort.id, learner_id=learner.id))


@bp.post("/cohorts/<int:cohort_id>/learners/<int:learner_id>/hours")
def practical_hours(cohort_id: int, learner_id: int):
    """Record the in-person hours a learner attended."""
    cohort = run_cohort_or_404(cohort_id)
    member, learner = _member_or_404(cohort.id, learner_id)
    form, db = HoursForm(), get_session()
    if not form.validate_on_submit():
        return _practical_page(cohort, learner, hours_form=form, status=400)
    try:
        cohorts.set_practical_hours(
            db, cohort, member, float(form.hours.data), current_user.id, utcnow().date()
        )
    except DomainError as error:
        db.rollback()
        form.hours.errors.append(error.message)
        return _practical_page(cohort, learner, hours_form=form, status=400)
    return _recorded(cohort, learner, _("Practical hours recorded."))


@bp.post("/cohorts/<int:cohort_id>/learners/<int:learner_id>/competencies/<key>/confirm")
def confirm_sign_off(cohort_id: int, learner_id: int, key: str):
    """A second, different assessor confirms a pass (competencies that require one)."""
    cohort = run_cohort_or_404(cohort_id)
    _member, learner = _member_or_404(cohort.id, learner_id)
    form, db = ConfirmSignoffForm(prefix=f"confirm-{key}"), get_session()
    if not form.validate_on_submit():
        return _practical_page(cohort, learner, status=400)
    try:
        cohorts.confirm_signoff(
            db, cohort, learner, key, form.assessed_on.data, current_user.id, utcnow().date()
        )
    except DomainError as error:
        db.rollback()
        flash(error.message, "error")
        return _practical_page(cohort, learner, status=400)
    return _recorded(cohort, learner, _("Pass confirmed by a second assessor."))
