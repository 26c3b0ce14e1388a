"""Administration pages."""

import secrets

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from course_app import mail
from course_app.admin import bp, exports, services
from course_app.admin.forms import InviteForm
from course_app.audit import readable
from course_app.audit.services import entries_for
from course_app.auth import services as auth_services
from course_app.auth import tokens
from course_app.auth.jurisdictions import jurisdiction_name
from course_app.auth.models import Role, User
from course_app.bounded import bounded_date, bounded_int
from course_app.certificates import services as certificate_services
from course_app.certificates.issuer import current_issuer
from course_app.db import get_session
from course_app.exceptions import DomainError
from course_app.i18n import N_
from course_app.i18n.mail import mail_text
from course_app.instructor import cohorts
from course_app.instructor.candidates import instructors
from course_app.instructor.forms import StaffForm
from course_app.jobs.queue import submit
from course_app.mail.listing import STATUSES, OutboxFilters, outbox_page
from course_app.modules.models import Course
from course_app.urls import public_url


@bp.get("/")
def index():
    """Administration home."""
    return render_template("admin/index.html")


@bp.get("/outbox")
def outbox():
    """Every e-mail the platform sent or would have sent, newest first (reset links too),
    searchable by recipient or subject and filtered by delivery status."""
    filters = OutboxFilters.from_args(request.args.get("q"), request.args.get("status"))
    page_number = request.args.get("page", type=bounded_int)
    messages, page = outbox_page(get_session(), filters, page_number)
    return render_template(
        "admin/outbox.html", messages=messages, page=page, filters=filters, statuses=STATUSES
    )


def _course_or_404(course_slug: str) -> Course:
    query = select(Course).where(Course.slug == course_slug, ~Course.is_archived)
    return get_session().scalar(query) or abort(404)


@bp.get("/courses")
def courses():
    """Every course with its instructors, and forms to assign more."""
    db = get_session()
    rows = [
        (course, cohorts.staff_of(db, course.id), StaffForm(prefix=course.slug, formdata=None))
        for course in db.scalars(
            select(Course).where(~Course.is_archived).order_by(Course.position)
        )
    ]
    return render_template("admin/courses.html", rows=rows, instructors=instructors(db))


@bp.post("/courses/<course_slug>/staff")
def assign_staff(course_slug: str):
    """Assign an instructor (by e-mail) to a course."""
    course = _course_or_404(course_slug)
    form, db = StaffForm(prefix=course.slug), get_session()
    if not form.validate_on_submit():
        flash(_("Enter the instructor's e-mail address."), "error")
        return redirect(url_for("admin.courses"), 303)
    try:
        user = cohorts.assign_instructor(db, course, form.email.data, current_user.id)
    except DomainError as error:
        db.rollback()
        flash(error.message, "error")
        return redirect(url_for("admin.courses"), 303)
    db.commit()
    flash(
        _("%(name)s now teaches %(course)s.", name=user.full_name, course=course.title), "success"
    )
    return redirect(url_for("admin.courses"))


@bp.post("/courses/<course_slug>/staff/<int:user_id>/remove")
def remove_staff(course_slug: str, user_id: int):
    """Take an instructor off a course (their past sign-offs stay)."""
    course = _course_or_404(course_slug)
    db = get_session()
    try:
        cohorts.unassign_instructor(db, course, user_id, current_user.id)
    except DomainError as error:
        db.rollback()
        flash(error.message, "error")
        return redirect(url_for("admin.courses"), 303)
    db.commit()
    flash(_("Instructor removed from the course."), "success")
    return redirect(url_for("admin.courses"))


def _user_or_404(user_id: int) -> User:
    return get_session().get(User, user_id) or abort(404)


def _user_filters() -> services.UserFilters:
    active = {"yes": True, "no": False}.get(request.args.get("active", ""))
    return services.UserFilters(
        request.args.get("q", ""),
        request.args.get("role", ""),
        active,
        request.args.get("licence") == "unverified",
    )


@bp.get("/users")
def users():
    """Users by name, e-mail or registration number, role and activation, a page at a time."""
    filters = _user_filters()
    page, people = services.search_users(
        get_session(), filters, request.args.get("page", type=bounded_int)
    )
    return render_template(
        "admin/users.html", users=people, page=page, filters=filters, roles=list(Role)
    )


@bp.route("/users/invite", methods=["GET", "POST"])
def invite_user():
    """Create an account of any role and e-mail its owner a link that sets the password."""
    form = InviteForm()
    if form.validate_on_submit():
        db = get_session()
        data = auth_services.Invitation(**{n: form[n].data or "" for n in _INVITE_FIELDS})
        try:
            person = services.invite(db, data, current_user.id)
        except DomainError as error:
            db.rollback()
            form.email.errors.append(error.message)
        else:
            message = _queue_invitation(db, person)
            db.commit()
            mail.deliver(message.id)
            flash(
                _("%(name)s is invited: the link is in the outbox.", name=person.full_name),
                "success",
            )
            return redirect(url_for("admin.user", user_id=person.id))
    return render_template("admin/invite.html", form=form), 400 if form.errors else 200


_INVITE_FIELDS = (
    "full_name",
    "email",
    "role",
    "registration_number",
    "jurisdiction",
    "regulator",
    "register_class",
)


def _queue_invitation(db, person: User):
    link = public_url("auth.accept_invitation", token=tokens.make_invitation_token(person))
    days = current_app.config["INVITATION_MAX_AGE"] // 86400
    subject, body = mail_text(
        person.language,
        "admin/email/invitation.txt",
        N_("Your %(product)s account: choose a password"),
        user=person,
        link=link,
        days=days,
    )
    return mail.queue_message(db, person.email, subject, body)


@bp.get("/users/<int:user_id>")
def user(user_id: int):
    """One user: role, activation, licence verification, name, certificates and history."""
    db = get_session()
    person = _user_or_404(user_id)
    return render_template(
        "admin/user.html",
        person=person,
        roles=list(Role),
        verifier=db.get(User, person.licence_verified_by_id)
        if person.licence_verified_by_id
        else None,
        certificates=certificate_services.certificates_of(db, person.id),
        history=entries_for(db, "user", person.id),
        jurisdiction_name=jurisdiction_name,
    )


def _user_action(user_id: int, change, success: str):
    """``success``: an ``N_`` message with a ``%(name)s`` placeholder, translated here."""
    db = get_session()
    person = _user_or_404(user_id)
    try:
        change(db, person)
    except DomainError as error:
        db.rollback()
        flash(error.message, "error")
        return redirect(url_for("admin.user", user_id=user_id), 303)
    db.commit()
    flash(_(success, name=person.full_name), "success")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.post("/users/<int:user_id>/role")
def user_role(user_id: int):
    role = request.form.get("role", "")
    return _user_action(
        user_id,
        lambda db, p: services.set_role(db, p, role, current_user.id),
        N_("%(name)s's role changed."),
    )


@bp.post("/users/<int:user_id>/active")
def user_active(user_id: int):
    active = request.form.get("active") == "1"
    message = (
        N_("%(name)s can log in again.")
        if active
        else N_("%(name)s is deactivated and logged out.")
    )
    return _user_action(
        user_id, lambda db, p: services.set_active(db, p, active, current_user.id), message
    )


@bp.post("/users/<int:user_id>/licence")
def user_licence(user_id: int):
    note = request.form.get("note", "")
    response = _user_action(
        user_id,
        lambda db, p: services.verify_licence(db, p, current_user.id, note),
        N_("%(name)s's registration number is recorded as verified."),
    )
    db = get_session()
    issued = [
        cert
        for course in db.scalars(select(Course).where(Course.auto_issue_certificates))
        if (cert := certificate_services.auto_issue(db, course.id, user_id, current_issuer))
    ]
    if issued:
        db.commit()
        flash(
            _("Now eligible: issued %(ids)s.", ids=", ".join(c.public_id for c in issued)),
            "success",
        )
    return response


@bp.post("/users/<int:user_id>/name")
def user_name(user_id: int):
    name = request.form.get("full_name", "")
    return _user_action(
        user_id,
        lambda db, p: services.rename(db, p, name, current_user.id),
        N_("Name saved: %(name)s."),
    )


def _audit_filters(args=None) -> services.AuditFilters:
    args = request.args if args is None else args

    return services.AuditFilters(
        args.get("action", ""),
        args.get("actor", ""),
        bounded_date(args.get("from")),
        bounded_date(args.get("to")),
    )


@bp.get("/audit")
def audit():
    """The audit trail, newest first, a page at a time, with filters; entries read as names
    and field-by-field changes."""
    db = get_session()
    filters = _audit_filters()
    page, rows = services.audit_page(db, filters, request.args.get("page", type=bounded_int))
    names = services.subject_names(db, [entry for entry, _actor in rows])
    return render_template(
        "admin/audit.html",
        rows=rows,
        page=page,
        subject=lambda entry: readable.subject_label(entry.subject_type, entry.subject_id, names),
        changes=readable.changes,
        actions=services.audit_actions(db),
        filters=filters,
        job_key=secrets.token_urlsafe(16),
    )


@bp.get("/audit.csv")
def audit_csv():
    rows = services.audit_entries(get_session(), _audit_filters())
    return Response(
        services.audit_csv(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
    )


@bp.post("/audit/export")
def export_audit():
    """The audit trail as CSV, made by a background job (the filters come with the form)."""
    filters = _audit_filters(request.form)
    db = get_session()
    try:
        job = submit(
            db,
            exports.KIND,
            [0],
            current_user.id,
            request.form.get("job_key", ""),
            exports.filter_params(filters),
        )
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("admin.audit"), 303)
    return redirect(url_for("jobs.page", job_id=job.id), 303)


@bp.get("/reports")
def reports():
    """Completion rates per course and per cohort."""
    return render_template("admin/reports.html", rows=services.completion_report(get_session()))


@bp.get("/reports.csv")
def reports_csv():
    rows = services.completion_report(get_session())
    return Response(
        services.completion_csv(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="completion.csv"'},
    )
