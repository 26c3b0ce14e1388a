"""Scheduled work, run by the job consumer (Huey periodic tasks) and by hand with
``flask run-scheduled NAME``: closing expired attempts, certificate expiry reminders, quiz
cooldown notices, the administrators' "waiting for issue" notice, LTI grades not yet sent,
outbox retries, audit checkpoints and the nightly backup with retention.

Each task is a top-level entry point like a CLI command: it commits its own work. Every
notice is unique per recipient, event and subject, so running a task twice tells nobody twice.
"""

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from huey import crontab
from huey.api import TaskLock
from huey.exceptions import TaskLockedException
from sqlalchemy import select
from sqlalchemy.orm import Session, load_only

from course_app.auth.models import Role, User
from course_app.certificates import eligibility
from course_app.certificates.flags import KIND_LABELS as FLAG_LABELS
from course_app.certificates.flags import open_flags
from course_app.certificates.models import Certificate
from course_app.db import get_engine, get_session, utcnow
from course_app.instructor import cohorts
from course_app.instructor.models import Cohort
from course_app.lti import grades as lti_grades
from course_app.modules.models import Course
from course_app.notifications.events import expiry_notice
from course_app.notifications.services import notify
from course_app.practical import PracticalStatus
from course_app.quizzes import answering
from course_app.quizzes.models import Attempt, Quiz

#: Longest cooldown a quiz may set (content.py allows 10080 minutes), plus a day of slack.
COOLDOWN_WINDOW = timedelta(days=8)
#: How long after expiry a certificate is still looked at for the "expired" notice.
EXPIRED_WINDOW = timedelta(days=30)
#: Names of waiting learners in the administrators' notice, beyond which it counts them.
NAMED = 10
#: app.extensions key of the periodic tasks, by task name.
PERIODIC_KEY = "course_app.scheduled.periodic"


@dataclass(frozen=True)
class Task:
    run: Callable[[Session], str]
    #: When the consumer runs it (Huey's crontab, UTC).
    when: dict[str, str]
    description: str


def close_expired_attempts(session: Session) -> str:
    closed = answering.close_expired_attempts(session, utcnow())
    session.commit()
    return f"Graded {closed} attempt(s) whose time ran out."


def certificate_reminders(session: Session) -> str:
    """Expiring in 90, 30 or 7 days (with the course page, where renewal starts), expired."""
    today = utcnow().date()
    rows = session.execute(
        select(Certificate, Course.slug)
        .join(Course, Course.id == Certificate.course_id)
        .options(load_only(*eligibility.LISTED, Certificate.course_title))
        .where(
            Certificate.status == "valid",
            Certificate.expires_on.is_not(None),
            Certificate.expires_on <= today + timedelta(days=90),
            Certificate.expires_on >= today - EXPIRED_WINDOW,
        )
    ).all()
    sent = 0
    for cert, slug in rows:
        event = expiry_notice(cert.expires_on, today)
        holder = session.get(User, cert.user_id)
        if event and holder is not None:
            days_left = (cert.expires_on - today).days
            sent += bool(
                notify(
                    session,
                    holder,
                    event,
                    cert.public_id,
                    f"/courses/{slug}",
                    certificate=cert,
                    days_left=days_left,
                )
            )
    session.commit()
    return f"Sent {sent} certificate expiry notice(s)."


def cooldown_notices(session: Session) -> str:
    """A learner who failed a quiz with a cooldown may try again: tell them once, when the
    cooldown of their latest attempt is over and attempts remain."""
    now = utcnow()
    rows = session.execute(
        select(Attempt, Quiz, Course.slug)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .join(Course, Course.id == Quiz.course_id)
        .where(
            Attempt.passed.is_(False),
            Attempt.finished_at >= now - COOLDOWN_WINDOW,
            Quiz.cooldown_minutes > 0,
        )
    ).all()
    sent = 0
    for attempt, quiz, slug in rows:
        over = attempt.finished_at + timedelta(minutes=quiz.cooldown_minutes) <= now
        attempts_left = not quiz.max_attempts or attempt.number < quiz.max_attempts
        if over and attempts_left and not _has_later_attempt(session, attempt):
            learner = session.get(User, attempt.user_id)
            sent += bool(
                notify(
                    session,
                    learner,
                    "cooldown_ended",
                    f"attempt:{attempt.id}",
                    f"/courses/{slug}/quizzes/{quiz.slug}",
                    quiz_title=quiz.title,
                )
            )
    session.commit()
    return f"Sent {sent} cooldown notice(s)."


def _has_later_attempt(session: Session, attempt: Attempt) -> bool:
    query = select(Attempt.id).where(
        Attempt.user_id == attempt.user_id,
        Attempt.quiz_id == attempt.quiz_id,
        Attempt.number > attempt.number,
    )
    return session.scalar(query.limit(1)) is not None


def issue_waiting(session: Session) -> str:
    """Tell administrators which learners are eligible and have no certificate yet: once per
    course and set of waiting learners (a new notice when the set changes)."""
    admins = session.scalars(select(User).where(User.role == Role.ADMIN, User.is_active)).all()
    courses = session.scalars(
        select(Course).where(~Course.is_archived, ~Course.auto_issue_certificates)
    ).all()
    sent = 0
    for course in courses:
        waiting = [
            c.learner
            for c in eligibility.candidates(session, course)
            if c.eligible and c.certificate is None
        ]
        if not waiting:
            continue
        key = f"{course.slug}:{_digest(waiting)}"
        named = _names(waiting)
        for admin in admins:
            sent += bool(
                notify(
                    session,
                    admin,
                    "issue_waiting",
                    key,
                    "/admin/certificates",
                    count=len(waiting),
                    course_title=course.title,
                    **named,
                )
            )
    session.commit()
    return f"Sent {sent} waiting-for-issue notice(s)."


def signoff_waiting(session: Session) -> str:
    """Tell a cohort's instructors and its course's staff which members still wait for
    their practical sign-off once the cohort has begun: once per cohort and set of learners."""
    today = utcnow().date()
    open_cohorts = session.scalars(select(Cohort).where(Cohort.starts_on <= today)).all()
    sent = 0
    for cohort in open_cohorts:
        waiting = [
            row.learner
            for row in cohorts.roster(session, cohort)
            if row.status in (PracticalStatus.NOT_STARTED, PracticalStatus.IN_PROGRESS)
        ]
        if not waiting:
            continue
        staff = {u.id: u for u in cohorts.cohort_instructors(session, cohort.id)}
        staff.update({u.id: u for u in cohorts.staff_of(session, cohort.course_id)})
        key = f"cohort:{cohort.id}:{_digest(waiting)}"
        path = f"/instructor/cohorts/{cohort.id}"
        for person in staff.values():
            sent += bool(
                notify(
                    session,
                    person,
                    "signoff_waiting",
                    key,
                    path,
                    cohort=cohort,
                    count=len(waiting),
                    **_names(waiting),
                )
            )
    session.commit()
    return f"Sent {sent} sign-off notice(s)."


def _digest(people: list[User]) -> str:
    ids = ",".join(str(person.id) for person in sorted(people, key=lambda u: u.id))
    return hashlib.sha256(ids.encode()).hexdigest()[:16]


def _names(people: list[User]) -> dict:
    """The first names and how many more, for the template to word in its language."""
    return {
        "names": ", ".join(person.full_name for person in people[:NAMED]),
        "more": max(len(people) - NAMED, 0),
    }


def flagged_certificates(session: Session) -> str:
    """Tell administrators of each newly flagged certificate, once per flag."""
    admins = session.scalars(select(User).where(User.role == Role.ADMIN, User.is_active)).all()
    sent = 0
    for item in open_flags(session):
        cert = item.certificate
        for flag in item.flags:
            for admin in admins:
                sent += bool(
                    notify(
                        session,
                        admin,
                        "certificate_flagged",
                        f"flag:{flag.id}",
                        f"/admin/certificates/{cert.public_id}",
                        certificate=cert,
                        kind=FLAG_LABELS[flag.kind],
                        flag_kind=flag.kind,
                        reason=flag.reason,
                    )
                )
    session.commit()
    return f"Sent {sent} flagged-certificate notice(s)."


def retry_mail(session: Session) -> str:
    from course_app import mail
    from course_app.mail.services import unsent_message_ids

    if not current_app.config["MAIL_SERVER"]:
        return "MAIL_SERVER is not set; messages stay in the outbox."
    ids = unsent_message_ids(session)
    sent = sum(mail.deliver(message_id) for message_id in ids)
    return f"Sent {sent} of {len(ids)} message(s)."


def send_xapi(session: Session) -> str:
    from course_app.xapi.sending import send_pending

    if not current_app.config["XAPI_LRS_URL"]:
        return "XAPI_LRS_URL is not set; statements are kept for export."
    sent, pending = send_pending(session)
    return f"Sent {sent} xAPI statement(s); {pending} pending."


def audit_checkpoint(session: Session) -> str:
    from course_app.audit.checkpoints import checkpoint_file, write_checkpoint

    path = checkpoint_file(current_app.config, current_app.instance_path)
    line = write_checkpoint(session, path, current_app.instance_path, utcnow())
    return f"Checkpoint written to {path}: {line['count']} entries."


def nightly_backup(session: Session) -> str:
    """A backup into BACKUP_DIR (0600 files in a 0700 folder), keeping the BACKUP_KEEP newest."""
    from course_app import backup

    folder = Path(current_app.instance_path, current_app.config["BACKUP_DIR"])
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    engine = get_engine()
    suffix = "sqlite" if engine.dialect.name == "sqlite" else "dump"
    target = folder / f"course_app-{utcnow():%Y%m%dT%H%M%S%fZ}.{suffix}"
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    backup.backup(engine, target)
    removed = [path.name for path in backups_beyond(folder, current_app.config["BACKUP_KEEP"])]
    for name in removed:
        (folder / name).unlink()
    return f"Backup written to {target}; removed {len(removed)} older one(s)."


def backups_beyond(folder: Path, keep: int) -> list[Path]:
    """The backups past the ``keep`` newest (names sort by time)."""
    found = sorted(folder.glob("course_app-*Z.*"), reverse=True)
    return found[max(keep, 1) :]


def lti_grades_sweep(session: Session) -> str:
    queued = lti_grades.sweep(session)
    session.commit()
    return f"Queued {queued} LTI grade(s) for their platform."


TASKS: dict[str, Task] = {
    "close-expired-attempts": Task(
        close_expired_attempts, {"minute": "*/5"}, "Grade attempts whose time ran out."
    ),
    "certificate-reminders": Task(
        certificate_reminders,
        {"minute": "0", "hour": "6"},
        "Expiry notices (90/30/7 days, expired).",
    ),
    "cooldown-notices": Task(
        cooldown_notices, {"minute": "*/5"}, "Tell learners a cooldown ended."
    ),
    "issue-waiting": Task(
        issue_waiting, {"minute": "0", "hour": "7"}, "Tell admins who waits for a certificate."
    ),
    "signoff-waiting": Task(
        signoff_waiting, {"minute": "0", "hour": "8"}, "Tell staff who waits for sign-off."
    ),
    "flagged-certificates": Task(
        flagged_certificates, {"minute": "15"}, "Tell admins of certificates to review."
    ),
    "lti-grades": Task(
        lti_grades_sweep, {"minute": "*/5"}, "Send LTI grades not yet sent (again)."
    ),
    "retry-mail": Task(retry_mail, {"minute": "*"}, "Send unsent outbox messages (again)."),
    "send-xapi": Task(send_xapi, {"minute": "*"}, "Send pending xAPI statements to the LRS."),
    "audit-checkpoint": Task(audit_checkpoint, {"minute": "0"}, "Sign the audit chain's head."),
    "backup": Task(nightly_backup, {"minute": "30", "hour": "2"}, "Back up, keep BACKUP_KEEP."),
}


def run(name: str) -> str:
    """Run one task now, in the current app context."""
    return TASKS[name].run(get_session())


def init_app(app: Flask) -> None:
    """Register every task as a periodic task of the job consumer (jobs.init_app first), and
    the command that runs one by hand."""
    from course_app.jobs.queue import get_huey

    huey = get_huey(app)
    app.extensions[PERIODIC_KEY] = {
        name: huey.periodic_task(crontab(**task.when), name=f"scheduled.{name}")(
            # Made here, not per run: Huey clears only the locks it knows of at start-up.
            _runner(app, huey.lock_task(f"scheduled.{name}"), name)
        )
        for name, task in TASKS.items()
    }
    app.cli.add_command(run_scheduled)


@click.command("run-scheduled")
@with_appcontext
@click.argument("name", type=click.Choice(sorted(TASKS)), required=False)
def run_scheduled(name: str | None) -> None:
    """Run one scheduled task now (the job consumer runs them on their schedule); without
    NAME, list them with their schedule (UTC)."""
    if name is None:
        for key, task in TASKS.items():
            when = " ".join(f"{unit}={value}" for unit, value in task.when.items())
            click.echo(f"{key:24} {when:22} {task.description}")
        return
    click.echo(run(name))


def _runner(app: Flask, lock: TaskLock, name: str) -> Callable[[], None]:
    """The periodic task: one run at a time across every consumer of the queue, so a slow
    run (a mail server that times out) never overlaps the next and sends a message twice.
    A consumer killed inside a run leaves its lock behind: consumers clear locks on start."""

    def run_in_app() -> None:
        with app.app_context():
            try:
                with lock:
                    app.logger.info("%s: %s", name, run(name))
            except TaskLockedException:
                app.logger.info("%s: the previous run is still going; skipped", name)

    return run_in_app
