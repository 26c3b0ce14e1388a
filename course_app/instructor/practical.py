"""The practical's rules, as pure functions: status from the checklist and the sign-offs.

A critical (automatic-fail) competency recorded "not yet" fails the practical until it is
re-assessed and passed; any other competency not yet passed leaves it in progress.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

PROVISIONAL_REASON = (
    "Provisional registrants may complete the online theory but may not needle another "
    "person in any context, including course labs, so their practical cannot be signed off."
)


class PracticalStatus(StrEnum):
    NOT_STARTED = "not-started"
    IN_PROGRESS = "in-progress"
    FAILED = "failed"
    PASSED = "passed"


@dataclass(frozen=True)
class Competency:
    key: str
    title: str
    critical: bool


def practical_status(
    checklist: Sequence[Competency], results: Mapping[str, str]
) -> PracticalStatus:
    """The practical's status from the latest result ("pass" / "not-yet") per competency."""
    if not checklist or not results:
        return PracticalStatus.NOT_STARTED
    if any(c.critical and results.get(c.key) == "not-yet" for c in checklist):
        return PracticalStatus.FAILED
    if all(results.get(c.key) == "pass" for c in checklist):
        return PracticalStatus.PASSED
    return PracticalStatus.IN_PROGRESS


def signoff_block_reason(register_class: str | None) -> str | None:
    """Why this learner cannot be signed off on a needling practical, or None."""
    return PROVISIONAL_REASON if register_class == "provisional" else None
