"""A practical's cancellation cut-off across Montréal's spring-forward (2027-03-14 at 07:00
UTC, 02:00 EST becomes 03:00 EDT), shown to a French-speaking learner in her own zone, with
the cohort's days as French writes them."""

import html

import pytest

from tests.helpers import post, text_of
from tests.test_booking import PAGE, future_cohort
from tests.test_practical import learner_browser


def words(response) -> str:
    return html.unescape(text_of(response))


@pytest.mark.clock("2027-03-01T12:00:00+00:00")
def test_the_cut_off_reads_est_before_the_change_and_edt_after(real_app, db, teacher):
    """A 72-hour cut-off before midnight UTC: the 17th's cohort closes at 2027-03-14 00:00
    UTC, which is still the 13th, 19:00 EST in Montréal; the 18th's at 2027-03-15 00:00 UTC,
    the 14th at 20:00 EDT (not 19:00: the clocks moved on in between)."""
    before = future_cohort(teacher, name="Montréal, mars A", in_days=16)
    after = future_cohort(teacher, name="Montréal, mars B", in_days=17)
    _, browser = learner_browser(
        real_app,
        db,
        "eloise@example.org",
        language="fr",
        jurisdiction="QC",
        time_zone="America/Montreal",
    )
    assert post(browser, f"/cohorts/{before}/book").status_code == 302
    page = words(browser.get(PAGE))
    assert "Vous pouvez annuler jusqu'au 2027-03-13 19:00 EST." in page
    assert "du 17 mars 2027 au 19 mars 2027" in page
    assert "You can cancel until" not in page
    assert post(browser, f"/cohorts/{before}/cancel").status_code == 302
    assert post(browser, f"/cohorts/{after}/book").status_code == 302
    page = words(browser.get(PAGE))
    assert "Vous pouvez annuler jusqu'au 2027-03-14 20:00 EDT." in page
    assert "Votre place est réservée" in page
