"""French in a real browser, at 390 px and 1280 px: a visitor whose browser asks for French
gets the sign-in pages in French, switches to English and back with the footer's form (no
script needed), and a learner whose account says French reads the dashboard in French from an
English browser, then enrols and goes through the course, lesson, quiz, search, account,
certificates and verification pages in French. axe, the HTML checker and no sideways
scrolling on every page, with lang="fr"."""

import re

import pytest

from tests.browser_support import VIEWPORTS, Visit, log_in_as


def _french_learner(app) -> None:
    from course_app.db import EXTENSION_KEY
    from tests.helpers import make_user

    with app.extensions[EXTENSION_KEY]() as db:
        make_user(db, email="eloise@example.org", full_name="Éloïse Tremblay", language="fr")


def _html_lang(page) -> str:
    return page.get_attribute("html", "lang")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_french_pages_in_the_browser(test_course_server, browser, tmp_path, viewport):
    app, url = test_course_server
    _french_learner(app)
    size = VIEWPORTS[viewport]
    visitor = browser.new_context(bypass_csp=True, viewport=size, locale="fr-CA").new_page()
    visit = Visit(visitor, f"i18n-visitor-{viewport}", tmp_path)
    visitor.goto(url + "/auth/login")
    visitor.get_by_role("heading", name="Se connecter").wait_for()
    assert _html_lang(visitor) == "fr"
    visitor.get_by_role("button", name="English").click()
    visitor.get_by_role("heading", name="Log in").wait_for()
    assert _html_lang(visitor) == "en" and visitor.url.endswith("/auth/login")
    visitor.get_by_role("button", name="Français").click()
    visitor.get_by_role("heading", name="Se connecter").wait_for()
    visit.check("login")
    for path, heading in (
        ("/auth/register", "Créez votre compte d'apprenant"),
        ("/auth/reset", "Réinitialiser votre mot de passe"),
    ):
        visitor.goto(url + path)
        visitor.get_by_role("heading", name=heading).wait_for()
        visit.check(path.rsplit("/", 1)[-1])

    learner = browser.new_context(bypass_csp=True, viewport=size, locale="en-CA").new_page()
    learner_visit = Visit(learner, f"i18n-learner-{viewport}", tmp_path)
    log_in_as(learner, url, "eloise@example.org")  # the English form: no preference yet seen
    learner.get_by_role("heading", name="Ma formation").wait_for()
    assert _html_lang(learner) == "fr"
    # Hours with a decimal comma and French plural rules (under 2 is singular): wording.py.
    credit = re.compile(r"^Niveau \d · \d+(,\d+)? heures? de FC de théorie en ligne$")
    learner.get_by_text(credit).first.wait_for()
    learner_visit.check("dashboard")
    learner.goto(url + "/courses/basics")
    learner.get_by_role("button", name="M'inscrire à cette formation").click()
    learner.get_by_role("heading", name="Ce qu'il reste à faire pour votre attestation").wait_for()
    learner_visit.check("course")
    for path, role, name in (
        ("/courses/basics/lessons/one", "heading", "Objectifs d'apprentissage"),
        ("/courses/basics/quizzes/first", "button", "Commencer la tentative 1"),
        ("/search?q=needle", "heading", "Rechercher dans les leçons"),
        ("/account", "heading", "Votre compte"),
        ("/certificates", "heading", "Mes attestations"),
        ("/verify", "heading", "Vérifier une attestation"),
    ):
        learner.goto(url + path)
        learner.get_by_role(role, name=name).first.wait_for()
        assert _html_lang(learner) == "fr"
        learner_visit.check(path.strip("/").split("?")[0].replace("/", "-"))
    visit.assert_clean()
    learner_visit.assert_clean()
