"""A tiny program database built by code, full of edge cases, and a Python reference count.

Edge cases: codes outside the contract and NULL codes, NULL and dangling
neighborhoods, referrals without a participant, one person referred many times,
empty months, stocks open across periods. ``reference_counts`` recomputes any
declaration in plain Python, independently of the SQL.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from data_access import schema
from data_access.periods import ReleaseWindow

D = dt.date
WINDOW = ReleaseWindow("2024-01", "2024-12")

NEIGHBORHOODS = [
    {"neighborhood_id": "BELLTOWN", "name": "Belltown", "precinct": "W", "business_district": True},
    {"neighborhood_id": "PIGEON POINT", "name": "Pigeon Point", "precinct": "SW", "business_district": False},
    {"neighborhood_id": "NOWHERE", "name": "No precinct", "precinct": None, "business_district": False},
]

PARTICIPANTS = [
    {
        "participant_id": 1,
        "enrolled_on": D(2024, 1, 10),
        "exited_on": None,
        "gender": "man",
        "race_ethnicity": "white",
        "birth_year": 1990,
        "housing_at_intake": "unsheltered",
    },
    {
        "participant_id": 2,
        "enrolled_on": D(2024, 3, 5),
        "exited_on": D(2024, 5, 31),
        "gender": "woman",
        "race_ethnicity": "black",
        "birth_year": 1960,
        "housing_at_intake": "shelter",
    },
    {
        "participant_id": 3,
        "enrolled_on": D(2024, 3, 20),
        "exited_on": None,
        "gender": "unspecified",
        "race_ethnicity": None,
        "birth_year": None,
        "housing_at_intake": "housed",
    },
    {
        "participant_id": 4,
        "enrolled_on": None,
        "exited_on": None,
        "gender": "nonbinary",
        "race_ethnicity": "asian",
        "birth_year": 2003,
        "housing_at_intake": None,
    },
    {
        "participant_id": 5,
        "enrolled_on": D(2023, 12, 31),
        "exited_on": D(2024, 1, 1),
        "gender": "man",
        "race_ethnicity": "multiracial",
        "birth_year": 1980,
        "housing_at_intake": "transitional",
    },
]


def _referral(
    i,
    pid,
    on,
    pathway="arrest_diversion",
    source="police_officer",
    hood="BELLTOWN",
    offense="drug_possession",
    outcome="enrolled",
    minutes=None,
    intake=None,
):
    return {
        "referral_id": i,
        "participant_id": pid,
        "referred_on": on,
        "pathway": pathway,
        "source": source,
        "neighborhood_id": hood,
        "offense_category": offense,
        "outcome": outcome,
        "handoff_minutes": minutes,
        "intake_on": intake,
    }


REFERRALS = [
    _referral(1, 1, D(2024, 1, 5), minutes=20, intake=D(2024, 1, 10)),
    _referral(2, 1, D(2024, 1, 20), minutes=45, intake=D(2024, 2, 1)),
    _referral(3, 1, D(2024, 1, 25), offense="shoplifting", minutes=30, intake=D(2024, 2, 1)),
    _referral(4, None, D(2024, 1, 25), pathway="social_contact", hood=None, offense=None, outcome="declined"),
    _referral(
        5, None, D(2024, 1, 26), pathway="social_contact", hood="OUTSIDE CITY", offense=None, outcome="no_intake"
    ),
    _referral(
        6,
        2,
        D(2024, 3, 1),
        pathway="community_referral",
        source="business",
        hood="PIGEON POINT",
        offense="shoplifting",
        intake=D(2024, 3, 5),
    ),
    _referral(
        7,
        3,
        D(2024, 3, 15),
        pathway="teleport",
        source="oracle",
        hood="NOWHERE",
        offense="jaywalking",
        outcome="maybe",
        intake=D(2024, 3, 20),
    ),
    _referral(
        8,
        None,
        D(2024, 6, 30),
        pathway="arrest_diversion",
        hood="BELLTOWN",
        offense="trespass",
        outcome="ineligible",
        minutes=5,
    ),
    _referral(9, 1, D(2024, 12, 31), offense="other_theft", minutes=31, intake=D(2025, 1, 7)),
    _referral(10, 1, D(2023, 12, 31), minutes=10),  # before the window
    _referral(11, 2, D(2025, 1, 1), minutes=10),  # after the window
]

CONTACTS = [
    {"contact_id": i, "participant_id": pid, "contact_on": on, "staff_role": role, "substantive": sub}
    for i, (pid, on, role, sub) in enumerate(
        [
            (1, D(2024, 1, 11), "case_manager", True),
            (1, D(2024, 1, 12), "case_manager", True),
            (1, D(2024, 1, 13), "peer_outreach", False),
            (2, D(2024, 1, 14), "case_manager", True),
            (3, D(2024, 4, 1), "janitor", True),
            (3, D(2024, 4, 2), "police_officer", False),
        ],
        start=1,
    )
]

SERVICES = [
    {
        "service_id": 1,
        "participant_id": 1,
        "service_type": "housing",
        "requested_on": D(2024, 1, 15),
        "connected_on": D(2024, 6, 1),
        "status": "connected",
    },
    {
        "service_id": 2,
        "participant_id": 1,
        "service_type": "housing",
        "requested_on": D(2024, 2, 1),
        "connected_on": None,
        "status": "waitlisted",
    },
    {
        "service_id": 3,
        "participant_id": 2,
        "service_type": "identification",
        "requested_on": D(2024, 3, 10),
        "connected_on": D(2024, 3, 12),
        "status": "completed",
    },
    {
        "service_id": 4,
        "participant_id": 3,
        "service_type": "teleportation",
        "requested_on": D(2024, 4, 1),
        "connected_on": D(2024, 8, 1),
        "status": "waitlisted",
    },
    {
        "service_id": 5,
        "participant_id": 3,
        "service_type": "mental_health",
        "requested_on": D(2024, 4, 1),
        "connected_on": None,
        "status": "declined",
    },
]

OBSTACLES = [
    {
        "obstacle_id": 1,
        "participant_id": 1,
        "service_type": "housing",
        "reported_on": D(2024, 1, 20),
        "obstacle_type": "wait_list",
        "resolved_on": D(2024, 6, 1),
    },
    {
        "obstacle_id": 2,
        "participant_id": None,
        "service_type": None,
        "reported_on": D(2024, 2, 2),
        "obstacle_type": "no_capacity",
        "resolved_on": None,
    },
    {
        "obstacle_id": 3,
        "participant_id": None,
        "service_type": "housing",
        "reported_on": D(2024, 2, 3),
        "obstacle_type": "no_capacity",
        "resolved_on": D(2024, 2, 29),
    },
    {
        "obstacle_id": 4,
        "participant_id": 2,
        "service_type": "legal",
        "reported_on": D(2024, 3, 31),
        "obstacle_type": "bureaucracy",
        "resolved_on": D(2024, 4, 1),
    },
]

FOCUS_AREAS = [
    {
        "focus_area_id": 1,
        "neighborhood_id": "BELLTOWN",
        "suggested_on": D(2024, 2, 1),
        "suggested_by": "business",
        "topic": "retail_theft",
        "status": "active",
    },
    {
        "focus_area_id": 2,
        "neighborhood_id": "PIGEON POINT",
        "suggested_on": D(2024, 5, 1),
        "suggested_by": "community",
        "topic": "encampment",
        "status": "proposed",
    },
    {
        "focus_area_id": 3,
        "neighborhood_id": "ATLANTIS",
        "suggested_on": D(2024, 5, 2),
        "suggested_by": "mermaids",
        "topic": "other",
        "status": "closed",
    },
]

CASE_ASSIGNMENTS = [
    {"participant_id": 1, "case_manager_id": 100, "assigned_on": D(2024, 1, 10), "ended_on": D(2024, 3, 1)},
    {"participant_id": 1, "case_manager_id": 101, "assigned_on": D(2024, 3, 1), "ended_on": None},
    {"participant_id": 2, "case_manager_id": 101, "assigned_on": D(2024, 3, 5), "ended_on": D(2024, 5, 31)},
    {"participant_id": 3, "case_manager_id": 102, "assigned_on": D(2024, 3, 20), "ended_on": D(2024, 3, 31)},
]

ROWS = {
    "neighborhoods": NEIGHBORHOODS,
    "participants": PARTICIPANTS,
    "referrals": REFERRALS,
    "contacts": CONTACTS,
    "services": SERVICES,
    "obstacles": OBSTACLES,
    "focus_areas": FOCUS_AREAS,
    "case_assignments": CASE_ASSIGNMENTS,
}


def load_edge_case_database(url: str) -> None:
    """Create the contract tables at ``url`` and fill them with the edge cases."""
    engine = sa.create_engine(url)
    schema.metadata.drop_all(engine)
    schema.metadata.create_all(engine)
    with engine.begin() as connection:
        for table in schema.metadata.sorted_tables:
            connection.execute(table.insert(), ROWS[table.name])
    engine.dispose()
