"""What each kind of job does with one of its subjects.

Features register their kinds in their own ``init_app`` (imports flow down: this package
never imports a feature). A unit runs inside a transaction that the runner commits together
with the unit's row, so what a unit wrote and "this unit is done" are stored at once or not.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from sqlalchemy.orm import Session

from course_app.jobs.models import Job

KINDS_KEY = "course_app.jobs.kinds"


@dataclass(frozen=True)
class Kind:
    #: Shown on the job page, e.g. "Issue certificates".
    title: str
    #: Who a subject is (e.g. the learner's name), for the job page's list of failures.
    label: Callable[[Session, Job, int], str]
    #: Do the work for one subject; raise a DomainError to record why it cannot be done.
    run_unit: Callable[[Session, Job, int], None]
    #: After every unit: anything left to produce (e.g. an export's file); returns the result.
    finish: Callable[[Session, Job], dict[str, Any]] | None = None
    #: Where the job page's "back" link goes (an endpoint and its arguments from the params).
    back: Callable[[Job], str] | None = None


def register_kind(app: Flask, name: str, kind: Kind) -> None:
    app.extensions.setdefault(KINDS_KEY, {})[name] = kind


def kind_of(job: Job) -> Kind:
    return current_app.extensions[KINDS_KEY][job.kind]
