"""The demo database: deterministic, complete, and shaped like a real LEAD program."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path

import pytest

from data_access import schema
from data_access.demo import (
    DEMO_NEIGHBORHOOD_KEY,
    DemoSummary,
    build_demo_database,
    default_demo_path,
)

AS_OF = dt.date(2026, 10, 31)
FIRST_AREAS = ("BELLTOWN", "PIONEER SQUARE", "DOWNTOWN COMMERICAL")


def build(path: Path, seed: int = 2011) -> DemoSummary:
    return build_demo_database(f"sqlite:///{path}", seed=seed, as_of=AS_OF)


def checksum(path: Path) -> str:
    """Return a sha256 over an ordered dump of every contract table."""
    digest = hashlib.sha256()
    with sqlite3.connect(path) as connection:
        for table in schema.metadata.sorted_tables:
            columns = ", ".join(column.name for column in table.columns)
            digest.update(table.name.encode())
            for row in connection.execute(f"SELECT {columns} FROM {table.name} ORDER BY {columns}"):
                digest.update(repr(row).encode())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, DemoSummary]:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    return path, build(path)


@pytest.fixture(scope="module")
def db(demo):
    with sqlite3.connect(demo[0]) as connection:
        yield connection


def scalar(db, sql: str, *parameters):
    return db.execute(sql, parameters).fetchone()[0]


def test_same_inputs_give_identical_tables_and_another_seed_differs(demo, tmp_path):
    path, _ = demo
    again = tmp_path / "again.sqlite"
    build(again)
    assert checksum(again) == checksum(path)
    other_seed = tmp_path / "other.sqlite"
    build(other_seed, seed=7)
    assert checksum(other_seed) != checksum(path)


def test_rebuild_replaces_the_file_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "nested" / "demo.sqlite"
    build(path)
    build(path, seed=3)
    assert path.is_file()
    assert not path.with_name(path.name + ".tmp").exists()


def test_summary_counts_match_the_tables(demo, db):
    _, summary = demo
    assert summary.elapsed_seconds < 30
    assert summary.as_of == AS_OF
    for table, count in summary.row_counts().items():
        assert scalar(db, f"SELECT COUNT(*) FROM {table}") == count > 0, table
    assert 2_400 <= summary.referrals <= 3_500
    assert 1_200 <= summary.participants <= 2_000
    assert 10_000 <= summary.contacts <= 100_000
    assert 100 <= summary.focus_areas <= 200


def test_neighborhoods_are_the_61_mcpp_areas(db):
    assert DEMO_NEIGHBORHOOD_KEY == "NAME"
    assert scalar(db, "SELECT COUNT(*) FROM neighborhoods") == 61
    assert scalar(db, "SELECT name FROM neighborhoods WHERE neighborhood_id = 'DOWNTOWN COMMERICAL'") == (
        "Downtown Commercial"
    )
    assert scalar(db, "SELECT precinct FROM neighborhoods WHERE neighborhood_id = 'BELLTOWN'") == "W"
    assert 12 <= scalar(db, "SELECT SUM(business_district) FROM neighborhoods") <= 16


def test_referrals_cover_every_month_to_as_of(db):
    months = {row[0] for row in db.execute("SELECT DISTINCT substr(referred_on, 1, 7) FROM referrals")}
    expected = {f"{year}-{month:02d}" for year in range(2019, 2027) for month in range(1, 13)}
    expected = {month for month in expected if month <= AS_OF.strftime("%Y-%m")}
    assert months == expected


def test_first_lead_areas_are_busiest_and_some_areas_are_nearly_empty(db):
    top_five = [
        row[0]
        for row in db.execute(
            "SELECT neighborhood_id FROM referrals WHERE neighborhood_id IS NOT NULL "
            "GROUP BY neighborhood_id ORDER BY COUNT(*) DESC, neighborhood_id LIMIT 5"
        )
    ]
    assert set(FIRST_AREAS) <= set(top_five)
    fewest_in_a_full_year = scalar(
        db,
        "SELECT MIN(n) FROM (SELECT COUNT(r.referral_id) AS n FROM neighborhoods AS a "
        "CROSS JOIN (SELECT DISTINCT substr(referred_on, 1, 4) AS year FROM referrals "
        "            WHERE referred_on < '2026-01-01') AS y "
        "LEFT JOIN referrals AS r ON r.neighborhood_id = a.neighborhood_id "
        "     AND substr(r.referred_on, 1, 4) = y.year "
        "GROUP BY a.neighborhood_id, y.year)",
    )
    assert fewest_in_a_full_year <= 5


def test_referrals_with_unknown_neighborhoods(db):
    assert scalar(db, "SELECT COUNT(*) FROM referrals WHERE neighborhood_id IS NULL") > 0
    assert (
        scalar(
            db,
            "SELECT COUNT(*) FROM referrals WHERE neighborhood_id IS NOT NULL "
            "AND neighborhood_id NOT IN (SELECT neighborhood_id FROM neighborhoods)",
        )
        > 0
    )


def test_referral_mix_and_funnel_look_like_lead(db):
    total = scalar(db, "SELECT COUNT(*) FROM referrals")

    def share(where: str) -> float:
        return scalar(db, f"SELECT COUNT(*) FROM referrals WHERE {where}") / total

    assert 0.38 <= share("pathway = 'arrest_diversion'") <= 0.52
    assert 0.33 <= share("pathway = 'social_contact'") <= 0.47
    assert 0.10 <= share("pathway = 'community_referral'") <= 0.20
    assert 0.52 <= share("outcome = 'enrolled'") <= 0.62
    assert share("handoff_minutes IS NOT NULL AND pathway <> 'arrest_diversion'") == 0
    assert share("offense_category IS NULL AND pathway = 'arrest_diversion'") == 0
    assert share("outcome = 'enrolled' AND participant_id IS NULL") == 0
    assert share("outcome = 'enrolled' AND intake_on IS NULL") == 0
    repeated = scalar(db, "SELECT COUNT(*) FROM (SELECT participant_id FROM referrals GROUP BY 1 HAVING COUNT(*) > 1)")
    assert repeated > 0
    last_two_months = "referred_on >= '2026-09-01'"
    pending_recently = share(f"{last_two_months} AND outcome = 'pending'") / share(last_two_months)
    assert pending_recently > 0.5
    assert share("referred_on < '2026-01-01' AND outcome = 'pending'") == 0


def test_participants_enrol_on_their_first_intake(db):
    mismatches = scalar(
        db,
        "SELECT COUNT(*) FROM participants AS p JOIN ("
        "  SELECT participant_id, MIN(intake_on) AS first_intake FROM referrals "
        "  WHERE outcome = 'enrolled' GROUP BY participant_id) AS r USING (participant_id) "
        "WHERE p.enrolled_on <> r.first_intake",
    )
    assert mismatches == 0
    assert scalar(db, "SELECT COUNT(*) FROM participants WHERE exited_on < enrolled_on") == 0
    invalid_genders = scalar(
        db,
        f"SELECT COUNT(*) FROM participants WHERE gender IS NULL "
        f"OR gender NOT IN ({', '.join(repr(code) for code in schema.GENDERS)})",
    )
    assert invalid_genders > 0


def test_events_fall_within_the_release(db):
    for table, columns in schema.DATE_COLUMNS.items():
        for column in columns:
            earliest, latest = db.execute(f"SELECT MIN({column}), MAX({column}) FROM {table}").fetchone()
            assert "2019-01-01" <= earliest <= latest <= AS_OF.isoformat(), (table, column)
    assert (
        scalar(
            db,
            "SELECT COUNT(*) FROM contacts AS c JOIN participants AS p USING (participant_id) "
            "WHERE c.contact_on < p.enrolled_on OR c.contact_on > COALESCE(p.exited_on, '9999-12-31')",
        )
        == 0
    )
    assert scalar(db, "SELECT COUNT(*) FROM services WHERE connected_on < requested_on") == 0
    assert scalar(db, "SELECT COUNT(*) FROM services WHERE status = 'waitlisted' AND connected_on IS NOT NULL") == 0
    assert scalar(db, "SELECT COUNT(*) FROM obstacles WHERE resolved_on < reported_on") == 0
    assert scalar(db, "SELECT COUNT(*) FROM obstacles WHERE participant_id IS NULL") > 0


def test_some_month_has_a_caseload_above_25(db):
    months = [
        row[0]
        for row in db.execute(
            "SELECT DISTINCT substr(referred_on, 1, 7) FROM referrals WHERE referred_on < '2026-10-01'"
        )
    ]
    caseloads = []
    for month in months:
        first = f"{month}-01"
        last = f"{month}-31"  # ISO strings: a day 31 bounds every month
        active = scalar(
            db,
            "SELECT COUNT(*) FROM participants WHERE enrolled_on <= ? AND (exited_on IS NULL OR exited_on >= ?)",
            last,
            first,
        )
        managers = scalar(
            db,
            "SELECT COUNT(DISTINCT case_manager_id) FROM case_assignments "
            "WHERE assigned_on <= ? AND (ended_on IS NULL OR ended_on >= ?)",
            last,
            first,
        )
        caseloads.append(active / managers if managers else 0)
    assert max(caseloads) > 25
    assert sorted(caseloads)[len(caseloads) // 2] < 25  # but not most of the time


def test_dates_and_booleans_read_back_through_sqlalchemy(demo):
    from sqlalchemy import create_engine, select

    engine = create_engine(f"sqlite:///{demo[0]}")
    with engine.connect() as connection:
        referral = connection.execute(select(schema.referrals).limit(1)).one()
        neighborhood = connection.execute(select(schema.neighborhoods).limit(1)).one()
    engine.dispose()
    assert isinstance(referral.referred_on, dt.date)
    assert isinstance(neighborhood.business_district, bool)


def test_default_demo_path(monkeypatch, tmp_path):
    monkeypatch.delenv("LEAD_DEMO_DB_PATH", raising=False)
    assert default_demo_path() == Path.home() / ".cache" / "lead-dashboard" / "demo.sqlite"
    monkeypatch.setenv("LEAD_DEMO_DB_PATH", str(tmp_path / "x.sqlite"))
    assert default_demo_path() == tmp_path / "x.sqlite"


def test_rejects_unusable_arguments(tmp_path):
    with pytest.raises(ValueError):
        build_demo_database(f"sqlite:///{tmp_path / 'x.sqlite'}", scale="huge", as_of=AS_OF)
    with pytest.raises(ValueError):
        build_demo_database("sqlite://", as_of=AS_OF)
    with pytest.raises(ValueError):
        build_demo_database("mysql://localhost/lead", as_of=AS_OF)
