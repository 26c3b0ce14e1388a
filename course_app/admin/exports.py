"""The audit trail as CSV, written by a background job: the whole trail (or a long filtered
stretch of it) takes longer to read and format than a request should."""

from datetime import date

from flask import Flask, url_for
from sqlalchemy.orm import Session

from course_app.admin import services
from course_app.jobs.files import write_export
from course_app.jobs.kinds import Kind, register_kind
from course_app.jobs.models import Job

KIND = "export.audit_csv"


def filter_params(filters: services.AuditFilters) -> dict:
    """The filters as plain data for the job's row."""
    return {
        "action": filters.action,
        "actor": filters.actor,
        "since": filters.since.isoformat() if filters.since else None,
        "until": filters.until.isoformat() if filters.until else None,
    }


def _filters(params: dict) -> services.AuditFilters:
    def day(key: str) -> date | None:
        return date.fromisoformat(params[key]) if params.get(key) else None

    actor = params.get("actor", "")
    return services.AuditFilters(params["action"], actor, day("since"), day("until"))


def _export(session: Session, job: Job, _subject: int) -> None:
    rows = services.audit_entries(session, _filters(job.params))  # no page: all
    write_export(job.id, services.audit_csv(rows))


def _finish(session: Session, job: Job) -> dict:
    return {"filename": f"audit-{job.created_at:%Y-%m-%d}.csv"}


def init_app(app: Flask) -> None:
    register_kind(
        app,
        KIND,
        Kind(
            title="Export the audit trail",
            label=lambda _session, _job, _subject: "The audit trail",
            run_unit=_export,
            finish=_finish,
            back=lambda _job: url_for("admin.audit"),
        ),
    )
