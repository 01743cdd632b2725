"""Build the seeded demo program database (docs/database.md).

Generates a realistic, deterministic LEAD program on the real Seattle MCPP areas
(weighted by real larceny-theft shares) and loads it into SQLite or PostgreSQL
under the contract of ``schema``. Used by demo mode, the command line and the
tests; the dashboard pages must not import it.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import os
import re
import sys
import time
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Boolean, Date, Table, create_engine
from sqlalchemy.engine import URL
from tqdm import tqdm

from . import schema
from .engine import normalise_url

DEMO_NEIGHBORHOOD_KEY = "NAME"
SEATTLE_DIR = Path(__file__).parent / "seattle"
DEMO_START = dt.date(2019, 1, 1)
SCALES = {"small": 1, "medium": 10, "large": 100}

# Day numbers (days since 1970-01-01, numpy's datetime64[D]); this one is NaT: no date.
NO_DATE = np.iinfo(np.int64).min
EPOCH = dt.date(1970, 1, 1)

# --- Where referrals happen -------------------------------------------------------------
# LEAD began in Belltown and Pioneer Square (Skid Road) in 2011 and grew through downtown and
# the International District: their fixed shares of the referrals that are not shoplifting.
FIRST_LEAD_AREAS = {
    "BELLTOWN": 0.12,
    "DOWNTOWN COMMERICAL": 0.12,
    "PIONEER SQUARE": 0.11,
    "INTERNATIONAL DISTRICT - WEST": 0.06,
    "INTERNATIONAL DISTRICT - EAST": 0.04,
}
# Areas with almost no LEAD activity (industrial, or far from the program): a handful a year.
QUIET_AREAS = {
    "MADISON PARK": 0.0035,
    "PIGEON POINT": 0.0025,
    "COMMERCIAL DUWAMISH": 0.0025,
    "COMMERCIAL HARBOR ISLAND": 0.002,
}
BUSINESS_DISTRICTS = (
    "ALASKA JUNCTION",
    "BALLARD SOUTH",
    "BELLTOWN",
    "CAPITOL HILL",
    "COLUMBIA CITY",
    "DOWNTOWN COMMERICAL",
    "FREMONT",
    "INTERNATIONAL DISTRICT - EAST",
    "INTERNATIONAL DISTRICT - WEST",
    "LAKECITY",
    "NORTHGATE",
    "PIONEER SQUARE",
    "QUEEN ANNE",
    "SLU/CASCADE",
    "SODO",
    "UNIVERSITY",
)
DISPLAY_NAMES = {
    "DOWNTOWN COMMERICAL": "Downtown Commercial",  # the source's spelling is kept in the id
    "SLU/CASCADE": "South Lake Union/Cascade",
    "SODO": "SODO",
    "LAKECITY": "Lake City",
    "BITTERLAKE": "Bitter Lake",
    "SANDPOINT": "Sand Point",
    "NEW HOLLY": "NewHolly",
    "FAUNTLEROY SW": "Fauntleroy SW",
    "MT BAKER/NORTH RAINIER": "Mt. Baker/North Rainier",
}
NULL_NEIGHBORHOOD_SHARE = 0.01
OUTSIDE_CITY = "OUTSIDE CITY"  # a neighborhood_id that matches no neighborhood
OUTSIDE_CITY_SHARE = 0.003

# --- Referral volume and mix --------------------------------------------------------------
REFERRALS_PER_MONTH_2019 = 20.5  # small scale; about 3,000 referrals from 2019 to late 2026
ANNUAL_GROWTH = 1.125
SUMMER_PEAK = 0.14  # seasonal amplitude, highest in July
PANDEMIC_MONTHS = ("2020-03", "2020-05")
PANDEMIC_FACTOR = 0.7

PATHWAYS_2019 = (0.50, 0.37, 0.13)  # arrest_diversion, social_contact, community_referral
PATHWAY_DRIFT_PER_YEAR = (-0.012, 0.008, 0.004)  # social contact referrals slowly replace arrests
SOURCES_BY_PATHWAY = {
    "arrest_diversion": {"police_officer": 0.97, "other": 0.03},
    "social_contact": {"police_officer": 0.88, "service_provider": 0.06, "other": 0.06},
    "community_referral": {
        "community_member": 0.38,
        "business": 0.30,
        "service_provider": 0.27,
        "other": 0.05,
    },
}
OFFENSES = schema.OFFENSE_CATEGORIES + (None,)  # None: no offence
# Arrest diversion mix in 2019 and in 2027: shoplifting diversions grow, possession shrinks.
ARREST_OFFENSES_2019 = (0.40, 0.10, 0.07, 0.20, 0.08, 0.09, 0.06, 0.0)
ARREST_OFFENSES_2027 = (0.31, 0.08, 0.05, 0.32, 0.08, 0.10, 0.06, 0.0)
SOCIAL_CONTACT_OFFENSES = (0.13, 0.02, 0.05, 0.08, 0.03, 0.06, 0.04, 0.59)
BUSINESS_OFFENSES = (0.02, 0.0, 0.0, 0.55, 0.10, 0.14, 0.04, 0.15)
COMMUNITY_OFFENSES = (0.06, 0.02, 0.02, 0.04, 0.04, 0.07, 0.04, 0.71)

OUTCOME_CODES = ("enrolled", "ineligible", "declined", "no_intake")
OUTCOMES_BY_PATHWAY = {
    "arrest_diversion": (0.62, 0.09, 0.13, 0.16),
    "social_contact": (0.56, 0.10, 0.14, 0.20),
    "community_referral": (0.50, 0.16, 0.14, 0.20),
}
REPEAT_REFERRAL_SHARE = 0.14  # referrals of someone already enrolled
REPEAT_OUTCOMES = (0.66, 0.0, 0.14, 0.20)
REPEAT_SAME_NEIGHBORHOOD = 0.6
# Chance that a referral is still pending, by its age in days on as_of.
PENDING_BY_AGE = ((30, 0.85), (61, 0.50), (92, 0.15), (183, 0.03))
INTAKE_SHARE_WITHOUT_ENROLMENT = {"declined": 0.40, "ineligible": 0.65}
INTAKE_MEDIAN_DAYS_2019 = 4.5
INTAKE_IMPROVEMENT_PER_YEAR = 0.93
HANDOFF_MEDIAN_MINUTES_2019 = 32.0
HANDOFF_IMPROVEMENT_PER_YEAR = 0.94
HANDOFF_NOT_RECORDED = 0.02

# --- Participants -------------------------------------------------------------------------
GENDER_MIX = {"man": 0.70, "woman": 0.255, "transgender": 0.03, "nonbinary": 0.01, "other": 0.005}
SEX_WORK_GENDER_MIX = {"woman": 0.74, "transgender": 0.12, "man": 0.11, "nonbinary": 0.02, "other": 0.01}
RACE_ETHNICITY_MIX = {
    "white": 0.48,
    "black": 0.29,
    "american_indian_alaska_native": 0.06,
    "hispanic_latino": 0.06,
    "asian": 0.03,
    "native_hawaiian_pacific_islander": 0.01,
    "multiracial": 0.05,
    "other": 0.02,
}
HOUSING_MIX = {"unsheltered": 0.56, "shelter": 0.17, "transitional": 0.09, "housed": 0.18}
# About 1% of each code column holds NULL or a code outside the contract.
INVALID_CODE_SHARE = 0.01
INVALID_CODES = {"gender": "unspecified", "race_ethnicity": "declined_to_state", "housing_at_intake": "couch_surfing"}
EARLY_EXIT_SHARE = 0.18  # disengage within four months
STAY_MEDIAN_DAYS = 520

# --- Contacts ----------------------------------------------------------------------------
CONTACTS_PER_MONTH_FIRST_90_DAYS = 4.5
CONTACTS_PER_MONTH_AFTER = 2.0
CONTACT_ROLES = {"case_manager": 0.57, "peer_outreach": 0.28, "police_officer": 0.08, "other": 0.07}
SUBSTANTIVE_BY_ROLE = {"case_manager": 0.86, "peer_outreach": 0.74, "police_officer": 0.40, "other": 0.60}
CONTACT_CHUNK_PARTICIPANTS = 5_000

# --- Services and obstacles ----------------------------------------------------------------
SERVICE_STATUS_CODES = ("connected", "completed", "waitlisted", "requested", "declined", "unavailable")
GENERIC_SERVICE = ((0.45, 0.15, 0.10, 0.10, 0.10, 0.10), 14, 0.8)
# service_type: (share of requests, status mix as SERVICE_STATUS_CODES, median days to connect, spread)
SERVICE_PROFILES = {
    "housing": (0.20, (0.30, 0.08, 0.30, 0.07, 0.07, 0.18), 70, 0.8),
    "shelter": (0.11, (0.55, 0.15, 0.08, 0.05, 0.12, 0.05), 4, 0.8),
    "substance_use_treatment": (0.15, (0.40, 0.12, 0.22, 0.06, 0.12, 0.08), 18, 0.7),
    "mental_health": (0.12, (0.42, 0.10, 0.18, 0.08, 0.12, 0.10), 21, 0.7),
    "medical_care": (0.08, (0.60, 0.15, 0.05, 0.06, 0.10, 0.04), 7, 0.8),
    "identification": (0.08, (0.55, 0.30, 0.01, 0.08, 0.04, 0.02), 6, 0.6),
    "benefits": (0.09, (0.55, 0.25, 0.02, 0.09, 0.05, 0.04), 10, 0.6),
    "legal": (0.05, (0.50, 0.20, 0.08, 0.10, 0.07, 0.05), 14, 0.7),
    "education": (0.01,) + GENERIC_SERVICE,
    "job_training": (0.02,) + GENERIC_SERVICE,
    "employment": (0.03,) + GENERIC_SERVICE,
    "child_care": (0.005,) + GENERIC_SERVICE,
    "transportation": (0.04, (0.65, 0.15, 0.02, 0.08, 0.06, 0.04), 3, 0.6),
    "other": (0.015,) + GENERIC_SERVICE,
}
SLOW_CONNECTION_DAYS = 30
# How long a wait list lasts (median days); a request still waiting when the wait ends is connected.
WAIT_LIST_MEDIAN_DAYS = {"housing": 210, "substance_use_treatment": 45, "mental_health": 60}
OTHER_WAIT_LIST_MEDIAN_DAYS = 45
STALE_REQUEST_DAYS = 90  # most requests nobody acted on for this long are recorded as declined
# Obstacles not tied to one service request: type -> (share, {service_type: share}).
PARTICIPANT_OBSTACLES = {
    "missing_documents": (0.32, {"identification": 0.4, "housing": 0.3, "benefits": 0.3}),
    "transportation": (0.20, {"medical_care": 0.4, "substance_use_treatment": 0.3, "mental_health": 0.3}),
    "legal_barrier": (0.12, {"housing": 0.6, "employment": 0.4}),
    "cost": (0.10, {"housing": 0.4, "medical_care": 0.3, "transportation": 0.3}),
    "eligibility_rule": (0.08, {"benefits": 0.4, "housing": 0.4, "shelter": 0.2}),
    "other": (0.18, {"other": 0.7, "housing": 0.15, "benefits": 0.15}),
}
# Program-level obstacles (no participant): type -> (per year at small scale, service types;
# None: not about one service, so NULL and reported by validation as unknown).
PROGRAM_OBSTACLES: dict[str, tuple[float, dict[str | None, float]]] = {
    "staffing": (3.0, {None: 1.0}),
    "no_capacity": (2.0, {"shelter": 0.5, "housing": 0.3, "substance_use_treatment": 0.2}),
}

# --- Case managers -------------------------------------------------------------------------
TARGET_CASELOAD = 21
STAFFING_HEADROOM = 1.05
INITIAL_CASE_MANAGERS = 3  # small scale
RECRUITING_DAYS = (45, 135)
CASE_MANAGER_TENURE_MEDIAN_DAYS = 900
HIRING_FREEZE = (dt.date(2023, 2, 1), dt.date(2023, 11, 30))  # caseloads climb past 25

# --- Focus areas (not scaled: they are bounded by the number of neighborhoods) -----------------
FOCUS_AREAS_PER_YEAR_2019 = 15
FOCUS_AREA_GROWTH_PER_YEAR = 1.5
SUGGESTED_BY_MIX = {"community": 0.35, "business": 0.30, "police": 0.20, "program": 0.15}
TOPICS_BY_SUGGESTER = {
    "business": {
        "retail_theft": 0.62,
        "public_disorder": 0.14,
        "drug_activity": 0.10,
        "encampment": 0.10,
        "other": 0.04,
    },
    "community": {
        "encampment": 0.30,
        "drug_activity": 0.28,
        "public_disorder": 0.20,
        "sex_work": 0.08,
        "retail_theft": 0.06,
        "other": 0.08,
    },
    "police": {
        "drug_activity": 0.40,
        "retail_theft": 0.20,
        "sex_work": 0.15,
        "public_disorder": 0.15,
        "encampment": 0.10,
    },
    "program": {"encampment": 0.30, "drug_activity": 0.30, "public_disorder": 0.20, "other": 0.20},
}

INSERT_BATCH_ROWS = 50_000
INDEXES = (
    ("participants", ("enrolled_on",)),
    ("referrals", ("referred_on",)),
    ("referrals", ("neighborhood_id",)),
    ("referrals", ("participant_id",)),
    ("contacts", ("contact_on",)),
    ("contacts", ("participant_id",)),
    ("services", ("requested_on",)),
    ("services", ("participant_id",)),
    ("obstacles", ("reported_on",)),
    ("focus_areas", ("suggested_on",)),
    ("case_assignments", ("participant_id",)),
    ("case_assignments", ("case_manager_id",)),
)

Columns = dict[str, np.ndarray]


@dataclass(frozen=True)
class DemoSummary:
    """What a demo build wrote: rows per contract table and how long it took."""

    neighborhoods: int
    participants: int
    referrals: int
    contacts: int
    services: int
    obstacles: int
    focus_areas: int
    case_assignments: int
    elapsed_seconds: float
    seed: int
    scale: str
    as_of: dt.date

    def row_counts(self) -> dict[str, int]:
        """Return the number of rows of each contract table."""
        return {table.name: getattr(self, table.name) for table in schema.metadata.sorted_tables}


def default_demo_path() -> Path:
    """Return where demo mode keeps its database (``LEAD_DEMO_DB_PATH`` or the user cache)."""
    configured = os.environ.get("LEAD_DEMO_DB_PATH")
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".cache" / "lead-dashboard" / "demo.sqlite"


def build_demo_database(
    url: str,
    *,
    seed: int = 2011,
    scale: str = "small",
    as_of: dt.date | None = None,
    progress: bool = False,
) -> DemoSummary:
    """Create (or replace) the demo program database at a SQLite or PostgreSQL URL."""
    started = time.perf_counter()
    as_of = as_of or dt.date.today()
    if isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    if scale not in SCALES:
        raise ValueError(f"unknown demo scale {scale!r}; choose one of {', '.join(SCALES)}")
    if not isinstance(seed, int) or seed < 0:
        raise ValueError("the demo seed must be a non-negative integer")
    if as_of < DEMO_START:
        raise ValueError(f"as_of must be on or after {DEMO_START.isoformat()}")
    target = _normalise_url(url)
    program = _DemoProgram(seed, SCALES[scale], as_of)
    steps = len(program.table_builders) + program.contact_chunk_count + 1
    with tqdm(total=steps, desc="demo database", unit="step", file=sys.stderr, disable=not progress) as bar:
        if target.get_backend_name() == "sqlite":
            counts = _build_sqlite(target, program, bar)
        else:
            counts = _build_postgresql(target, program, bar)
    return DemoSummary(**counts, elapsed_seconds=time.perf_counter() - started, seed=seed, scale=scale, as_of=as_of)


def _normalise_url(url: str) -> URL:
    """Check the URL names a supported database (``engine.normalise_url``) and, for SQLite, a file."""
    target = normalise_url(url)
    if target.get_backend_name() == "sqlite" and target.database in (None, "", ":memory:"):
        raise ValueError("the demo database needs a file: use sqlite:///path/to/demo.sqlite")
    return target


# =============================================================================================
# Reference data
# =============================================================================================


def _seattle_areas() -> list[tuple[str, str]]:
    """Return (NAME, PRECINCT) of the 61 MCPP areas, sorted by name."""
    geojson = json.loads((SEATTLE_DIR / "mcpp-areas.geojson").read_text(encoding="utf-8"))
    areas = [(f["properties"][DEMO_NEIGHBORHOOD_KEY], f["properties"]["PRECINCT"]) for f in geojson["features"]]
    return sorted(areas)


def _council_districts(area_names: Sequence[str]) -> dict[str, str | None]:
    """Return each MCPP area's Seattle City Council district: the district its polygon overlaps most."""
    from shapely.geometry import shape

    areas = json.loads((SEATTLE_DIR / "mcpp-areas.geojson").read_text(encoding="utf-8"))
    districts = json.loads((SEATTLE_DIR / "council-districts.geojson").read_text(encoding="utf-8"))
    district_shapes = [
        (str(f["properties"]["district"]), shape(f["geometry"]).buffer(0)) for f in districts["features"]
    ]
    found = {}
    for feature in areas["features"]:
        area = shape(feature["geometry"]).buffer(0)
        overlap, district = max((area.intersection(s).area, d) for d, s in district_shapes)
        found[feature["properties"][DEMO_NEIGHBORHOOD_KEY]] = district if overlap > 0 else None
    return {name: found[name] for name in area_names}


def _larceny_shares(area_names: Sequence[str]) -> np.ndarray:
    """Return each area's share of Seattle's larceny-theft, mapped onto the 2016 polygons."""
    overlap_pattern = re.compile(r"\s*(.+?) \((\d+)%\)\s*(?:;|$)")
    polygons_of: dict[str, list[tuple[str, float]]] = {}
    with (SEATTLE_DIR / "mcpp-name-crosswalk.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            if row[0] == "spd_crime_data_mcpp_name":
                continue
            polygons_of[row[1]] = [(m.group(1), float(m.group(2))) for m in overlap_pattern.finditer(row[3])]
    shares = dict.fromkeys(area_names, 0.0)
    with (SEATTLE_DIR / "larceny-theft-by-mcpp-2008-2021.csv").open(encoding="utf-8", newline="") as handle:
        for larceny_row in csv.DictReader(handle):
            polygons = polygons_of[larceny_row["geojson_neighborhood_key"]]
            total_overlap = sum(percent for _, percent in polygons)
            for polygon, percent in polygons:
                shares[polygon] += float(larceny_row["share_of_city"]) * percent / total_overlap
    weights = np.array([shares[name] for name in area_names])
    floor = weights[weights > 0].min()
    weights = np.where(weights > 0, weights, floor)
    return weights / weights.sum()


def _display_name(area_id: str) -> str:
    """Return a title-cased display name for an MCPP area id."""
    return DISPLAY_NAMES.get(area_id) or area_id.title()


def _referral_area_weights(area_names: Sequence[str], larceny: np.ndarray) -> np.ndarray:
    """Return where referrals other than shoplifting happen: LEAD's first areas, then larceny."""
    fixed = {**FIRST_LEAD_AREAS, **QUIET_AREAS}
    is_fixed = np.array([name in fixed for name in area_names])
    weights = np.where(is_fixed, 0.0, larceny)
    weights *= (1 - sum(fixed.values())) / weights.sum()
    for index, name in enumerate(area_names):
        weights[index] = fixed.get(name, weights[index])
    return weights / weights.sum()


# =============================================================================================
# Random helpers
# =============================================================================================


def _stream(seed: int, name: str) -> np.random.Generator:
    """Return an independent random stream per table, so tables do not shift one another."""
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def _pick(
    rng: np.random.Generator,
    mix: Mapping[Any, float] | Sequence[Any],
    size: int,
    probabilities: Sequence[float] | np.ndarray | None = None,
) -> np.ndarray:
    """Draw codes from a {code: share} mix (or codes and their shares) as an object array."""
    codes = list(mix)
    if probabilities is None:
        assert isinstance(mix, Mapping), "codes without their shares"
        probabilities = list(mix.values())
    shares = np.array(probabilities, dtype=float)
    values = np.empty(len(codes), dtype=object)
    values[:] = codes
    return values[rng.choice(len(codes), size=size, p=shares / shares.sum())]


def _pick_per_row(rng: np.random.Generator, codes: Sequence[Any], shares: np.ndarray) -> np.ndarray:
    """Draw one code per row from row-specific shares (rows x codes)."""
    cumulative = np.cumsum(shares / shares.sum(axis=1, keepdims=True), axis=1)
    index = (rng.random(len(shares))[:, None] > cumulative).sum(axis=1)
    values = np.empty(len(codes), dtype=object)
    values[:] = list(codes)
    return values[np.minimum(index, len(codes) - 1)]


def _lognormal_days(rng: np.random.Generator, median: float | np.ndarray, spread: float, size: int) -> np.ndarray:
    """Return whole days from a lognormal distribution with the given median."""
    return np.floor(np.asarray(median) * np.exp(spread * rng.standard_normal(size))).astype(np.int64)


def _day_number(date: dt.date) -> int:
    """Return a date as a day number (days since 1970-01-01)."""
    return (date - EPOCH).days


def _years_since_start(days: np.ndarray) -> np.ndarray:
    """Return how many years after the demo's first day each day number falls."""
    return (days - _day_number(DEMO_START)) / 365.25


def _objects(values: Sequence[Any] | np.ndarray) -> np.ndarray:
    """Return values as a numpy object array (codes, ids, None)."""
    array = np.empty(len(values), dtype=object)
    array[:] = list(values)
    return array


def _nullable_ints(values: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Return an object array of Python ints, None where not present."""
    array = np.full(len(values), None, dtype=object)
    array[present] = values[present].tolist()
    return array


def _count_on_or_before(sorted_days: np.ndarray, days: int) -> np.intp:
    """Count the sorted day numbers on or before each given day."""
    return np.searchsorted(sorted_days, days, side="right")


# =============================================================================================
# The program
# =============================================================================================


class _DemoProgram:
    """Generate every contract table of one demo program, deterministically from its inputs."""

    def __init__(self, seed: int, multiplier: int, as_of: dt.date) -> None:
        self.seed = seed
        self.multiplier = multiplier
        self.as_of = as_of
        self.last_day = _day_number(as_of)
        self.first_day = _day_number(DEMO_START)
        areas = _seattle_areas()
        self.area_names = [name for name, _ in areas]
        self.area_precincts = [precinct for _, precinct in areas]
        self.larceny_weights = _larceny_shares(self.area_names)
        self.referral_weights = _referral_area_weights(self.area_names, self.larceny_weights)
        self.tables: dict[str, Columns] = {}
        # One builder per table, in dependency order; contacts are streamed in chunks.
        self.table_builders: dict[str, Callable[[], Columns]] = {
            "neighborhoods": self._neighborhoods,
            "referrals": self._referrals_and_participants,
            "participants": lambda: self.tables["participants"],
            "case_assignments": self._case_assignments,
            "services": self._services,
            "obstacles": self._obstacles,
            "focus_areas": self._focus_areas,
        }
        self._referral_count_estimate = int(REFERRALS_PER_MONTH_2019 * multiplier * 12 * 8)

    @property
    def contact_chunk_count(self) -> int:
        """Return how many chunks the contacts are streamed in (an upper estimate before building)."""
        if "participants" in self.tables:
            return max(1, math.ceil(len(self.tables["participants"]["participant_id"]) / CONTACT_CHUNK_PARTICIPANTS))
        return max(1, math.ceil(self._referral_count_estimate * 0.55 / CONTACT_CHUNK_PARTICIPANTS))

    def build(self, name: str) -> Columns:
        """Generate one table (other than contacts) and keep it for the tables that depend on it."""
        if name not in self.tables:
            self.tables[name] = self.table_builders[name]()
        return self.tables[name]

    # --- neighborhoods ------------------------------------------------------------------------

    def _neighborhoods(self) -> Columns:
        """Return the 61 MCPP areas with display names, precincts, business districts and council districts."""
        return {
            "neighborhood_id": _objects(self.area_names),
            "name": _objects([_display_name(name) for name in self.area_names]),
            "precinct": _objects(self.area_precincts),
            "business_district": np.array([name in BUSINESS_DISTRICTS for name in self.area_names]),
            "district": _objects(list(_council_districts(self.area_names).values())),
        }

    # --- referrals and participants -------------------------------------------------------------

    def _referral_days(self, rng: np.random.Generator) -> np.ndarray:
        """Return sorted referral dates: growth, summer peaks, the spring 2020 dip."""
        months = np.arange(np.datetime64(DEMO_START, "M"), np.datetime64(self.as_of, "M") + 1)
        month_start = months.astype("datetime64[D]").astype(np.int64)
        next_month_start = (months + 1).astype("datetime64[D]").astype(np.int64)
        covered_days = np.minimum(next_month_start, self.last_day + 1) - month_start
        month_of_year = months.astype(np.int64) % 12 + 1
        seasonality = 1 + SUMMER_PEAK * np.cos(2 * np.pi * (month_of_year - 7) / 12)
        pandemic = np.where(
            (months >= np.datetime64(PANDEMIC_MONTHS[0])) & (months <= np.datetime64(PANDEMIC_MONTHS[1])),
            PANDEMIC_FACTOR,
            1.0,
        )
        growth = ANNUAL_GROWTH ** (np.arange(len(months)) / 12)
        expected = (
            REFERRALS_PER_MONTH_2019
            * self.multiplier
            * growth
            * seasonality
            * pandemic
            * covered_days
            / (next_month_start - month_start)
        )
        counts = rng.poisson(expected)
        starts = np.repeat(month_start, counts)
        spans = np.repeat(covered_days, counts)
        return np.sort(starts + (rng.random(counts.sum()) * spans).astype(np.int64))

    def _referrals_and_participants(self) -> Columns:
        """Return the referrals, and keep the participants enrolled through them."""
        rng = _stream(self.seed, "referrals")
        referred_on = self._referral_days(rng)
        count = len(referred_on)
        years = _years_since_start(referred_on)

        pathway_shares = np.array(PATHWAYS_2019) + np.outer(years, PATHWAY_DRIFT_PER_YEAR)
        pathway = _pick_per_row(rng, schema.PATHWAYS, pathway_shares)

        source = np.empty(count, dtype=object)
        for name, mix in SOURCES_BY_PATHWAY.items():
            rows = pathway == name
            source[rows] = _pick(rng, mix, int(rows.sum()))

        offense = self._offenses(rng, pathway, source, years)
        neighborhood = self._referral_neighborhoods(rng, offense)

        is_repeat = (rng.random(count) < REPEAT_REFERRAL_SHARE) & (referred_on >= _day_number(dt.date(2019, 3, 1)))
        outcome = np.empty(count, dtype=object)
        for name, shares in OUTCOMES_BY_PATHWAY.items():
            rows = (pathway == name) & ~is_repeat
            outcome[rows] = _pick(rng, OUTCOME_CODES, int(rows.sum()), shares)
        outcome[is_repeat] = _pick(rng, OUTCOME_CODES, int(is_repeat.sum()), REPEAT_OUTCOMES)

        intake_delay = _lognormal_days(rng, INTAKE_MEDIAN_DAYS_2019 * INTAKE_IMPROVEMENT_PER_YEAR**years, 0.85, count)
        has_intake = outcome == "enrolled"
        draw = rng.random(count)
        for name, share in INTAKE_SHARE_WITHOUT_ENROLMENT.items():
            has_intake |= (outcome == name) & (draw < share)
        intake_on = np.where(has_intake, referred_on + intake_delay, NO_DATE)

        # Recent referrals are mostly still pending; so is anything whose intake lies ahead.
        age = self.last_day - referred_on
        pending_chance = np.zeros(count)
        for max_age, chance in reversed(PENDING_BY_AGE):
            pending_chance[age < max_age] = chance
        pending = (rng.random(count) < pending_chance) | (has_intake & (intake_on > self.last_day))
        outcome[pending] = "pending"
        intake_on[pending] = NO_DATE

        handoff = (
            np.round(
                HANDOFF_MEDIAN_MINUTES_2019
                * HANDOFF_IMPROVEMENT_PER_YEAR**years
                * np.exp(0.55 * rng.standard_normal(count))
            )
            .astype(np.int64)
            .clip(2, 600)
        )
        handoff_recorded = (pathway == "arrest_diversion") & (rng.random(count) >= HANDOFF_NOT_RECORDED)

        # Participants: one per person whose first (non-repeat) referral ended in enrolment,
        # numbered in order of enrolment.
        founding = np.flatnonzero(~is_repeat & (outcome == "enrolled"))
        founding = founding[np.lexsort((founding, intake_on[founding]))]
        enrolled_on = intake_on[founding]
        participant_of = np.full(count, -1, dtype=np.int64)  # participant index, -1: none
        participant_of[founding] = np.arange(len(founding))

        # Repeat referrals belong to someone enrolled before them.
        repeats = np.flatnonzero(is_repeat)
        eligible = np.searchsorted(enrolled_on, referred_on[repeats], side="left")
        chosen = (rng.random(len(repeats)) * eligible).astype(np.int64)
        nobody_yet = eligible == 0
        participant_of[repeats[~nobody_yet]] = chosen[~nobody_yet]
        orphans = repeats[nobody_yet]
        outcome[orphans[outcome[orphans] != "pending"]] = "no_intake"
        intake_on[orphans] = NO_DATE
        linked_repeats = repeats[~nobody_yet]
        same_place = linked_repeats[rng.random(len(linked_repeats)) < REPEAT_SAME_NEIGHBORHOOD]
        neighborhood[same_place] = neighborhood[founding[participant_of[same_place]]]

        participants = self._participants(rng, founding, enrolled_on, participant_of, outcome, intake_on, offense)
        self.tables["participants"] = participants
        return {
            "referral_id": np.arange(1, count + 1),
            "participant_id": _nullable_ints(participant_of + 1, participant_of >= 0),
            "referred_on": referred_on,
            "pathway": pathway,
            "source": source,
            "neighborhood_id": neighborhood,
            "offense_category": offense,
            "outcome": outcome,
            "handoff_minutes": _nullable_ints(handoff, handoff_recorded),
            "intake_on": intake_on,
        }

    def _offenses(
        self, rng: np.random.Generator, pathway: np.ndarray, source: np.ndarray, years: np.ndarray
    ) -> np.ndarray:
        """Return offence categories by pathway and source (None: no offence)."""
        offense = np.empty(len(pathway), dtype=object)
        arrests = pathway == "arrest_diversion"
        progress = np.clip(years[arrests] / 8, 0, 1)[:, None]
        offense[arrests] = _pick_per_row(
            rng,
            OFFENSES,
            (1 - progress) * np.array(ARREST_OFFENSES_2019) + progress * np.array(ARREST_OFFENSES_2027),
        )
        social = pathway == "social_contact"
        offense[social] = _pick(rng, OFFENSES, int(social.sum()), SOCIAL_CONTACT_OFFENSES)
        business = (pathway == "community_referral") & (source == "business")
        offense[business] = _pick(rng, OFFENSES, int(business.sum()), BUSINESS_OFFENSES)
        community = (pathway == "community_referral") & (source != "business")
        offense[community] = _pick(rng, OFFENSES, int(community.sum()), COMMUNITY_OFFENSES)
        return offense

    def _referral_neighborhoods(self, rng: np.random.Generator, offense: np.ndarray) -> np.ndarray:
        """Return neighborhood ids: shoplifting by larceny shares, the rest around LEAD's first areas."""
        neighborhood = np.empty(len(offense), dtype=object)
        shoplifting = offense == "shoplifting"
        neighborhood[shoplifting] = _pick(rng, self.area_names, int(shoplifting.sum()), self.larceny_weights)
        neighborhood[~shoplifting] = _pick(rng, self.area_names, int((~shoplifting).sum()), self.referral_weights)
        draw = rng.random(len(offense))
        neighborhood[draw < NULL_NEIGHBORHOOD_SHARE + OUTSIDE_CITY_SHARE] = OUTSIDE_CITY
        neighborhood[draw < NULL_NEIGHBORHOOD_SHARE] = None
        return neighborhood

    def _participants(
        self,
        rng: np.random.Generator,
        founding: np.ndarray,
        enrolled_on: np.ndarray,
        participant_of: np.ndarray,
        outcome: np.ndarray,
        intake_on: np.ndarray,
        offense: np.ndarray,
    ) -> Columns:
        """Return one participant per founding referral: stay, demographics, a few invalid codes."""
        count = len(founding)
        # Stays run from the latest (re-)enrolment; some disengage within weeks.
        latest_intake = enrolled_on.copy()
        reenrolled = np.flatnonzero((participant_of >= 0) & (outcome == "enrolled"))
        np.maximum.at(latest_intake, participant_of[reenrolled], intake_on[reenrolled])
        stay = _lognormal_days(rng, STAY_MEDIAN_DAYS, 0.6, count)
        early = rng.random(count) < EARLY_EXIT_SHARE
        stay[early] = rng.integers(14, 121, int(early.sum()))
        exit_day = latest_intake + np.maximum(stay, 14)
        exited_on = np.where(exit_day <= self.last_day, exit_day, NO_DATE)

        gender = _pick(rng, GENDER_MIX, count)
        sex_work = offense[founding] == "sex_work"
        gender[sex_work] = _pick(rng, SEX_WORK_GENDER_MIX, int(sex_work.sum()))
        race = _pick(rng, RACE_ETHNICITY_MIX, count)
        housing = _pick(rng, HOUSING_MIX, count)
        for column, values in (("gender", gender), ("race_ethnicity", race), ("housing_at_intake", housing)):
            draw = rng.random(count)
            values[draw < INVALID_CODE_SHARE] = INVALID_CODES[column]
            values[draw < INVALID_CODE_SHARE / 2] = None

        age = np.clip(18 + rng.gamma(4.5, 5.0, count), 18, 76).astype(np.int64)
        enrolment_year = enrolled_on.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
        birth_year = enrolment_year - age - (rng.random(count) < 0.5)
        self.exit_or_end = np.where(exited_on == NO_DATE, self.last_day, exited_on)
        return {
            "participant_id": np.arange(1, count + 1),
            "enrolled_on": enrolled_on,
            "exited_on": exited_on,
            "gender": gender,
            "race_ethnicity": race,
            "birth_year": _nullable_ints(birth_year, rng.random(count) >= 0.005),
            "housing_at_intake": housing,
        }

    # --- case assignments -----------------------------------------------------------------------

    def _case_manager_tenures(
        self, rng: np.random.Generator, enrolled_on: np.ndarray, exited_on: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Hire case managers month by month, behind demand and not during the hiring freeze."""
        sorted_enrolments = np.sort(enrolled_on)
        sorted_exits = np.sort(exited_on[exited_on != NO_DATE])
        starts: list[int] = []
        ends: list[int] = []

        def hire(start_day: int) -> None:
            starts.append(start_day)
            tenure = int(CASE_MANAGER_TENURE_MEDIAN_DAYS * math.exp(0.6 * rng.standard_normal()))
            ends.append(start_day + max(tenure, 120))

        for _ in range(INITIAL_CASE_MANAGERS * self.multiplier):
            hire(self.first_day)
            ends[-1] = max(ends[-1], self.first_day + 540)  # nobody leaves before the first hires
        freeze = (_day_number(HIRING_FREEZE[0]), _day_number(HIRING_FREEZE[1]))
        months = np.arange(np.datetime64(DEMO_START, "M") + 1, np.datetime64(self.as_of, "M") + 1)
        for month_start in months.astype("datetime64[D]").astype(np.int64).tolist():
            if freeze[0] <= month_start <= freeze[1]:
                continue
            active, active_before = (
                _count_on_or_before(sorted_enrolments, day) - np.searchsorted(sorted_exits, day)
                for day in (month_start, month_start - 90)
            )
            growth = active - active_before
            projected = active + (growth if growth > 0 else 0)  # staff for the next quarter's growth
            needed = math.ceil(projected * STAFFING_HEADROOM / TARGET_CASELOAD)
            staffed_or_hiring = sum(1 for end in ends if end > month_start)
            for _ in range(needed - staffed_or_hiring):
                hire(month_start + int(rng.integers(*RECRUITING_DAYS)))
        start_days = np.array(starts, dtype=np.int64)
        end_days = np.array(ends, dtype=np.int64)
        order = np.argsort(start_days, kind="stable")  # case manager ids follow hiring order
        return start_days[order], end_days[order]

    def _case_assignments(self) -> Columns:
        """Assign each participant on enrolment; reassign when a case manager leaves."""
        rng = _stream(self.seed, "case_assignments")
        participants = self.tables["participants"]
        enrolled_on, exited_on = participants["enrolled_on"], participants["exited_on"]
        hired_on, leaves_on = self._case_manager_tenures(rng, enrolled_on, exited_on)

        hire, leave, enrol, leave_program = 0, 1, 2, 3
        events = [(int(day), hire, cm) for cm, day in enumerate(hired_on.tolist()) if day <= self.last_day]
        events += [(int(day), leave, cm) for cm, day in enumerate(leaves_on.tolist()) if day <= self.last_day]
        events += [(day, enrol, p) for p, day in enumerate(enrolled_on.tolist())]
        events += [(day, leave_program, p) for p, day in enumerate(exited_on.tolist()) if day != NO_DATE]
        events.sort()

        uniforms = rng.random(4 * len(events) + 16).tolist()
        next_uniform = iter(uniforms).__next__
        active_managers: list[int] = []
        caseload_of: dict[int, dict[int, int]] = {}  # manager -> {participant: assignment row}
        manager_of: dict[int, int] = {}
        rows_participant: list[int] = []
        rows_manager: list[int] = []
        rows_assigned: list[int] = []
        rows_ended: list[int] = []

        def least_busy_of_two() -> int | None:
            if not active_managers:
                return None
            first = active_managers[int(next_uniform() * len(active_managers))]
            second = active_managers[int(next_uniform() * len(active_managers))]
            return first if len(caseload_of[first]) <= len(caseload_of[second]) else second

        def assign(participant: int, manager: int, day: int) -> None:
            caseload_of[manager][participant] = len(rows_participant)
            manager_of[participant] = manager
            rows_participant.append(participant)
            rows_manager.append(manager)
            rows_assigned.append(day)
            rows_ended.append(NO_DATE)

        for day, kind, subject in events:
            if kind == hire:
                active_managers.append(subject)
                caseload_of[subject] = {}
            elif kind == leave:
                if subject not in caseload_of or len(active_managers) == 1:
                    continue  # the last case manager stays
                active_managers.remove(subject)
                for participant, row in caseload_of.pop(subject).items():
                    rows_ended[row] = day
                    successor = least_busy_of_two()
                    assert successor is not None  # another case manager stays: the last one never leaves
                    assign(participant, successor, day)
            elif kind == enrol:
                manager = least_busy_of_two()
                if manager is not None:
                    assign(subject, manager, day)
            elif subject in manager_of:
                manager = manager_of.pop(subject)
                rows_ended[caseload_of[manager].pop(subject)] = day

        participant_index = np.array(rows_participant, dtype=np.int64)
        manager_index = np.array(rows_manager, dtype=np.int64)
        assigned_on = np.array(rows_assigned, dtype=np.int64)
        ended_on = np.array(rows_ended, dtype=np.int64)
        order = np.lexsort((manager_index, participant_index, assigned_on))
        return {
            "participant_id": participant_index[order] + 1,
            "case_manager_id": manager_index[order] + 1,
            "assigned_on": assigned_on[order],
            "ended_on": ended_on[order],
        }

    # --- services and obstacles -------------------------------------------------------------------

    def _services(self) -> Columns:
        """Return service requests, with connection delays and wait lists by service type."""
        rng = _stream(self.seed, "services")
        participants = self.tables["participants"]
        start = participants["enrolled_on"]
        length = self.exit_or_end - start + 1
        per_person = rng.poisson(1.5 + 2.2 * np.minimum(length / 365.25, 3))
        owner = np.repeat(np.arange(len(start)), per_person)
        count = len(owner)
        requested_on = start[owner] + (rng.beta(1.0, 2.2, count) * length[owner]).astype(np.int64)
        service_type = _pick(rng, {name: profile[0] for name, profile in SERVICE_PROFILES.items()}, count)

        status = np.empty(count, dtype=object)
        delay = np.zeros(count, dtype=np.int64)
        for name, (_, status_mix, median_days, spread) in SERVICE_PROFILES.items():
            rows = service_type == name
            status[rows] = _pick(rng, SERVICE_STATUS_CODES, int(rows.sum()), status_mix)
            delay[rows] = _lognormal_days(rng, median_days, spread, int(rows.sum()))
        # A wait list ends in a connection, unless the person left the program first.
        waitlisted = np.flatnonzero(status == "waitlisted")
        wait_median = np.array(
            [WAIT_LIST_MEDIAN_DAYS.get(name, OTHER_WAIT_LIST_MEDIAN_DAYS) for name in service_type[waitlisted]]
        )
        wait = _lognormal_days(rng, wait_median, 0.7, len(waitlisted))
        wait_over = requested_on[waitlisted] + wait
        window_end = self.exit_or_end[owner[waitlisted]]
        status[waitlisted[wait_over <= window_end]] = "connected"
        delay[waitlisted] = np.maximum(delay[waitlisted], wait)
        status[waitlisted[(wait_over > window_end) & (window_end < self.last_day)]] = "unavailable"
        connected = (status == "connected") | (status == "completed")
        connected_on = np.where(connected, requested_on + delay, NO_DATE)
        # Connections that would fall after as_of (or after the person left) are still waiting.
        not_yet = connected & (connected_on > self.exit_or_end[owner])
        slow_types = np.isin(service_type, tuple(WAIT_LIST_MEDIAN_DAYS))
        still_enrolled = self.exit_or_end[owner] >= self.last_day
        status[not_yet & still_enrolled] = np.where(slow_types[not_yet & still_enrolled], "waitlisted", "requested")
        status[not_yet & ~still_enrolled] = np.where(slow_types[not_yet & ~still_enrolled], "unavailable", "declined")
        connected_on[not_yet] = NO_DATE
        status[(status == "completed") & (connected_on > self.last_day - 30)] = "connected"
        stale = (status == "requested") & (requested_on < self.exit_or_end[owner] - STALE_REQUEST_DAYS)
        status[stale & (rng.random(count) < 0.8)] = "declined"

        order = np.lexsort((owner, requested_on))
        self.service_delay = delay[order]
        self.service_was_waitlisted = np.isin(np.arange(count), waitlisted)[order]
        return {
            "service_id": np.arange(1, count + 1),
            "participant_id": owner[order] + 1,
            "service_type": service_type[order],
            "requested_on": requested_on[order],
            "connected_on": connected_on[order],
            "status": status[order],
        }

    def _obstacles(self) -> Columns:
        """Return obstacles: from wait lists and refusals, per participant, and program-wide."""
        rng = _stream(self.seed, "obstacles")
        services = self.tables["services"]
        parts: list[Columns] = []

        exited_on = self.tables["participants"]["exited_on"]

        def part(
            participant_id: np.ndarray,
            service_type: np.ndarray,
            reported_on: np.ndarray,
            obstacle_type: np.ndarray,
            resolved_on: np.ndarray,
        ) -> None:
            """Add obstacles; those still open when their participant left are closed on exit."""
            reported_on = np.minimum(reported_on, self.last_day)
            if participant_id.dtype != object:
                left_on = exited_on[participant_id - 1]
                closed_at_exit = (left_on != NO_DATE) & ((resolved_on == NO_DATE) | (resolved_on > left_on))
                resolved_on = np.where(closed_at_exit, left_on, resolved_on)
            resolved_on = np.where((resolved_on != NO_DATE) & (resolved_on < reported_on), reported_on, resolved_on)
            resolved_on = np.where(resolved_on > self.last_day, NO_DATE, resolved_on)
            parts.append(
                {
                    "participant_id": participant_id,
                    "service_type": service_type,
                    "reported_on": reported_on,
                    "obstacle_type": obstacle_type,
                    "resolved_on": resolved_on,
                }
            )

        def from_services(
            rows: np.ndarray, mix: dict[str, float], report_within_days: int, resolved_on: np.ndarray
        ) -> None:
            """Add one obstacle per service row, reported soon after the request."""
            part(
                services["participant_id"][rows],
                services["service_type"][rows],
                services["requested_on"][rows] + rng.integers(0, report_within_days, len(rows)),
                _pick(rng, mix, len(rows)),
                resolved_on,
            )

        status = services["status"]
        slow_types = np.isin(services["service_type"], tuple(WAIT_LIST_MEDIAN_DAYS))
        waiting = np.flatnonzero((status == "waitlisted") & (rng.random(len(status)) < 0.85))
        from_services(waiting, {"wait_list": 0.8, "no_capacity": 0.2}, 14, np.full(len(waiting), NO_DATE))
        slow = np.flatnonzero(
            slow_types
            & (self.service_delay > SLOW_CONNECTION_DAYS)
            & (services["connected_on"] != NO_DATE)
            & (rng.random(len(status)) < np.where(self.service_was_waitlisted, 0.9, 0.5))
        )
        from_services(slow, {"wait_list": 0.7, "no_capacity": 0.3}, 10, services["connected_on"][slow])
        unavailable = np.flatnonzero((status == "unavailable") & (rng.random(len(status)) < 0.9))
        settle = services["requested_on"][unavailable] + _lognormal_days(rng, 45, 0.8, len(unavailable))
        from_services(
            unavailable,
            {"no_capacity": 0.55, "eligibility_rule": 0.25, "cost": 0.10, "legal_barrier": 0.10},
            7,
            np.where(rng.random(len(unavailable)) < 0.55, settle, NO_DATE),
        )

        participants = self.tables["participants"]
        start = participants["enrolled_on"]
        length = self.exit_or_end - start + 1
        per_person = rng.poisson(0.3 + 0.5 * length / 365.25)
        owner = np.repeat(np.arange(len(start)), per_person)
        obstacle_type = _pick(rng, {name: spec[0] for name, spec in PARTICIPANT_OBSTACLES.items()}, len(owner))
        service_type = np.empty(len(owner), dtype=object)
        for name, (_, service_mix) in PARTICIPANT_OBSTACLES.items():
            rows = obstacle_type == name
            service_type[rows] = _pick(rng, service_mix, int(rows.sum()))
        reported_on = start[owner] + (rng.random(len(owner)) * length[owner]).astype(np.int64)
        resolved_on = reported_on + _lognormal_days(rng, 21, 0.9, len(owner))
        part(
            owner + 1,
            service_type,
            reported_on,
            obstacle_type,
            np.where(rng.random(len(owner)) < 0.88, resolved_on, NO_DATE),
        )

        years = (self.last_day - self.first_day + 1) / 365.25
        freeze = (_day_number(HIRING_FREEZE[0]), _day_number(HIRING_FREEZE[1]))
        for name, (per_year, program_service_mix) in PROGRAM_OBSTACLES.items():
            count = int(rng.poisson(per_year * self.multiplier * years))
            reported_on = self.first_day + (rng.random(count) * (self.last_day - self.first_day + 1)).astype(np.int64)
            if name == "staffing":  # most staffing problems are reported during the freeze
                in_freeze = rng.random(count) < 0.4
                reported_on[in_freeze] = rng.integers(freeze[0], freeze[1] + 1, int(in_freeze.sum()))
            part(
                np.full(count, None, dtype=object),
                _pick(rng, program_service_mix, count),
                reported_on,
                _objects([name] * count),
                reported_on + _lognormal_days(rng, 90, 0.5, count),
            )

        columns = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
        participant_id = columns["participant_id"]
        has_participant = np.array([value is not None for value in participant_id.tolist()])
        sort_participant = np.where(has_participant, participant_id, 0).astype(np.int64)
        order = np.lexsort((sort_participant, columns["reported_on"]))
        columns = {name: values[order] for name, values in columns.items()}
        columns["participant_id"] = _nullable_ints(sort_participant[order], has_participant[order])
        return {"obstacle_id": np.arange(1, len(order) + 1), **columns}

    # --- focus areas ------------------------------------------------------------------------------

    def _focus_areas(self) -> Columns:
        """Return community, business, police and program suggestions of focus areas."""
        rng = _stream(self.seed, "focus_areas")
        span = self.last_day - self.first_day + 1
        years = span / 365.25
        expected = FOCUS_AREAS_PER_YEAR_2019 * years + FOCUS_AREA_GROWTH_PER_YEAR * years**2 / 2
        count = int(rng.poisson(expected))
        suggested_on = np.sort(self.first_day + (rng.random(count) * span).astype(np.int64))
        suggested_by = _pick(rng, SUGGESTED_BY_MIX, count)
        topic = np.empty(count, dtype=object)
        for name, mix in TOPICS_BY_SUGGESTER.items():
            rows = suggested_by == name
            topic[rows] = _pick(rng, mix, int(rows.sum()))
        business_weights = self.larceny_weights * np.array([n in BUSINESS_DISTRICTS for n in self.area_names])
        neighborhood = _pick(rng, self.area_names, count, self.referral_weights)
        from_business = suggested_by == "business"
        neighborhood[from_business] = _pick(rng, self.area_names, int(from_business.sum()), business_weights)
        other_retail_theft = (topic == "retail_theft") & ~from_business
        neighborhood[other_retail_theft] = _pick(
            rng, self.area_names, int(other_retail_theft.sum()), self.larceny_weights
        )

        age = self.last_day - suggested_on
        status = np.empty(count, dtype=object)
        for rows, mix in (
            (age < 90, {"proposed": 0.6, "active": 0.4, "closed": 0.0}),
            ((age >= 90) & (age < 365), {"proposed": 0.1, "active": 0.5, "closed": 0.4}),
            (age >= 365, {"proposed": 0.05, "active": 0.15, "closed": 0.8}),
        ):
            status[rows] = _pick(rng, mix, int(rows.sum()))
        return {
            "focus_area_id": np.arange(1, count + 1),
            "neighborhood_id": neighborhood,
            "suggested_on": suggested_on,
            "suggested_by": suggested_by,
            "topic": topic,
            "status": status,
        }

    # --- contacts ---------------------------------------------------------------------------------

    def contact_chunks(self) -> Iterator[Columns]:
        """Yield the contacts table in chunks of participants, with ids running on across chunks."""
        rng = _stream(self.seed, "contacts")
        participants = self.tables["participants"]
        enrolled_on = participants["enrolled_on"]
        next_id = 1
        for first in range(0, len(enrolled_on), CONTACT_CHUNK_PARTICIPANTS):
            chunk = slice(first, first + CONTACT_CHUNK_PARTICIPANTS)
            start = enrolled_on[chunk]
            length = self.exit_or_end[chunk] - start + 1
            early_days = np.minimum(length, 90)
            later_days = length - early_days
            engagement = rng.gamma(2.0, 0.5, len(start))
            early_count = rng.poisson(engagement * CONTACTS_PER_MONTH_FIRST_90_DAYS * early_days / 30.4)
            later_count = rng.poisson(engagement * CONTACTS_PER_MONTH_AFTER * later_days / 30.4)
            local = np.arange(len(start))
            intake_owner = local  # every participant is seen on the day of intake
            early_owner = np.repeat(local, early_count)
            later_owner = np.repeat(local, later_count)
            owner = np.concatenate([intake_owner, early_owner, later_owner])
            contact_on = np.concatenate(
                [
                    start,
                    start[early_owner] + (rng.random(len(early_owner)) * early_days[early_owner]).astype(np.int64),
                    start[later_owner] + 90 + (rng.random(len(later_owner)) * later_days[later_owner]).astype(np.int64),
                ]
            )
            role = _pick(rng, CONTACT_ROLES, len(owner))
            role[: len(intake_owner)] = "case_manager"
            substantive = np.zeros(len(owner), dtype=bool)
            draw = rng.random(len(owner))
            for name, share in SUBSTANTIVE_BY_ROLE.items():
                rows = role == name
                substantive[rows] = draw[rows] < share
            substantive[: len(intake_owner)] = True
            order = np.lexsort((contact_on, owner))
            count = len(order)
            yield {
                "contact_id": np.arange(next_id, next_id + count),
                "participant_id": owner[order] + first + 1,
                "contact_on": contact_on[order],
                "staff_role": role[order],
                "substantive": substantive[order],
            }
            next_id += count


# =============================================================================================
# Loading
# =============================================================================================


def _python_column(table: Table, name: str, values: np.ndarray, booleans_as_ints: bool) -> list:
    """Return a column as Python values for the driver: ISO dates, None for NULL."""
    column_type = table.c[name].type
    if isinstance(column_type, Date):
        present = values != NO_DATE
        out = np.full(len(values), None, dtype=object)
        if present.any():
            lowest, highest = int(values[present].min()), int(values[present].max())
            iso = np.datetime_as_string(np.arange(lowest, highest + 1).astype("datetime64[D]"), unit="D")
            out[present] = iso.astype(object)[values[present] - lowest]
        return out.tolist()
    if isinstance(column_type, Boolean):
        return values.astype(np.int64).tolist() if booleans_as_ints else values.astype(bool).tolist()
    return values.tolist()


def _row_batches(table: Table, columns: Columns, booleans_as_ints: bool) -> Iterator[list[tuple]]:
    """Yield rows of the table in the contract's column order, a batch at a time."""
    names = [column.name for column in table.columns]
    count = len(columns[names[0]])
    for first in range(0, count, INSERT_BATCH_ROWS):
        batch = slice(first, first + INSERT_BATCH_ROWS)
        yield list(
            zip(*(_python_column(table, name, columns[name][batch], booleans_as_ints) for name in names), strict=False)
        )


def _tables_to_load(program: _DemoProgram, bar: tqdm) -> Iterator[tuple[Table, Columns]]:
    """Yield each contract table with its columns, generating them as they are needed."""
    for name in program.table_builders:
        bar.set_postfix_str(name)
        columns = program.build(name)
        yield schema.metadata.tables[name], columns
        bar.update()
    bar.total = len(program.table_builders) + program.contact_chunk_count + 1
    bar.refresh()
    for chunk in program.contact_chunks():
        bar.set_postfix_str("contacts")
        yield schema.metadata.tables["contacts"], chunk
        bar.update()
    bar.set_postfix_str("indexes")


def _index_statements() -> list[str]:
    """Return the CREATE INDEX statements that speed up the aggregate queries."""
    return [
        f"CREATE INDEX IF NOT EXISTS ix_{table}_{'_'.join(columns)} ON {table} ({', '.join(columns)})"
        for table, columns in INDEXES
    ]


def _build_sqlite(target: URL, program: _DemoProgram, bar: tqdm) -> dict[str, int]:
    """Build into ``<file>.tmp``, then move it over the file, so no half-built file appears."""
    assert target.database is not None, "a SQLite demo database needs a file"
    path = Path(target.database).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.unlink(missing_ok=True)
    engine = create_engine(target.set(database=str(temporary)))
    try:
        schema.metadata.create_all(engine)
        counts = dict.fromkeys(schema.metadata.tables, 0)
        connection = engine.raw_connection()
        try:
            sqlite = connection.driver_connection
            assert sqlite is not None  # the raw connection is open
            sqlite.execute("PRAGMA journal_mode=OFF")
            sqlite.execute("PRAGMA synchronous=OFF")
            for table, columns in _tables_to_load(program, bar):
                names = [column.name for column in table.columns]
                insert = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
                for rows in _row_batches(table, columns, booleans_as_ints=True):
                    sqlite.executemany(insert, rows)
                    counts[table.name] += len(rows)
            sqlite.commit()
            for statement in _index_statements():
                sqlite.execute(statement)
            sqlite.execute("ANALYZE")
            sqlite.commit()
            bar.update()
        finally:
            connection.close()
        engine.dispose()
        os.replace(temporary, path)
    except BaseException:
        engine.dispose()
        temporary.unlink(missing_ok=True)
        raise
    return counts


def _build_postgresql(target: URL, program: _DemoProgram, bar: tqdm) -> dict[str, int]:
    """Drop and recreate the contract tables, then fill them with COPY."""
    engine = create_engine(target)
    try:
        with engine.begin() as connection:
            schema.metadata.drop_all(connection)
            schema.metadata.create_all(connection)
        counts = dict.fromkeys(schema.metadata.tables, 0)
        raw_connection = engine.raw_connection()
        try:
            postgres = raw_connection.driver_connection
            assert postgres is not None  # the raw connection is open
            with postgres.cursor() as cursor:
                for table, columns in _tables_to_load(program, bar):
                    names = ", ".join(column.name for column in table.columns)
                    with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
                        for rows in _row_batches(table, columns, booleans_as_ints=False):
                            for row in rows:
                                copy.write_row(row)
                            counts[table.name] += len(rows)
                for statement in _index_statements():
                    cursor.execute(statement)
                cursor.execute("ANALYZE " + ", ".join(schema.metadata.tables))
            raw_connection.commit()
            bar.update()
        finally:
            raw_connection.close()
    finally:
        engine.dispose()
    return counts
