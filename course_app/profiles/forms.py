"""Profile forms: each part of the account page is a form of its own."""

from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Regexp, ValidationError

from course_app.auth.forms import REGISTRATION_NUMBER_PATTERN
from course_app.auth.jurisdictions import JURISDICTIONS, jurisdiction_choices
from course_app.auth.models import RegisterClass
from course_app.profiles.services import LANGUAGES
from course_app.profiles.zones import is_known_zone


class PreferencesForm(FlaskForm):
    language = SelectField(
        "Language", choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()]
    )
    time_zone = StringField(
        "Time zone",
        validators=[Length(max=64)],
        description="An IANA time zone such as America/Toronto. Leave blank to use your "
        "province's.",
    )

    def validate_time_zone(self, field: StringField) -> None:
        field.data = (field.data or "").strip()
        if field.data and not is_known_zone(field.data):
            raise ValidationError("Enter an IANA time zone such as America/Toronto.")


class DetailsForm(PreferencesForm):
    """Preferences and the professional registration (for people who have one)."""

    registration_number = StringField(
        "Professional registration number",
        validators=[
            DataRequired(message="Enter your registration (licence) number."),
            Regexp(REGISTRATION_NUMBER_PATTERN, message="Use 3–40 letters, digits, spaces or -."),
        ],
    )
    jurisdiction = SelectField("Province or territory of registration", choices=[])
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

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.jurisdiction.choices = jurisdiction_choices()

    def validate_regulator(self, field: StringField) -> None:
        if not (field.data or "").strip():
            field.data = JURISDICTIONS.get(self.jurisdiction.data, ("", ""))[1]
        if not field.data:
            raise ValidationError("Name the regulator you are registered with.")


class EmailChangeForm(FlaskForm):
    new_email = EmailField(
        "New e-mail address",
        validators=[
            DataRequired(message="Enter the new e-mail address."),
            Email(message="Enter a valid e-mail address."),
            Length(max=254),
        ],
    )
    email_password = PasswordField("Your current password", validators=[DataRequired()])


class NameChangeForm(FlaskForm):
    full_name = StringField(
        "New full name",
        validators=[DataRequired(message="Enter the new name."), Length(max=200)],
        description="As it appears on your registration with your regulator.",
    )
    explanation = TextAreaField(
        "Why (optional)", validators=[Length(max=2000)], description="For example: married."
    )


class CloseAccountForm(FlaskForm):
    close_password = PasswordField("Your password", validators=[DataRequired()])
