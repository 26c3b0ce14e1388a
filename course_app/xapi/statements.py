"""Building xAPI 1.0.3 statements: pure functions of plain data.

A statement's id is a UUID derived (uuid5) from the site's activity base and the event, so
the same event always makes the same statement and an LRS never stores it twice. Activity ids
are the activity base plus permanent slugs and keys, never database ids, so the same lesson
has the same id on every instance configured with the same base. The actor is left out here:
it is filled in when the statement leaves (``actor``), from the learner's opaque name.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from course_app.xapi.vocabulary import ACTIVITY_TYPES, verb_iri

VERSION = "1.0.3"


@dataclass(frozen=True)
class Activity:
    """One activity: ``path`` is below the base, e.g. ``courses/level-1/lessons/intro``."""

    path: str
    kind: str
    name: str

    def as_object(self, base: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        definition = {
            "type": ACTIVITY_TYPES[self.kind],
            "name": {"en-US": self.name or self.path.rsplit("/", 1)[-1]},
        }
        return {
            "objectType": "Activity",
            "id": activity_id(base, self.path),
            "definition": {**definition, **(extra or {})},
        }


def activity_id(base: str, path: str) -> str:
    return f"{base}/xapi/{path}"


def course_activity(slug: str, title: str) -> Activity:
    return Activity(f"courses/{slug}", "course", title)


def module_activity(course: str, slug: str, title: str) -> Activity:
    return Activity(f"courses/{course}/modules/{slug}", "module", title)


def lesson_activity(course: str, slug: str, title: str) -> Activity:
    return Activity(f"courses/{course}/lessons/{slug}", "lesson", title)


def quiz_activity(course: str, slug: str, title: str) -> Activity:
    return Activity(f"courses/{course}/quizzes/{slug}", "assessment", title)


def question_activity(course: str, quiz: str, key: str) -> Activity:
    return Activity(f"courses/{course}/quizzes/{quiz}/questions/{key}", "question", key)


def competency_activity(course: str, key: str, title: str) -> Activity:
    return Activity(f"courses/{course}/competencies/{key}", "competency", title)


def certificate_activity(course: str, title: str) -> Activity:
    return Activity(f"courses/{course}/certificate", "certificate", title)


def statement_id(base: str, event: str) -> str:
    """The same event on the same site always gives the same id."""
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, f"{base}/xapi")
    return str(uuid.uuid5(namespace, event))


def timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and ``Z``, as xAPI's timestamp rules want."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def score(raw: float, maximum: float, passed: bool) -> dict[str, Any]:
    """A result with a scaled score in [0, 1], its raw score between min and max."""
    scaled = 0.0 if maximum <= 0 else round(min(max(raw / maximum, 0.0), 1.0), 4)
    return {
        "score": {"scaled": scaled, "raw": round(raw, 4), "min": 0, "max": maximum},
        "success": passed,
        "completion": True,
    }


def statement(
    base: str,
    event: str,
    verb: str,
    activity: Activity,
    moment: datetime,
    parents: tuple[Activity, ...] = (),
    result: dict[str, Any] | None = None,
    definition: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A statement without its actor; ``parents`` go into contextActivities.parent (the
    module and course of a lesson, the quiz of a question)."""
    body: dict[str, Any] = {
        "id": statement_id(base, event),
        "verb": {"id": verb_iri(verb, base), "display": {"en-US": verb}},
        "object": activity.as_object(base, definition),
        "timestamp": timestamp(moment),
        "version": VERSION,
    }
    if parents:
        body["context"] = {
            "contextActivities": {
                "parent": [
                    {"objectType": "Activity", "id": activity_id(base, p.path)} for p in parents
                ]
            }
        }
    if result is not None:
        body["result"] = result
    return body


def actor(home_page: str, name: str) -> dict[str, Any]:
    """The learner as an account on this site, never their e-mail address."""
    return {"objectType": "Agent", "account": {"homePage": home_page, "name": name}}


def with_actor(body: dict[str, Any], home_page: str, name: str) -> dict[str, Any]:
    return {"actor": actor(home_page, name), **body}
