"""How dimension values nest: time keys, neighborhoods in precincts and business districts.

Pure data and functions; no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

TIME_GRAINS = ("month", "quarter", "year")
GEOGRAPHY = ("neighborhood", "precinct", "business_district")
UNKNOWN = "unknown"


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

    def precinct(self, neighborhood: str) -> str:
        return self.precinct_of.get(neighborhood, UNKNOWN)

    def business(self, neighborhood: str) -> str:
        if neighborhood == UNKNOWN:
            return UNKNOWN
        return self.business_of.get(neighborhood, "false")

    def neighborhoods_matching(self, dimension: str, value: str) -> set[str]:
        """Return the neighborhoods whose ``dimension`` (neighborhood, precinct, business_district) is ``value``."""
        hoods = self.domains["neighborhood"]
        if dimension == "neighborhood":
            return {value}
        if dimension == "precinct":
            return {h for h in hoods if self.precinct(h) == value}
        if dimension == "business_district":
            return {h for h in hoods if self.business(h) == value}
        raise KeyError(dimension)
