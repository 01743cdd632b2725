"""Build a publication from a read-only database: run the planned queries, then protect.

The only code that hands database counts to ``aggregation``. Must not import Streamlit.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import String, cast, select

from aggregation.history import ReleaseHistory
from aggregation.publication import CountKey, build_publication, candidate_declarations, plan, without_periods
from aggregation.registry import RATIOS, TABLES
from aggregation.rules import Rule
from aggregation.structure import Structure
from core.facts import DEFAULT_THRESHOLD
from core.release_model import Release
from data_access import schema
from data_access.aggregate import (
    CountRequest,
    aggregate,
    aggregate_distribution,
    dimension_domain,
    first_activity_month,
    read_reference_data,
)
from data_access.engine import read_only_engine
from data_access.measures import MEASURES
from data_access.periods import ReleaseWindow

ALL_DIMENSIONS = (
    "month",
    "quarter",
    "year",
    "twelve_months",
    "neighborhood",
    "precinct",
    "district",
    "business_district",
    "pathway",
    "source",
    "offense_category",
    "outcome",
    "gender",
    "race_ethnicity",
    "housing_at_intake",
    "age_band",
    "staff_role",
    "substantive",
    "service_type",
    "status",
    "obstacle_type",
    "suggested_by",
    "topic",
    "handoff_within_30_min",
    "intake_within_7_days",
    *schema.CODE_GROUPS,
)
# Which measure's table knows each dimension's domain.
DOMAIN_SOURCE = {
    "status": "services_requested",  # the service statuses; focus-area statuses are added below
    "substantive": "contacts",
    "staff_role": "contacts",
    "service_type": "services_requested",
    "obstacle_type": "obstacles_reported",
    "suggested_by": "focus_areas",
    "topic": "focus_areas",
}
PERSON_DIMENSIONS = ("gender", "race_ethnicity", "housing_at_intake", "age_band")  # their domain: enrollments


def _request(key: CountKey) -> CountRequest:
    return CountRequest(key.measure, key.dimensions, key.filter_dict)


def read_structure(connection, window: ReleaseWindow):
    """Return the dimension domains and the geography of the database (no participant data)."""
    reference = read_reference_data(connection)
    n = schema.neighborhoods
    rows = connection.execute(
        select(cast(n.c.neighborhood_id, String), n.c.name, n.c.precinct, n.c.business_district)
    ).all()
    precinct_of = {str(i): (str(p) if p is not None else "unknown") for i, _, p, _ in rows}
    business_of = {str(i): ("true" if b else "false") for i, _, _, b in rows}
    names = {str(i): str(name) for i, name, _, _ in rows}
    district_of = {}
    if reference.districts:
        district_of = {
            str(i): (str(d) if d is not None else "unknown")
            for i, d in connection.execute(select(cast(n.c.neighborhood_id, String), cast(n.c.district, String)))
        }
    domains = {}
    for dimension in ALL_DIMENSIONS:
        codes = schema.CODE_GROUPS[dimension][0] if dimension in schema.CODE_GROUPS else dimension  # a grouping's
        measure = MEASURES[DOMAIN_SOURCE.get(codes, "referrals")]  # are its codes'
        if codes in PERSON_DIMENSIONS:
            measure = MEASURES["enrollments"]
        domains[dimension] = dimension_domain(measure, dimension, window, reference)
    domains["status"] = tuple(
        dict.fromkeys(domains["status"] + dimension_domain(MEASURES["focus_areas"], "status", window, reference))
    )
    groupings = {
        grouping: (base, {code: schema.code_group(grouping, code) for code in domains[base]})
        for grouping, (base, _) in schema.CODE_GROUPS.items()
    }
    return Structure(domains, precinct_of, business_of, district_of, groupings), reference, names


def publishable(declarations, structure: Structure) -> tuple:
    """Return the declarations whose every dimension has values here: no district table without districts,
    no 12-month table before the program's first twelve months."""
    return tuple(d for d in declarations if all(structure.domains.get(name) for name in d.dimensions))


def release_window(
    connection, as_of: dt.date, first_month: str | None, cadence: str = "monthly", window_ends: tuple[str, ...] = ()
) -> ReleaseWindow:
    """Return the whole months a release as of ``as_of`` covers: from ``first_month`` (else the program's
    first month in the data) to the last complete month, cut to a whole quarter under a quarterly cadence.
    Its 12-month windows end on the last whole quarter and on ``window_ends`` (earlier releases')."""
    window = ReleaseWindow.ending(as_of, "0001-01")
    if cadence == "quarterly":
        window = window.ending_on_quarter()
    first = first_month or first_activity_month(connection) or window.last_month
    window = ReleaseWindow(min(first, window.last_month), window.last_month)
    latest = [p.key.split("/")[1] for p in window.windows()]  # the window ending on the last whole quarter
    return ReleaseWindow(window.first_month, window.last_month, tuple(sorted({*window_ends, *latest})))


def closed_window_ends(history: ReleaseHistory | None, declarations) -> tuple[str, ...]:
    """Return the last months of the 12-month windows earlier releases published (they stay published)."""
    if history is None:
        return ()
    ends = set()
    for declaration in candidate_declarations(declarations):
        if "twelve_months" in declaration.dimensions and declaration.id in history.cells:
            position = declaration.dimensions.index("twelve_months")
            ends |= {key[position].split("/")[1] for key in history.cells[declaration.id]}
    return tuple(sorted(ends))


def generated_at() -> str:
    """Return when a release is generated: now, or the time SOURCE_DATE_EPOCH fixes (seconds since 1970, the
    reproducible-builds convention), so that two builds of the same data can be compared byte for byte."""
    fixed = os.environ.get("SOURCE_DATE_EPOCH")
    moment = dt.datetime.fromtimestamp(int(fixed), dt.UTC) if fixed else dt.datetime.now(dt.UTC)
    return moment.replace(microsecond=0).isoformat()


def build_from_database(
    url: str,
    *,
    as_of: dt.date | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    source: str = "database",
    first_month: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    whole_periods: bool = False,
    cadence: str = "monthly",
    history: ReleaseHistory | None = None,
    revision: bool = False,
    declarations=TABLES,
    ratio_declarations=RATIOS,
):
    """Return (publication, report, seconds) built from the database at ``url``.

    ``whole_periods`` (archive releases) leaves out quarters and years still running, and with
    ``cadence="quarterly"`` ends the window on the last whole quarter; ``history`` and
    ``revision`` carry an archive's earlier releases into the protection. The window starts at
    ``first_month``, or at the program's first month in the data.
    """
    started = time.perf_counter()
    as_of = as_of or dt.date.today()
    engine = read_only_engine(url)
    try:
        with engine.connect() as connection:
            window = release_window(connection, as_of, first_month, cadence, closed_window_ends(history, declarations))
            structure, reference, names = read_structure(connection, window)
            declarations = publishable(declarations, structure)
            count_keys, distribution_keys = plan(declarations)
            counts = {}
            for done, key in enumerate(count_keys, 1):
                counts[key] = aggregate(connection, _request(key), window, reference)
                if progress:
                    progress("queries", done, len(count_keys))
            distributions = {
                key: aggregate_distribution(connection, _request(key.count), key.quantity, window, reference)
                for key in distribution_keys
            }
    finally:
        engine.dispose()
    partial = window.partial_periods()
    if whole_periods:
        unfinished = set(window.unfinished_periods())
        counts, distributions, structure = without_periods(counts, distributions, structure, unfinished)
        partial = [p for p in partial if p not in unfinished]
    release: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "first_month": window.first_month,
        "last_month": window.last_month,
        "partial_periods": partial,
        "generated_at": generated_at(),
        "source": source,
    }
    if whole_periods:
        release["whole_periods"] = True
        release["cadence"] = cadence
    publication, report = build_publication(
        counts,
        distributions,
        structure,
        Rule(threshold=threshold),
        release,
        names,
        progress=progress,
        declarations=tuple(declarations),
        ratio_declarations=tuple(ratio_declarations),
        history=history,
        revision=revision,
        code_labels=schema.CODE_GROUP_LABELS,
    )
    return publication, report, time.perf_counter() - started


def truth_for(url: str, publication: Release) -> dict:
    """Return the true cells of every table of a publication, for the audit: an independent recount.

    Not the aggregate queries that built the figures, so that the audit catches their mistakes.
    """
    from data_access.recount import truth_from_recount

    return truth_from_recount(url, publication)
