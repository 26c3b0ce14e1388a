"""Stored times are UTC; people read them in their own zone, with the zone named."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask_babel import get_timezone

from course_app.profiles.zones import FALLBACK_ZONE, is_known_zone

#: ISO-style date and 24-hour time, read the same in English and Canadian French; the
#: zone's abbreviation (EST, EDT, HNE is not in the tz database) names the offset used.
FORMAT = "%Y-%m-%d %H:%M %Z"
#: The local calendar day alone (a certificate's issue day): a moment near midnight UTC falls
#: on the day before in the Americas, so it is converted like a time, then cut to the day.
DATE_FORMAT = "%Y-%m-%d"


def in_zone(moment: datetime | None, zone: str, fmt: str = FORMAT) -> str:
    """``moment`` (UTC, or naive meaning UTC) as wall-clock time in ``zone`` (``fmt``: a
    ``DATE_FORMAT`` for the local day); a dash for None. An unknown zone shows UTC rather
    than failing. The one conversion: pages and notices (notifications.services) both use it."""
    if moment is None:
        return "–"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    target = ZoneInfo(zone if is_known_zone(zone) else FALLBACK_ZONE)
    return moment.astimezone(target).strftime(fmt)


def local_datetime(moment: datetime | None) -> str:
    """The template filter: ``moment`` in the viewer's zone (see ``selection.select_timezone``)."""
    return in_zone(moment, str(get_timezone()))
