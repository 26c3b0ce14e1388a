"""The form that creates a personal access token."""

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from course_app.api.tokens import MAX_DAYS


class TokenForm(FlaskForm):
    name = StringField(
        "Name",
        # No control characters: PostgreSQL refuses a NUL, and a name is shown in a list.
        validators=[
            DataRequired(),
            Length(max=80),
            Regexp(r"^[^\x00-\x1f\x7f]*$", message="Use no control characters."),
        ],
        description="What the token is for, e.g. “HR export”.",
    )
    scopes = SelectMultipleField(
        "What it may read",
        choices=[],
        validators=[DataRequired(message="Choose at least one scope.")],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    days = IntegerField(
        "Days until it expires",
        default=90,
        validators=[DataRequired(), NumberRange(min=1, max=MAX_DAYS)],
    )
