"""check-db: errors name what is missing, warnings count bad codes, nothing prints a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from data_access.engine import read_only_engine
from data_access.validate import validate
from publishing.cli import main
from tests.edge_case_db import load_edge_case_database


@pytest.fixture()
def edge_db(tmp_path):
    url = f"sqlite:///{tmp_path / 'edge.sqlite'}"
    load_edge_case_database(url)
    return url


def run_cli(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "publishing.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
    )


def test_bad_codes_are_warnings_with_value_and_count(edge_db):
    report = validate(read_only_engine(edge_db))
    lines = [str(f) for f in report.findings]
    assert report.usable, report.render()
    assert any("referrals.pathway" in line and "'teleport'" in line and "1 row(s)" in line for line in lines)
    assert any("participants.gender" in line and "'unspecified'" in line for line in lines)
    assert any("participants.race_ethnicity" in line and "NULL where a code is expected" in line for line in lines)
    assert any("focus_areas.suggested_by" in line and "'mermaids'" in line for line in lines)
    # NULL offence means no offence: not a warning
    assert not any("referrals.offense_category" in line and "NULL" in line for line in lines)
    assert any("referrals.neighborhood_id" in line and "1 row(s) name no known neighborhood" in line for line in lines)
    assert any("referrals.neighborhood_id" in line and "NULL neighborhood" in line for line in lines)


def test_future_and_ancient_dates_are_warnings(edge_db):
    engine = sa.create_engine(edge_db)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE contacts SET contact_on = '2099-01-01' WHERE contact_id IN (1, 2)"))
        connection.execute(sa.text("UPDATE services SET requested_on = '1999-12-31' WHERE service_id = 1"))
    report = validate(read_only_engine(edge_db))
    text = report.render()
    assert "contacts.contact_on: 2 date(s) in the future" in text
    assert "services.requested_on: 1 date(s) before 2000-01-01" in text
    assert report.usable


def test_missing_column_names_table_and_column(edge_db, capsys):
    engine = sa.create_engine(edge_db)
    with engine.begin() as connection:
        connection.execute(sa.text("ALTER TABLE referrals DROP COLUMN handoff_minutes"))
        connection.execute(sa.text("DROP TABLE case_assignments"))
    code = main(["check-db", "--db", edge_db])
    out = capsys.readouterr().out
    assert code == 1
    assert "referrals.handoff_minutes: column is missing" in out
    assert "case_assignments: table (or view) is missing" in out
    assert "NOT usable" in out


def test_views_satisfy_the_contract(edge_db):
    engine = sa.create_engine(edge_db)
    with engine.begin() as connection:
        connection.execute(sa.text("ALTER TABLE focus_areas RENAME TO site_focus"))
        connection.execute(sa.text("CREATE VIEW focus_areas AS SELECT * FROM site_focus"))
    assert validate(read_only_engine(edge_db)).usable


def test_boundaries_mismatches_are_listed(edge_db, tmp_path, capsys):
    geojson = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"NAME": name}, "geometry": None}
            for name in ("BELLTOWN", "PIGEON POINT", "LAKE UNION")
        ],
    }
    path = tmp_path / "areas.geojson"
    path.write_text(json.dumps(geojson))
    code = main(["check-db", "--db", edge_db, "--boundaries", str(path), "--boundaries-key", "NAME"])
    out = capsys.readouterr().out
    assert code == 0
    assert "neighborhood 'NOWHERE' has no polygon" in out
    assert "polygon 'LAKE UNION' in areas.geojson matches no neighborhood" in out
    code = main(["check-db", "--db", edge_db, "--boundaries", str(path), "--boundaries-key", "neighborhood_id"])
    assert code == 1
    assert "no property 'neighborhood_id'" in capsys.readouterr().out


@pytest.mark.parametrize(
    "url, message",
    [
        ("sqlite:////nonexistent/dir/x.sqlite", "no SQLite database file"),
        ("postgresql://nobody@127.0.0.1:1/none", "OperationalError"),
        ("not a url", "not a database URL"),
        ("oracle://x@y/z", "unsupported database"),
    ],
)
def test_failures_never_print_a_traceback(url, message):
    result = run_cli("check-db", "--db", url)
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    assert message in result.stdout + result.stderr


def test_corrupt_file_is_a_clear_error(tmp_path):
    path = tmp_path / "corrupt.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    result = run_cli("check-db", "--db", f"sqlite:///{path}")
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "not a database" in result.stdout + result.stderr


def test_an_unexpected_error_is_one_line_and_debug_shows_its_traceback(monkeypatch, capsys):
    from publishing import cli

    def broken(args):
        raise ZeroDivisionError("a programming error")

    monkeypatch.setitem(cli.COMMANDS, "withdraw", broken)
    argv = ["withdraw", "--archive", "nowhere", "2026-10-31", "--reason", "test"]
    assert cli.main(argv) == cli.EXIT_UNUSABLE
    plain = capsys.readouterr().err
    assert plain.count("\n") == 1 and "Traceback" not in plain and "--debug" in plain, plain
    assert cli.main(["--debug", *argv]) == cli.EXIT_UNUSABLE
    debug = capsys.readouterr().err
    assert "Traceback" in debug and "ZeroDivisionError: a programming error" in debug, debug
