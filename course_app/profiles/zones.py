"""Time zones: which IANA names are accepted, and the default for a province."""

from functools import cache
from zoneinfo import available_timezones

#: Each jurisdiction's most populous zone; a learner elsewhere in it picks their own.
JURISDICTION_ZONES = {
    "AB": "America/Edmonton",
    "BC": "America/Vancouver",
    "MB": "America/Winnipeg",
    "NB": "America/Moncton",
    "NL": "America/St_Johns",
    "NS": "America/Halifax",
    "NT": "America/Yellowknife",
    "NU": "America/Iqaluit",
    "ON": "America/Toronto",
    "PE": "America/Halifax",
    "QC": "America/Toronto",
    "SK": "America/Regina",
    "YT": "America/Whitehorse",
}
FALLBACK_ZONE = "UTC"


@cache
def known_zones() -> frozenset[str]:
    """Every zone the system's tz database has (read once; it does not change while running)."""
    return frozenset(available_timezones())


def is_known_zone(name: str) -> bool:
    return name in known_zones()


def default_zone(jurisdiction: str | None) -> str:
    return JURISDICTION_ZONES.get(jurisdiction or "", FALLBACK_ZONE)


def effective_zone(time_zone: str | None, jurisdiction: str | None) -> str:
    """The person's chosen zone, else their jurisdiction's."""
    return time_zone or default_zone(jurisdiction)
