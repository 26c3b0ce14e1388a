"""Name-change requests, for administrators: approve, or refuse with a reason."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from course_app import permissions
from course_app.db import get_session
from course_app.exceptions import DomainError
from course_app.profiles import bp, services
from course_app.profiles.models import NameChangeRequest


@bp.get("/admin/name-requests")
@login_required
def name_requests():
    permissions.require(permissions.can_decide_name_changes(current_user))
    rows = services.pending_name_requests(get_session())
    return render_template("profiles/name_requests.html", rows=rows)


@bp.post("/admin/name-requests/<int:request_id>")
@login_required
def decide_name_request(request_id: int):
    permissions.require(permissions.can_decide_name_changes(current_user))
    db = get_session()
    name_request = db.get(NameChangeRequest, request_id) or abort(404)
    approve = request.form.get("decision") == "approve"
    try:
        user = services.decide_name_change(
            db, name_request, current_user.id, approve, request.form.get("reason", "")
        )
    except DomainError as error:
        db.rollback()
        flash(error.message, "error")
        return redirect(url_for("profiles.name_requests"), 303)
    db.commit()
    verdict = "approved: the name is now" if approve else "refused; the name stays"
    flash(f"Name change {verdict} {user.full_name}.", "success")
    return redirect(url_for("profiles.name_requests"))
