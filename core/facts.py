"""The domain's facts, stated once: time grains and their arithmetic, the geographic dimensions, the
protection thresholds' defaults and limits, the languages.

Pure data and functions of keys: no I/O, no project imports. The independent audit
(``aggregation.audit_model``) and the database recount (``data_access.recount``) keep their own
period arithmetic on purpose, so that a mistake here cannot hide in both.
"""

from __future__ import annotations

TIME_GRAINS = ("month", "quarter", "year")  # keys: YYYY-MM, YYYY-Qn, YYYY
WINDOW = "twelve_months"  # rolling windows of 12 months, keyed "YYYY-MM/YYYY-MM" (first and last month)
TIME_DIMENSIONS = (*TIME_GRAINS, WINDOW)
GEOGRAPHY = ("neighborhood", "precinct", "district", "business_district")
UNKNOWN = "unknown"  # the code of a missing or out-of-domain value, in every coded dimension

DEFAULT_THRESHOLD = 11  # k: the smallest count of people a published cell may stand on
MINIMUM_THRESHOLD = 5  # no setting or command may lower k below this
DEFAULT_P_PERCENT = 10  # the p of the p%-rule (dominance by one or two people)

LANGUAGES = {"en": "English", "es": "Español"}  # each language named in itself, for the switch

PUBLICATION_FORMAT = "lead-publication/1"  # the "format" of every publication.json (docs/formats.md)


def time_parent(key: str, grain: str) -> str:
    """Return the period at ``grain`` that contains the period ``key`` (month, quarter or year key)."""
    year = key[:4]
    if grain == "year":
        return year
    if grain == "quarter":
        if "-Q" in key:
            return key
        return f"{year}-Q{(int(key[5:7]) - 1) // 3 + 1}"
    if grain == "month" and len(key) == 7 and "-Q" not in key:
        return key
    raise ValueError(f"{key!r} has no parent at grain {grain!r}")


def month_index(key: str) -> int:
    """Return a month key's position in a count of months (``2026-10`` is 2026 * 12 + 9)."""
    year, month = key.split("-")
    return int(year) * 12 + int(month) - 1


def month_key(index: int) -> str:
    """Return the month key at ``index`` (the inverse of ``month_index``)."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def previous_month(key: str) -> str:
    """Return the month before ``key``."""
    return month_key(month_index(key) - 1)


def same_month_last_year(key: str) -> str:
    """Return the same month a year earlier."""
    return month_key(month_index(key) - 12)


def period_end(period: str) -> str:
    """Return the last month (YYYY-MM) of a month, quarter, year or 12-month window key."""
    if "/" in period:
        return period.split("/")[1]
    if "-Q" in period:
        return f"{period[:4]}-{int(period[-1]) * 3:02d}"
    return period if len(period) == 7 else f"{period}-12"


def period_at_grain(period: str, grain: str) -> str:
    """Return the period of ``grain`` standing for a quarter or year ``period``: a quarter's year, or a year's
    last quarter."""
    if grain == "year":
        return period[:4]
    return period if "-Q" in period else f"{period}-Q4"


def in_time(month: str, dimension: str, value: str) -> bool:
    """Return whether the month ``month`` lies in the period ``value`` of ``dimension`` (a grain or a window)."""
    if dimension == WINDOW:
        first, last = value.split("/")
        return first <= month <= last
    return time_parent(month, dimension) == value
