"""Fault 11 of the audit: adding a learner to a cohort must not reveal anything about an
account outside the instructor's course (not its name, not even that it exists)."""

import re

from tests.helpers import make_user, post, text_of
from tests.test_practical import create_cohort, learner_browser


def test_adding_a_learner_from_outside_the_course_reveals_no_name(real_app, db, teacher):
    cohort_id = create_cohort(teacher)
    make_user(db, email="outsider@example.org", full_name="Secret Outsider")
    url = f"/instructor/cohorts/{cohort_id}"
    outsider = post(teacher, url, {"email": "outsider@example.org"})
    nobody = post(teacher, url, {"email": "nobody@example.org"})
    assert outsider.status_code == nobody.status_code == 400
    assert "Secret Outsider" not in text_of(outsider)
    # The same answer as for an address nobody has: no way to tell the two apart.
    assert _error(outsider) == _error(nobody)


def _error(response) -> str:
    return re.search(r'class="field-error"[^>]*>([^<]*)<', text_of(response)).group(1)


def _suggested(page: str) -> list[str]:
    datalist = re.search(r'<datalist id="enrolled-learners">(.*?)</datalist>', page).group(1)
    return re.findall(r'label="([^"]*)"', datalist)


def test_the_add_form_suggests_only_this_courses_learners_not_yet_in_it(real_app, db, teacher):
    """Staff pick a learner by name (the e-mail field suggests them), and only learners
    enrolled in the course are suggested: nobody from outside, nobody already in."""
    cohort_id = create_cohort(teacher)
    learner_browser(real_app, db, "bea@example.org", full_name="Bea Second")
    learner_browser(real_app, db, "al@example.org", full_name="Al First")
    make_user(db, email="outsider@example.org", full_name="Secret Outsider")
    url = f"/instructor/cohorts/{cohort_id}"
    page = text_of(teacher.get(url))
    assert 'list="enrolled-learners"' in page
    assert _suggested(page) == ["Al First (PT12345)", "Bea Second (PT12345)"]
    assert post(teacher, url, {"email": "al@example.org"}).status_code == 302
    assert _suggested(text_of(teacher.get(url))) == ["Bea Second (PT12345)"]
