"""Validators shared by several forms."""

from flask import current_app
from flask_babel import gettext as _
from wtforms import Field, Form
from wtforms.validators import ValidationError


class StrongPassword:
    """At least PASSWORD_MIN_LENGTH characters (read from the config at validation time)."""

    def __call__(self, form: Form, field: Field) -> None:
        minimum = current_app.config["PASSWORD_MIN_LENGTH"]
        if len(field.data or "") < minimum:
            raise ValidationError(_("Use at least %(minimum)d characters.", minimum=minimum))
        if len(field.data) > 256:
            raise ValidationError(_("Use at most 256 characters."))
