"""Command-line tools: ``flask --app course_app <command>``.

Commands import the heavier modules they use (alembic, pypdf, the seeder, backup) when they
run: every web worker imports this module too, and would otherwise carry them in memory.
"""

import sys
from datetime import date
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from course_app import mail
from course_app.audit.cli import audit_checkpoint, audit_verify, record_restore
from course_app.auth import services as auth_services
from course_app.certificates.keys import rotate
from course_app.db import get_engine, get_session, utcnow
from course_app.modules.content import parse_content
from course_app.modules.sync import sync_content
from course_app.modules.translation_cli import translation_status
from course_app.quizzes import answering


def init_app(app: Flask) -> None:
    commands = (
        init_db,
        make_migration,
        check_content,
        translation_status,
        load_content,
        create_admin,
        send_mail,
        close_expired_attempts,
        export_content,
        verify_credential,
        audit_verify,
        audit_checkpoint,
        rotate_signing_key,
        backup_command,
        restore_command,
        seed_demo_command,
    )
    for command in commands:
        app.cli.add_command(command)


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the database schema to the latest migration."""
    from course_app.migrate import upgrade_to_head

    upgrade_to_head(get_engine())
    click.echo("Database is up to date.")


@click.command("make-migration")
@with_appcontext
@click.argument("message")
def make_migration(message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    from course_app.migrate import make_revision

    make_revision(get_engine(), message)


content_dir_option = click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False),
    default=None,
    help="Content folder (default: CONTENT_DIR, the repository's content/).",
)


def _content_dir(directory: str | None) -> Path:
    return Path(directory or current_app.config["CONTENT_DIR"])


def _parse_or_exit(directory: Path):
    courses, problems = parse_content(directory)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s) found; nothing was loaded.", err=True)
        sys.exit(1)
    return courses


@click.command("check-content")
@with_appcontext
@content_dir_option
@click.option("--strict", is_flag=True, help="Warnings are errors (CI, on the shipped curriculum).")
@click.option(
    "--known",
    type=click.Path(dir_okay=False, exists=True),
    default=None,
    help="A known-warnings file: 'rule subject' per line, accepted for now.",
)
def check_content(directory: str | None, strict: bool, known: str | None) -> None:
    """Validate the curriculum files; print file:line: message per problem, exit 1 if any.

    Then print warnings (item-writing cues, lesson minutes against the content): with
    --strict any warning not in the --known file, or a known one that no longer occurs,
    fails too."""
    from course_app.content_warnings import content_warnings, read_known, triage

    courses = _parse_or_exit(_content_dir(directory))
    lessons = sum(len(course.lessons) for course in courses)
    quizzes = [quiz for course in courses for quiz in course.quizzes]
    questions = sum(len(quiz.questions) for quiz in quizzes)
    click.echo(
        f"Content is valid: {len(courses)} course(s), {lessons} lesson(s), "
        f"{len(quizzes)} quiz file(s), {questions} question(s)."
    )
    found = triage(content_warnings(courses), read_known(Path(known)) if known else set())
    for warning in found.new:
        click.echo(str(warning), err=True)
    for rule, subject in found.stale:
        click.echo(f"{known}: known warning no longer occurs: {rule} {subject}", err=True)
    label = "error(s)" if strict else "warning(s)"
    click.echo(
        f"{len(found.new)} new {label}, {len(found.known)} known, {len(found.stale)} stale.",
        err=bool(found.new or found.stale),
    )
    if found.fails(strict):
        sys.exit(1)


@click.command("load-content")
@with_appcontext
@content_dir_option
def load_content(directory: str | None) -> None:
    """Validate, then sync the curriculum into the database in one transaction.

    Rows are matched by slug or key; lessons, quizzes and questions removed from the files
    are archived, never deleted, and a changed question gets a new version (past attempts
    keep the version they showed).
    Nothing is written if any file has a problem. Running it twice changes nothing.
    """
    courses = _parse_or_exit(_content_dir(directory))
    session = get_session()
    total = sum(len(course.lessons) for course in courses)
    with click.progressbar(length=total, label="Loading lessons", file=sys.stderr) as bar:
        report = sync_content(session, courses, advance=bar.update)
    session.commit()
    _recompute_standings_later(session, report.changed)
    for line in report.lines():
        click.echo(line)
    for line in report.conflicts:
        click.echo(line, err=True)
    click.echo(
        "Content loaded." if report.changed else "Content already up to date; nothing changed."
    )
    if report.conflicts:
        click.echo(f"{len(report.conflicts)} conflict(s): browser edits were kept.", err=True)


def _recompute_standings_later(session, content_changed: bool) -> None:
    """Changed content moves every learner's figures (lessons, minutes): recompute their
    stored standings in the background, as do courses with learners not stored yet (the
    first load after the standings table arrived)."""
    from course_app import standing_store

    stale = standing_store.courses_to_recompute(session, everything=content_changed)
    if stale:
        job = standing_store.submit_recompute(session, stale, None)
        click.echo(f"Learners' standings are being recomputed (job {job.id}).")


@click.command("create-admin")
@with_appcontext
@click.option("--email", default=None, help="Defaults to FIRST_ADMIN_EMAIL.")
def create_admin(email: str | None) -> None:
    """Create the first administrator and print its password once; no-op if one exists."""
    session = get_session()
    created = auth_services.create_first_admin(
        session, email or current_app.config["FIRST_ADMIN_EMAIL"]
    )
    session.commit()
    if created is None:
        click.echo("An administrator already exists; no new password was made.")
        return
    user, password = created
    click.echo(
        "Created the first administrator. This password is shown only once:\n"
        f"  e-mail:   {user.email}\n  password: {password}"
    )


@click.command("send-mail")
@with_appcontext
def send_mail() -> None:
    """Retry sending every unsent outbox message (needs MAIL_SERVER)."""
    if not current_app.config["MAIL_SERVER"]:
        click.echo("MAIL_SERVER is not set; messages stay in the outbox.", err=True)
        sys.exit(1)
    ids = mail.services.unsent_message_ids(get_session())
    sent = sum(mail.deliver(message_id) for message_id in ids)
    click.echo(f"Sent {sent} of {len(ids)} message(s).")
    if sent < len(ids):
        sys.exit(1)


@click.command("close-expired-attempts")
@with_appcontext
def close_expired_attempts() -> None:
    """Grade every open attempt whose time limit (plus grace) has passed.

    Pages grade such attempts when they are opened; run this periodically (e.g. from cron)
    so that gradebooks are current even for learners who never come back.
    """
    session = get_session()
    closed = answering.close_expired_attempts(session, utcnow())
    session.commit()
    click.echo(f"Graded {closed} attempt{'' if closed == 1 else 's'} whose time ran out.")


@click.command("export-content")
@with_appcontext
@content_dir_option
def export_content(directory: str | None) -> None:
    """Write lessons, quizzes and questions edited in the browser back to content/ files.

    Afterwards the files and the database agree, so the files can be reviewed and committed,
    and load-content no longer reports those rows as edited in the browser.
    """
    from course_app.instructor import export

    root = _content_dir(directory)
    session = get_session()
    written = export.export_edits(session, root)
    session.commit()
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"{len(written)} file(s) written." if written else "No browser edits to export.")


@click.command("verify")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify_credential(file: Path) -> None:
    """Check a certificate PDF or credential JSON offline (the rules of /verify,
    docs/security.md "Certificates and verification"); print the registry's record.
    Exit 1 if not valid."""
    from course_app.certificates import checking
    from course_app.certificates.issuer import current_issuer

    with file.open("rb") as handle:
        data = handle.read(checking.MAX_UPLOAD_BYTES + 1)
    try:
        verdict = checking.check_upload(get_session(), data, current_issuer(), date.today())
    except checking.Refused as refused:
        click.echo(refused.message, err=True)
        sys.exit(1)
    click.echo(verdict.message)
    for line in checking.registry_lines(verdict.certificate, date.today()):
        click.echo(line)
    if not verdict.valid:
        sys.exit(1)


@click.command("rotate-signing-key")
@with_appcontext
def rotate_signing_key() -> None:
    """Make a new credential-signing key; the old public key stays published as retired."""
    old, new = rotate(current_app.instance_path)
    click.echo(f"Retired {old}; now signing with {new}.")


@click.command("backup")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(file: Path) -> None:
    """Copy the database to FILE (SQLite online backup; pg_dump for PostgreSQL).

    Back up instance/ as well: the secret key and the signing key are not in the database.
    """
    from course_app import backup

    backup.backup(get_engine(), file)
    click.echo(f"Backup written to {file}.")


@click.command("restore")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.confirmation_option(prompt="Replace every row of the database with the backup's?")
def restore_command(file: Path) -> None:
    """Replace the database's contents with a backup made by `backup` (stop the app first).

    Where audit checkpoints are kept, the restored chain's head is signed into their file as a
    "restore" line: checkpoints made after the backup then read as rolled back, not tampered.
    """
    from course_app import backup

    backup.restore(get_engine(), file)
    click.echo(f"Restored from {file}.")
    recorded = record_restore(file)
    if recorded:
        click.echo(f"Recorded the restored audit trail's head in {recorded}.")


@click.command("seed-demo")
@with_appcontext
@click.option("--learners", default=1000, show_default=True, help="How many demo learners.")
def seed_demo_command(learners: int) -> None:
    """Insert demo learners with progress and graded attempts at Level 1's quizzes (bulk).

    For benchmarks and for trying the instructor pages; run load-content first. Demo learners'
    password is printed at the end.
    """
    from course_app import demo

    session = get_session()
    report = demo.seed_demo(session, learners)
    session.commit()
    click.echo(
        f"Seeded {report.learners} learners, {report.attempts} attempts, {report.answers} answers "
        f"(password: {demo.DEMO_PASSWORD})."
    )
