"""The xAPI 1.0.3 rules a statement must follow (Data, section 2.4), checked by hand so a
mistake is named: required properties, IRIs, an Agent identified by one account, ISO 8601
timestamps, scores within their bounds."""

import re
import uuid
from datetime import datetime
from urllib.parse import urlsplit

TOP_LEVEL = {"id", "actor", "verb", "object", "result", "context", "timestamp", "version"}
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def is_iri(value) -> bool:
    parts = urlsplit(value) if isinstance(value, str) else None
    return bool(parts and parts.scheme in ("http", "https") and parts.netloc and " " not in value)


def language_map(value) -> bool:
    return (
        isinstance(value, dict)
        and value
        and all(
            re.fullmatch(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]+)*", k) and isinstance(v, str)
            for k, v in value.items()
        )
    )


def problems(statement: dict) -> list[str]:
    """Every rule the statement breaks (empty: it is valid)."""
    found = []
    extra = set(statement) - TOP_LEVEL
    if extra:
        found.append(f"unknown properties {sorted(extra)}")
    for required in ("id", "actor", "verb", "object", "timestamp", "version"):
        if required not in statement:
            found.append(f"no {required}")
    try:
        if str(uuid.UUID(statement.get("id", ""))) != statement.get("id"):
            found.append("id is not a lower-case UUID")
    except ValueError:
        found.append("id is not a UUID")
    found += _actor(statement.get("actor", {}))
    verb = statement.get("verb", {})
    if not is_iri(verb.get("id")):
        found.append("verb id is not an IRI")
    if "display" in verb and not language_map(verb["display"]):
        found.append("verb display is not a language map")
    found += _activity(statement.get("object", {}), "object")
    stamp = statement.get("timestamp", "")
    if not TIMESTAMP.match(stamp):
        found.append(f"timestamp {stamp!r} is not ISO 8601 with a zone")
    else:
        datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    if statement.get("version") != "1.0.3":
        found.append("version is not 1.0.3")
    found += _result(statement.get("result"))
    parents = statement.get("context", {}).get("contextActivities", {}).get("parent", [])
    for parent in parents:
        found += _activity(parent, "parent")
    return found


def _actor(actor: dict) -> list[str]:
    found = []
    if actor.get("objectType", "Agent") != "Agent":
        found.append("actor is not an Agent")
    identifiers = {"mbox", "mbox_sha1sum", "openid", "account"} & set(actor)
    if identifiers != {"account"}:
        found.append(f"actor must be identified by exactly one account, not {identifiers}")
    account = actor.get("account", {})
    if not is_iri(account.get("homePage")) or not account.get("name"):
        found.append("account needs a homePage IRL and a name")
    if "@" in str(actor):
        found.append("an e-mail address is in the actor")
    return found


def _activity(activity: dict, where: str) -> list[str]:
    found = []
    if activity.get("objectType", "Activity") != "Activity":
        found.append(f"{where} is not an Activity")
    if not is_iri(activity.get("id")):
        found.append(f"{where} id is not an IRI")
    definition = activity.get("definition", {})
    if "type" in definition and not is_iri(definition["type"]):
        found.append(f"{where} type is not an IRI")
    if "name" in definition and not language_map(definition["name"]):
        found.append(f"{where} name is not a language map")
    return found


def _result(result: dict | None) -> list[str]:
    if result is None:
        return []
    found = []
    for flag in ("success", "completion"):
        if flag in result and not isinstance(result[flag], bool):
            found.append(f"result.{flag} is not a boolean")
    score = result.get("score")
    if score is not None:
        if not -1 <= score.get("scaled", 0) <= 1:
            found.append("score.scaled outside [-1, 1]")
        low, high = score.get("min"), score.get("max")
        if low is not None and high is not None and not low < high:
            found.append("score.min is not below score.max")
        raw = score.get("raw")
        if raw is not None and low is not None and high is not None and not low <= raw <= high:
            found.append("score.raw outside [min, max]")
    for key in result.get("extensions", {}):
        if not is_iri(key):
            found.append(f"extension key {key!r} is not an IRI")
    return found
