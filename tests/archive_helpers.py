"""Shared pieces of the archive tests: a small registry, month ends, and a byte-level snapshot of an archive."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from aggregation.registry import RATIOS, TABLES

# A registry small enough for many releases in CI, with every kind of table: an additive family
# linked by month and by precinct, pooled fallbacks, stocks, a statistic, staff counts and a ratio.
SMALL_IDS = (
    "referrals_by_month",
    "referrals_by_quarter",
    "referrals_by_year",
    "referrals_by_month_pathway",
    "referrals_by_precinct_month",
    "referrals_by_precinct_year",
    "enrollments_by_month",
    "enrollments_by_year_gender",
    "active_participants_by_month",
    "median_days_to_connection_by_year_type",
    "case_managers_by_month",
)
SMALL_TABLES = tuple(d for d in TABLES if d.id in SMALL_IDS)
SMALL_RATIOS = tuple(r for r in RATIOS if r.id == "participants_per_case_manager")
# A table a later release adds (the registry grows).
ADDED_TABLE = next(d for d in TABLES if d.id == "contacts_by_month")


def snapshot(directory: Path) -> dict[str, str]:
    """Return the sha256 of index.json and of every file under releases/ (what must never change)."""
    directory = Path(directory)
    found = {}
    for path in sorted(directory.rglob("*")):
        relative = path.relative_to(directory).as_posix()
        if path.is_file() and (relative == "index.json" or relative.startswith("releases/")):
            found[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def copy_database(url: str, target: Path) -> str:
    """Copy a SQLite database file; return the copy's URL."""
    source = Path(url.removeprefix("sqlite:///"))
    shutil.copyfile(source, target)
    return f"sqlite:///{target}"
