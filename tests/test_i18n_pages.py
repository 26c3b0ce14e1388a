"""A French-speaking learner's pages through HTTP: every learner page, flash, form message and
error page in French (account language ``fr``), and the public verification page in French for
a visitor whose browser asks for it. Each check names real French text and an English string
that must no longer show."""

import html

import pytest

from tests.helpers import answers_for, login, long_date, make_user, post, start_quiz, text_of
from tests.issued import issue_for, public_app
from tests.test_certificates import finished  # noqa: F401 (a learner who completed Level 1)

FRENCH = {"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"}


def words(response) -> str:
    """The page as a reader sees it (entities decoded)."""
    return html.unescape(text_of(response))


def assert_french(response, present: tuple[str, ...], absent: tuple[str, ...]) -> str:
    text = words(response)
    assert '<html lang="fr">' in text
    for phrase in present:
        assert phrase in text, phrase
    for phrase in absent:
        assert phrase not in text, phrase
    return text


@pytest.fixture
def francophone(app, db, content):
    user = make_user(db, email="eloise@example.org", full_name="Éloïse Tremblay", language="fr")
    browser = app.test_client()
    login(browser, user.email)
    user.browser = browser
    return user


def test_the_course_page_before_and_after_enrolling(francophone):
    browser = francophone.browser
    page = browser.get("/courses/basics")
    assert_french(page, ("M'inscrire à cette formation", "Modules"), ("Enrol in this course",))
    enrolled = post(browser, "/courses/basics/enrol")
    after = browser.get(enrolled.headers["Location"])
    assert_french(
        after,
        (
            "Vous êtes inscrit ou inscrite à",
            "Progression dans la formation",
            "Ce qu'il reste à faire pour votre attestation",
            "Chaque module terminé : leçons lues et questionnaire réussi",
            "Numéro de permis vérifié par un administrateur",
        ),
        ("What remains for your certificate", "Course progress", "Every module complete"),
    )


def test_a_locked_course_and_the_catalogue(francophone):
    browser = francophone.browser
    assert_french(
        browser.get("/courses/advanced"),
        ("Verrouillée.", "Terminez d'abord", "cette formation s'appuie sur elle"),
        ("Locked.", "first: this course builds on it"),
    )
    assert_french(
        browser.get("/"),
        ("Puncture sèche pour physiothérapeutes", "de FC de théorie en ligne"),
        ("Dry needling for physiotherapists", "CE hours of online theory"),
    )


def test_the_lesson_page_chrome(francophone):
    browser = francophone.browser
    post(browser, "/courses/basics/enrol")
    page = browser.get("/courses/basics/lessons/one")
    assert_french(
        page,
        ("Objectifs d'apprentissage", "Marquer cette leçon comme terminée", "10 minutes"),
        ("Learning objectives", "Mark this lesson complete"),
    )


def test_quiz_pages_in_french(francophone, db):
    browser = francophone.browser
    post(browser, "/courses/basics/enrol")
    overview = browser.get("/courses/basics/quizzes/first")
    assert_french(
        overview,
        ("Note de passage", "Tentatives permises", "Rétroaction", "Commencer la tentative 1"),
        ("Pass mark", "Start attempt 1", "Attempts allowed"),
    )
    attempt_id = start_quiz(browser, "basics", "first")
    assert_french(
        browser.get(f"/attempts/{attempt_id}"),
        ("tentative 1", "Enregistrer les réponses", "Soumettre pour correction", "Question 1 sur"),
        ("Save answers", "Submit for grading", "Question 1 of"),
    )
    submitted = post(
        browser, f"/attempts/{attempt_id}/submit", answers_for(db, attempt_id, right=False)
    )
    assert_french(
        browser.get(submitted.headers["Location"]),
        ("Non réussie", "note de passage", "Votre résultat par objectif d'apprentissage"),
        ("Not passed", "Your score per learning objective", "Back to the quiz"),
    )


def test_search_account_notices_and_certificates(francophone):
    browser = francophone.browser
    assert_french(
        browser.get("/search?q=zzzzqqq"),
        ("0 leçon trouvée", "Aucune leçon que vous pouvez ouvrir"),
        ("lessons found", "No lesson you can open"),
    )
    assert_french(
        browser.get("/account"),
        ("Votre compte", "Fermer votre compte", "Vos données", "Enregistrer les renseignements"),
        ("Your account", "Close your account", "Save the details"),
    )
    assert_french(
        browser.get("/account/close"),
        ("Cette action est irréversible", "Fermer mon compte"),
        ("This cannot be undone",),
    )
    assert_french(
        browser.get("/notifications/settings"),
        ("Choix des avis", "Votre attestation a été révoquée", "Toujours envoyés"),
        ("Notification choices", "Your certificate was revoked"),
    )
    assert_french(
        browser.get("/notifications"), ("Rien pour l'instant.",), ("Nothing yet.", "Mark all read")
    )
    assert_french(
        browser.get("/certificates"),
        ("Mes attestations", "Aucune attestation pour l'instant"),
        ("My certificates", "No certificate yet"),
    )


def test_a_french_flash_after_saving_notification_choices(francophone):
    browser = francophone.browser
    saved = post(browser, "/notifications/settings", {"event": []})
    assert_french(
        browser.get(saved.headers["Location"]),
        ("Vos choix d'avis sont enregistrés.",),
        ("Your notification choices are saved.",),
    )


def test_the_evaluation_page_before_it_opens(francophone):
    browser = francophone.browser
    post(browser, "/courses/basics/enrol")
    page = browser.get("/courses/basics/evaluation")
    if page.status_code == 404:
        pytest.skip("the test course asks for no evaluation")
    assert_french(
        page,
        ("Évaluation de la formation", "L'évaluation de la formation s'ouvre"),
        ("Course evaluation", "The course evaluation opens"),
    )


def test_error_pages_in_french(francophone, client):
    missing = francophone.browser.get("/courses/no-such-course")
    assert missing.status_code == 404
    assert_french(
        missing,
        ("Page introuvable", "Retour aux formations"),
        ("Page not found", "Back to the courses"),
    )
    forbidden = francophone.browser.get("/admin/users")
    assert forbidden.status_code == 403
    assert_french(
        forbidden,
        ("Vous ne pouvez pas ouvrir cette page", "Seuls les administrateurs peuvent ouvrir"),
        ("You cannot open", "Only administrators"),
    )
    anonymous = client.get("/courses/no-such-course", headers=FRENCH)
    assert_french(anonymous, ("Page introuvable",), ("Page not found",))


def test_english_stays_english(app, db, content):
    """The same pages for an English account keep their English words."""
    user = make_user(db, email="ada@example.org", language="en")
    browser = app.test_client()
    login(browser, user.email)
    page = words(browser.get("/courses/basics"))
    assert '<html lang="en">' in page and "Enrol in this course" in page


# --- The public verification page --------------------------------------------------------


@pytest.fixture
def verifying_app(make_app, db):
    return public_app(make_app, db)


def test_a_french_visitor_reads_the_verification_page_in_french(verifying_app, db):
    cert = issue_for(verifying_app, db, "zoe@example.org", "Zoë Núñez")
    visitor = verifying_app.test_client()
    page = visitor.get(f"/verify/{cert.public_id}", headers=FRENCH)
    assert_french(
        page,
        (
            f"Attestation {cert.public_id}",
            "Valide",
            "Titulaire",
            "Numéro de permis",
            "Langue de délivrance",
            long_date(cert.issued_at, "fr"),
        ),
        ("Holder", "Registration number", "Valid until", "This page as JSON"),
    )
    form = visitor.get("/verify", headers=FRENCH)
    assert_french(
        form, ("Vérifier une attestation", "Vérifier ce numéro"), ("Verify a certificate",)
    )
    missing = visitor.get("/verify/DN1-0000-0000-0000", headers=FRENCH)
    assert_french(missing, ("Attestation introuvable",), ("Certificate not found",))


def test_the_switcher_works_on_the_verification_page_without_an_account(verifying_app, db):
    cert = issue_for(verifying_app, db, "zoe@example.org", "Zoë Núñez")
    visitor = verifying_app.test_client()
    here = f"/verify/{cert.public_id}"
    assert '<html lang="en">' in text_of(visitor.get(here))
    switched = post(visitor, "/language", {"language": "fr", "next": here})
    assert switched.headers["Location"].endswith(here)
    assert_french(visitor.get(here), ("Titulaire",), ("Holder",))


# --- Staff pages (the first ones translated) -----------------------------------------------


def test_the_administration_and_users_pages_in_french(app, db, content):
    from course_app.auth.models import Role

    admin = make_user(db, email="admin@example.org", role=Role.ADMIN, language="fr")
    browser = app.test_client()
    login(browser, admin.email)
    assert_french(
        browser.get("/admin/"),
        ("Journal d'audit", "Boîte d'envoi", "Permis à vérifier"),
        ("Audit trail", "Licences to verify"),
    )
    assert_french(
        browser.get("/admin/users"),
        ("Utilisateurs", "Inviter un utilisateur", "Nom, courriel ou numéro de permis", "par nom"),
        ("Invite a user", "by name"),
    )
    assert_french(
        browser.get("/instructor/"),
        ("Espace formateur", "Relevé de notes"),
        ("Instructor workspace", "Gradebook"),
    )


def speaking(db, user, language: str):
    """``user`` now reads the pages in ``language`` (their account preference)."""
    user.language = language
    db.commit()
    return user.browser


def test_the_gradebook_and_a_learners_page_in_french_and_english(db, learner, instructor):
    browser = speaking(db, instructor, "fr")
    book = "/instructor/courses/basics/gradebook"
    assert_french(
        browser.get(book),
        ("Relevé de notes : ", "Trier par", "Temps consacré", "Télécharger ces lignes en CSV"),
        ("Sort by", "Time on task", "Download these rows as CSV", "Not started"),
    )
    person = f"/instructor/courses/basics/learners/{learner.id}"
    assert_french(
        browser.get(person),
        ("Toutes les tentatives dans", "Accorder l'exception", "Tentatives supplémentaires"),
        ("Every attempt in", "Grant the exception", "Extra attempts"),
    )
    english = words(speaking(db, instructor, "en").get(book))
    assert "Sort by" in english and "Trier par" not in english


def test_item_analysis_in_french_and_english(db, learner, instructor):
    from tests.helpers import take_quiz

    take_quiz(learner.browser, db, "basics", "first", right=False)
    browser = speaking(db, instructor, "fr")
    analysis = "/instructor/courses/basics/quizzes/first/analysis"
    assert_french(
        browser.get(analysis),
        ("Analyse des items", "Répartition des résultats", "Facilité", "Tranche de résultat (%)"),
        ("Score distribution", "Item statistics", "Graded attempts", "Score band"),
    )
    assert_french(
        browser.get("/instructor/courses/basics/quizzes"),
        ("Questionnaires : ", "Banques de questions", "Analyse des items", "Note de passage"),
        ("Question banks", "Item analysis", "Pass mark", "Fix key and regrade"),
    )
    english = words(speaking(db, instructor, "en").get(analysis))
    assert "Score distribution" in english and "Score band (%)" in english


def test_cohorts_and_the_practical_sign_off_in_french_and_english(real_app, db, teacher):
    from sqlalchemy import select

    from course_app.auth.models import User
    from tests.test_practical import create_cohort, learner_browser

    tess = db.scalar(select(User).where(User.email == "teacher@example.org"))
    tess.browser = teacher
    cohort_id = create_cohort(teacher)
    learner, _ = learner_browser(real_app, db, "ada@example.org")
    speaking(db, tess, "fr")
    added = post(teacher, f"/instructor/cohorts/{cohort_id}", {"email": learner.email})
    assert_french(
        teacher.get(added.headers["Location"]),
        ("a été ajouté à la cohorte", "Liste d'attente", "Ajouter un apprenant", "Lieu"),
        ("added to the cohort", "Waiting list", "Add a learner"),
    )
    assert_french(
        teacher.get("/instructor/courses/dry-needling-level-1/cohorts"),
        ("Cohortes : ", "Nouvelle cohorte", "Premier jour", "Créer la cohorte"),
        ("New cohort", "First day", "Create cohort"),
    )
    practical = f"/instructor/cohorts/{cohort_id}/learners/{learner.id}"
    assert_french(
        teacher.get(practical),
        ("Stage pratique : ", "État du stage pratique : <strong>Non commencé</strong>"),
        ("Practical status", "Competencies", "Save hours"),
    )
    hours = post(teacher, f"{practical}/hours", {"hours": "99"})
    assert_french(hours, ("Les heures de présence doivent aller de 0",), ("Hours attended",))
    speaking(db, tess, "en")
    assert "Practical status: <strong>Not started</strong>" in words(teacher.get(practical))


def test_the_certificate_queue_and_a_certificates_page_in_french_and_english(
    real_app,
    db,
    finished,  # noqa: F811 (the fixture imported above)
):
    from course_app.auth.models import Role
    from tests.test_certificates import issue, verify_licence

    ada = make_user(db, email="admin@example.org", role=Role.ADMIN, language="fr")
    browser = real_app.test_client()
    login(browser, ada.email)
    ada.browser = browser
    verify_licence(browser, finished)
    assert_french(
        browser.get("/admin/certificates"),
        ("Attestations", "Délivrer aux apprenants choisis", "Enregistrer les paramètres"),
        ("Issue to the selected learners", "Save settings", "Learner's name"),
    )
    cert = issue(browser, db, finished)
    revoked = post(browser, f"/admin/certificates/{cert.public_id}/revoke", {"reason": ""})
    assert_french(
        browser.get(revoked.headers["Location"]),
        ("Indiquez le motif", "Clé de signature", "Révoquer cette attestation", "Évaluateurs"),
        ("Give the reason", "Signing key", "Revoke this certificate"),
    )
    english = words(speaking(db, ada, "en").get(f"/admin/certificates/{cert.public_id}"))
    assert "Revoke this certificate" in english and "Révoquer" not in english


def test_a_users_page_its_refusals_and_flashes_in_french_and_english(app, db, content):
    from course_app.auth.models import Role

    admin = make_user(db, email="admin@example.org", role=Role.ADMIN, language="fr")
    lee = make_user(db, email="lee@example.org", full_name="Lee Learner")
    admin.browser = app.test_client()
    login(admin.browser, admin.email)
    page = f"/admin/users/{lee.id}"
    assert_french(
        admin.browser.get(page),
        ("Rôle et accès", "Vérifier le numéro de permis", "Désactiver Lee Learner", "Apprenant"),
        ("Role and access", "Verify the registration number", "Deactivate", "No recorded change"),
    )
    refused = post(admin.browser, f"/admin/users/{admin.id}/role", {"role": "learner"})
    assert_french(
        admin.browser.get(refused.headers["Location"]),
        ("Le dernier administrateur actif ne peut pas être rétrogradé.", "Administrateur"),
        ("last active administrator",),
    )
    changed = post(admin.browser, f"/admin/users/{lee.id}/role", {"role": "instructor"})
    assert_french(
        admin.browser.get(changed.headers["Location"]),
        ("Le rôle de Lee Learner a été modifié.", "Formateur"),
        ("role changed",),
    )
    english = words(speaking(db, admin, "en").get(page))
    assert "Role and access" in english and "Rôle et accès" not in english


def test_the_audit_trail_in_french_and_english(app, db, content):
    from course_app.auth.models import Role

    admin = make_user(db, email="admin@example.org", role=Role.ADMIN, language="fr")
    admin.browser = app.test_client()
    login(admin.browser, admin.email)
    lee = make_user(db, email="lee@example.org", full_name="Lee Learner")
    post(admin.browser, f"/admin/users/{lee.id}/role", {"role": "instructor"})
    text = assert_french(
        admin.browser.get("/admin/audit"),
        ("Journal d'audit", "Qui (nom ou courriel)", "Avant → après", "Exporter en CSV"),
        ("Who (name or e-mail)", "Before → after", "newest first", "Export as CSV"),
    )
    assert "user.role_changed" in text  # the action's code is data, not a phrase
    english = words(speaking(db, admin, "en").get("/admin/audit"))
    assert "Before → after" in english and "Avant → après" not in english


def test_the_outbox_and_the_completion_report_in_french_and_english(app, db, content):
    from course_app.auth.models import Role

    admin = make_user(db, email="admin@example.org", role=Role.ADMIN, language="fr")
    admin.browser = app.test_client()
    login(admin.browser, admin.email)
    assert_french(
        admin.browser.get("/admin/outbox"),
        ("Boîte d'envoi", "Destinataire ou objet", "Sans serveur de courriel"),
        ("Recipient or subject", "Without a mail server", "No messages yet"),
    )
    assert_french(
        admin.browser.get("/admin/reports"),
        ("Rapport d'achèvement", "Formation ou cohorte", "Télécharger en CSV"),
        ("Completion report", "Course or cohort", "Download as CSV"),
    )
    english = words(speaking(db, admin, "en").get("/admin/reports"))
    assert "Completion report" in english and "Rapport" not in english


def test_the_incident_log_in_french_and_english(real_app, db, teacher):
    from sqlalchemy import select

    from course_app.auth.models import Role, User
    from tests.test_incidents import needlestick
    from tests.test_practical import create_cohort

    tess = db.scalar(select(User).where(User.email == "teacher@example.org"))
    tess.browser = teacher
    cohort_id = create_cohort(teacher)
    log = f"/instructor/cohorts/{cohort_id}/incidents"
    speaking(db, tess, "fr")
    recorded = post(teacher, log, needlestick())
    assert_french(
        teacher.get(recorded.headers["Location"]),
        ("Incident nº 1 consigné.", "Piqûre accidentelle", "Type d'incident", "Mesures prises"),
        ("Needlestick injury", "Kind of incident", "Action taken", "Record incident"),
    )
    admin = make_user(db, email="admin@example.org", role=Role.ADMIN, language="fr")
    admin.browser = real_app.test_client()
    login(admin.browser, admin.email)
    assert_french(
        admin.browser.get("/admin/incidents"),
        ("Incidents en laboratoire", "Piqûre accidentelle", "Signalé à"),
        ("Needlestick injury", "Reported to", "Download as CSV"),
    )
    english = words(speaking(db, tess, "en").get(log))
    assert "Needlestick injury" in english and "Piqûre" not in english


def test_the_lesson_list_and_editor_in_french_and_english(db, instructor):
    browser = speaking(db, instructor, "fr")
    base = "/instructor/courses/basics/lessons"
    assert_french(
        browser.get(base),
        ("Leçons : ", "Leçons par module", "Modifier", "Comme dans content/"),
        ("Lessons by module", "As in content/", "Edits made here are real"),
    )
    editor = f"{base}/one/edit"
    assert_french(
        browser.get(editor),
        ("Vous modifiez la version publiée.", "Enregistrer le brouillon", "Texte (Markdown)"),
        ("Save draft", "Update preview", "You are editing the published version."),
    )
    saved = post(browser, editor, {"title": "One", "body": "## Body\n\nText.", "action": "draft"})
    assert_french(
        browser.get(saved.headers["Location"]),
        ("Brouillon enregistré.", "Vous modifiez un brouillon non publié"),
        ("Draft saved.",),
    )
    assert_french(
        browser.get(f"{base}/one/history"),
        ("Historique : ", "Révisions publiées", "(actuelle)"),
        ("Published revisions", "(current)"),
    )
    english = words(speaking(db, instructor, "en").get(editor))
    assert "Save draft" in english and "Enregistrer le brouillon" not in english
