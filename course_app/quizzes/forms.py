"""Forms of the quizzes package (the attempt form is built per attempt in its template)."""

from flask_wtf import FlaskForm
from wtforms import DecimalField, EmailField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional


class AccommodationForm(FlaskForm):
    email = EmailField("Learner's e-mail address", validators=[DataRequired(), Email()])
    multiplier = DecimalField(
        "Time multiplier",
        places=2,
        validators=[InputRequired(), NumberRange(min=1, max=4)],
        description="1.5 gives 50 % more time on timed quizzes started from now on; 1 removes it.",
    )
    note = StringField(
        "Note (optional)",
        validators=[Optional(), Length(max=200)],
        description="For instance the reason or the document on file. Visible to staff only.",
    )
