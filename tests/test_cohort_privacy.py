"""Fault 11 of the audit: adding a learner to a cohort must not reveal anything about an
account outside the instructor's course (not its name, not even that it exists)."""

import re

from tests.helpers import make_user, post, text_of
from tests.test_practical import create_cohort


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
