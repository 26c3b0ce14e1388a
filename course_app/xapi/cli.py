"""``flask xapi-export``: the statements of a date range as one JSON array on stdout."""

import json

import click
from flask.cli import with_appcontext

from course_app.db import get_session
from course_app.xapi.dates import BadRange, day_range
from course_app.xapi.sending import export


@click.command("xapi-export")
@click.option("--since", required=True, help="First day (YYYY-MM-DD, UTC), included.")
@click.option("--until", required=True, help="Last day (YYYY-MM-DD, UTC), included.")
@with_appcontext
def xapi_export(since: str, until: str) -> None:
    """Write every xAPI statement whose timestamp falls in the days given (sent to the LRS
    or not) as a JSON array, e.g. ``flask xapi-export --since 2027-01-01 --until 2027-06-30
    > statements.json``."""
    try:
        start, end = day_range(since, until)
    except BadRange as error:
        raise click.BadParameter(str(error)) from None
    for chunk in json_array(export(get_session(), start, end)):
        click.echo(chunk, nl=False)
    click.echo()


def json_array(statements):
    """The statements as pieces of one JSON array, so a long export is never held whole."""
    yield "["
    for index, statement in enumerate(statements):
        yield ("," if index else "") + "\n" + json.dumps(statement, ensure_ascii=False)
    yield "\n]"
