"""How dimension values nest: time keys and 12-month windows, neighborhoods in precincts, districts
and business districts.

Pure data and functions; no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

TIME_GRAINS = ("month", "quarter", "year")
WINDOW = "twelve_months"  # rolling windows of 12 months, keyed "YYYY-MM/YYYY-MM" (first and last month)
TIME_DIMENSIONS = (*TIME_GRAINS, WINDOW)
GEOGRAPHY = ("neighborhood", "precinct", "district", "business_district")
UNKNOWN = "unknown"


def window_months(key: str) -> list[str]:
    """Return the months of a window key ``YYYY-MM/YYYY-MM``, oldest first."""
    first, last = key.split("/")
    start = int(first[:4]) * 12 + int(first[5:7]) - 1
    end = int(last[:4]) * 12 + int(last[5:7]) - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(start, end + 1)]


def in_time(month: str, dimension: str, value: str) -> bool:
    """Return whether the month ``month`` lies in the period ``value`` of ``dimension`` (a grain or a window)."""
    if dimension == WINDOW:
        first, last = value.split("/")
        return first <= month <= last
    return time_parent(month, dimension) == value


def time_parent(key: str, grain: str) -> str:
    """Return the period at ``grain`` that contains the period ``key`` (month, quarter or year key)."""
    year = key[:4]
    if grain == "year":
        return year
    if grain == "quarter":
        if "-Q" in key:
            return key
        return f"{year}-Q{(int(key[5:7]) - 1) // 3 + 1}"
    if grain == "month":
        if len(key) == 7 and "-Q" not in key:
            return key
    raise ValueError(f"{key!r} has no parent at grain {grain!r}")


def time_grain(key: str) -> str:
    """Return the grain of a time key: month (YYYY-MM), quarter (YYYY-Qn) or year (YYYY)."""
    if "-Q" in key:
        return "quarter"
    return "month" if len(key) == 7 else "year"


@dataclass(frozen=True)
class Structure:
    """Every dimension's domain and the geography's nesting, as published in the release."""

    domains: Mapping[str, tuple[str, ...]]
    precinct_of: Mapping[str, str] = field(default_factory=dict)  # neighborhood -> precinct
    business_of: Mapping[str, str] = field(default_factory=dict)  # neighborhood -> 'true' / 'false'
    district_of: Mapping[str, str] = field(default_factory=dict)  # neighborhood -> district (when the column exists)
    # Coarser groupings of codes: group dimension -> (the code dimension it groups, {code: group}).
    # A code the mapping does not list (unknown, none) is a group of its own.
    groupings: Mapping[str, tuple[str, Mapping[str, str]]] = field(default_factory=dict)

    def group_of_code(self, dimension: str, code: str) -> str:
        """Return the group of ``dimension`` (a grouping) that the code ``code`` of its base falls in."""
        return self.groupings[dimension][1].get(code, code)

    def codes_in_group(self, dimension: str, group: str) -> set[str]:
        """Return the codes of the grouped dimension that the group ``group`` of ``dimension`` holds."""
        base, _ = self.groupings[dimension]
        return {c for c in self.domains[base] if self.group_of_code(dimension, c) == group}

    def precinct(self, neighborhood: str) -> str:
        return self.precinct_of.get(neighborhood, UNKNOWN)

    def district(self, neighborhood: str) -> str:
        return self.district_of.get(neighborhood, UNKNOWN)

    def business(self, neighborhood: str) -> str:
        if neighborhood == UNKNOWN:
            return UNKNOWN
        return self.business_of.get(neighborhood, "false")

    def neighborhoods_matching(self, dimension: str, value: str) -> set[str]:
        """Return the neighborhoods whose ``dimension`` (neighborhood, precinct, district, business_district)
        is ``value``."""
        hoods = self.domains["neighborhood"]
        if dimension == "neighborhood":
            return {value}
        if dimension == "precinct":
            return {h for h in hoods if self.precinct(h) == value}
        if dimension == "district":
            return {h for h in hoods if self.district(h) == value}
        if dimension == "business_district":
            return {h for h in hoods if self.business(h) == value}
        raise KeyError(dimension)
