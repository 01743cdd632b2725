"""Count declarations that cover every measure and every kind of dimension and filter."""

from data_access.aggregate import CountRequest as C

COVERING_DECLARATIONS = [
    C("referrals", ("month", "pathway")),
    C("referrals", ("month", "source")),
    C("referrals", ("month", "outcome")),
    C("referrals", ("month", "offense_category")),
    C("referrals", ("neighborhood", "quarter")),
    C("referrals", ("precinct", "month")),
    C("referrals", ("precinct", "quarter")),
    C("referrals", ("year",)),
    C("referrals", ()),
    C("referrals", ("month",), {"offense_category": "shoplifting"}),
    C("referrals", ("quarter", "outcome"), {"offense_category": ["shoplifting", "other_theft"]}),
    C("referrals", ("neighborhood", "quarter"), {"business_district": "true"}),
    C("referrals", ("quarter", "age_band")),
    C("enrollments", ("month",)),
    C("enrollments", ("year", "gender")),
    C("enrollments", ("year", "race_ethnicity")),
    C("enrollments", ("year", "age_band")),
    C("enrollments", ("year", "housing_at_intake")),
    C("active_participants", ("month",)),
    C("active_participants", ("quarter", "gender")),
    C("contacts", ("month", "staff_role")),
    C("contacts", ("quarter", "substantive")),
    C("services_requested", ("quarter", "service_type")),
    C("services_connected", ("quarter", "service_type")),
    C("services_waiting", ("quarter", "service_type")),
    C("obstacles_reported", ("quarter", "obstacle_type")),
    C("obstacles_open", ("month", "obstacle_type")),
    C("obstacles_open", ("month",), {"service_type": "housing"}),
    C("focus_areas", ("neighborhood", "topic", "suggested_by", "status")),
    C("case_managers", ("month",)),
    C("handoffs_within_30_min", ("quarter",)),
    C("intakes_within_7_days", ("quarter",)),
    C("referrals", ("quarter",), {"pathway": "arrest_diversion"}),
]
COVERING_DECLARATIONS += [  # coarser groupings of codes (a CASE over the codes' expression)
    C("enrollments", ("year", "gender_group")),
    C("enrollments", ("year", "race_ethnicity_group")),
    C("referrals", ("quarter", "race_ethnicity_group")),
    C("services_requested", ("quarter", "service_group")),
    C("services_waiting", ("quarter", "service_group")),
    C("obstacles_open", ("month", "obstacle_group")),
    C("obstacles_reported", ("quarter",), {"obstacle_group": "other_obstacles"}),
]
COVERING_DECLARATIONS += [
    C("referrals", ("quarter", "pathway", "handoff_within_30_min")),
    C("referrals", ("month",), {"intake_within_7_days": "true"}),
]
