"""Certificate PDFs in the language of issue and, on request, in the other language: the
words, the days and the hours as Babel writes them for that language, read back with
pdftotext (as a regulator's tools would)."""

import hashlib
import shutil
import subprocess

import pytest
from sqlalchemy import select

from course_app.certificates import services
from course_app.certificates.issuer import current_issuer
from course_app.certificates.models import Certificate
from course_app.certificates.pdf import attached_credential
from course_app.i18n.formats import number_in
from course_app.modules.models import Course, Enrollment
from course_app.timing import ce_hours
from tests.helpers import login, long_date, make_user, text_of
from tests.issued import public_app


def pdf_text(data: bytes) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext is not installed (poppler-utils)")
    done = subprocess.run([tool, "-", "-"], input=data, capture_output=True, check=True)
    return done.stdout.decode()


@pytest.fixture
def app(make_app, db):
    return public_app(make_app, db)


def issue(app, db, email: str, language: str) -> Certificate:
    learner = make_user(db, email=email, full_name="Éloïse Tremblay", language=language)
    course = db.scalar(select(Course).where(Course.slug == "basics"))
    db.add(Enrollment(user_id=learner.id, course_id=course.id))
    db.commit()
    with app.test_request_context("/"):
        cert = services.issue_unchecked(db, course, learner, current_issuer())
    db.commit()
    return cert


def test_a_french_speaking_learner_is_issued_a_french_certificate(app, db):
    cert = issue(app, db, "eloise@example.org", "fr")
    assert cert.language == "fr"
    words = pdf_text(cert.pdf)
    hours = number_in(ce_hours(cert.theory_minutes), "fr")
    for phrase in (
        "Attestation de compétence",
        "Nous attestons que",
        "Éloïse Tremblay",
        f"Théorie en ligne : {hours} h",
        "Langue de délivrance : français",
        f"Délivrée le {long_date(cert.issued_at, 'fr')}",
    ):
        assert phrase in words, phrase
    assert "Certificate of competency" not in words and "This certifies" not in words


def test_french_hours_take_a_decimal_comma():
    assert number_in(20.5, "fr") == "20,5" and number_in(20.5, "en") == "20.5"
    assert number_in(6.58, "fr") == "6,58" and number_in(24, "fr") == "24"


def test_an_english_certificate_downloads_in_french_without_changing_the_record(app, db):
    cert = issue(app, db, "ada@example.org", "en")
    stored, fingerprint = cert.pdf, cert.pdf_sha256
    assert "Language of issue: English" in pdf_text(stored)
    holder = app.test_client()
    login(holder, "ada@example.org")
    french = holder.get(f"/certificates/{cert.public_id}.pdf?lang=fr")
    assert french.status_code == 200
    assert f'filename="{cert.public_id}-fr.pdf"' in french.headers["Content-Disposition"]
    words = pdf_text(french.data)
    assert "Attestation de compétence" in words
    assert "Langue de délivrance : anglais · copie en français" in words
    assert attached_credential(french.data) == cert.credential  # the same signed credential
    db.expire_all()
    again = db.get(Certificate, cert.id)
    assert again.language == "en" and again.pdf_sha256 == fingerprint and again.pdf == stored
    issued = holder.get(f"/certificates/{cert.public_id}.pdf")
    assert hashlib.sha256(issued.data).hexdigest() == fingerprint
    for odd in ("xx", "", "en"):  # unknown or the language of issue: the issued PDF
        same = holder.get(f"/certificates/{cert.public_id}.pdf?lang={odd}")
        assert same.status_code == 200 and same.data == stored


def test_the_certificates_page_links_the_pdf_in_the_other_language(app, db):
    cert = issue(app, db, "ada@example.org", "en")
    holder = app.test_client()
    login(holder, "ada@example.org")
    page = text_of(holder.get("/certificates"))
    assert f'/certificates/{cert.public_id}.pdf?lang=fr" hreflang="fr" lang="fr"' in page
    assert "PDF en français" in page


def test_a_french_speaking_learner_downloads_a_french_transcript(app, db):
    learner = make_user(db, email="eloise@example.org", full_name="Éloïse Tremblay", language="fr")
    course = db.scalar(select(Course).where(Course.slug == "basics"))
    db.add(Enrollment(user_id=learner.id, course_id=course.id))
    db.commit()
    browser = app.test_client()
    login(browser, learner.email)
    words = pdf_text(browser.get("/transcript.pdf").data)
    for phrase in (
        "Relevé de formation continue",
        "Numéro de permis :",
        "Inscription le ",
        "en cours",
        "Aucune attestation pour l'instant",
        "Total : théorie en ligne 0 h",
    ):
        assert phrase in words, phrase
    for english in ("Continuing-education transcript", "No certificate yet", "Enrolled"):
        assert english not in words
