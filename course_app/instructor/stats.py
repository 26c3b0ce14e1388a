"""Item statistics, as pure functions over sums the database computed.

Definitions (see the instructor guide in the README):

- facility: the mean item score (0–1), i.e. the proportion right for right/wrong items;
- discrimination r: the Pearson correlation between the item score and the score on the
  *other* items of the same attempt (corrected item–total, the point-biserial for right/wrong
  items), from the sums n, Σx, Σy, Σx², Σy², Σxy with y the attempt's total;
- discrimination D (upper–lower): facility among the top 27 % of attempts minus facility among
  the bottom 27 % (group size rounded down, at least one attempt);
- reliability: Cronbach's alpha, k/(k−1) · (1 − Σ item variances / total variance), which equals
  KR-20 for right/wrong items. When questions are drawn at random, Σ item variances is
  estimated as k × the mean item variance (exact when every attempt sees the same items).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from course_app.i18n import N_

EASY, HARD = 0.90, 0.20
UPPER_LOWER_SHARE = 0.27
MIN_ATTEMPTS_FOR_STABLE_STATISTICS = 20


@dataclass(frozen=True)
class ItemSums:
    """Sums over the attempts that saw an item: x = item score, y = attempt total."""

    n: int
    sx: float
    sxx: float
    sy: float
    syy: float
    sxy: float


def facility(sums: ItemSums) -> float | None:
    return sums.sx / sums.n if sums.n else None


def variance(n: int, total: float, total_of_squares: float) -> float:
    """Population variance from n, Σv and Σv² (never negative, despite rounding)."""
    if not n:
        return 0.0
    mean = total / n
    return max(total_of_squares / n - mean * mean, 0.0)


def pearson(n: int, sx: float, sy: float, sxx: float, syy: float, sxy: float) -> float | None:
    """Pearson's r from sums; None when either variable does not vary."""
    spread_x = n * sxx - sx * sx
    spread_y = n * syy - sy * sy
    if n < 2 or spread_x <= 1e-12 or spread_y <= 1e-12:
        return None
    return (n * sxy - sx * sy) / math.sqrt(spread_x * spread_y)


def item_rest_correlation(sums: ItemSums) -> float | None:
    """Correlation of the item with the rest of the attempt (total minus this item)."""
    rest = sums.sy - sums.sx
    rest_squares = sums.syy - 2 * sums.sxy + sums.sxx
    item_times_rest = sums.sxy - sums.sxx
    return pearson(sums.n, sums.sx, rest, sums.sxx, rest_squares, item_times_rest)


def upper_lower_group_size(attempts: int) -> int:
    """27 % of the attempts, rounded down, at least one; zero below two attempts."""
    if attempts < 2:
        return 0
    return max(1, math.floor(attempts * UPPER_LOWER_SHARE))


def discrimination_index(upper: float | None, lower: float | None) -> float | None:
    if upper is None or lower is None:
        return None
    return upper - lower


def cronbach_alpha(
    items_per_attempt: float, item_variances: Sequence[float], total_variance: float
) -> float | None:
    """Cronbach's alpha (KR-20 for right/wrong items); None when it is undefined."""
    k = items_per_attempt
    if k <= 1 or not item_variances or total_variance <= 1e-12:
        return None
    summed = k * (sum(item_variances) / len(item_variances))
    return (k / (k - 1)) * (1 - summed / total_variance)


def flags(facility_value: float | None, r: float | None, d: float | None) -> list[str]:
    """What an instructor should look at, in words (English; pages show them translated)."""
    found = []
    if facility_value is not None and facility_value > EASY:
        found.append(N_("Nearly everyone gets this right"))
    if facility_value is not None and facility_value < HARD:
        found.append(N_("Nearly no one gets this right"))
    if (r is not None and r < 0) or (d is not None and d < 0):
        found.append(N_("Discriminates negatively: stronger learners do worse; check the key"))
    return found


def histogram(scores_by_bin: dict[int, int], bins: int = 10) -> list[int]:
    """Counts per score band of 10 % (a perfect score joins the top band)."""
    counts = [0] * bins
    for band, count in scores_by_bin.items():
        counts[min(max(band, 0), bins - 1)] += count
    return counts
