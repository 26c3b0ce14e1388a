"""The load test's promise as plain functions (tests/load_journal.py): it accepts a run where
clients and database agree, and names each way they can disagree."""

from tests.load_journal import Journal, StoredAttempt, problems, unconfirmed

EMAIL = "load-001@example.org"
START = "/courses/basics/quizzes/first/start"


class Run:
    """A journal written as the locustfile writes it."""

    def __init__(self):
        self.events: list[dict] = [{"kind": "login", "email": EMAIL}]
        self.next_id = 0

    def request(self, path, outcomes, answers=None):
        """One request; each outcome is (status, location) for a try, None for a try that
        was sent and never answered."""
        self.next_id += 1
        for tried, outcome in enumerate(outcomes, start=1):
            sent = {"kind": "sent", "email": EMAIL, "request": self.next_id, "path": path}
            self.events.append(sent | {"tried": tried, "answers": answers})
            if outcome is None:
                continue
            status, location = outcome
            found = location.rsplit("/", 1)[1] if "/attempts/" in location else None
            self.events.append(
                {
                    "kind": "cut-off" if status in (0, 502, 503) else "answered",
                    "email": EMAIL,
                    "request": self.next_id,
                    "path": path,
                    "tried": tried,
                    "status": status,
                    "location": location,
                    "attempt": int(found) if found else None,
                }
            )

    def confirm(self, kind, **fields):
        self.events.append({"kind": kind, "email": EMAIL, **fields})

    def whole_quiz(self, attempt: int, saved: dict, submitted: dict) -> None:
        self.request(START, [(302, f"/attempts/{attempt}")])
        self.confirm("start", quiz="first", attempt=attempt)
        self.request(f"/attempts/{attempt}/save", [(200, "")], saved)
        self.confirm("save", attempt=attempt, answers=saved)
        self.request(f"/attempts/{attempt}/submit", [(302, f"/attempts/{attempt}")], submitted)
        self.confirm("submit", attempt=attempt, answers=submitted)


def stored(id_, status="submitted", answers=None) -> StoredAttempt:
    graded = status != "in-progress"
    return StoredAttempt(id_, EMAIL, "first", status, graded, answers or {1: "b", 2: "a"})


SAVED, SUBMITTED = {"q1": ["a"], "q2": ["a"]}, {"q1": ["b"], "q2": ["a"]}


def test_a_run_where_clients_and_database_agree_passes():
    run = Run()
    run.whole_quiz(1, SAVED, SUBMITTED)
    assert problems(Journal(run.events), [stored(1)]) == []


def test_a_confirmed_attempt_missing_from_the_database_is_lost():
    run = Run()
    run.whole_quiz(1, SAVED, SUBMITTED)
    assert problems(Journal(run.events), [])[0].startswith("lost: attempt 1")


def test_a_submit_stored_with_other_answers_is_caught():
    run = Run()
    run.whole_quiz(1, SAVED, SUBMITTED)
    found = problems(Journal(run.events), [stored(1, answers={1: "a", 2: "a"})])
    assert found[0].startswith("submit not kept")


def test_a_resent_start_that_names_two_attempts_is_a_duplicate():
    run = Run()
    run.request(START, [(302, "/attempts/1"), (302, "/attempts/2")])
    run.confirm("start", quiz="first", attempt=2)
    found = problems(Journal(run.events), [stored(1, "in-progress"), stored(2, "in-progress")])
    assert any(p.startswith("duplicated: request 1") for p in found)
    assert any("has open attempts [1, 2]" in p for p in found)


def test_an_attempt_nobody_asked_for_is_unexplained():
    run = Run()
    run.whole_quiz(1, SAVED, SUBMITTED)
    found = problems(Journal(run.events), [stored(1), stored(2, "in-progress", {1: None})])
    assert found and found[0].startswith("unexplained: attempt 2")


def test_a_start_cut_off_at_the_end_of_the_run_may_leave_an_open_untouched_attempt():
    run = Run()
    run.whole_quiz(1, SAVED, SUBMITTED)
    run.request(START, [None])  # sent, and the run ended before the answer
    extra = stored(2, "in-progress", {1: None, 2: None})
    journal = Journal(run.events)
    assert problems(journal, [stored(1), extra]) == []
    assert unconfirmed(journal, [stored(1), extra]) == [extra]


def test_a_start_cut_at_the_connection_and_never_resent_counts_as_cut_off_too():
    run = Run()
    run.request(START, [(0, "")])
    assert problems(Journal(run.events), [stored(5, "in-progress", {1: None})]) == []


def test_an_unconfirmed_attempt_with_answers_was_touched_by_someone():
    run = Run()
    run.request(START, [None])
    found = problems(Journal(run.events), [stored(2, "in-progress", {1: "a"})])
    assert found[0].startswith("touched")


def test_a_quiz_interrupted_by_the_end_of_the_run_keeps_the_last_confirmed_save():
    run = Run()
    run.request(START, [(302, "/attempts/1")])
    run.confirm("start", quiz="first", attempt=1)
    run.request("/attempts/1/save", [(200, "")], SAVED)
    run.confirm("save", attempt=1, answers=SAVED)
    run.request("/attempts/1/save", [None], SUBMITTED)  # cut: either answer may be stored
    for answers in ({1: "a", 2: "a"}, {1: "b", 2: "a"}):
        assert problems(Journal(run.events), [stored(1, "in-progress", answers)]) == []
    wrong = problems(Journal(run.events), [stored(1, "in-progress", {1: "c", 2: "c"})])
    assert wrong[0].startswith("answers not kept")


def test_a_confirmed_start_never_submitted_without_any_cut_is_unfinished():
    run = Run()
    run.request(START, [(302, "/attempts/1")])
    run.confirm("start", quiz="first", attempt=1)
    run.request("/attempts/1", [(200, "")])
    found = problems(Journal(run.events), [stored(1, "in-progress", {1: None})])
    assert found[0].startswith("unfinished")
