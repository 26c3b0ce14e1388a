"""English and French, and each person's own time zone: through HTTP and as plain rules."""

import html
import re
from datetime import UTC, datetime

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from sqlalchemy import select

from course_app.auth.models import User
from course_app.config import REPO_ROOT
from course_app.i18n.selection import choose_language
from course_app.i18n.times import DATE_FORMAT, in_zone
from course_app.notifications.models import Notification
from tests.helpers import csrf_token, login, make_user, post, take_quiz, text_of
from tests.quality import html_errors, require_tools

TRANSLATIONS = REPO_ROOT / "course_app" / "translations"
FRENCH = {"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"}


def plain(text: str | tuple | list) -> str | tuple:
    return text if isinstance(text, str) else tuple(text)


def page_text(response) -> str:
    """The page with HTML entities decoded, as a reader sees the words."""
    return html.unescape(text_of(response))


def lang_of(response) -> str:
    match = re.search(r'<html lang="([^"]+)">', text_of(response))
    assert match, "no <html lang>"
    return match.group(1)


def french_catalogues():
    return sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))


def marked_strings() -> set[str]:
    """Every string marked in the sources today, extracted as `make translations` does (so a
    new _() fails here even before anyone runs the extraction)."""
    with (REPO_ROOT / "babel.cfg").open() as file:
        method_map, options_map = parse_mapping_cfg(file)
    found = extract_from_dir(
        REPO_ROOT,
        method_map,
        options_map,
        keywords={**DEFAULT_KEYWORDS, "_l": None},
        directory_filter=lambda path: "node_modules" not in path and "/." not in path,
    )
    return {message if isinstance(message, str) else message[0] for _, _, message, *_ in found}


# --- The catalogue: CI fails on a missing or fuzzy entry ----------------------------------


@pytest.mark.parametrize("po_path", french_catalogues(), ids=lambda path: path.parts[-3])
def test_every_marked_string_is_translated_and_none_is_fuzzy(po_path):
    with po_path.open("rb") as file:
        catalog = read_po(file)
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    problems = [f"not in the catalogue: {text!r}" for text in sorted(marked_strings() - known)]
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        if not all(strings) or len(strings) != (catalog.num_plurals if message.pluralizable else 1):
            problems.append(f"untranslated: {message.id!r}")
    assert problems == []


@pytest.mark.parametrize("po_path", french_catalogues(), ids=lambda path: path.parts[-3])
def test_the_compiled_catalogue_matches_its_source(po_path):
    """The committed .mo is what `pybabel compile` makes of the .po (make translations)."""
    with po_path.open("rb") as file:
        source = {plain(m.id): plain(m.string) for m in read_po(file) if m.id}
    with po_path.with_suffix(".mo").open("rb") as file:
        compiled = {plain(m.id): plain(m.string) for m in read_mo(file) if m.id}
    assert compiled == source


def test_the_catalogue_covers_french():
    assert [path.parts[-3] for path in french_catalogues()] == ["fr"]


# --- Choosing the language ----------------------------------------------------------------


def test_the_rule_prefers_the_account_then_the_cookie_then_the_browser():
    assert choose_language("fr", "en", "en", "en") == "fr"
    assert choose_language(None, "fr", "en", "en") == "fr"
    assert choose_language(None, None, "fr", "en") == "fr"
    assert choose_language(None, None, None, "en") == "en"


def test_a_french_browser_gets_the_french_login_page(client):
    page = client.get("/auth/login", headers=FRENCH)
    assert page.status_code == 200
    assert lang_of(page) == "fr"
    text = text_of(page)
    assert "Se connecter" in text and "Adresse courriel" in text and "Mot de passe" in text
    assert "Forgot your password?" not in text


def test_an_english_or_unknown_browser_language_gets_english(client):
    for header in ("en-CA,en;q=0.9", "de-DE,de;q=0.9", "xx", ""):
        page = client.get("/auth/login", headers={"Accept-Language": header})
        assert page.status_code == 200 and lang_of(page) == "en"
        assert "Forgot your password?" in text_of(page)


def test_french_form_errors_and_flashes(client, db):
    refused = post(
        client, "/auth/login", {"email": "nobody@example.org", "password": "x"}, headers=FRENCH
    )
    assert refused.status_code == 400
    assert "L'adresse courriel ou le mot de passe est incorrect." in page_text(refused)
    assert "Veuillez corriger ce qui suit" in page_text(refused)
    empty = post(client, "/auth/register", {}, headers=FRENCH)
    assert empty.status_code == 400 and "Ce champ est requis." in page_text(empty)
    sent = post(client, "/auth/reset", {"email": "nobody@example.org"}, headers=FRENCH)
    after = client.get(sent.headers["Location"], headers=FRENCH)
    assert "un lien de réinitialisation vous a été envoyé" in page_text(after)


def test_the_account_preference_beats_the_browser(client, db):
    user = make_user(db, language="fr")
    login(client, user.email)
    page = client.get("/dashboard", headers={"Accept-Language": "en-CA,en;q=0.9"})
    assert lang_of(page) == "fr" and "Ma formation" in text_of(page)


def test_an_unknown_stored_language_falls_back_instead_of_failing(client, db):
    """A value outside the configured languages (a language since withdrawn) is ignored."""
    client.set_cookie("language", "xx")
    page = client.get("/auth/login")
    assert page.status_code == 200 and lang_of(page) == "en"


def test_a_visitor_switches_without_javascript_and_the_choice_sticks(client):
    page = client.get("/auth/register")
    assert 'name="language" value="fr" lang="fr"' in text_of(page)  # a plain form button
    switched = post(client, "/language", {"language": "fr", "next": "/auth/register"})
    assert switched.status_code == 302 and switched.headers["Location"] == "/auth/register"
    again = client.get("/auth/register")  # no Accept-Language: the cookie decides
    assert lang_of(again) == "fr" and "Créez votre compte d'apprenant" in page_text(again)
    back = post(client, "/language", {"language": "en", "next": "/auth/register"})
    assert back.status_code == 302 and lang_of(client.get("/auth/register")) == "en"


def test_a_signed_in_person_switching_saves_the_preference(client, db):
    user = make_user(db)
    login(client, user.email)
    post(client, "/language", {"language": "fr", "next": "/dashboard"})
    db.expire_all()
    assert db.scalar(select(User.language).where(User.id == user.id)) == "fr"
    other_browser = client.application.test_client()
    login(other_browser, user.email)
    assert lang_of(other_browser.get("/dashboard")) == "fr"


def test_the_switcher_refuses_bad_input_without_an_error(client, db):
    user = make_user(db)
    login(client, user.email)
    for data in (
        {"language": "de"},
        {"language": ""},
        {},
        {"language": "fr", "next": "//evil.example"},
    ):
        answer = post(client, "/language", data)
        assert answer.status_code == 302
        assert answer.headers["Location"] in ("/courses", "/")
    db.expire_all()
    assert db.scalar(select(User.language).where(User.id == user.id)) == "fr"  # the last one
    no_token = client.post("/language", data={"language": "en"})
    assert no_token.status_code == 400


def test_french_pages_pass_the_html_checker(client, db, content, tmp_path):
    require_tools()
    pages = {"login": client.get("/auth/login", headers=FRENCH)}
    pages["register"] = client.get("/auth/register", headers=FRENCH)
    pages["reset"] = client.get("/auth/reset", headers=FRENCH)
    user = make_user(db, language="fr")
    login(client, user.email)
    post(client, "/courses/basics/enrol")
    pages["dashboard"] = client.get("/dashboard")
    files = []
    for name, page in pages.items():
        assert page.status_code == 200 and lang_of(page) == "fr", name
        files.append(tmp_path / f"{name}.html")
        files[-1].write_text(text_of(page), encoding="utf-8")
    assert html_errors(files) == []


# --- Time zones ---------------------------------------------------------------------------


def test_a_utc_time_is_shown_in_the_zone_with_its_name():
    moment = datetime(2026, 11, 30, 15, 54, tzinfo=UTC)
    assert in_zone(moment, "America/Toronto") == "2026-11-30 10:54 EST"
    assert in_zone(moment, "America/Regina") == "2026-11-30 09:54 CST"
    assert in_zone(moment, "UTC") == "2026-11-30 15:54 UTC"
    assert in_zone(moment.replace(tzinfo=None), "America/Halifax") == "2026-11-30 11:54 AST"
    assert in_zone(moment, "Not/AZone") == "2026-11-30 15:54 UTC"
    assert in_zone(None, "America/Toronto") == "–"


def test_the_local_day_of_a_moment_near_midnight_utc():
    """The day alone (a certificate's issue day in a notice) is converted like a time."""
    moment = datetime(2027, 6, 1, 2, 30, tzinfo=UTC)
    assert in_zone(moment, "America/Vancouver", DATE_FORMAT) == "2027-05-31"
    assert in_zone(moment, "America/Toronto", DATE_FORMAT) == "2027-05-31"
    assert in_zone(moment, "Europe/Paris", DATE_FORMAT) == "2027-06-01"
    assert in_zone(moment, "UTC", DATE_FORMAT) == "2027-06-01"


def test_spring_forward_skips_the_missing_hour():
    """2027-03-14 in Toronto: 02:00 EST becomes 03:00 EDT."""
    before = datetime(2027, 3, 14, 6, 55, tzinfo=UTC)
    after = datetime(2027, 3, 14, 7, 5, tzinfo=UTC)
    assert in_zone(before, "America/Toronto") == "2027-03-14 01:55 EST"
    assert in_zone(after, "America/Toronto") == "2027-03-14 03:05 EDT"


@pytest.mark.clock("2027-03-14T06:55:00+00:00")
def test_a_cooldown_across_spring_forward_shows_the_local_time(client, db, content):
    """01:55 EST, a 10-minute cooldown: the learner may try again at 03:05 EDT, not 02:05."""
    user = make_user(db)  # Ontario: America/Toronto unless they choose another zone
    login(client, user.email)
    post(client, "/courses/basics/enrol")
    failed = take_quiz(client, db, "basics", "first", right=False)
    overview = text_of(client.get("/courses/basics/quizzes/first"))
    assert "You can try again from 2027-03-14 03:05 EDT, after the cooldown." in overview
    result = text_of(client.get(f"/attempts/{failed}"))
    assert "Started 2027-03-14 01:55 EST · finished 2027-03-14 01:55 EST" in result


@pytest.mark.clock("2027-03-14T06:55:00+00:00")
def test_a_chosen_zone_and_french_show_on_the_quiz_page(client, db, content):
    """Vancouver springs forward at 10:00 UTC, after this cooldown: still PST, the day before."""
    user = make_user(db, language="fr", time_zone="America/Vancouver")
    login(client, user.email)
    post(client, "/courses/basics/enrol")
    take_quiz(client, db, "basics", "first", right=False)
    overview = page_text(client.get("/courses/basics/quizzes/first"))
    assert "Vous pourrez réessayer à compter du 2027-03-13 23:05 PST" in overview
    assert 'lang="fr"' in overview
    assert csrf_token(client)  # the page still carries its token


@pytest.mark.clock("2026-11-30T15:54:00+00:00")
def test_the_inbox_shows_a_notice_in_the_province_zone(client, db):
    """New Brunswick, no zone chosen: America/Moncton (Atlantic time)."""
    user = make_user(db, jurisdiction="NB")
    db.add(
        Notification(
            user_id=user.id,
            event="certificate_issued",
            subject_key="DN1-0000",
            title="Hello",
            body="b",
        )
    )
    db.commit()
    login(client, user.email)
    assert "2026-11-30 11:54 AST" in text_of(client.get("/notifications"))
