"""The program-database contract (docs/database.md) as SQLAlchemy Core metadata.

Build it exactly as written there: add freely, rename nothing. This module
holds declarations only; it must not connect to anything.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    false,
)

metadata = MetaData()

GENDERS = ("woman", "man", "transgender", "nonbinary", "other")
RACE_ETHNICITIES = (
    "american_indian_alaska_native",
    "asian",
    "black",
    "hispanic_latino",
    "native_hawaiian_pacific_islander",
    "white",
    "multiracial",
    "other",
)
HOUSING_AT_INTAKE = ("unsheltered", "shelter", "transitional", "housed")
PATHWAYS = ("arrest_diversion", "social_contact", "community_referral")
SOURCES = ("police_officer", "community_member", "business", "service_provider", "other")
OFFENSE_CATEGORIES = (
    "drug_possession",
    "drug_sale",
    "sex_work",
    "shoplifting",
    "other_theft",
    "trespass",
    "other",
)
OUTCOMES = ("enrolled", "ineligible", "declined", "no_intake", "pending")
STAFF_ROLES = ("case_manager", "peer_outreach", "police_officer", "other")
SERVICE_TYPES = (
    "housing",
    "shelter",
    "substance_use_treatment",
    "mental_health",
    "medical_care",
    "identification",
    "benefits",
    "legal",
    "education",
    "job_training",
    "employment",
    "child_care",
    "transportation",
    "other",
)
SERVICE_STATUSES = ("requested", "waitlisted", "connected", "completed", "declined", "unavailable")
OBSTACLE_TYPES = (
    "wait_list",
    "no_capacity",
    "eligibility_rule",
    "missing_documents",
    "transportation",
    "cost",
    "legal_barrier",
    "staffing",
    "other",
)
SUGGESTED_BY = ("community", "business", "police", "program")
TOPICS = ("drug_activity", "retail_theft", "sex_work", "encampment", "public_disorder", "other")
FOCUS_AREA_STATUSES = ("proposed", "active", "closed")

UNKNOWN = "unknown"
NO_OFFENSE = "none"

neighborhoods = Table(
    "neighborhoods",
    metadata,
    Column("neighborhood_id", String, primary_key=True),
    Column("name", String, nullable=False),
    Column("precinct", String, nullable=True),
    Column("business_district", Boolean, nullable=False, default=False, server_default=false()),
    # Optional: a second grouping beside precincts (a council district); a database without it has none.
    Column("district", String, nullable=True, info={"optional": True}),
)

participants = Table(
    "participants",
    metadata,
    Column("participant_id", Integer, primary_key=True, autoincrement=False),
    Column("enrolled_on", Date),
    Column("exited_on", Date),
    Column("gender", String),
    Column("race_ethnicity", String),
    Column("birth_year", Integer),
    Column("housing_at_intake", String),
)

referrals = Table(
    "referrals",
    metadata,
    Column("referral_id", Integer, primary_key=True, autoincrement=False),
    Column("participant_id", Integer),
    Column("referred_on", Date, nullable=False),
    Column("pathway", String, nullable=False),
    Column("source", String, nullable=False),
    Column("neighborhood_id", String),
    Column("offense_category", String),
    Column("outcome", String, nullable=False),
    Column("handoff_minutes", Integer),
    Column("intake_on", Date),
)

contacts = Table(
    "contacts",
    metadata,
    Column("contact_id", Integer, primary_key=True, autoincrement=False),
    Column("participant_id", Integer, nullable=False),
    Column("contact_on", Date, nullable=False),
    Column("staff_role", String, nullable=False),
    Column("substantive", Boolean, nullable=False),
)

services = Table(
    "services",
    metadata,
    Column("service_id", Integer, primary_key=True, autoincrement=False),
    Column("participant_id", Integer, nullable=False),
    Column("service_type", String, nullable=False),
    Column("requested_on", Date, nullable=False),
    Column("connected_on", Date),
    Column("status", String, nullable=False),
)

obstacles = Table(
    "obstacles",
    metadata,
    Column("obstacle_id", Integer, primary_key=True, autoincrement=False),
    Column("participant_id", Integer),
    Column("service_type", String),
    Column("reported_on", Date, nullable=False),
    Column("obstacle_type", String, nullable=False),
    Column("resolved_on", Date),
)

focus_areas = Table(
    "focus_areas",
    metadata,
    Column("focus_area_id", Integer, primary_key=True, autoincrement=False),
    Column("neighborhood_id", String, nullable=False),
    Column("suggested_on", Date, nullable=False),
    Column("suggested_by", String, nullable=False),
    Column("topic", String, nullable=False),
    Column("status", String, nullable=False),
)

case_assignments = Table(
    "case_assignments",
    metadata,
    Column("participant_id", Integer, nullable=False),
    Column("case_manager_id", Integer, nullable=False),
    Column("assigned_on", Date, nullable=False),
    Column("ended_on", Date),
)

# Code columns: (table, column) -> the codes the contract allows.
CODE_COLUMNS: dict[tuple[str, str], tuple[str, ...]] = {
    ("participants", "gender"): GENDERS,
    ("participants", "race_ethnicity"): RACE_ETHNICITIES,
    ("participants", "housing_at_intake"): HOUSING_AT_INTAKE,
    ("referrals", "pathway"): PATHWAYS,
    ("referrals", "source"): SOURCES,
    ("referrals", "offense_category"): OFFENSE_CATEGORIES,
    ("referrals", "outcome"): OUTCOMES,
    ("contacts", "staff_role"): STAFF_ROLES,
    ("services", "service_type"): SERVICE_TYPES,
    ("services", "status"): SERVICE_STATUSES,
    ("obstacles", "service_type"): SERVICE_TYPES,
    ("obstacles", "obstacle_type"): OBSTACLE_TYPES,
    ("focus_areas", "suggested_by"): SUGGESTED_BY,
    ("focus_areas", "topic"): TOPICS,
    ("focus_areas", "status"): FOCUS_AREA_STATUSES,
}

# Code columns where NULL is a code of its own rather than unknown.
NULL_CODE: dict[tuple[str, str], str] = {("referrals", "offense_category"): NO_OFFENSE}

DATE_COLUMNS: dict[str, tuple[str, ...]] = {
    table.name: tuple(c.name for c in table.columns if isinstance(c.type, Date)) for table in metadata.sorted_tables
}


def codes_with_unknown(table: str, column: str) -> tuple[str, ...]:
    """Return the codes a dimension can take, including ``unknown`` (and ``none``)."""
    codes = CODE_COLUMNS[(table, column)]
    extra = (NULL_CODE[(table, column)],) if (table, column) in NULL_CODE else ()
    return codes + extra + (UNKNOWN,)


# Coarser groupings of codes, published beside the codes so small categories still get a figure
# (docs/formats.md): group dimension -> (the dimension it groups, {group: codes}).
# A code no group lists (unknown, none) is a group of its own. Changing a grouping changes what
# earlier releases mean: add new groupings instead.
CODE_GROUPS: dict[str, tuple[str, dict[str, tuple[str, ...]]]] = {
    "gender_group": (
        "gender",
        {
            "woman": ("woman",),
            "man": ("man",),
            "another_gender_or_unknown": ("transgender", "nonbinary", "other", UNKNOWN),
        },
    ),
    "race_ethnicity_group": (
        "race_ethnicity",
        {
            "black": ("black",),
            "white": ("white",),
            "hispanic_latino": ("hispanic_latino",),
            "another_or_unknown": (
                "american_indian_alaska_native",
                "asian",
                "native_hawaiian_pacific_islander",
                "multiracial",
                "other",
                UNKNOWN,
            ),
        },
    ),
    # (Ages and housing have no grouping: their withheld codes, under 25 and 55 and over, transitional
    # housing, sit beside published ones, so any group holding them would be withheld too.)
    # Services and obstacles: the common ones alone, the others together (a group beside codes that are
    # published costs nothing; a group holding exactly one withheld code would expose it, so small codes
    # go together, where they are withheld together).
    "service_group": (
        "service_type",
        {
            **{
                code: (code,)
                for code in ("housing", "shelter", "substance_use_treatment", "mental_health", "medical_care")
            },
            "other_services": (
                "identification",
                "benefits",
                "legal",
                "education",
                "job_training",
                "employment",
                "child_care",
                "transportation",
                "other",
                UNKNOWN,
            ),
        },
    ),
    "obstacle_group": (
        "obstacle_type",
        {
            **{code: (code,) for code in ("wait_list", "no_capacity", "missing_documents")},
            "other_obstacles": (
                "eligibility_rule",
                "transportation",
                "cost",
                "legal_barrier",
                "staffing",
                "other",
                UNKNOWN,
            ),
        },
    ),
}
# How each group reads (the default, the capitalised code, does not read well for these).
CODE_GROUP_LABELS: dict[str, dict[str, str]] = {  # short: they label chart axes (the codes are in the hierarchies)
    "gender_group": {"another_gender_or_unknown": "Another gender, or not recorded"},
    "race_ethnicity_group": {
        "hispanic_latino": "Hispanic or Latino",
        "another_or_unknown": "Another race or ethnicity, or not recorded",
    },
    "service_group": {"other_services": "Other services"},
    "obstacle_group": {"other_obstacles": "Other obstacles"},
}


def code_group(grouping: str, code: str) -> str:
    """Return the group of ``grouping`` that the code ``code`` falls in (itself when no group lists it)."""
    return next((g for g, codes in CODE_GROUPS[grouping][1].items() if code in codes), code)
