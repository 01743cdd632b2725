"""Outages never reach viewers: the release job against a stopped or hung PostgreSQL fails fast, in one
line, and leaves the archive as it was; the app keeps serving the last good release."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from publishing.release import make_release
from tests.archive_helpers import SMALL_RATIOS, SMALL_TABLES, snapshot
from tests.environment import IN_CI
from tests.postgres_server import PostgresUnavailable, create_database, reader_url, throwaway_cluster

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture(scope="module")
def own_cluster():
    """A PostgreSQL cluster of this module's own, to stop and hang: (database URL, postmaster pid)."""
    try:
        with throwaway_cluster() as admin:
            url = create_database(admin)
            from data_access.demo import build_demo_database

            build_demo_database(url, seed=2011, scale="small", as_of=dt.date(2026, 10, 31))
            engine = sa.create_engine(admin)
            with engine.connect() as connection:
                data = connection.execute(sa.text("SHOW data_directory")).scalar_one()
            engine.dispose()
            pid = int(Path(data, "postmaster.pid").read_text().split()[0])
            yield reader_url(url), pid
    except PostgresUnavailable as error:
        if IN_CI:
            pytest.fail(f"PostgreSQL is required in CI: {error}")
        pytest.skip(f"no throwaway PostgreSQL cluster: {error}")


def _release_command(url: str, directory: Path) -> tuple[int, str, float]:
    env = {**os.environ, "LEAD_DB_CONNECT_TIMEOUT": "3", "LEAD_DB_STATEMENT_TIMEOUT": "20"}
    started = time.monotonic()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "publishing.cli",
            "release",
            "--db",
            url,
            "--archive",
            str(directory),
            "--as-of",
            "2026-08-31",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    return result.returncode, result.stderr, time.monotonic() - started


def _serves(directory: Path, monkeypatch) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.delenv("LEAD_PUBLICATION", raising=False)
    monkeypatch.setenv("LEAD_ARCHIVE", str(directory))
    at = AppTest.from_string("from pages import monthly\nmonthly.render()", default_timeout=120)
    at.run()
    assert not at.exception and any("July 2026" in c.value for c in at.caption)


@pytest.fixture(scope="module")
def archive_from_postgres(own_cluster, tmp_path_factory):
    url, _ = own_cluster
    directory = tmp_path_factory.mktemp("outage") / "archive"
    make_release(url, directory, as_of=dt.date(2026, 7, 31), declarations=SMALL_TABLES, ratio_declarations=SMALL_RATIOS)
    return directory


def test_a_hung_database_fails_the_release_within_its_timeout(own_cluster, archive_from_postgres, monkeypatch):
    url, pid = own_cluster
    before = snapshot(archive_from_postgres)
    os.kill(pid, signal.SIGSTOP)  # accepts connections in the kernel, never answers
    try:
        code, stderr, seconds = _release_command(url, archive_from_postgres)
    finally:
        os.kill(pid, signal.SIGCONT)
    assert code == 1, stderr
    assert seconds < 60, f"the release waited {seconds:.0f} s on a hung database"
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("lead-dashboard: release failed"), stderr
    assert "Traceback" not in stderr
    assert snapshot(archive_from_postgres) == before
    _serves(archive_from_postgres, monkeypatch)


def test_a_stopped_database_fails_the_release_at_once(own_cluster, archive_from_postgres, monkeypatch):
    url, pid = own_cluster
    before = snapshot(archive_from_postgres)
    os.kill(pid, signal.SIGQUIT)  # immediate shutdown
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
            time.sleep(0.2)
        except ProcessLookupError:
            break
    code, stderr, seconds = _release_command(url, archive_from_postgres)
    assert code == 1 and seconds < 60, (code, seconds, stderr)
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    assert snapshot(archive_from_postgres) == before
    _serves(archive_from_postgres, monkeypatch)
