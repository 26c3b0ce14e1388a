"""What the load test's clients saw (benchmarks/locustfile.py's JSON lines journal) against
what the database holds, as plain functions.

The promise a real system makes, and that :func:`problems` checks:

- nothing a client saw confirmed is missing: every confirmed start is stored for that learner,
  every confirmed submit is graded with exactly the answers submitted, and an attempt whose
  submit was not confirmed holds the last confirmed save (or a later save or submit that was
  cut off, which the server may have applied before the cut);
- nothing is duplicated: one start request, however often resent, names at most one attempt,
  and no learner has two open attempts of one quiz;
- an attempt no client saw confirmed is allowed only where that learner's start request was cut
  off (a killed worker, or the end of the run) and never answered; it must be open, untouched,
  and the learner's only open attempt of that quiz (the test then shows the learner resumes it).
"""

from collections import defaultdict
from dataclasses import dataclass, field

Answers = dict[int, str | None]


@dataclass(frozen=True)
class StoredAttempt:
    id: int
    email: str
    quiz: str
    status: str
    graded: bool
    answers: Answers


@dataclass
class Request:
    id: int
    email: str
    path: str
    answers: dict[str, list[str]] | None
    tries: int = 0
    outcomes: list[dict] = field(default_factory=list)

    @property
    def answered(self) -> list[dict]:
        return [o for o in self.outcomes if o["kind"] == "answered"]

    @property
    def was_cut_off(self) -> bool:
        """A try cut at the connection, or sent and never answered (the end of the run)."""
        return any(o["kind"] == "cut-off" for o in self.outcomes) or self.tries > len(self.outcomes)

    @property
    def started_attempts(self) -> set[int]:
        return {o["attempt"] for o in self.answered if o["attempt"] is not None}


class Journal:
    def __init__(self, events: list[dict]):
        self.events = events
        self.requests: dict[int, Request] = {}
        for event in events:
            if event["kind"] == "sent":
                request = self.requests.setdefault(
                    event["request"],
                    Request(event["request"], event["email"], event["path"], event["answers"]),
                )
                request.tries += 1
            elif event["kind"] in ("answered", "cut-off"):
                self.requests[event["request"]].outcomes.append(event)

    def confirmed(self, kind: str) -> list[dict]:
        return [e for e in self.events if e["kind"] == kind]

    def start_requests(self, email: str, quiz: str) -> list[Request]:
        suffix = f"/quizzes/{quiz}/start"
        return [r for r in self.requests.values() if r.email == email and r.path.endswith(suffix)]

    def requests_to(self, attempt_id: int) -> list[Request]:
        prefix = f"/attempts/{attempt_id}/"
        return [r for r in self.requests.values() if r.path.startswith(prefix)]

    @property
    def retries(self) -> int:
        return sum(1 for e in self.events if e["kind"] == "cut-off")


def encoded(answers: dict[str, list[str]]) -> Answers:
    """Form answers as the database stores them (position → sorted option keys)."""
    return {int(name[1:]): ",".join(sorted(set(keys))) or None for name, keys in answers.items()}


def problems(journal: Journal, stored: list[StoredAttempt]) -> list[str]:
    """Every break of the promise above, each with its evidence; [] when it holds."""
    found: list[str] = []
    by_id = {attempt.id: attempt for attempt in stored}
    starts = {e["attempt"]: e for e in journal.confirmed("start")}
    for attempt_id, start in starts.items():
        attempt = by_id.get(attempt_id)
        if attempt is None or attempt.email != start["email"]:
            found.append(f"lost: attempt {attempt_id} confirmed to {start['email']} {start}")
        else:
            found += _answers_problems(journal, attempt)
    for request in journal.requests.values():
        if len(request.started_attempts) > 1:
            found.append(f"duplicated: request {request.id} named {request.started_attempts}")
    open_ones = defaultdict(list)
    for attempt in stored:
        if attempt.status == "in-progress":
            open_ones[attempt.email, attempt.quiz].append(attempt.id)
    for (email, quiz), ids in open_ones.items():
        if len(ids) > 1:
            found.append(f"duplicated: {email} has open attempts {ids} of {quiz}")
    for attempt in stored:
        if attempt.id not in starts:
            found += _unconfirmed_problems(journal, attempt, stored)
    return found


def unconfirmed(journal: Journal, stored: list[StoredAttempt]) -> list[StoredAttempt]:
    starts = {e["attempt"] for e in journal.confirmed("start")}
    return [attempt for attempt in stored if attempt.id not in starts]


def _answers_problems(journal: Journal, attempt: StoredAttempt) -> list[str]:
    submits = [e for e in journal.confirmed("submit") if e["attempt"] == attempt.id]
    if submits:
        if not attempt.graded or attempt.answers != encoded(submits[-1]["answers"]):
            return [f"submit not kept: attempt {attempt.id} {attempt} vs {submits[-1]}"]
        return []
    # No confirmed submit: the run ended in the middle of this learner's quiz.
    if not _last_request_cut_off(journal, attempt):
        return [f"unfinished: attempt {attempt.id} has no confirmed submit and nothing was cut"]
    saves = [e for e in journal.confirmed("save") if e["attempt"] == attempt.id]
    allowed = [encoded(saves[-1]["answers"])] if saves else [_unanswered(attempt)]
    cut = [r for r in journal.requests_to(attempt.id) if r.was_cut_off and r.answers]
    allowed += [encoded(r.answers) for r in cut]  # the server may have applied it
    if attempt.answers not in allowed:
        return [f"answers not kept: attempt {attempt.id} holds {attempt.answers}; {allowed}"]
    return []


def _last_request_cut_off(journal: Journal, attempt: StoredAttempt) -> bool:
    mine = [r for r in journal.requests.values() if r.email == attempt.email]
    return bool(mine) and max(mine, key=lambda r: r.id).was_cut_off


def _unanswered(attempt: StoredAttempt) -> Answers:
    return {position: None for position in attempt.answers}


def _unconfirmed_problems(
    journal: Journal, attempt: StoredAttempt, stored: list[StoredAttempt]
) -> list[str]:
    cut = [
        r
        for r in journal.start_requests(attempt.email, attempt.quiz)
        if r.was_cut_off and not r.started_attempts
    ]
    unconfirmed_here = [
        a
        for a in unconfirmed(journal, stored)
        if (a.email, a.quiz) == (attempt.email, attempt.quiz)
    ]
    evidence = [r for r in journal.requests.values() if r.email == attempt.email][-4:]
    if not cut:
        return [f"unexplained: attempt {attempt.id} of {attempt.email}; last requests {evidence}"]
    if len(unconfirmed_here) > len(cut):
        return [
            f"duplicated: {len(unconfirmed_here)} unconfirmed attempts for {len(cut)} cut starts"
        ]
    if attempt.status != "in-progress" or any(attempt.answers.values()):
        return [f"touched: unconfirmed attempt {attempt.id} is not open and empty: {attempt}"]
    return []
