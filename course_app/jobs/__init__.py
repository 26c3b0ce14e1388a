"""Background jobs on a Huey queue (SQLite in the instance folder, or Redis): the job model,
the runner that makes a job idempotent and resumable, the consumer command and job pages.

Features register what their kinds of job do (kinds.register_kind) and start jobs with
queue.submit(); a consumer (``flask jobs-worker``) runs them.
"""

from flask import Blueprint, Flask

bp = Blueprint("jobs", __name__)


def init_app(app: Flask) -> None:
    from course_app.jobs import cli, views  # noqa: F401  (the routes)
    from course_app.jobs.queue import init_queue

    init_queue(app)
    app.register_blueprint(bp)
    app.cli.add_command(cli.jobs_worker)
    app.cli.add_command(cli.recover_jobs)
