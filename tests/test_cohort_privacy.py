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


def _offered(page: str) -> list[str]:
    """The learners the cohort page offers to add, by the label of their button."""
    return re.findall(r'<button type="submit" class="link-button">Add (.*?) to the cohort<', page)


def test_finding_a_learner_to_add_lists_only_this_courses_learners_not_yet_in_it(
    real_app, db, teacher
):
    """Staff find a learner by part of a name, address or registration number and add them
    from the list: only learners enrolled in the course, nobody already in, nobody outside,
    and nothing at all for a search too short to mean anything."""
    cohort_id = create_cohort(teacher)
    learner_browser(real_app, db, "bea@example.org", full_name="Bea Second")
    learner_browser(real_app, db, "al@example.org", full_name="Al First")
    make_user(db, email="outsider@example.org", full_name="Secret Outsider")
    url = f"/instructor/cohorts/{cohort_id}"
    assert _offered(text_of(teacher.get(url))) == []
    assert _offered(text_of(teacher.get(url + "?find=e"))) == []  # one letter: nobody
    assert _offered(text_of(teacher.get(url + "?find=%20SE"))) == ["Bea Second"]
    assert _offered(text_of(teacher.get(url + "?find=example.org"))) == ["Al First", "Bea Second"]
    assert _offered(text_of(teacher.get(url + "?find=secret"))) == []
    assert _offered(text_of(teacher.get(url + "?find=%25"))) == []  # no wildcard through
    assert post(teacher, url, {"email": "al@example.org"}).status_code == 302
    assert _offered(text_of(teacher.get(url + "?find=example"))) == ["Bea Second"]


def test_a_long_match_list_is_cut_and_says_so(real_app, db, teacher):
    from course_app.instructor.candidates import SHOWN

    cohort_id = create_cohort(teacher)
    for number in range(SHOWN + 1):
        learner_browser(real_app, db, f"p{number}@example.org", full_name=f"Pat {number:02}")
    page = text_of(teacher.get(f"/instructor/cohorts/{cohort_id}?find=pat"))
    assert len(_offered(page)) == SHOWN and _offered(page)[0] == "Pat 00"
    assert "More learners match: type more of the name." in page
