"""The incident form: who, what, where, the action taken, the follow-up, who was told."""

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from course_app.incidents.models import KINDS


def _text(label: str, description: str, limit: int = 5000) -> TextAreaField:
    return TextAreaField(
        label, description=description, validators=[DataRequired(), Length(max=limit)]
    )


class IncidentForm(FlaskForm):
    kind = RadioField(
        "Kind of incident",
        choices=[SelectChoice(value, label) for value, label in KINDS.items()],
        validators=[InputRequired(message="Choose adverse event or needlestick injury.")],
    )
    occurred_on = SelectField("Day", description="One of the cohort's days so far.")
    occurred_time = StringField(
        "Time (optional)",
        description="24-hour clock, local time, e.g. 14:35.",
        validators=[Optional(), Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", message="Use HH:MM.")],
    )
    people = _text(
        "Who was involved",
        "The learner needling, the person needled, witnesses (names as they appear).",
        2000,
    )
    what = _text("What happened", "The event, the site and the needle, in plain words.")
    place = StringField("Where", validators=[DataRequired(), Length(max=200)])
    action_taken = _text("Action taken", "First aid and what was done at once.")
    follow_up = _text("Follow-up", "Medical assessment, post-exposure steps, who follows up.")
    reported_to = StringField(
        "Reported to",
        description="Who was told: the course lead, the clinic, occupational health, …",
        validators=[DataRequired(), Length(max=300)],
    )
    corrects = SelectField(
        "Corrects an earlier entry (optional)",
        description="Entries are never edited: a correction is a new entry naming the old.",
        validators=[Optional()],
    )
