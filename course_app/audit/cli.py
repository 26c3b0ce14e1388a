"""``audit-checkpoint`` and ``audit-verify``: sign the chain's head into a file kept outside the
database, and check the chain and every checkpoint against each other."""

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from course_app.audit import checking, checkpoints
from course_app.db import get_session, utcnow


def _checkpoint_file() -> Path:
    return checkpoints.checkpoint_file(current_app.config, current_app.instance_path)


@click.command("audit-checkpoint")
@with_appcontext
def audit_checkpoint() -> None:
    """Sign the audit chain's head (newest entry, its hash, the count, the time) and append it
    to AUDIT_CHECKPOINT_FILE. Run it from cron; ship the file off this machine."""
    path = _checkpoint_file()
    line = checkpoints.write_checkpoint(get_session(), path, current_app.instance_path, utcnow())
    click.echo(
        f"Checkpoint written to {path}: {line['count']} entries, newest "
        f"{line['entry_id'] or '(none)'} (key {line['key']})."
    )


@click.command("audit-verify")
@with_appcontext
@click.option(
    "--checkpoints",
    "copy",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="Check against this copy of the checkpoint file (e.g. the one kept off the machine).",
)
@click.option(
    "--public-key",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="Check signatures with this copy of audit-checkpoint-key.pub.pem, not instance/'s key.",
)
def audit_verify(copy: Path | None, public_key: Path | None) -> None:
    """Check the hash chain, and every signed checkpoint against it: exit 1 if an entry was
    edited or deleted, the newest entries removed, the chain rewritten, or a checkpoint forged."""
    path = copy or _checkpoint_file()
    found, problems = _read(path, public_key)
    report, broken = checking.verify(get_session(), found)
    if broken:
        problems.insert(0, f"Audit chain broken at {broken}.")
    problems += [f"{problem}." for problem in report.problems]
    for note in report.notes:
        click.echo(f"Note: {note}.")
    if problems:
        for problem in problems:
            click.echo(problem, err=True)
        click.echo(f"Audit trail NOT intact: {len(problems)} problem(s).", err=True)
        sys.exit(1)
    click.echo(f"Audit chain intact: {report.count} entries.")
    _summarise(report, path)


def _read(path: Path, public_key: Path | None) -> tuple[list[checking.Checkpoint], list[str]]:
    """The checkpoints of ``path``, and what stops them being trusted. Signatures are checked
    with ``public_key`` if given, else with the public half of instance/'s key."""
    key = checkpoints.key_path(current_app.instance_path)
    if public_key is None and not key.exists():
        if path.exists():
            return [], [f"{key} is missing: the checkpoints in {path} cannot be checked."]
        return [], []  # no checkpoint was ever written here
    if not path.exists():
        return [], [
            f"{path} is missing, but checkpoints were written (their key exists): "
            "bring back the copy kept elsewhere, or give it with --checkpoints."
        ]
    if public_key is not None:
        public = checkpoints.load_public_key(public_key)
    else:
        public = checkpoints.load_key(key).public_key()
    found, problems = checking.read_checkpoints(path, public)
    return found, [f"{problem}." for problem in problems]


def _summarise(report: checking.Report, path: Path) -> None:
    if not report.checked:
        click.echo(
            f"No checkpoints in {path} yet: run audit-checkpoint (from cron); until then, "
            "deleting the newest entries goes unnoticed."
        )
        return
    newest = max(report.checked, key=lambda checkpoint: checkpoint.line)
    click.echo(
        f"{len(report.checked)} checkpoint(s) agree with it; the newest ({newest.at}) "
        f"covers {newest.count} entries."
    )


def record_restore(source: Path) -> Path | None:
    """After ``restore``: sign the restored head as a "restore" line, so checkpoints made after
    the backup read as rolled back, not as tampering. Only where checkpoints are in use."""
    path = _checkpoint_file()
    if not (path.exists() or checkpoints.key_path(current_app.instance_path).exists()):
        return None
    session = get_session()
    checkpoints.write_checkpoint(
        session, path, current_app.instance_path, utcnow(), kind="restore", source=source.name
    )
    return path
