"""Audit entries as people read them: a named subject and field-by-field before → after.

Pure functions: the admin pages load the names (users, courses, certificates …) and pass
them in; the stored entries themselves never change (they are hash-chained).
"""

import json
from dataclasses import dataclass
from typing import Any

#: Shown for a value that is absent or empty on one side of a change.
NOTHING = "–"


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


def show_value(value: Any) -> str:
    """One stored value as text: yes/no for booleans, lists joined, nothing as a dash."""
    if value is None or value == "" or value == [] or value == {}:
        return NOTHING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(show_value(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def field_label(key: str) -> str:
    """``licence_verified_at`` → ``Licence verified at``."""
    words = key.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def changes(before: dict | None, after: dict | None) -> list[Change]:
    """Each field either side mentions, in the order first mentioned, with its value before
    and after; a field recorded on both sides with the same value is left out."""
    before, after = before or {}, after or {}
    keys = list(dict.fromkeys([*before, *after]))
    return [
        Change(field_label(key), show_value(before.get(key)), show_value(after.get(key)))
        for key in keys
        if key not in before or key not in after or before[key] != after[key]
    ]


def subject_label(subject_type: str, subject_id: int, names: dict[tuple[str, int], str]) -> str:
    """``user 2`` → ``User Pat Learner``; an object without a known name keeps its number."""
    kind = field_label(subject_type)
    name = names.get((subject_type, subject_id))
    return f"{kind} {name}" if name else f"{kind} #{subject_id}"
