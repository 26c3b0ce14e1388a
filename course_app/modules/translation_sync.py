"""What ``load-content`` stores of a course's translations, row by row.

Storage: a JSON column ``translations`` = ``{language: {field: text}}`` on each row a reader
sees text from (course, module, lesson, quiz, question version, media file) rather than
translation tables keyed by (row, language). Why:

- A translation has no identity or life of its own: it is loaded, archived and versioned with
  its English row, and has the same keys. A column keeps that true without a second set of
  rows to keep in step (and nothing to delete when a language is dropped).
- A question version is immutable: its French is part of it (a changed French text makes a
  new version, like a changed English one), so an attempt taken in French shows, for good,
  the French it was taken in. Past results never change when content changes.
- Rendering reads the row it already has: no join, one query per page as before.
- Grading and item analysis never read it: answers are option keys, the same in every
  language, so both languages pool naturally.

Each function here is pure: a spec's translations in, the column's value out.
"""

import hashlib
import json
from typing import TYPE_CHECKING, Any

from course_app.markdown import Media, MediaRef, render_markdown

if TYPE_CHECKING:
    from course_app.modules.content import CourseSpec
    from course_app.modules.translations import CourseTranslation
    from course_app.quizzes.content_items import QuestionSpec

Translations = dict[str, "CourseTranslation"]


def course_texts(spec: "CourseSpec") -> dict[str, Any]:
    return {
        language: {
            "title": t.title,
            "summary": t.summary,
            "evaluation": {key: v["prompt"] for key, v in t.evaluation.items()},
            "competencies": t.competencies,
        }
        for language, t in spec.translations.items()
    }


def module_texts(spec: "CourseSpec", slug: str) -> dict[str, Any]:
    return {
        language: t.modules[slug] for language, t in spec.translations.items() if slug in t.modules
    }


def quiz_texts(translations: Translations, slug: str) -> dict[str, Any]:
    return {language: t.quizzes[slug] for language, t in translations.items() if slug in t.quizzes}


def media_texts(translations: Translations, kind: str, key: str) -> dict[str, Any]:
    return {
        language: t.media[kind, key]
        for language, t in translations.items()
        if (kind, key) in t.media
    }


def translated_media(media: Media, translations: Translations, language: str) -> Media:
    """The course's media as a reader of ``language`` sees them placed in a lesson."""
    texts = translations[language].media
    found = {}
    for (kind, key), ref in media.items():
        text = texts.get((kind, key), {})
        found[kind, key] = MediaRef(
            ref.kind,
            _translated_url(ref.url, language, text.get("text")),
            text.get("title") or ref.title,
            text.get("description") or ref.description,
            text.get("alt") or ref.alt,
            ref.label,
        )
    return found


def _translated_url(url: str, language: str, text: str | None) -> str:
    """A translated document's own address (``consent-form.fr.md``): the media route serves
    it from the English row's translations."""
    if not text:
        return url
    path = url.split("?", 1)[0]
    folder, name = path.rsplit("/", 1)
    stem, dot, suffix = name.rpartition(".")
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    return f"{folder}/{stem}.{language}{dot}{suffix}?v={digest}"


def lesson_texts(translations: Translations, slug: str, media: Media) -> dict[str, Any]:
    """Title, objectives and body per language, the body rendered with the translated
    figures' captions and alt text."""
    found = {}
    for language, t in translations.items():
        if slug not in t.lessons:
            continue
        text = t.lessons[slug]
        html = render_markdown(text["body"], translated_media(media, translations, language))
        found[language] = {
            "title": text["title"],
            "objectives": text["objectives"],
            "body_markdown": text["body"],
            "body_html": html,
        }
    return found


def question_texts(translations: Translations, spec: "QuestionSpec") -> dict[str, Any]:
    found = {}
    for language, t in translations.items():
        if spec.key not in t.questions:
            continue
        text = dict(t.questions[spec.key])
        text["case_html"] = render_markdown(text["case_text"]) if text["case_text"] else ""
        found[language] = text
    return found


def version_hash(spec: "QuestionSpec", texts: dict[str, Any]) -> str:
    """The English content hash, or with the translations when there are any: a changed
    translation makes a new version. English-only questions keep the hash they always had."""
    if not texts:
        return spec.content_hash
    encoded = json.dumps([spec.content_hash, texts], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()
