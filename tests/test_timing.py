"""The time-on-task rules, as plain functions: what a lesson needs, and what a beat earns."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from course_app.timing import (
    ce_hours,
    ce_hours_text,
    credit,
    duration,
    form_cap_seconds,
    is_time_enough,
    needed_seconds,
    progress_message,
    shortfall_message,
)

OPENED = datetime(2027, 5, 31, 9, 30, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return OPENED + timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("minutes", "share", "needed"),
    [(15, 0.5, 450), (15, 1, 900), (1, 1 / 3, 20), (7, 0.25, 105), (10, 0, 0)],
)
def test_a_lesson_needs_its_share_of_the_declared_minutes_rounded_up(minutes, share, needed):
    assert needed_seconds(minutes, share) == needed


def test_a_lesson_counts_only_once_its_time_reaches_the_share():
    assert not is_time_enough(449, minutes=15, share=0.5)
    assert is_time_enough(450, minutes=15, share=0.5)
    assert is_time_enough(0, minutes=15, share=0)


@pytest.mark.parametrize("share", [-0.1, 1.01, float("nan")])
def test_a_share_outside_0_to_1_is_refused(share):
    with pytest.raises(ValueError, match="between 0 and 1"):
        needed_seconds(15, share)


def test_a_beat_credits_the_time_since_the_page_was_opened_up_to_the_cap():
    assert credit(at(20), opened_at=OPENED, last_credit_at=None, cap_seconds=60).seconds == 20
    left_open = credit(at(600), opened_at=OPENED, last_credit_at=None, cap_seconds=60)
    assert left_open.seconds == 60 and left_open.until == at(600)  # the rest is forfeited


def test_a_beat_counts_from_the_later_of_the_page_and_the_last_credit():
    # Two beats ten seconds apart earn ten seconds, however long ago the page was opened.
    assert credit(at(600), OPENED, last_credit_at=at(590), cap_seconds=60).seconds == 10
    # A page opened after the last credit (a reload the next day) counts from its opening.
    assert credit(at(86_430), at(86_400), last_credit_at=at(50), cap_seconds=60).seconds == 30


def test_fractions_of_a_second_carry_over_to_the_next_beat():
    first = credit(at(0.7), OPENED, None, cap_seconds=60)
    assert (first.seconds, first.until) == (0, OPENED)
    second = credit(at(1.4), OPENED, first.until, cap_seconds=60)
    assert (second.seconds, second.until) == (1, at(1))


def test_a_clock_that_runs_backwards_credits_nothing():
    late = credit(at(5), opened_at=at(10), last_credit_at=None, cap_seconds=60)
    assert (late.seconds, late.until) == (0, at(10))


@given(
    gaps=st.lists(st.floats(min_value=0, max_value=3600), max_size=40),
    cap=st.integers(min_value=1, max_value=900),
)
def test_a_flood_of_beats_never_earns_more_than_the_time_that_passed(gaps, cap):
    now, last, total = OPENED, None, 0
    for gap in gaps:
        now += timedelta(seconds=gap)
        earned = credit(now, OPENED, last, cap)
        assert 0 <= earned.seconds <= cap
        total, last = total + earned.seconds, earned.until
    elapsed = (now - OPENED).total_seconds()
    assert total <= elapsed
    if all(gap < cap for gap in gaps):  # nothing capped: nothing lost to rounding either
        assert total == int(elapsed)


def test_the_form_earns_up_to_the_lessons_minutes_unless_the_page_sent_heartbeats():
    assert form_cap_seconds(15, OPENED, last_credit_at=None, beat_cap_seconds=60) == 900
    # A refused click without JavaScript credited up to the moment the next page opened.
    assert form_cap_seconds(15, at(180), last_credit_at=at(180), beat_cap_seconds=60) == 900
    assert form_cap_seconds(15, OPENED, last_credit_at=at(30), beat_cap_seconds=60) == 60


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0 min"), (45, "45 s"), (60, "1 min"), (450, "7 min 30 s"), (3900, "1 h 5 min")],
)
def test_durations_read_as_a_person_would_say_them(seconds, text):
    assert duration(seconds) == text


@pytest.mark.parametrize(
    ("minutes", "text"), [(395, "6.58"), (405, "6.75"), (480, "8"), (1, "0.02"), (0, "0")]
)
def test_ce_hours_are_stated_to_the_hundredth(minutes, text):
    assert ce_hours_text(minutes) == text and ce_hours(minutes) == float(text)


def test_the_shortfall_says_what_is_recorded_and_what_is_needed():
    message = shortfall_message(recorded_seconds=200, minutes=15, share=0.5)
    assert "3 min 20 s" in message and "7 min 30 s" in message and "15 minutes" in message


def test_the_page_says_how_far_the_learner_is():
    assert progress_message(30, minutes=10, share=0.5) == (
        "Time on this lesson: 30 s recorded of the 5 min needed to complete it."
    )
    assert "you can mark it complete" in progress_message(300, minutes=10, share=0.5)
