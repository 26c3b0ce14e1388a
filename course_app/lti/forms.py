"""Forms: an LTI platform's registration (admin) and the deep-linking picker."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import URL, DataRequired, Length, Regexp, ValidationError

NO_CONTROL = Regexp(r"^[^\x00-\x1f\x7f]*$", message="Use no control characters.")


def _https_or_local(_form, field) -> None:
    """A platform's endpoints carry keys and tokens: https, except on this machine."""
    value = field.data or ""
    if not value.startswith(("https://", "http://localhost", "http://127.0.0.1")):
        raise ValidationError("Use an https:// address.")


def _url(label: str, description: str) -> StringField:
    checks = [DataRequired(), Length(max=500), URL(require_tld=False), _https_or_local]
    return StringField(label, validators=checks, description=description)


class PlatformForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120), NO_CONTROL])
    issuer = StringField(
        "Issuer",
        validators=[DataRequired(), Length(max=255), NO_CONTROL],
        description="The platform's issuer (iss), e.g. https://lms.example.org.",
    )
    client_id = StringField(
        "Client ID",
        validators=[DataRequired(), Length(max=255), NO_CONTROL],
        description="The client id the platform gave this tool.",
    )
    deployment_ids = TextAreaField(
        "Deployment IDs",
        validators=[DataRequired(), Length(max=2000)],
        description="One a line: launches from any other deployment are refused.",
    )
    auth_login_url = _url("Authentication (OIDC) URL", "Where the tool sends the login.")
    auth_token_url = _url("Access token URL", "Where the tool asks for AGS and NRPS tokens.")
    key_set_url = _url("Key set (JWKS) URL", "The platform's public keys.")

    def deployments(self) -> list[str]:
        lines = (line.strip() for line in (self.deployment_ids.data or "").splitlines())
        return list(dict.fromkeys(line for line in lines if line))[:50]

    def validate_deployment_ids(self, field) -> None:
        if not self.deployments() or any(len(d) > 255 for d in self.deployments()):
            raise ValidationError("Give at least one deployment id (255 characters at most).")


class DeepLinkForm(FlaskForm):
    target = RadioField(_l("Course or module"), choices=[], validators=[DataRequired()])
