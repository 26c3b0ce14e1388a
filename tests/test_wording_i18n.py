"""Counts, durations and hours through the i18n layer: the wording functions as plain
functions in English and French (the locale forced inside a request), and a French page
over HTTP that shows French plural rules (0 and 1,5 are singular in French)."""

import html

import pytest
from flask_babel import force_locale

from course_app.wording import UNITS, ce_hours_words, hours_text, minutes_text, number, plural
from tests.helpers import complete_course, login, make_user, post, text_of

NBSP = "\N{NO-BREAK SPACE}"


@pytest.fixture
def english(app):
    with app.test_request_context(), force_locale("en"):
        yield


@pytest.fixture
def french(app):
    with app.test_request_context(), force_locale("fr"):
        yield


def test_english_counts_and_durations(english):
    assert plural(1, "minute") == "1 minute" and plural(2, "minute") == "2 minutes"
    assert plural(0, "lesson") == "0 lessons" and plural(1.5, "hour") == "1.5 hours"
    assert minutes_text(1) == "1 minute" and minutes_text(1440) == "24 hours"
    assert minutes_text(90) == "1 hour 30 minutes" and minutes_text(61) == "1 hour 1 minute"
    assert hours_text(1.5) == f"1.5{NBSP}h" and hours_text(6.58333) == f"6.58{NBSP}h"
    assert ce_hours_words(395) == "6.58 CE hours" and ce_hours_words(60) == "1 CE hour"
    assert number(1234.5) == "1,234.5"


def test_french_counts_and_durations(french):
    assert plural(1, "minute") == "1 minute" and plural(2, "minute") == "2 minutes"
    # French counts 0 and anything under 2 in the singular.
    assert plural(0, "lesson") == "0 leçon" and plural(1.5, "hour") == "1,5 heure"
    assert plural(2.5, "hour") == "2,5 heures" and plural(3, "seat") == "3 places"
    assert minutes_text(90) == "1 heure 30 minutes" and minutes_text(1440) == "24 heures"
    assert minutes_text(121) == "2 heures 1 minute"
    assert hours_text(1.5) == f"1,5{NBSP}h"
    assert ce_hours_words(395) == "6,58 heures de FC"
    assert number(1234.5) == f"1{NBSP}234,5".replace(NBSP, "\N{NARROW NO-BREAK SPACE}")


@pytest.mark.parametrize("unit", sorted(UNITS))
def test_every_unit_has_both_forms_in_both_languages(app, unit):
    for language in ("en", "fr"):
        with app.test_request_context(), force_locale(language):
            one, many = plural(1, unit), plural(7, unit)
            assert one.startswith("1 ") and many.startswith("7 ") and one[2:] != many[2:]


def test_outside_a_request_the_words_are_english():
    assert plural(1, "lesson") == "1 lesson" and minutes_text(75) == "1 hour 15 minutes"


def test_a_french_dashboard_reads_french_plurals(client, db, content):
    learner = make_user(db, language="fr")
    login(client, learner.email)
    post(client, "/courses/basics/enrol")
    page = html.unescape(text_of(client.get("/dashboard")))
    assert 'lang="fr"' in page
    assert "Théorie en ligne réalisée au total : <strong>0 minute</strong>" in page
    assert "Niveau 1 · 1,17 heure de FC de théorie en ligne" in page  # 70 min: under 2
    complete_course(client, db, "basics")
    page = html.unescape(text_of(client.get("/dashboard")))
    assert "<strong>1 heure 10 minutes</strong>" in page


def test_an_english_dashboard_reads_english_plurals(client, db, content):
    login(client, make_user(db).email)
    post(client, "/courses/basics/enrol")
    page = html.unescape(text_of(client.get("/dashboard")))
    assert "Online theory completed in all: <strong>0 minutes</strong>" in page
    assert "Level 1 · 1.17 CE hours of online theory" in page
