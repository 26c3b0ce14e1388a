"""A job's page (progress bar, result, failures) and its JSON status for the page's poll."""

from flask import abort, jsonify, render_template, send_file, url_for
from flask_login import current_user, login_required

from course_app import permissions
from course_app.db import get_session
from course_app.jobs import bp, services
from course_app.jobs.files import export_path
from course_app.jobs.kinds import kind_of
from course_app.jobs.models import Job


def _job_or_404(job_id: int) -> Job:
    job = get_session().get(Job, job_id)
    # Someone else's job is "not found", not "forbidden": job ids are sequential.
    if job is None or not permissions.can_view_job(current_user, job.created_by_id):
        abort(404)
    return job


@bp.get("/jobs/<int:job_id>")
@login_required
def page(job_id: int):
    job = _job_or_404(job_id)
    kind = kind_of(job)
    return render_template(
        "jobs/job.html",
        progress=services.progress(get_session(), job),
        title=kind.title,
        back=kind.back(job) if kind.back else url_for("modules.dashboard"),
    )


@bp.get("/jobs/<int:job_id>.json")
@login_required
def status(job_id: int):
    job = _job_or_404(job_id)
    return jsonify(services.progress(get_session(), job).as_json())


@bp.get("/jobs/<int:job_id>/download")
@login_required
def download(job_id: int):
    """The file a finished export job wrote."""
    job = _job_or_404(job_id)
    path = export_path(job.id)
    if job.status != "finished" or "filename" not in job.result or not path.exists():
        abort(404)
    return send_file(
        path, mimetype="text/csv", as_attachment=True, download_name=job.result["filename"]
    )
