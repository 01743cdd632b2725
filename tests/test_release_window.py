"""The release window starts at the program's first month in the data, or at LEAD_FIRST_MONTH (issue 10, item 8)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any

import pytest

from aggregation.audit import audit_publication
from aggregation.registry import TABLES
from core.release_model import Release
from core.settings import SettingsError, load_settings
from publishing.build import build_from_database, truth_for
from publishing.release import make_release
from tests.archive_helpers import SMALL_RATIOS, SMALL_TABLES, copy_database

SMALL: dict[str, Any] = {"declarations": SMALL_TABLES, "ratio_declarations": SMALL_RATIOS}
AS_OF = dt.date(2026, 8, 31)
DATED = {
    "referrals": "referred_on",
    "participants": "enrolled_on",
    "contacts": "contact_on",
    "services": "requested_on",
    "obstacles": "reported_on",
    "focus_areas": "suggested_on",
    "case_assignments": "assigned_on",
}


def starting_in(demo_database, directory, first_day: str) -> str:
    """Return a copy of the demo database with every dated row before ``first_day`` removed."""
    url = copy_database(demo_database, directory / "late-start.sqlite")
    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        for table, column in DATED.items():
            db.execute(f"DELETE FROM {table} WHERE {column} < ?", (first_day,))  # noqa: S608 (names from above)
    return url


def periods_in(publication: Release) -> set[str]:
    """Return every period key any cell of the publication names."""
    return {
        str(cell.where[d])
        for table, cell in publication.cells()
        for d in ("month", "quarter", "year")
        if d in table.dimensions
    }


def test_a_database_whose_data_start_in_2021_publishes_nothing_before_its_first_month(demo_database, tmp_path):
    url = starting_in(demo_database, tmp_path, "2021-03-01")
    publication, _, _ = build_from_database(url, as_of=AS_OF, source="demo", **SMALL)
    assert publication.release.first_month == "2021-03"
    periods = periods_in(publication)
    assert min(p for p in periods if len(p) == 7 and "-Q" not in p) == "2021-03"
    assert not [p for p in periods if p[:4] < "2021"]
    assert not [p for p in periods if "-Q" in p and p < "2021-Q1"]
    for month in publication.domains["month"]:
        assert month >= "2021-03"
    assert audit_publication(publication, truth_for(url, publication)).passed


def test_the_demo_starts_with_its_data_and_a_setting_overrides_it(demo_database):
    publication, _, _ = build_from_database(demo_database, as_of=AS_OF, source="demo", **SMALL)
    assert publication.release.first_month == "2019-01"  # the demo's first referral
    later, _, _ = build_from_database(demo_database, as_of=AS_OF, source="demo", first_month="2024-04", **SMALL)
    assert later.release.first_month == "2024-04"
    assert min(periods_in(later)) >= "2024"


def test_first_month_setting_is_checked():
    assert load_settings(environ={"LEAD_FIRST_MONTH": "2021-03"}).first_month == "2021-03"
    for bad in ("2021-13", "March 2021", "2021-3"):
        with pytest.raises(SettingsError, match="LEAD_FIRST_MONTH"):
            load_settings(environ={"LEAD_FIRST_MONTH": bad})


def test_an_archive_keeps_its_first_month(demo_database, tmp_path):
    url = starting_in(demo_database, tmp_path, "2022-05-01")
    archive = tmp_path / "archive"
    first = make_release(url, archive, as_of=dt.date(2026, 7, 31), source="demo", **SMALL)
    assert first.entry["first_month"] == "2022-05"
    second = make_release(url, archive, as_of=AS_OF, source="demo", **SMALL)
    assert second.entry["first_month"] == "2022-05"
    from core.archive import ArchiveError

    with pytest.raises(ArchiveError, match="keeps its first month"):
        make_release(url, archive, as_of=dt.date(2026, 9, 30), source="demo", first_month="2022-01", **SMALL)


WINDOW_TABLES = SMALL_TABLES + tuple(
    d for d in TABLES if d.id in ("referrals_by_12_months", "referrals_by_district_12_months")
)


def test_an_archive_keeps_every_12_month_window_it_published(demo_database, tmp_path):
    """A window of one release minus the next release's is a quarter a year apart: both stay in the
    archive (carried forward, figures unchanged) and the archive audit protects them together."""
    from core.archive import read_releases

    archive = tmp_path / "archive"
    for as_of in (dt.date(2026, 7, 31), dt.date(2026, 10, 31)):
        make_release(
            demo_database,
            archive,
            as_of=as_of,
            source="demo",
            declarations=WINDOW_TABLES,
            ratio_declarations=SMALL_RATIOS,
        )  # refuses to write unless the archive audit passes
    first, second = (stored.publication for stored in read_releases(archive))
    assert first is not None and second is not None  # read_releases reads every publication

    def cells(publication: Release, table_id: str) -> dict[tuple[str, str | None], int | float | None]:
        table = next(t for t in publication.tables if t.id == table_id)
        return {(c.where["twelve_months"], c.where.get("district")): c.value for c in table.cells}

    assert {w for w, _ in cells(first, "referrals_by_district_12_months")} == {"2025-07/2026-06"}
    assert {w for w, _ in cells(second, "referrals_by_district_12_months")} == {"2025-07/2026-06", "2025-10/2026-09"}
    for table_id in ("referrals_by_12_months", "referrals_by_district_12_months"):
        before, after = cells(first, table_id), cells(second, table_id)
        assert {k: after[k] for k in before} == before  # carried forward as published
    assert "district" in {h.parent for h in second.hierarchies.values()}
    published_districts = [
        v for (w, d), v in cells(second, "referrals_by_district_12_months").items() if d != "unknown" and v is not None
    ]
    assert len(published_districts) >= 5  # the pooled figures answer
