"""E-mails written in their recipient's language, not the request's: a password reset asked
from an English browser for a French account arrives in French (as notices do, see
``notifications.services.render``).

A message's body is a text template; its French version sits in an ``fr/`` folder beside it
(``auth/email/fr/reset.txt`` next to ``auth/email/reset.txt``), falling back to the English one.
Its subject is a marked string, translated under the recipient's locale.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import PurePosixPath

from flask import current_app, render_template
from flask_babel import force_locale, gettext

from course_app.i18n.selection import supported_language


def recipient_language(language: str | None) -> str:
    """The recipient's stored language when it is one we speak, else the default."""
    return supported_language(language) or current_app.config["BABEL_DEFAULT_LOCALE"]


@contextmanager
def speaking(language: str | None) -> Iterator[str]:
    """Translate (strings, dates, numbers) in ``language`` inside the block."""
    code = recipient_language(language)
    with force_locale(code):
        yield code


def localized_names(template: str, language: str) -> list[str]:
    """``['auth/email/fr/reset.txt', 'auth/email/reset.txt']``: the language's own version
    first, the original as the fallback."""
    path = PurePosixPath(template)
    if language == current_app.config["BABEL_DEFAULT_LOCALE"]:
        return [template]
    return [str(path.parent / language / path.name), template]


def mail_text(language: str | None, template: str, subject: str, **context) -> tuple[str, str]:
    """(subject, body) of one message for a recipient who reads ``language``; ``subject`` is
    the English msgid (marked with ``N_`` by the caller) with ``%(product)s`` available."""
    with speaking(language) as code:
        product = current_app.config["PRODUCT_NAME"]
        body = render_template(localized_names(template, code), product_name=product, **context)
        return gettext(subject, product=product), body
