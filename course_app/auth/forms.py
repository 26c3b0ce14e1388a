"""Account forms."""

from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Regexp, ValidationError

from course_app.auth.jurisdictions import JURISDICTIONS, jurisdiction_choices
from course_app.auth.models import RegisterClass
from course_app.forms import StrongPassword

REGISTRATION_NUMBER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9 -]{1,38}[A-Za-z0-9]$"


def _email_field(label: str = "E-mail address") -> EmailField:
    return EmailField(
        label,
        validators=[
            DataRequired(),
            Email(message="Enter a valid e-mail address."),
            Length(max=254),
        ],
    )


def _new_password_fields() -> tuple[PasswordField, PasswordField]:
    password = PasswordField(
        "New password",
        validators=[DataRequired(), StrongPassword()],
        description="At least 12 characters. A passphrase of several words works well.",
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("password", message="The two passwords differ.")],
    )
    return password, confirm


class RegisterForm(FlaskForm):
    full_name = StringField(
        "Full name",
        validators=[DataRequired(), Length(max=200)],
        description="As it appears on your registration with your regulator.",
    )
    email = _email_field()
    password, confirm = _new_password_fields()
    registration_number = StringField(
        "Professional registration number",
        validators=[
            DataRequired(message="Enter your registration (licence) number."),
            Regexp(REGISTRATION_NUMBER_PATTERN, message="Use 3–40 letters, digits, spaces or -."),
        ],
    )
    jurisdiction = SelectField(
        "Province or territory of registration", choices=jurisdiction_choices(), default="ON"
    )
    regulator = StringField(
        "Regulator",
        validators=[Length(max=200)],
        description="Leave blank to use your province's physiotherapy regulator.",
    )
    register_class = RadioField(
        "Register class",
        choices=[
            SelectChoice(RegisterClass.FULL.value, "Full (general) register"),
            SelectChoice(RegisterClass.PROVISIONAL.value, "Provisional register (e.g. intern)"),
        ],
        validators=[DataRequired(message="Choose your register class.")],
    )

    def validate_regulator(self, field: StringField) -> None:
        if not (field.data or "").strip():
            field.data = JURISDICTIONS.get(self.jurisdiction.data, ("", ""))[1]
        if not field.data:
            raise ValidationError("Name the regulator you are registered with.")


class LoginForm(FlaskForm):
    email = _email_field()
    password = PasswordField("Password", validators=[DataRequired(), Length(max=256)])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired()])
    password, confirm = _new_password_fields()


class ResetRequestForm(FlaskForm):
    email = _email_field()


class ResetPasswordForm(FlaskForm):
    password, confirm = _new_password_fields()
