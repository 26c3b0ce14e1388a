"""``flask jobs-worker``: the consumer; ``flask recover-jobs``: requeue unfinished jobs."""

import logging

import click
from flask import current_app
from flask.cli import with_appcontext

from course_app.db import get_session
from course_app.jobs.queue import get_huey, recover


@click.command("jobs-worker")
@with_appcontext
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Jobs run at once, each in its own thread (default: JOBS_WORKERS).",
)
@click.option(
    "--no-schedule",
    is_flag=True,
    help="Do not run the scheduled tasks (when another consumer already does).",
)
def jobs_worker(workers: int | None, no_schedule: bool) -> None:
    """Run the job consumer until stopped (Ctrl+C or SIGTERM finish the running jobs' current
    unit first; SIGKILL loses nothing either, the job resumes when its lease lapses).

    Before consuming, unfinished jobs whose runner died are put back on the queue."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s jobs %(levelname)s %(message)s")
    requeued = recover(get_session())
    click.echo(f"Requeued {requeued} unfinished job(s).", err=True)
    consumer = get_huey().create_consumer(
        workers=workers or current_app.config["JOBS_WORKERS"],
        worker_type="thread",
        periodic=not no_schedule,
        check_worker_health=True,
        flush_locks=True,  # a scheduled task's lock left by a consumer that was killed
    )
    consumer.run()


@click.command("recover-jobs")
@with_appcontext
def recover_jobs() -> None:
    """Put every unfinished job whose runner died (or that never reached the queue) back on
    the queue; a consumer does this on start and every minute."""
    click.echo(f"Requeued {recover(get_session())} unfinished job(s).")
