"""The curriculum in the reader's language: the language a request is shown in
(``course_app.i18n``'s locale selection) when the course offers it, else English.

Rows carry their translations (``translations`` = {language: {field: text}}, stored by
``load-content``); a row without text in the reader's language shows its English. Only the
words change: keys, option identities, correct answers and scores are the English row's.
"""

from typing import Any

from flask import has_request_context
from flask_babel import get_locale
from flask_babel import gettext as _

from course_app.modules.translation_files import SOURCE_LANGUAGE


def reader_language() -> str:
    """The request's language; English outside a request (jobs, the command line)."""
    return str(get_locale()) if has_request_context() else SOURCE_LANGUAGE


def text_of(row: Any, language: str | None = None) -> dict[str, Any]:
    """The row's text in the reader's language ({} when English or not offered in it)."""
    language = language or reader_language()
    if language == SOURCE_LANGUAGE:
        return {}
    return (getattr(row, "translations", None) or {}).get(language) or {}


class Localized:
    """A row read in another language: translated fields replace the English ones, every
    other attribute (ids, keys, correct answers) is the row's own. For templates only."""

    def __init__(self, row: Any, text: dict[str, Any]) -> None:
        self._row = row
        self._text = text

    def __getattr__(self, name: str) -> Any:
        text = self.__dict__["_text"]
        if text.get(name):
            return text[name]
        return getattr(self.__dict__["_row"], name)


def localized(row: Any, language: str | None = None) -> Any:
    """``row`` as the reader sees it: itself in English, else a :class:`Localized` view."""
    text = text_of(row, language)
    return Localized(row, text) if text else row


def localized_version(version: Any, language: str | None = None) -> Any:
    """A question version in the reader's language: prompt, case and rationale translated,
    each option's text replaced by its translation (same key, same correctness)."""
    text = dict(text_of(version, language))
    if not text:
        return version
    translated = text.pop("options", None) or []
    if version.type == "true-false":
        words = {"true": _("True"), "false": _("False")}
        text["options"] = [o | {"text": words.get(o["key"], o["text"])} for o in version.options]
    elif len(translated) == len(version.options):
        text["options"] = [
            option | {"text": words}
            for option, words in zip(version.options, translated, strict=True)
        ]
    return Localized(version, text)
