"""Releases over time on the demo database: the archive as a whole stays protected (docs/releases.md)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
import textwrap
from typing import Any

import pytest

from aggregation.audit import audit_publication
from aggregation.audit_archive import ArchiveRelease, audit_archive
from core import archive
from core.archive import ArchiveError, StoredRelease
from core.release_model import Release
from data_access.periods import month_ends
from publishing.build import build_from_database, truth_for
from publishing.cli import main
from publishing.release import make_release, stored_as_audited
from tests.archive_helpers import ADDED_TABLE, SMALL_RATIOS, SMALL_TABLES, copy_database, snapshot

SMALL: dict[str, Any] = {"declarations": SMALL_TABLES, "ratio_declarations": SMALL_RATIOS}
JULY, AUGUST = dt.date(2026, 7, 31), dt.date(2026, 8, 31)


def release(url, directory, as_of, **kwargs):
    """Add one release of the small registry."""
    return make_release(url, directory, as_of=as_of, source="demo", **{**SMALL, **kwargs})


def publication_of(stored: StoredRelease) -> Release:
    """Return the publication of a release read from the archive (read_releases reads every one)."""
    assert stored.publication is not None
    return stored.publication


def closed_cells(publication: Release) -> dict:
    """Return {(table, key): (value, suppressed)} for every cell."""
    return {
        (table.id, cell.key(table.dimensions)): (cell.value, cell.suppressed) for table, cell in publication.cells()
    }


# -- the two mechanisms ----------------------------------------------------------------------


def test_two_publish_outputs_fail_the_archive_audit_by_both_mechanisms(demo_database):
    """July and August publications of the same data each pass alone, and together expose cells:
    a closed period whose pattern moved, and a quarter "to date" differenced by the next release."""
    publications = [build_from_database(demo_database, as_of=day, source="demo", **SMALL)[0] for day in (JULY, AUGUST)]
    for publication in publications:
        assert audit_publication(publication, truth_for(demo_database, publication)).passed
    report = audit_archive(
        [ArchiveRelease("2026-07-31", publications[0]), ArchiveRelease("2026-08-31", publications[1])]
    )
    assert not report.passed
    closed = [
        f
        for f in report.failures
        if "@" not in f.table_id and any(f.cell.get(d, "9999") < "2026-Q3" for d in ("quarter", "year"))
    ]
    to_date = [f for f in report.failures if f.table_id.endswith("@2026-07-31")]
    assert closed, [(f.table_id, f.cell) for f in report.failures]  # mechanism 1: a closed period's pattern moved
    assert to_date, [(f.table_id, f.cell) for f in report.failures]  # mechanism 2: Q3 to date, then Q3 to August
    assert all(f.problem.startswith(("exactly determined", "provable between")) for f in closed + to_date)


def test_two_releases_of_the_same_data_pass_and_closed_periods_are_identical(demo_database, tmp_path):
    first = release(demo_database, tmp_path / "archive", JULY)
    second = release(demo_database, tmp_path / "archive", AUGUST)
    stored = archive.read_releases(tmp_path / "archive")
    assert [s.id for s in stored] == ["2026-07-31", "2026-08-31"]
    assert audit_archive(stored_as_audited(stored)).passed and second.archive_audit.passed
    before, after = (closed_cells(publication_of(s)) for s in stored)
    assert before and all(after[key] == value for key, value in before.items())  # value, status
    grains = [{t.pooled_from or t.id: t.id for t in publication_of(s).tables} for s in stored]
    assert grains[0] == grains[1]
    assert len(after) > len(before)  # August added cells
    for s in stored:  # whole periods only: no quarter or year "to date"
        domains = publication_of(s).domains
        assert "2026-Q3" not in domains["quarter"] and "2026" not in domains["year"]
    assert first.entry["revision"] is False and second.entry["revised"] == []


# -- twelve releases, and several within one month ----------------------------------------------


def test_twelve_monthly_releases_and_attempts_within_a_month(demo_database, tmp_path):
    directory = tmp_path / "archive"
    ends = month_ends(dt.date(2026, 10, 31), 12)
    for day in ends[:-1]:
        release(demo_database, directory, day)
    # The registry grows with the twelfth release: the new table's closed months are new cells, protected too.
    outcome = release(demo_database, directory, ends[-1], declarations=(*SMALL_TABLES, ADDED_TABLE))
    stored = archive.read_releases(directory)
    assert len(stored) == 12 and outcome.archive_audit.passed
    report = audit_archive(stored_as_audited(stored))
    assert report.passed and report.checked_cells > 100
    for older, newer in zip(stored, stored[1:], strict=False):
        kept = closed_cells(publication_of(newer))
        assert all(kept[key] == value for key, value in closed_cells(publication_of(older)).items())
    assert ADDED_TABLE.id in {t.id for t in publication_of(stored[-1]).tables}
    # A second release for October, mid-November: refused without --revision...
    with pytest.raises(ArchiveError, match="needs --revision"):
        release(demo_database, directory, dt.date(2026, 11, 15), declarations=(*SMALL_TABLES, ADDED_TABLE))
    # ...the same id again, or a date before the newest: refused...
    with pytest.raises(ArchiveError, match="already exists"):
        release(demo_database, directory, ends[-1], revision=True)
    with pytest.raises(ArchiveError, match="later date"):
        release(demo_database, directory, dt.date(2026, 10, 15), revision=True)
    # ...and declared as a revision: safe, the archive audit still passes.
    revised = release(
        demo_database, directory, dt.date(2026, 11, 15), revision=True, declarations=(*SMALL_TABLES, ADDED_TABLE)
    )
    assert revised.entry["revision"] is True and revised.entry["last_month"] == "2026-10"
    assert audit_archive(stored_as_audited(archive.read_releases(directory))).passed
    assert main(["audit", str(directory), "--db", demo_database]) == 0


def test_threshold_and_first_month_stay_fixed_and_quarterly_cadence(demo_database, tmp_path):
    release(demo_database, tmp_path / "a", JULY)
    with pytest.raises(ArchiveError, match="one threshold"):
        release(demo_database, tmp_path / "a", AUGUST, threshold=12)
    quarterly = release(demo_database, tmp_path / "q", AUGUST, cadence="quarterly")
    assert quarterly.entry["last_month"] == "2026-06"  # a quarterly release ends on the last whole quarter
    with pytest.raises(ArchiveError, match="needs --revision"):
        release(demo_database, tmp_path / "q", dt.date(2026, 9, 29), cadence="quarterly")
    with pytest.raises(ArchiveError, match="cadence|CADENCE"):
        release(demo_database, tmp_path / "w", AUGUST, cadence="weekly")


# -- revisions -----------------------------------------------------------------------------------


def test_late_and_deleted_referrals_need_a_revision_which_passes_the_archive_audit(
    demo_database, tmp_path, monkeypatch
):
    url = copy_database(demo_database, tmp_path / "program.sqlite")
    directory = tmp_path / "archive"
    release(url, directory, JULY)
    before = snapshot(directory)
    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        # Three referrals entered late for March 2025, and one referral of June 2024 deleted.
        template = db.execute("SELECT * FROM referrals WHERE referred_on LIKE '2025-03-%' LIMIT 1").fetchone()
        columns = [c[1] for c in db.execute("PRAGMA table_info(referrals)")]
        for n in range(3):
            row = dict(zip(columns, template, strict=False))
            row["referral_id"] = f"late-{n}" if isinstance(row["referral_id"], str) else 10_000_000 + n
            db.execute(
                f"INSERT INTO referrals ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                [row[c] for c in columns],
            )
        db.execute(
            "DELETE FROM referrals WHERE referral_id = (SELECT referral_id FROM referrals "
            "WHERE referred_on LIKE '2024-06-%' LIMIT 1)"
        )
    with pytest.raises(ArchiveError, match="--revision"):
        release(url, directory, AUGUST)
    assert snapshot(directory) == before  # a refused release writes nothing
    outcome = release(url, directory, AUGUST, revision=True)
    assert outcome.entry["revision"] is True and outcome.archive_audit.passed
    stored = archive.read_releases(directory)
    report = audit_archive(stored_as_audited(stored))
    assert report.passed and len(report.version_releases) == 2
    month_total = {
        c.where["month"]: c.value
        for c in next(t for t in publication_of(stored[1]).tables if t.id == "referrals_by_month").cells
    }
    old_total = {
        c.where["month"]: c.value
        for c in next(t for t in publication_of(stored[0]).tables if t.id == "referrals_by_month").cells
    }
    # The March 2025 total changed by 3 (a small count): withheld in the revision, never shown beside the old one.
    assert old_total["2025-03"] is not None and month_total["2025-03"] is None
    assert old_total["2024-06"] is not None and month_total["2024-06"] is None
    for revision in report.revisions:  # figures published in both versions differ by 0 or at least k
        assert abs(revision.new - revision.old) >= 11
    assert main(["audit", str(directory), "--db", url]) == 0
    # About shows the revision: marked in the release list, what changed, and the policy in plain words.
    from streamlit.testing.v1 import AppTest

    monkeypatch.delenv("LEAD_PUBLICATION", raising=False)
    monkeypatch.setenv("LEAD_ARCHIVE", str(directory))
    at = AppTest.from_string("from pages import about\nabout.render()", default_timeout=120)
    at.run()
    assert not at.exception
    listed = next(df.value for df in at.dataframe if "Release" in df.value.columns)
    assert list(listed["Kind"]) == ["revision", "regular"]
    assert any(s.value == "What changed since the release of 2026-07-31" for s in at.subheader)
    assert any(s.value == "When the program's records of a finished month change" for s in at.subheader)
    assert any("published as a revision" in m.value for m in at.markdown)


# -- crash safety and the lock ------------------------------------------------------------------


KILL_DURING_WRITE = textwrap.dedent("""
    import os, signal, sys, datetime as dt
    sys.path.insert(0, {root!r})
    import core.archive as archive
    from tests.archive_helpers import SMALL_TABLES, SMALL_RATIOS
    from publishing.release import make_release
    stage = {stage!r}
    original_rename, original_replace = os.rename, os.replace
    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)
    if stage == "files":
        archive.write_publication_files = lambda publication, directory: (
            (directory / "publication.json").write_text("{{half"), die())
    elif stage == "rename":
        archive.os.rename = die
    elif stage == "index":
        archive.os.replace = die
    make_release({url!r}, {directory!r}, as_of=dt.date(2026, 8, 31), declarations=SMALL_TABLES,
                 ratio_declarations=SMALL_RATIOS)
""")


@pytest.mark.parametrize("stage", ["files", "rename", "index"])
def test_a_release_killed_mid_write_leaves_the_archive_as_it_was(demo_database, tmp_path, stage):
    from pathlib import Path

    directory = tmp_path / "archive"
    release(demo_database, directory, JULY)
    before = snapshot(directory)
    script = KILL_DURING_WRITE.format(
        root=str(Path(__file__).resolve().parent.parent), stage=stage, url=demo_database, directory=str(directory)
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert result.returncode == -9, result.stderr[-2000:]
    assert {k: v for k, v in snapshot(directory).items() if k in before} == before  # index and earlier releases
    assert archive.read_index(directory)["releases"][-1]["id"] == "2026-07-31"
    # The next job cleans what the killed one left and releases normally.
    release(demo_database, directory, AUGUST)
    assert not list(directory.glob(".staging-*")) and not list(directory.glob(".index-*"))
    earlier = {k: v for k, v in before.items() if k.startswith("releases/")}
    assert {k: v for k, v in snapshot(directory).items() if k in earlier} == earlier


def test_two_release_jobs_do_not_both_write(demo_database, tmp_path):
    directory = tmp_path / "archive"
    release(demo_database, directory, JULY)
    before = snapshot(directory)
    with archive.locked(directory):  # another job is writing
        with pytest.raises(ArchiveError, match="another release job"):
            release(demo_database, directory, AUGUST)
        with pytest.raises(ArchiveError, match="another release job"):
            archive.withdraw(directory, "2026-07-31", "wrong")
    assert snapshot(directory) == before
    # Two processes at once: exactly one writes the release, the other is refused.
    from pathlib import Path

    root = str(Path(__file__).resolve().parent.parent)
    code = (
        f"import sys, datetime as dt; sys.path.insert(0, {root!r}); "
        "from tests.archive_helpers import SMALL_TABLES, SMALL_RATIOS; from publishing.release import make_release; "
        f"make_release({demo_database!r}, {str(directory)!r}, as_of=dt.date(2026, 8, 31), "
        "declarations=SMALL_TABLES, ratio_declarations=SMALL_RATIOS)"
    )
    jobs = [subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outcomes = []
    for job in jobs:
        assert job.stderr is not None  # opened with stderr=PIPE
        outcomes.append((job.wait(timeout=300), job.stderr.read()))
    assert sorted(code for code, _ in outcomes) == [0, 1], outcomes
    assert any("another release job" in err or "already" in err for code, err in outcomes if code), outcomes
    assert [e["id"] for e in archive.read_index(directory)["releases"]] == ["2026-07-31", "2026-08-31"]


def test_release_refuses_a_directory_that_is_not_an_archive(demo_database, tmp_path):
    (tmp_path / "thesis.txt").write_text("mine")
    with pytest.raises(ArchiveError, match="not a release archive"):
        release(demo_database, tmp_path, JULY)
    assert (tmp_path / "thesis.txt").read_text() == "mine" and not (tmp_path / "releases").exists()


def test_a_tampered_release_is_refused(demo_database, tmp_path):
    directory = tmp_path / "archive"
    release(demo_database, directory, JULY)
    csv = next((directory / "releases" / "2026-07-31" / "tables").glob("*.csv"))
    csv.write_text(csv.read_text() + "\n")
    with pytest.raises(ArchiveError, match="checksums"):
        archive.read_releases(directory)
    assert main(["audit", str(directory)]) == 2


# -- the command line ----------------------------------------------------------------------------


def test_release_withdraw_and_audit_commands(demo_database, tmp_path, capsys, monkeypatch):
    import publishing.release as release_module

    original = release_module.make_release
    monkeypatch.setattr(release_module, "make_release", lambda *a, **k: original(*a, **{**SMALL, **k}))
    directory = tmp_path / "archive"
    assert main(["release", "--db", demo_database, "--archive", str(directory), "--as-of", "2026-07-31"]) == 0
    out = capsys.readouterr().out
    assert "wrote release 2026-07-31" in out and "archive audit" in out
    assert main(["release", "--db", demo_database, "--archive", str(directory), "--as-of", "2026-07-31"]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["withdraw", "--archive", str(directory), "2026-07-31", "--reason", "a wrong neighborhood map"]) == 0
    index = json.loads((directory / "index.json").read_text())
    assert index["format"] == "lead-archive/1"
    assert index["releases"][0]["withdrawn"]["reason"] == "a wrong neighborhood map"
    assert set(index["releases"][0]) >= {"id", "as_of", "generated_at", "sha256", "revision", "revised", "withdrawn"}
    assert main(["withdraw", "--archive", str(directory), "2026-07-31", "--reason", "again"]) == 1
    assert main(["withdraw", "--archive", str(directory), "2031-01-31", "--reason", "x"]) == 1
    # A withdrawn release stays in the attacker's model: the next release carries its cells forward.
    assert main(["release", "--db", demo_database, "--archive", str(directory), "--as-of", "2026-08-31"]) == 0
    assert main(["audit", str(directory)]) == 0
    out = capsys.readouterr().out
    assert "2 release(s) in 1 version(s)" in out and "PASSED" in out
    stored = archive.read_releases(directory)
    before, after = (closed_cells(publication_of(s)) for s in stored)
    assert all(after[key] == value for key, value in before.items())


def test_publish_says_it_is_not_part_of_an_archive(demo_database, tmp_path, capsys, monkeypatch):
    import publishing.build as build

    original = build.build_from_database

    def small(*args, **kwargs):
        return original(*args, **{**SMALL, **kwargs})

    monkeypatch.setattr(build, "build_from_database", small)
    assert main(["publish", "--db", demo_database, "--out", str(tmp_path / "one"), "--as-of", "2026-08-31"]) == 0
    assert "not part of an archive" in capsys.readouterr().out


# -- the audit's truth is an independent recount -----------------------------------------------


def test_a_bug_planted_in_an_aggregate_query_is_caught_by_audit_db(demo_database, tmp_path, monkeypatch, capsys):
    import publishing.build as build

    original = build.aggregate

    def off_by_one(connection, request, window, reference):
        frame = original(connection, request, window, reference)
        if request.measure == "active_participants":
            frame = frame.copy()
            frame.loc[frame["value"] > 40, "value"] += 1  # a plausible bug: one person counted twice
        return frame

    monkeypatch.setattr(build, "aggregate", off_by_one)
    publication, _, _ = build_from_database(demo_database, as_of=AUGUST, source="demo", **SMALL)
    report = audit_publication(publication, truth_for(demo_database, publication))
    assert any(m.startswith("active_participants_by_month") for m in report.value_mismatches), report.value_mismatches[
        :3
    ]
    from core.publication_files import write_publication

    write_publication(publication, tmp_path / "buggy")
    monkeypatch.setattr(build, "aggregate", original)
    assert main(["audit", str(tmp_path / "buggy"), "--db", demo_database]) == 1
    assert "MISMATCH active_participants_by_month" in capsys.readouterr().out


def test_the_recount_agrees_with_the_aggregate_queries(demo_database):
    from data_access.recount import truth_from_recount

    publication, _, _ = build_from_database(demo_database, as_of=AUGUST, source="demo", **SMALL)
    recounted = truth_from_recount(demo_database, publication)
    for table in publication.tables:
        if table.statistic:
            continue
        dims = table.dimensions
        truth = {tuple(r[d] for d in dims): r["value"] for r in recounted[table.id].to_dict("records")}
        for cell in table.cells:
            if cell.value is not None:
                assert truth[cell.key(dims)] == cell.value, (table.id, cell)


def test_withdrawn_releases_stay_in_the_archive_audit(demo_database, tmp_path):
    """A withdrawn release was public: the archive audit counts it, so leaks through it are still found."""
    publications = [build_from_database(demo_database, as_of=day, source="demo", **SMALL)[0] for day in (JULY, AUGUST)]
    releases = [
        ArchiveRelease("2026-07-31", publications[0], withdrawn=True),
        ArchiveRelease("2026-08-31", publications[1]),
    ]
    assert not audit_archive(releases).passed
