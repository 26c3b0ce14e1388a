"""Learning records: xAPI 1.0.3 statements for launching a course, completing lessons,
attempts and answers, practical sign-off and certificates (docs/xapi.md).

Services record statements in an outbox table in the transaction of their event
(:mod:`.events`); the job consumer sends them to the configured LRS (:mod:`.sending`, the
``send-xapi`` scheduled task); administrators and ``flask xapi-export`` export a date range.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    from course_app.xapi import cli, views

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.xapi_export)
