"""``flask translation-status``: each translation's state, for translators and reviewers."""

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from course_app.modules.translation_files import State, translation_states


@click.command("translation-status")
@with_appcontext
@click.option("--course", "course_slug", default=None, help="Only this course (its slug).")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False),
    default=None,
    help="Content folder (default: CONTENT_DIR, the repository's content/).",
)
def translation_status(course_slug: str | None, directory: str | None) -> None:
    """List each file's translation, per language the course declares: current, stale (the
    English changed since: needs review) or missing. Exit 1 if any is not current."""
    from course_app.modules.content import parse_content

    root = Path(directory or current_app.config["CONTENT_DIR"])
    courses, _problems = parse_content(root)  # the states need only the English files
    courses = [c for c in courses if course_slug in (None, c.slug)]
    if course_slug and not courses:
        click.echo(f"No course {course_slug!r} in {root}.", err=True)
        sys.exit(2)
    counts = dict.fromkeys(State, 0)
    for course in courses:
        if len(course.languages) == 1:
            click.echo(f"{course.slug}: offered in English only (no languages declared)")
        for language in course.languages[1:]:
            for item in translation_states(course, language):
                counts[item.state] += 1
                shown = item.translation.relative_to(root)
                click.echo(f"{item.state.value:<8} {language} {shown}")
    summary = ", ".join(f"{n} {state.value}" for state, n in counts.items())
    click.echo(f"Translations: {summary}.")
    if counts[State.STALE] or counts[State.MISSING]:
        sys.exit(1)
