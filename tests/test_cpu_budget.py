"""The CPU-time budget on checking an upload (course_app/certificates/budget.py), on a clock
the test moves: the upload's own work counts, a garbage collection does not."""

import gc

import pytest

from course_app.certificates import budget
from course_app.certificates.budget import OverBudget, cpu_budget


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(budget.time, "thread_time", clock)
    return clock


def calls(count: int = 1_000) -> None:
    """Python function calls: what the budget watches."""
    for _ in range(count):
        abs(-1)  # a builtin: not a Python call
        (lambda: None)()


def test_work_within_the_budget_runs_to_its_end(clock):
    with cpu_budget(0.5):
        clock.now += 0.4
        calls()


def test_work_past_the_budget_is_stopped(clock):
    with pytest.raises(OverBudget, match=r"more than 0\.5 s"), cpu_budget(0.5):
        clock.now += 0.6
        calls()


def test_a_garbage_collection_does_not_count(clock):
    def slow_collection(phase, _info):
        if phase == "stop":  # runs before the budget's own "stop": the collection took 10 s
            clock.now += 10

    gc.callbacks.append(slow_collection)
    try:
        with cpu_budget(0.5):
            gc.collect()
            calls()
            clock.now += 0.4
            calls()
    finally:
        gc.callbacks.remove(slow_collection)
    assert slow_collection not in gc.callbacks


def test_the_budget_leaves_nothing_behind(clock):
    before = list(gc.callbacks)
    with pytest.raises(OverBudget), cpu_budget(0.1):
        clock.now += 1
        calls()
    assert gc.callbacks == before
