"""A cohort's incident log (record and read), and every incident for administrators (CSV)."""

from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from course_app import permissions
from course_app.db import get_session, utcnow
from course_app.exceptions import DomainError
from course_app.i18n import N_
from course_app.incidents import bp, services
from course_app.incidents.forms import IncidentForm
from course_app.incidents.models import KINDS
from course_app.instructor.models import Cohort

PER_PAGE = 50


def _form(cohort: Cohort, days: list[date]) -> IncidentForm:
    form = IncidentForm()
    form.occurred_on.choices = [SelectChoice(d.isoformat(), d.isoformat()) for d in reversed(days)]
    earlier = services.incidents(get_session(), cohort_id=cohort.id)
    form.corrects.choices = [("", _("No: a new incident"))] + [
        (
            str(r.incident.id),
            f"#{r.incident.id}, {r.incident.occurred_on}: {_(KINDS[r.incident.kind])}",
        )
        for r in earlier
    ]
    if not form.is_submitted():
        form.place.data = cohort.location
    return form


def _choice(incident) -> SelectChoice:
    label = f"#{incident.id}, {incident.occurred_on}: {_(KINDS[incident.kind])}"
    return SelectChoice(str(incident.id), label)


@bp.route("/instructor/cohorts/<int:cohort_id>/incidents", methods=["GET", "POST"])
@login_required
def cohort_log(cohort_id: int):
    """Record an adverse event or a needlestick injury in this cohort, and its log so far."""
    db = get_session()
    cohort = db.get(Cohort, cohort_id) or abort(404)
    permissions.require(
        permissions.can_record_incident(current_user, cohort.course_id, cohort.id),
        N_("You are not an instructor of this cohort."),
    )
    days = services.incident_days(cohort, utcnow().date())
    form = _form(cohort, days)
    if days and form.validate_on_submit():
        try:
            incident = services.record_incident(
                db, cohort, _data(form), current_user.id, utcnow().date()
            )
        except DomainError as error:
            db.rollback()
            form.kind.errors.append(error.message)
        else:
            db.commit()
            flash(_("Incident #%(id)d recorded.", id=incident.id), "success")
            return redirect(url_for("incidents.cohort_log", cohort_id=cohort.id))
    rows = services.incidents(db, cohort_id=cohort.id)
    return render_template(
        "incidents/cohort.html", cohort=cohort, form=form, rows=rows, days=days, kinds=KINDS
    ), 400 if form.errors else 200


def _data(form: IncidentForm) -> services.IncidentData:
    return services.IncidentData(
        form.kind.data,
        date.fromisoformat(form.occurred_on.data),
        form.occurred_time.data or "",
        form.people.data.strip(),
        form.what.data.strip(),
        form.place.data.strip(),
        form.action_taken.data.strip(),
        form.follow_up.data.strip(),
        form.reported_to.data.strip(),
        int(form.corrects.data) if form.corrects.data else None,
    )


def _admin() -> None:
    permissions.require(
        permissions.can_view_incidents(current_user), N_("The incident log is for administrators.")
    )


@bp.get("/admin/incidents")
@login_required
def all_incidents():
    """Every incident, latest first, by kind, 50 a page."""
    _admin()
    kind = request.args.get("kind", "")
    page = max(1, request.args.get("page", 1, type=int))
    db = get_session()
    total = services.count(db, kind)
    rows = services.incidents(db, kind=kind, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    return render_template(
        "incidents/admin.html",
        rows=rows,
        kinds=KINDS,
        kind=kind,
        page=page,
        pages=max(1, -(-total // PER_PAGE)),
        total=total,
    )


@bp.get("/admin/incidents.csv")
@login_required
def incidents_csv():
    _admin()
    rows = services.incidents(get_session(), kind=request.args.get("kind", ""))
    return Response(
        services.as_csv(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="lab-incidents.csv"'},
    )
