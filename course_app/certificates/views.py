"""Learners' certificates and transcript; administration of certificates (the public pages are
in public_views.py)."""

import secrets
from datetime import date

from flask import (
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from course_app import permissions
from course_app.audit.services import record
from course_app.bounded import bounded_int
from course_app.certificates import (
    bp,
    bulk,
    eligibility,
    flags,
    services,
    transcript,
    transcript_pdf,
)
from course_app.certificates.issuer import current_issuer
from course_app.certificates.public_views import successor
from course_app.db import get_session
from course_app.exceptions import DomainError
from course_app.i18n import N_
from course_app.i18n.selection import supported_language
from course_app.jobs.queue import submit
from course_app.modules.models import Course
from course_app.requirements import LABELS


def _own_or_admin(public_id: str):
    cert = services.find(get_session(), public_id) or abort(404)
    if cert.user_id != current_user.id and not permissions.is_admin(current_user):
        abort(404)
    return cert


@bp.get("/certificates")
@login_required
def mine():
    """The learner's certificates, and the CE transcript."""
    certs = services.certificates_of(get_session(), current_user.id)
    return render_template("certificates/mine.html", certs=certs, today=date.today())


@bp.get("/certificates/<public_id>.pdf")
@login_required
def certificate_pdf(public_id: str):
    """The issued PDF; ``?lang=fr`` (any configured language other than the language of
    issue) prints the same certificate in that language, made afresh and not stored. An
    unknown code gets the issued PDF."""
    cert = _own_or_admin(public_id)
    wanted = supported_language(request.args.get("lang"))
    document, name = cert.pdf, f"{cert.public_id}.pdf"
    if wanted and wanted != cert.language:
        document = services.printed_pdf(cert, current_issuer(), wanted)
        name = f"{cert.public_id}-{wanted}.pdf"
    return Response(
        document,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/certificates/<public_id>/credential.json")
@login_required
def credential_json(public_id: str):
    cert = _own_or_admin(public_id)
    response = jsonify(cert.credential)
    response.headers["Content-Disposition"] = f'attachment; filename="{cert.public_id}.json"'
    return response


@bp.get("/transcript.<any(pdf, csv):kind>")
@login_required
def transcript_file(kind: str):
    """The learner's CE transcript: every course, hours split, dates and certificate ids."""
    issuer = current_issuer()
    rows = transcript.rows(get_session(), current_user.id, issuer.base_url)
    if kind == "csv":
        return Response(
            transcript.as_csv(rows),
            mimetype="text/csv",
            headers={"Content-Disposition": 'attachment; filename="ce-transcript.csv"'},
        )
    provider = current_app.config["PRODUCT_NAME"]
    language = str(get_locale())
    data = transcript_pdf.as_pdf(current_user, rows, provider, issuer.name, language)
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="ce-transcript.pdf"'},
    )


def _admin() -> None:
    if not current_user.is_authenticated:
        from course_app.auth import login_manager

        abort(login_manager.unauthorized())
    permissions.require(
        permissions.is_admin(current_user), N_("Only administrators can manage certificates.")
    )


def _course_or_404(course_slug: str) -> Course:
    query = select(Course).where(Course.slug == course_slug, ~Course.is_archived)
    return get_session().scalar(query) or abort(404)


@bp.get("/admin/certificates")
@login_required
def queue():
    """Per course: every enrolled learner, what they have met, and issued certificates."""
    _admin()
    db = get_session()
    courses = db.scalars(select(Course).where(~Course.is_archived).order_by(Course.position)).all()
    ready_only = request.args.get("ready") == "1"
    text = request.args.get("q", "").strip()
    sections = []
    for course in courses:
        param = f"page-{course.slug}"  # each course's list pages on its own
        requested = request.args.get(param, type=bounded_int)
        page, shown = eligibility.queue_page(db, course, text, ready_only, requested)
        sections.append((course, shown, page, param))
    return render_template(
        "certificates/queue.html",
        labels=LABELS,
        flagged=flags.open_flags(db),
        flag_labels=flags.KIND_LABELS,
        sections=sections,
        ready_only=ready_only,
        q=request.args.get("q", ""),
        # A fresh key per page view: the same form sent twice starts one job.
        job_key=secrets.token_urlsafe(16),
    )


@bp.post("/admin/certificates/<course_slug>/issue")
@login_required
def issue(course_slug: str):
    """Issue certificates to the chosen eligible learners: one at once, many as a job whose
    page shows the progress (1,000 certificates take longer than a request may)."""
    _admin()
    course = _course_or_404(course_slug)
    learner_ids = request.form.getlist("learner", type=bounded_int)
    if len(learner_ids) > 1:
        return _issue_as_job(course, learner_ids)
    db = get_session()
    issued, problems = services.issue_many(
        db, course, learner_ids, current_issuer(), current_user.id
    )
    db.commit()
    if issued:
        flash(
            ngettext(
                "Issued %(num)d certificate: %(ids)s.",
                "Issued %(num)d certificates: %(ids)s.",
                len(issued),
                ids=", ".join(c.public_id for c in issued),
            ),
            "success",
        )
    for problem in problems:
        flash(problem, "error")
    if not issued and not problems:
        flash(_("Choose at least one learner."), "error")
    return redirect(url_for("certificates.queue"), 303 if problems or not issued else 302)


def _issue_as_job(course: Course, learner_ids: list[int]):
    params = {"course": course.slug, "base_url": current_issuer().base_url}
    try:
        job = submit(
            get_session(),
            bulk.KIND,
            learner_ids,
            current_user.id,
            request.form.get("job_key", ""),
            params,
        )
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("certificates.queue"), 303)
    return redirect(url_for("jobs.page", job_id=job.id), 303)


@bp.post("/admin/certificates/<course_slug>/settings")
@login_required
def course_settings(course_slug: str):
    """Validity in years, and whether to issue automatically on eligibility."""
    _admin()
    course = _course_or_404(course_slug)
    years = request.form.get("valid_years", type=int)
    if years is None or not 0 <= years <= 20:
        flash(_("Validity must be a whole number of years from 0 (no expiry) to 20."), "error")
        return redirect(url_for("certificates.queue"), 303)
    db = get_session()
    before = {
        "valid_years": course.certificate_valid_years,
        "auto_issue": course.auto_issue_certificates,
    }
    course.certificate_valid_years = years
    course.auto_issue_certificates = request.form.get("auto_issue") == "on"

    record(
        db,
        current_user.id,
        "course.certificate_settings",
        ("course", course.id),
        before,
        {"valid_years": years, "auto_issue": course.auto_issue_certificates},
    )
    db.commit()
    flash(_("Certificate settings of %(course)s saved.", course=course.title), "success")
    return redirect(url_for("certificates.queue"))


@bp.get("/admin/certificates/<public_id>")
@login_required
def detail(public_id: str):
    _admin()
    db = get_session()
    cert = services.find(db, public_id) or abort(404)
    return render_template(
        "certificates/detail.html",
        cert=cert,
        status=cert.status_on(date.today()),
        superseded_by=successor(cert),
        flags=flags.flags_of(db, cert.id),
        flag_labels=flags.KIND_LABELS,
    )


@bp.post("/admin/certificates/<public_id>/review")
@login_required
def review(public_id: str):
    """Clear a certificate's flags: an administrator checked it and it stands."""
    _admin()
    db = get_session()
    cert = services.find(db, public_id) or abort(404)
    try:
        flags.mark_reviewed(db, cert, current_user.id, request.form.get("note", ""))
    except DomainError as error:
        db.rollback()
        flash(error.message, "error")
        return redirect(url_for("certificates.detail", public_id=public_id), 303)
    db.commit()
    flash(_("Certificate %(id)s reviewed: it stands.", id=public_id), "success")
    return redirect(url_for("certificates.detail", public_id=public_id))


@bp.post("/admin/certificates/<public_id>/revoke")
@login_required
def revoke(public_id: str):
    _admin()
    db = get_session()
    cert = services.find(db, public_id) or abort(404)
    try:
        services.revoke(db, cert, request.form.get("reason", ""), current_user.id)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("certificates.detail", public_id=public_id), 303)
    db.commit()
    flash(_("Certificate %(id)s is revoked.", id=public_id), "success")
    return redirect(url_for("certificates.detail", public_id=public_id))


@bp.post("/admin/certificates/<public_id>/reissue")
@login_required
def reissue(public_id: str):
    _admin()
    db = get_session()
    cert = services.find(db, public_id) or abort(404)
    try:
        reason = request.form.get("reason", "")
        new = services.reissue(db, cert, current_issuer(), current_user.id, reason)
    except DomainError as error:
        db.rollback()
        flash(error.message, "error")
        return redirect(url_for("certificates.detail", public_id=public_id), 303)
    db.commit()
    flash(
        _("Reissued as %(new)s; %(old)s is now superseded.", new=new.public_id, old=public_id),
        "success",
    )
    return redirect(url_for("certificates.detail", public_id=new.public_id))
