"""The release plan as data: every table and ratio the dashboard can ever show.

One declaration per table (id, title, measure, dimensions, filters, unit);
queries, suppression, audit, downloads and the data dictionary follow from it.
Declarations only: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from types import MappingProxyType

from core.facts import GEOGRAPHY

# Measures whose unit falls in exactly one period (docs/formats.md: additive).
ADDITIVE_MEASURES = frozenset(
    {
        "referrals",
        "enrollments",
        "contacts",
        "services_requested",
        "services_connected",
        "obstacles_reported",
        "handoffs_within_30_min",
        "intakes_within_7_days",
        "focus_areas",
    }
)
# Measures whose unit is not a person: never suppressed.
UNSUPPRESSED_MEASURES = frozenset({"case_managers", "focus_areas"})
# Measures that are a slice of another measure: the attacker knows they are subsets of it.
SUBSET_MEASURES: Mapping[str, tuple[str, Mapping[str, tuple[str, ...]]]] = MappingProxyType(
    {
        "handoffs_within_30_min": ("referrals", {"pathway": ("arrest_diversion",), "handoff_within_30_min": ("true",)}),
        "intakes_within_7_days": ("referrals", {"intake_within_7_days": ("true",)}),
    }
)
THEFT = ("shoplifting", "other_theft")


@dataclass(frozen=True)
class TableDeclaration:
    """One published table: a measure broken down by dimensions within filters."""

    id: str
    title: str
    measure: str
    dimensions: tuple[str, ...]
    unit: str
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    pooled_fallback: TableDeclaration | None = None
    statistic: str | None = None  # e.g. "median_days_to_connection": cells hold a statistic, not a count
    # A supplement pools small areas or categories so they get a figure (12-month windows, districts, groups
    # of codes). It is protected after the other tables of its family, around their figures: adding it never
    # withholds more of them.
    supplement: bool = False

    @property
    def additive(self) -> bool:
        return self.statistic is None and self.measure in ADDITIVE_MEASURES

    @property
    def suppressed_by_rule(self) -> bool:
        """Return whether the primary rule applies (its unit is a person)."""
        return self.measure not in UNSUPPRESSED_MEASURES

    @property
    def geographic(self) -> bool:
        return any(d in GEOGRAPHY for d in (*self.dimensions, *self.filters))


@dataclass(frozen=True)
class RatioDeclaration:
    """A share or rate: one published count cell over another, matched on ``match`` dimensions."""

    id: str
    title: str
    numerator: str
    denominator: str
    match: tuple[str, ...]
    per: int = 100  # 100: a percentage; 1: a plain ratio (e.g. people per case manager)


def _t(
    id: str,
    title: str,
    measure: str,
    dimensions: Iterable[str],
    unit: str,
    filters: Mapping[str, str | Iterable[str]] | None = None,
    fallback: TableDeclaration | None = None,
    statistic: str | None = None,
    supplement: bool = False,
) -> TableDeclaration:
    as_tuples = {k: (v,) if isinstance(v, str) else tuple(v) for k, v in (filters or {}).items()}
    if supplement and fallback is not None:  # a supplement's coarser grain is a supplement too
        fallback = replace(fallback, supplement=True)
    return TableDeclaration(
        id, title, measure, tuple(dimensions), unit, MappingProxyType(as_tuples), fallback, statistic, supplement
    )


_supplement = partial(_t, supplement=True)  # declare a supplement (see ``TableDeclaration.supplement``)


THEFT_FILTER = {"offense_category": THEFT}

TABLES: tuple[TableDeclaration, ...] = (
    # Referrals: the city, pathways, sources, the funnel, offences.
    _t("referrals_by_month", "Referrals by month", "referrals", ["month"], "referrals"),
    _t("referrals_by_quarter", "Referrals by quarter", "referrals", ["quarter"], "referrals"),
    _t("referrals_by_year", "Referrals by year", "referrals", ["year"], "referrals"),
    _t(
        "referrals_by_month_pathway",
        "Referrals by month and pathway",
        "referrals",
        ["month", "pathway"],
        "referrals",
        fallback=_t(
            "referrals_by_quarter_pathway",
            "Referrals by quarter and pathway",
            "referrals",
            ["quarter", "pathway"],
            "referrals",
            fallback=_t(
                "referrals_by_year_pathway",
                "Referrals by year and pathway",
                "referrals",
                ["year", "pathway"],
                "referrals",
            ),
        ),
    ),
    _t(
        "referrals_by_month_source",
        "Referrals by month and source",
        "referrals",
        ["month", "source"],
        "referrals",
        fallback=_t(
            "referrals_by_quarter_source",
            "Referrals by quarter and source",
            "referrals",
            ["quarter", "source"],
            "referrals",
            fallback=_t(
                "referrals_by_year_source", "Referrals by year and source", "referrals", ["year", "source"], "referrals"
            ),
        ),
    ),
    _t(
        "referrals_by_month_outcome",
        "Referrals by month and outcome (the funnel)",
        "referrals",
        ["month", "outcome"],
        "referrals",
        fallback=_t(
            "referrals_by_quarter_outcome",
            "Referrals by quarter and outcome (the funnel)",
            "referrals",
            ["quarter", "outcome"],
            "referrals",
            fallback=_t(
                "referrals_by_year_outcome",
                "Referrals by year and outcome (the funnel)",
                "referrals",
                ["year", "outcome"],
                "referrals",
            ),
        ),
    ),
    _t(
        "referrals_by_month_offense",
        "Referrals by month and offense category",
        "referrals",
        ["month", "offense_category"],
        "referrals",
        fallback=_t(
            "referrals_by_quarter_offense",
            "Referrals by quarter and offense category",
            "referrals",
            ["quarter", "offense_category"],
            "referrals",
            fallback=_t(
                "referrals_by_year_offense",
                "Referrals by year and offense category",
                "referrals",
                ["year", "offense_category"],
                "referrals",
            ),
        ),
    ),
    # Places.
    _t(
        "referrals_by_neighborhood_quarter",
        "Referrals by neighborhood and quarter",
        "referrals",
        ["neighborhood", "quarter"],
        "referrals",
        fallback=_t(
            "referrals_by_neighborhood_year",
            "Referrals by neighborhood and year",
            "referrals",
            ["neighborhood", "year"],
            "referrals",
        ),
    ),
    _t(
        "referrals_by_precinct_month",
        "Referrals by precinct and month",
        "referrals",
        ["precinct", "month"],
        "referrals",
        fallback=_t(
            "referrals_by_precinct_quarter_pooled",
            "Referrals by precinct and quarter",
            "referrals",
            ["precinct", "quarter"],
            "referrals",
        ),
    ),
    _t(
        "referrals_by_precinct_quarter",
        "Referrals by precinct and quarter",
        "referrals",
        ["precinct", "quarter"],
        "referrals",
    ),
    _t("referrals_by_precinct_year", "Referrals by precinct and year", "referrals", ["precinct", "year"], "referrals"),
    # Districts (an optional second grouping) and rolling 12-month windows: pooled so small areas get figures.
    # (Districts by quarter or year were tried before supplements existed: they made existing tables withhold
    # more, 6.76% of their value against 6.58%, so districts are published by 12-month window only;
    # benchmarks/README.md.)
    _supplement("referrals_by_12_months", "Referrals in each 12 months", "referrals", ["twelve_months"], "referrals"),
    _supplement(
        "referrals_by_precinct_12_months",
        "Referrals by precinct in each 12 months",
        "referrals",
        ["precinct", "twelve_months"],
        "referrals",
    ),
    _supplement(
        "referrals_by_district_12_months",
        "Referrals by district in each 12 months",
        "referrals",
        ["district", "twelve_months"],
        "referrals",
    ),
    # Retail theft, for business associations.
    _t(
        "theft_referrals_by_month",
        "Shoplifting and other theft referrals by month",
        "referrals",
        ["month"],
        "referrals",
        THEFT_FILTER,
        fallback=_t(
            "theft_referrals_by_quarter",
            "Shoplifting and other theft referrals by quarter",
            "referrals",
            ["quarter"],
            "referrals",
            THEFT_FILTER,
        ),
    ),
    _t(
        "theft_referrals_by_business_district_quarter",
        "Shoplifting and other theft referrals by business district and quarter",
        "referrals",
        ["neighborhood", "quarter"],
        "referrals",
        {**THEFT_FILTER, "business_district": "true"},
        fallback=_t(
            "theft_referrals_by_business_district_year",
            "Shoplifting and other theft referrals by business district and year",
            "referrals",
            ["neighborhood", "year"],
            "referrals",
            {**THEFT_FILTER, "business_district": "true"},
        ),
    ),
    _supplement(
        "theft_referrals_in_business_districts_by_year",
        "Shoplifting and other theft referrals in business districts (all together) by year",
        "referrals",
        ["year"],
        "referrals",
        {**THEFT_FILTER, "business_district": "true"},
    ),
    _t(
        "theft_referrals_by_quarter_outcome",
        "What became of shoplifting and other theft referrals, by quarter",
        "referrals",
        ["quarter", "outcome"],
        "referrals",
        THEFT_FILTER,
        fallback=_t(
            "theft_referrals_by_year_outcome",
            "What became of shoplifting and other theft referrals, by year",
            "referrals",
            ["year", "outcome"],
            "referrals",
            THEFT_FILTER,
        ),
    ),
    # Timeliness.
    _t(
        "arrest_diversions_by_quarter",
        "Arrest diversions by quarter",
        "referrals",
        ["quarter"],
        "referrals",
        {"pathway": "arrest_diversion"},
    ),
    _t(
        "handoffs_within_30_min_by_quarter",
        "Arrest diversions handed off within 30 minutes, by quarter",
        "handoffs_within_30_min",
        ["quarter"],
        "referrals",
    ),
    _t(
        "intakes_within_7_days_by_quarter",
        "Referrals with intake within 7 days, by quarter",
        "intakes_within_7_days",
        ["quarter"],
        "referrals",
    ),
    # People.
    _t("enrollments_by_month", "New enrollments by month", "enrollments", ["month"], "participants"),
    _t("enrollments_by_year", "New enrollments by year", "enrollments", ["year"], "participants"),
    _t(
        "enrollments_by_year_gender",
        "New enrollments by year and gender",
        "enrollments",
        ["year", "gender"],
        "participants",
    ),
    _t(
        "enrollments_by_year_race_ethnicity",
        "New enrollments by year and race/ethnicity",
        "enrollments",
        ["year", "race_ethnicity"],
        "participants",
    ),
    _t(
        "enrollments_by_year_age_band",
        "New enrollments by year and age band",
        "enrollments",
        ["year", "age_band"],
        "participants",
    ),
    _t(
        "enrollments_by_year_housing",
        "New enrollments by year and housing at intake",
        "enrollments",
        ["year", "housing_at_intake"],
        "participants",
    ),
    # The same, by coarser groups of the codes (docs/formats.md): small groups get a figure.
    _supplement(
        "enrollments_by_year_gender_group",
        "New enrollments by year and gender group",
        "enrollments",
        ["year", "gender_group"],
        "participants",
    ),
    _supplement(
        "enrollments_by_year_race_ethnicity_group",
        "New enrollments by year and race/ethnicity group",
        "enrollments",
        ["year", "race_ethnicity_group"],
        "participants",
    ),
    _t(
        "active_participants_by_month",
        "People active in the program by month",
        "active_participants",
        ["month"],
        "participants",
    ),
    # Contacts.
    _t("contacts_by_month", "Contacts by month", "contacts", ["month"], "contacts"),
    _t(
        "contacts_by_month_staff_role",
        "Contacts by month and staff role",
        "contacts",
        ["month", "staff_role"],
        "contacts",
        fallback=_t(
            "contacts_by_quarter_staff_role",
            "Contacts by quarter and staff role",
            "contacts",
            ["quarter", "staff_role"],
            "contacts",
        ),
    ),
    # Services.
    _t(
        "services_requested_by_quarter_type",
        "Services requested by quarter and type",
        "services_requested",
        ["quarter", "service_type"],
        "services",
        fallback=_t(
            "services_requested_by_year_type",
            "Services requested by year and type",
            "services_requested",
            ["year", "service_type"],
            "services",
        ),
    ),
    _t(
        "services_connected_by_month",
        "Services connected by month",
        "services_connected",
        ["month"],
        "services",
        fallback=_t(
            "services_connected_by_quarter",
            "Services connected by quarter",
            "services_connected",
            ["quarter"],
            "services",
        ),
    ),
    _t(
        "services_connected_by_quarter_type",
        "Services connected by quarter and type",
        "services_connected",
        ["quarter", "service_type"],
        "services",
        fallback=_t(
            "services_connected_by_year_type",
            "Services connected by year and type",
            "services_connected",
            ["year", "service_type"],
            "services",
        ),
    ),
    _t(
        "services_waiting_by_quarter_type",
        "Services on a wait list at the end of each quarter, by type",
        "services_waiting",
        ["quarter", "service_type"],
        "services",
        fallback=_t(
            "services_waiting_by_year_type",
            "Services on a wait list at the end of each year, by type",
            "services_waiting",
            ["year", "service_type"],
            "services",
        ),
    ),
    _t(
        "median_days_to_connection_by_year_type",
        "Median days from request to connection, by year and service type",
        "services_connected",
        ["year", "service_type"],
        "days",
        statistic="median_days_to_connection",
    ),
    _supplement(
        "services_requested_by_quarter_service_group",
        "Services requested by quarter and service group",
        "services_requested",
        ["quarter", "service_group"],
        "services",
        fallback=_t(
            "services_requested_by_year_service_group",
            "Services requested by year and service group",
            "services_requested",
            ["year", "service_group"],
            "services",
        ),
    ),
    _supplement(
        "services_connected_by_quarter_service_group",
        "Services connected by quarter and service group",
        "services_connected",
        ["quarter", "service_group"],
        "services",
        fallback=_t(
            "services_connected_by_year_service_group",
            "Services connected by year and service group",
            "services_connected",
            ["year", "service_group"],
            "services",
        ),
    ),
    _supplement(
        "services_waiting_by_quarter_service_group",
        "Services on a wait list at the end of each quarter, by service group",
        "services_waiting",
        ["quarter", "service_group"],
        "services",
        fallback=_t(
            "services_waiting_by_year_service_group",
            "Services on a wait list at the end of each year, by service group",
            "services_waiting",
            ["year", "service_group"],
            "services",
        ),
    ),
    _supplement(
        "median_days_to_connection_by_year_service_group",
        "Median days from request to connection, by year and service group",
        "services_connected",
        ["year", "service_group"],
        "days",
        statistic="median_days_to_connection",
    ),
    # Obstacles.
    _t(
        "obstacles_reported_by_quarter_type",
        "Obstacles reported by quarter and type",
        "obstacles_reported",
        ["quarter", "obstacle_type"],
        "obstacles",
        fallback=_t(
            "obstacles_reported_by_year_type",
            "Obstacles reported by year and type",
            "obstacles_reported",
            ["year", "obstacle_type"],
            "obstacles",
        ),
    ),
    _t(
        "obstacles_open_by_month_type",
        "Obstacles still open at the end of each month, by type",
        "obstacles_open",
        ["month", "obstacle_type"],
        "obstacles",
        fallback=_t(
            "obstacles_open_by_quarter_type",
            "Obstacles still open at the end of each quarter, by type",
            "obstacles_open",
            ["quarter", "obstacle_type"],
            "obstacles",
        ),
    ),
    _supplement(
        "obstacles_reported_by_quarter_obstacle_group",
        "Obstacles reported by quarter and obstacle group",
        "obstacles_reported",
        ["quarter", "obstacle_group"],
        "obstacles",
        fallback=_t(
            "obstacles_reported_by_year_obstacle_group",
            "Obstacles reported by year and obstacle group",
            "obstacles_reported",
            ["year", "obstacle_group"],
            "obstacles",
        ),
    ),
    _supplement(
        "obstacles_open_by_month_obstacle_group",
        "Obstacles still open at the end of each month, by obstacle group",
        "obstacles_open",
        ["month", "obstacle_group"],
        "obstacles",
        fallback=_t(
            "obstacles_open_by_quarter_obstacle_group",
            "Obstacles still open at the end of each quarter, by obstacle group",
            "obstacles_open",
            ["quarter", "obstacle_group"],
            "obstacles",
        ),
    ),
    # Community focus areas and staffing (not about participants: not suppressed).
    _t(
        "focus_areas_by_neighborhood",
        "Focus areas by neighborhood, topic, who suggested them and status",
        "focus_areas",
        ["neighborhood", "topic", "suggested_by", "status"],
        "focus areas",
    ),
    _t("case_managers_by_month", "Case managers by month", "case_managers", ["month"], "case managers"),
)

RATIOS: tuple[RatioDeclaration, ...] = (
    RatioDeclaration(
        "handoff_within_30_min_share",
        "Share of arrest diversions handed off within 30 minutes",
        "handoffs_within_30_min_by_quarter",
        "arrest_diversions_by_quarter",
        ("quarter",),
    ),
    RatioDeclaration(
        "intake_within_7_days_share",
        "Share of referrals with intake within 7 days",
        "intakes_within_7_days_by_quarter",
        "referrals_by_quarter",
        ("quarter",),
    ),
    # An area's share of the city's referrals (the area's cell over the city's for the same period).
    RatioDeclaration(
        "precinct_share_of_referrals_12_months",
        "Share of the city's referrals in the precinct",
        "referrals_by_precinct_12_months",
        "referrals_by_12_months",
        ("twelve_months",),
    ),
    RatioDeclaration(
        "district_share_of_referrals_12_months",
        "Share of the city's referrals in the district",
        "referrals_by_district_12_months",
        "referrals_by_12_months",
        ("twelve_months",),
    ),
    RatioDeclaration(
        "neighborhood_share_of_referrals_by_year",
        "Share of the city's referrals in the neighborhood",
        "referrals_by_neighborhood_year",
        "referrals_by_year",
        ("year",),
    ),
    RatioDeclaration(
        "precinct_share_of_referrals_by_year",
        "Share of the city's referrals in the precinct",
        "referrals_by_precinct_year",
        "referrals_by_year",
        ("year",),
    ),
    RatioDeclaration(
        "participants_per_case_manager",
        "People active per case manager",
        "active_participants_by_month",
        "case_managers_by_month",
        ("month",),
        per=1,
    ),
)


def table(table_id: str) -> TableDeclaration:
    """Return the declaration ``table_id`` (a pooled fallback included)."""
    for declaration in TABLES:
        for candidate in (declaration, declaration.pooled_fallback):
            if candidate is not None and candidate.id == table_id:
                return candidate
    raise KeyError(f"no table declared with id {table_id!r}")
