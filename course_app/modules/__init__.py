"""Courses, course modules, lessons and progress: the ``modules`` blueprint."""

from flask import Blueprint, Flask

bp = Blueprint("modules", __name__)


def init_app(app: Flask) -> None:
    from course_app import timing, wording
    from course_app.modules import lesson_time, structure, views
    from course_app.modules.localized import localized

    lesson_time.check_settings(app.config)
    app.add_template_filter(timing.duration, "duration")
    app.add_template_filter(wording.plural, "plural")
    app.add_template_filter(wording.minutes_text, "minutes")
    app.add_template_filter(wording.hours_text, "hours")
    # "6.75 CE hours", "1,17 heure de FC": the count with its word (``ce_hours`` is the number).
    app.add_template_filter(wording.ce_hours_words, "ce_hours_words")
    app.add_template_filter(wording.number, "number")
    app.add_template_filter(localized, "localized")  # a row in the reader's language
    structure.init_app(app)
    app.register_blueprint(bp)
    app.add_url_rule("/", endpoint="index", view_func=views.catalog)
