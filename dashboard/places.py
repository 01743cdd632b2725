"""Where a neighborhood's figures come from: the smallest published grouping that contains it.

A neighborhood belongs to a district (when the publication has districts), a precinct and the
city (docs/database.md). A figure for a neighborhood is the figure of the smallest of these whose
cell is published; a chart uses one grouping for all its points. Reads a ``Publication`` only:
never sums, estimates or fills in. Must not import Streamlit or the data layers.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.facts import period_end
from dashboard.catalog import message
from dashboard.published import Figure, Publication

CITY = "city"
LEVELS = ("neighborhood", "district", "precinct", CITY)  # smallest first

# Referrals by place, per level and time grain: the declared table ids (a pooled table answers for its declared id).
REFERRAL_TABLES = {
    "twelve_months": {
        "district": "referrals_by_district_12_months",
        "precinct": "referrals_by_precinct_12_months",
        CITY: "referrals_by_12_months",
    },
    "year": {
        "neighborhood": "referrals_by_neighborhood_quarter",
        "precinct": "referrals_by_precinct_year",
        CITY: "referrals_by_year",
    },
}
SHARE_RATIOS = {
    "twelve_months": {
        "district": "district_share_of_referrals_12_months",
        "precinct": "precinct_share_of_referrals_12_months",
    },
    "year": {
        "neighborhood": "neighborhood_share_of_referrals_by_year",
        "precinct": "precinct_share_of_referrals_by_year",
    },
}


@dataclass(frozen=True)
class Grouping:
    """One level that contains the chosen place: its dimension and value (``None`` for the city)."""

    level: str
    value: str | None

    def cell(self) -> dict[str, str]:
        if self.level == CITY:
            return {}
        assert self.value is not None, f"a {self.level} grouping names its {self.level}"
        return {self.level: self.value}


@dataclass(frozen=True)
class PlaceFigure:
    """A published figure for a place, from the grouping that answers for it."""

    grouping: Grouping
    period: str
    figure: Figure


def groupings(pub: Publication, neighborhood: str | None) -> list[Grouping]:
    """Return the groupings that contain a neighborhood, smallest first, ending with the city."""
    if neighborhood is None:
        return [Grouping(CITY, None)]
    found = [Grouping("neighborhood", neighborhood)]
    for level in ("district", "precinct"):
        value = pub.group_of(neighborhood, level)
        if value is not None:
            found.append(Grouping(level, value))
    return found + [Grouping(CITY, None)]


def table_for(pub: Publication, grain: str, level: str) -> str | None:
    """Return the declared table of referrals at ``level`` published at ``grain``, or None."""
    declared = REFERRAL_TABLES.get(grain, {}).get(level)
    if declared is None or pub.table(declared) is None or pub.grain(declared) != grain:
        return None
    return declared


def latest_period(pub: Publication, grain: str) -> str | None:
    """Return the newest whole period the city's table holds at ``grain``."""
    table = table_for(pub, grain, CITY)
    periods = pub.periods(table, complete_only=True) if table else []
    return periods[-1] if periods else None


def smallest_published(
    pub: Publication, neighborhood: str | None, grain: str, period: str | None = None
) -> PlaceFigure | None:
    """Return the figure of the smallest grouping containing the place whose cell for ``period`` (default:
    the latest whole one) is published; None when not even the city's is."""
    period = period or latest_period(pub, grain)
    if period is None:
        return None
    for grouping in groupings(pub, neighborhood):
        table = table_for(pub, grain, grouping.level)
        if table is None:
            continue
        figure = pub.figure(table, **grouping.cell(), **{grain: period})
        if not figure.suppressed:
            return PlaceFigure(grouping, period, figure)
    return None


def trend_grouping(
    pub: Publication, neighborhood: str | None, grain: str, periods: list[str], share: float = 0.9
) -> Grouping | None:
    """Return the smallest grouping (below the city) whose cells are published for at least ``share`` of
    ``periods``: one grouping for a whole chart."""
    for grouping in groupings(pub, neighborhood):
        table = table_for(pub, grain, grouping.level)
        if grouping.level == CITY or table is None or not periods:
            continue
        shown = sum(not pub.figure(table, **grouping.cell(), **{grain: p}).suppressed for p in periods)
        if shown >= share * len(periods):
            return grouping
    return None


def share_of_city(pub: Publication, grouping: Grouping, grain: str, period: str):
    """Return the declared ratio "share of the city's referrals" for a grouping and period, or None."""
    ratio_id = SHARE_RATIOS.get(grain, {}).get(grouping.level)
    if ratio_id is None:
        return None
    return pub.ratio(ratio_id, **grouping.cell(), **{grain: period})


def grouping_name(pub: Publication, grouping: Grouping, language: str = "en") -> str:
    """Return the display name of a grouping ("District 2", "Precinct W", "Columbia City", "the whole city")."""
    if grouping.level == CITY:
        return message("place.city", language)
    assert grouping.value is not None, f"a {grouping.level} grouping names its {grouping.level}"
    name = pub.label(grouping.level, grouping.value)
    if grouping.level == "precinct":
        return message("place.precinct", language, name=name)
    return name


def latest_published(pub: Publication, declared: str, until: str, **cell: str) -> tuple[str, Figure] | None:
    """Return the newest whole period of a table ending by month ``until`` whose cell is published, with its
    figure: a headline shows a number for a longer or earlier period rather than a withheld one."""
    grain = pub.grain(declared)
    if grain is None:
        return None
    for period in reversed(pub.periods(declared, complete_only=True)):
        if period_end(period) > until:
            continue
        figure = pub.figure(declared, **cell, **{grain: period})
        if not figure.suppressed:
            return period, figure
    return None
