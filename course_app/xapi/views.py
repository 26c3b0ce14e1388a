"""The administrators' export page: a date range, downloaded as JSON (a plain GET: it
changes nothing)."""

from flask import Blueprint, Response, render_template, request, stream_with_context
from flask_babel import gettext as _
from flask_login import current_user, login_required

from course_app import permissions
from course_app.db import get_session
from course_app.xapi.cli import json_array
from course_app.xapi.dates import BadRange, day_range
from course_app.xapi.sending import export, outbox_summary

bp = Blueprint("xapi", __name__, url_prefix="/admin/learning-records")


@bp.get("/")
@login_required
def index():
    """The outbox's state and the export form."""
    permissions.require(permissions.can_export_learning_records(current_user))
    return render_template("xapi/index.html", summary=outbox_summary(get_session()))


@bp.get("/statements.json")
@login_required
def download():
    """The statements of the days given, as a JSON array file."""
    permissions.require(permissions.can_export_learning_records(current_user))
    since, until = request.args.get("since"), request.args.get("until")
    try:
        start, end = day_range(since, until)
    except BadRange:
        summary = outbox_summary(get_session())
        message = _(
            "Give both days as YYYY-MM-DD, the last on or after the first, at most ten years apart."
        )
        return render_template("xapi/index.html", summary=summary, error=message), 400
    chunks = json_array(export(get_session(), start, end))
    name = f"xapi-statements-{since.strip()}-{until.strip()}.json"
    return Response(
        stream_with_context(chunks),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
