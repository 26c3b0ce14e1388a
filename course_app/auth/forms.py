"""Account forms."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
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


def _email_field(label: str | None = None) -> EmailField:
    return EmailField(
        label or _l("E-mail address"),
        validators=[
            DataRequired(),
            Email(message=_l("Enter a valid e-mail address.")),
            Length(max=254),
        ],
    )


def _new_password_fields() -> tuple[PasswordField, PasswordField]:
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), StrongPassword()],
        description=_l("At least 12 characters. A passphrase of several words works well."),
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )
    return password, confirm


class RegisterForm(FlaskForm):
    full_name = StringField(
        _l("Full name"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("As it appears on your registration with your regulator."),
    )
    email = _email_field()
    password, confirm = _new_password_fields()
    registration_number = StringField(
        _l("Professional registration number"),
        validators=[
            DataRequired(message=_l("Enter your registration (licence) number.")),
            Regexp(
                REGISTRATION_NUMBER_PATTERN, message=_l("Use 3–40 letters, digits, spaces or -.")
            ),
        ],
    )
    jurisdiction = SelectField(
        _l("Province or territory of registration"), choices=jurisdiction_choices(), default="ON"
    )
    regulator = StringField(
        _l("Regulator"),
        validators=[Length(max=200)],
        description=_l("Leave blank to use your province's physiotherapy regulator."),
    )
    register_class = RadioField(
        _l("Register class"),
        choices=[
            SelectChoice(RegisterClass.FULL.value, _l("Full (general) register")),
            SelectChoice(RegisterClass.PROVISIONAL.value, _l("Provisional register (e.g. intern)")),
        ],
        validators=[DataRequired(message=_l("Choose your register class."))],
    )

    def validate_regulator(self, field: StringField) -> None:
        if not (field.data or "").strip():
            field.data = JURISDICTIONS.get(self.jurisdiction.data, ("", ""))[1]
        if not field.data:
            raise ValidationError(_("Name the regulator you are registered with."))


class LoginForm(FlaskForm):
    email = _email_field()
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    password, confirm = _new_password_fields()


class ResetRequestForm(FlaskForm):
    email = _email_field()


class ResetPasswordForm(FlaskForm):
    password, confirm = _new_password_fields()
