"""The app in archive mode: it serves releases, never builds one, and never opens the database."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
import sqlalchemy
from streamlit.testing.v1 import AppTest

from core import archive
from publishing.release import make_release
from tests.archive_helpers import SMALL_RATIOS, SMALL_TABLES

PAGES = ["monthly", "neighborhoods", "resources", "retail_theft", "briefing", "about"]
DAYS = [dt.date(2026, 7, 31), dt.date(2026, 8, 31), dt.date(2026, 9, 30)]


@pytest.fixture(scope="module")
def served_archive(demo_database, tmp_path_factory):
    """An archive of three small-registry releases, the last one withdrawn."""
    directory = tmp_path_factory.mktemp("served") / "archive"
    for day in DAYS:
        make_release(
            demo_database,
            directory,
            as_of=day,
            source="demo",
            declarations=SMALL_TABLES,
            ratio_declarations=SMALL_RATIOS,
        )
    archive.withdraw(directory, "2026-09-30", "a neighborhood was mapped to the wrong precinct")
    return directory


@pytest.fixture()
def archive_mode(served_archive, monkeypatch):
    """Serve the archive; any attempt to open a database fails the test."""
    monkeypatch.delenv("LEAD_PUBLICATION", raising=False)
    monkeypatch.setenv("LEAD_ARCHIVE", str(served_archive))
    monkeypatch.setenv("LEAD_DB_URL", "sqlite:////nonexistent/program.sqlite")

    def refuse(*args, **kwargs):
        raise AssertionError("the web process opened a database")

    monkeypatch.setattr(sqlalchemy, "create_engine", refuse)
    monkeypatch.setattr(sqlite3, "connect", refuse)
    return served_archive


def run(page: str, **params) -> AppTest:
    at = AppTest.from_string(f"from pages import {page}\n{page}.render()", default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown] + [i.value for i in at.info] + [c.value for c in at.caption]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_the_newest_release_without_the_database(archive_mode, page):
    at = run(page)
    shown = " ".join(texts(at))
    if page in ("monthly", "retail_theft", "briefing", "about"):  # the pages that say what they cover
        assert "August 2026" in shown  # the newest release offered ends with August (September's is withdrawn)
    assert "September 2026" not in shown
    if page in ("neighborhoods", "retail_theft"):  # the small registry of these releases lacks their tables
        assert "This part is not in the release you are viewing." in shown


def test_about_lists_releases_links_older_ones_and_says_what_changed(archive_mode):
    at = run("about")
    shown = texts(at)
    assert "You are viewing the release of 2026-08-31." in shown
    assert any("?release=2026-07-31" in t for t in shown)
    assert not any("?release=2026-09-30" in t for t in shown)  # withdrawn: not offered
    table = next(df.value for df in at.dataframe if "Release" in df.value.columns)
    assert list(table["Release"]) == ["2026-09-30", "2026-08-31", "2026-07-31"]
    assert "wrong precinct" in table.loc[table["Release"] == "2026-09-30", "Withdrawn"].iloc[0]
    assert any(s.value == "What changed since the release of 2026-07-31" for s in at.subheader)
    assert "New periods: August 2026." in shown


def test_an_older_release_by_its_address(archive_mode):
    at = run("about", release="2026-07-31")
    assert "You are viewing the release of 2026-07-31." in texts(at)
    assert "This is the first release." in texts(at)
    assert at.query_params["release"] == ["2026-07-31"] or at.query_params["release"] == "2026-07-31"


@pytest.mark.parametrize(
    "requested, note",
    [
        ("2031-01-31", "There is no release at that address"),
        ("![x](http://127.0.0.1:9/beacon.png)", "There is no release at that address"),
        ("2026-09-30", "was withdrawn"),
    ],
)
def test_unknown_and_withdrawn_ids_fall_back_to_the_newest_with_a_note(archive_mode, requested, note):
    at = run("monthly", release=requested)
    infos = [i.value for i in at.info]
    assert any(note in i and "2026-08-31" in i for i in infos), infos
    assert not any("beacon" in t for t in texts(at))  # the URL's text is never echoed as markup


def test_a_new_index_is_picked_up_without_a_restart(served_archive, tmp_path, monkeypatch, demo_database):
    import shutil

    copy = tmp_path / "archive"
    shutil.copytree(served_archive, copy)
    index = archive.read_index(copy)
    index["releases"] = index["releases"][:1]  # as it was before August
    archive.write_index(copy, index)
    monkeypatch.delenv("LEAD_PUBLICATION", raising=False)
    monkeypatch.setenv("LEAD_ARCHIVE", str(copy))
    assert "You are viewing the release of 2026-07-31." in texts(run("about"))
    index = archive.read_index(served_archive)
    archive.write_index(copy, index)
    assert "You are viewing the release of 2026-08-31." in texts(run("about"))


def test_with_a_database_url_alone_the_app_builds_nothing_and_says_so(monkeypatch, caplog, tmp_path):
    monkeypatch.delenv("LEAD_PUBLICATION", raising=False)
    monkeypatch.delenv("LEAD_ARCHIVE", raising=False)
    monkeypatch.setenv("LEAD_DB_URL", f"sqlite:///{tmp_path / 'program.sqlite'}")

    def refuse(*args, **kwargs):
        raise AssertionError("the web process opened a database")

    monkeypatch.setattr(sqlalchemy, "create_engine", refuse)
    monkeypatch.setattr(sqlite3, "connect", refuse)
    with caplog.at_level("WARNING"):
        at = run("monthly")
    assert [i.value for i in at.info] == ["The figures have not been released yet. Please come back soon."]
    assert any("lead-dashboard release" in r.getMessage() and "LEAD_ARCHIVE" in r.getMessage() for r in caplog.records)
    assert not (tmp_path / "program.sqlite").exists()


def test_demo_mode_without_its_archive_says_how_to_build_it(monkeypatch, tmp_path):
    for name in ("LEAD_PUBLICATION", "LEAD_ARCHIVE", "LEAD_DB_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LEAD_DEMO_DB_PATH", str(tmp_path / "demo.sqlite"))
    monkeypatch.setenv("LEAD_SECRETS", str(tmp_path / "absent.toml"))
    at = run("about")
    assert any("scripts/run-dashboard" in i.value for i in at.info)
    assert not (tmp_path / "demo.sqlite").exists()


def test_a_late_release_is_flagged_as_possibly_out_of_date(archive_mode, monkeypatch):
    from dashboard import releases

    entry = {"last_month": "2026-08"}
    assert releases.next_due(entry, "monthly") == dt.date(2026, 9, 30)
    assert releases.next_due({"last_month": "2026-12"}, "quarterly") == dt.date(2027, 3, 31)
    assert releases.stale(entry, "monthly", dt.date(2026, 10, 7), 7) is None
    assert releases.stale(entry, "monthly", dt.date(2026, 10, 8), 7) == dt.date(2026, 9, 30)
    monkeypatch.setenv("LEAD_STALE_GRACE_DAYS", "100000")
    assert not [w for w in run("monthly").warning if "out of date" in w.value]
    monkeypatch.setenv("LEAD_STALE_GRACE_DAYS", "7")  # the newest offered release ends with August 2026
    warnings = [w.value for w in run("monthly").warning]
    assert any("These figures end with August 2026" in w and "out of date" in w for w in warnings), warnings
