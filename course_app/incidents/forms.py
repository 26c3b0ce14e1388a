"""The incident form: who, what, where, the action taken, the follow-up, who was told."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from course_app.incidents.models import KINDS


def _text(label, description, limit: int = 5000) -> TextAreaField:
    return TextAreaField(
        label, description=description, validators=[DataRequired(), Length(max=limit)]
    )


class IncidentForm(FlaskForm):
    kind = RadioField(
        _l("Kind of incident"),
        choices=[SelectChoice(value, _l(label)) for value, label in KINDS.items()],
        validators=[InputRequired(message=_l("Choose adverse event or needlestick injury."))],
    )
    occurred_on = SelectField(_l("Day"), description=_l("One of the cohort's days so far."))
    occurred_time = StringField(
        _l("Time (optional)"),
        description=_l("24-hour clock, local time, e.g. 14:35."),
        validators=[Optional(), Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", message=_l("Use HH:MM."))],
    )
    people = _text(
        _l("Who was involved"),
        _l("The learner needling, the person needled, witnesses (names as they appear)."),
        2000,
    )
    what = _text(_l("What happened"), _l("The event, the site and the needle, in plain words."))
    place = StringField(_l("Where"), validators=[DataRequired(), Length(max=200)])
    action_taken = _text(_l("Action taken"), _l("First aid and what was done at once."))
    follow_up = _text(
        _l("Follow-up"), _l("Medical assessment, post-exposure steps, who follows up.")
    )
    reported_to = StringField(
        _l("Reported to"),
        description=_l("Who was told: the course lead, the clinic, occupational health, …"),
        validators=[DataRequired(), Length(max=300)],
    )
    corrects = SelectField(
        _l("Corrects an earlier entry (optional)"),
        description=_l("Entries are never edited: a correction is a new entry naming the old."),
        validators=[Optional()],
    )
