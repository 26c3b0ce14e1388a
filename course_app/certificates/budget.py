"""A CPU-time budget for work on untrusted input (JSON-LD canonicalisation, PDF parsing).

The limits on an upload's size and shape bound the work already; the budget is the last line:
however the input was built, checking one upload stops after ``seconds`` of this thread's CPU
time. It watches Python function calls through ``sys.setprofile`` (about 3× slower while it
runs: canonicalising a credential takes milliseconds) and raises :class:`OverBudget`.

``OverBudget`` derives from ``BaseException`` on purpose: libraries such as pyld wrap any
``Exception`` raised inside them in their own error, which would turn "too costly" into
"invalid signature". A ``BaseException`` passes through them to the caller.

Garbage collection is not the upload's work: a full collection of a large process can take
longer than the whole budget (seen in a test worker), and the collector runs its callbacks
(weak references' clean-ups) where nothing can catch an exception. So the time spent
collecting extends the deadline, and the budget never raises while a collection runs.
"""

import gc
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

#: Look at the clock every this many calls (a power of two minus one, for the bit test).
_EVERY = 255


class OverBudget(BaseException):
    """The work ran past its CPU-time budget."""


@contextmanager
def cpu_budget(seconds: float) -> Iterator[None]:
    """Run the block with at most ``seconds`` of this thread's CPU time, collections aside."""
    deadline = time.thread_time() + seconds
    calls = 0
    collecting_since: float | None = None

    def on_collection(phase: str, _info: dict) -> None:
        nonlocal deadline, collecting_since
        if phase == "start":
            collecting_since = time.thread_time()
        elif collecting_since is not None:
            deadline += time.thread_time() - collecting_since
            collecting_since = None

    def watch(_frame, event, _arg):
        nonlocal calls
        if event == "call" and collecting_since is None:
            calls += 1
            if calls & _EVERY == 0 and time.thread_time() > deadline:
                raise OverBudget(f"more than {seconds:g} s of CPU time")

    previous = sys.getprofile()
    gc.callbacks.append(on_collection)
    sys.setprofile(watch)
    try:
        yield
    finally:
        sys.setprofile(previous)
        gc.callbacks.remove(on_collection)
