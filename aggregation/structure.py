"""How dimension values nest: time keys and 12-month windows, neighborhoods in precincts, districts
and business districts.

Pure data and functions; no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from core.facts import UNKNOWN


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
