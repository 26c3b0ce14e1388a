"""The inbox, marking read, and the choice of non-essential notices."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from course_app.db import get_session
from course_app.notifications import bp, services
from course_app.notifications.events import EVENTS, optional_events


@bp.get("")
@login_required
def inbox():
    db = get_session()
    return render_template(
        "notifications/inbox.html", notifications=services.inbox(db, current_user.id)
    )


@bp.post("/<int:notification_id>/read")
@login_required
def mark_read(notification_id: int):
    """Only the user's own: another person's id marks nothing (and says nothing about it)."""
    db = get_session()
    services.mark_read(db, current_user.id, notification_id)
    db.commit()
    return redirect(url_for("notifications.inbox"))


@bp.post("/read")
@login_required
def mark_all_read():
    db = get_session()
    count = services.mark_read(db, current_user.id)
    db.commit()
    flash(
        ngettext("Marked %(num)d notification read.", "Marked %(num)d notifications read.", count),
        "success",
    )
    return redirect(url_for("notifications.inbox"))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    db = get_session()
    if request.method == "POST":
        services.save_choices(
            db, current_user.id, current_user.role, set(request.form.getlist("event"))
        )
        db.commit()
        flash(_("Your notification choices are saved."), "success")
        return redirect(url_for("notifications.settings"))
    return render_template(
        "notifications/settings.html",
        optional=optional_events(current_user.role),
        essential=[event for event in EVENTS.values() if event.essential],
        off=services.turned_off(db, current_user.id),
    )
