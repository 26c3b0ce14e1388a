"""Administration forms."""

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from course_app.auth.forms import REGISTRATION_NUMBER_PATTERN, _email_field
from course_app.auth.jurisdictions import jurisdiction_choices
from course_app.auth.models import RegisterClass, Role


class InviteForm(FlaskForm):
    """A new account of any role; a learner's also needs the registration details."""

    full_name = StringField("Full name", validators=[DataRequired(), Length(max=200)])
    email = _email_field()
    role = SelectField("Role", choices=[SelectChoice(role.value, role.value) for role in Role])
    registration_number = StringField(
        "Registration number (learners)",
        validators=[
            Optional(),
            Regexp(REGISTRATION_NUMBER_PATTERN, message="3–40 letters or digits."),
        ],
    )
    jurisdiction = SelectField(
        "Province or territory (learners)",
        choices=[SelectChoice("", "–"), *jurisdiction_choices()],
        default="",
    )
    regulator = StringField("Regulator (learners)", validators=[Length(max=200)])
    register_class = SelectField(
        "Register class (learners)",
        choices=[
            SelectChoice("", "–"),
            SelectChoice(RegisterClass.FULL.value, "Full"),
            SelectChoice(RegisterClass.PROVISIONAL.value, "Provisional"),
        ],
        default="",
    )
