"""The verbs and activity types the statements use: ADL's where ADL has one (the xAPI
vocabulary at http://adlnet.gov/expapi/), the xAPI registry's otherwise, and one of our own
(revoked) where neither has a fitting one. docs/xapi.md explains each choice."""

ADL_VERB = "http://adlnet.gov/expapi/verbs/"
ADL_ACTIVITY = "http://adlnet.gov/expapi/activities/"

#: Verb name → its IRI; ``revoked`` is filled in from XAPI_ACTIVITY_BASE (see verb_iri).
VERBS = {
    "launched": ADL_VERB + "launched",
    # "completed", not "experienced": a lesson completes only once the time on task the
    # server recorded reaches its share of the lesson's minutes and the learner marks it
    # complete; "experienced" only says the learner encountered it.
    "completed": ADL_VERB + "completed",
    "attempted": ADL_VERB + "attempted",
    "answered": ADL_VERB + "answered",
    "passed": ADL_VERB + "passed",
    "failed": ADL_VERB + "failed",
    "earned": "http://id.tincanapi.com/verb/earned",
    "revoked": None,
}

ACTIVITY_TYPES = {
    "course": ADL_ACTIVITY + "course",
    "module": ADL_ACTIVITY + "module",
    "lesson": ADL_ACTIVITY + "lesson",
    "assessment": ADL_ACTIVITY + "assessment",
    "question": ADL_ACTIVITY + "cmi.interaction",
    "competency": ADL_ACTIVITY + "performance",
    "certificate": "http://id.tincanapi.com/activitytype/certificate",
}


def verb_iri(name: str, base: str) -> str:
    return VERBS[name] or f"{base}/xapi/verbs/{name}"
