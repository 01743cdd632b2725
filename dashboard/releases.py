"""The archive as the app sees it: which releases to offer, which one to show, what changed.

Reads ``index.json`` and release files only (never a database). Must not import
Streamlit, SQLAlchemy or ``data_access``.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from core.archive import ArchiveError, read_index, read_release, release_directory, sha256_of
from core.facts import TIME_GRAINS
from core.release_model import Release


@dataclass(frozen=True)
class Choice:
    """The release to show, and a note (message id and its fields) when it is not the one asked for."""

    entry: dict
    note: str | None = None
    note_fields: tuple[tuple[str, str], ...] = ()


def offered(index: dict) -> list[dict]:
    """Return the releases the app offers, oldest first: every one not withdrawn."""
    return [entry for entry in index["releases"] if not entry.get("withdrawn")]


def choose(index: dict, requested: str | None) -> Choice | None:
    """Return the newest release not withdrawn, or the requested one; None when none can be shown."""
    available = offered(index)
    if not available:
        return None
    newest = available[-1]
    if not requested or requested == newest["id"]:
        return Choice(newest)
    match = next((e for e in index["releases"] if e["id"] == requested), None)
    if match is None:
        return Choice(newest, "release.unknown", (("shown", newest["id"]),))  # the URL's text is never echoed
    if match.get("withdrawn"):
        return Choice(newest, "release.withdrawn", (("requested", match["id"]), ("shown", newest["id"])))
    return Choice(match)


def next_due(entry: dict, cadence: str) -> dt.date:
    """Return the day the release after ``entry`` could first be made: the end of its next period."""
    year, month = int(entry["last_month"][:4]), int(entry["last_month"][5:7])
    month += 3 if cadence == "quarterly" else 1
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def stale(entry: dict, cadence: str, today: dt.date, grace_days: int) -> dt.date | None:
    """Return when the next release was due, if it is more than ``grace_days`` late; else None."""
    due = next_due(entry, cadence)
    return due if today > due + dt.timedelta(days=grace_days) else None


def index_stamp(archive: Path) -> tuple[int, int]:
    """Return what changes when ``index.json`` is replaced (its modification time and size)."""
    stat = (Path(archive) / "index.json").stat()
    return stat.st_mtime_ns, stat.st_size


def load_index(archive: Path) -> dict:
    """Return the archive's index; raise ArchiveError when it is missing or unreadable."""
    if not (Path(archive) / "index.json").is_file():
        raise ArchiveError(f"{archive} has no index.json: run `lead-dashboard release --archive {archive}`")
    return read_index(archive)


def load_release(archive: Path, entry: dict) -> Release:
    """Return one release's publication, checked against the sha256 the index gives it."""
    path = release_directory(archive, entry["id"]) / "publication.json"
    if entry.get("sha256") and sha256_of(path) != entry["sha256"]:
        raise ArchiveError(f"release {entry['id']}: publication.json does not match index.json")
    publication = read_release(archive, entry, verify=False).publication
    assert publication is not None  # read_release reads it
    return publication


def previous_entry(index: dict, entry: dict) -> dict | None:
    """Return the release offered before ``entry`` (withdrawn ones skipped), or None."""
    available = offered(index)
    ids = [e["id"] for e in available]
    if entry["id"] not in ids:
        return None
    position = ids.index(entry["id"])
    return available[position - 1] if position else None


@dataclass(frozen=True)
class Revised:
    """A figure both releases published, with different values."""

    table_title: str
    cell: str
    old: float
    new: float


def changes(previous: Release, current: Release, limit: int = 50) -> tuple[list[tuple[str, str]], list[Revised]]:
    """Return the periods ``current`` adds to ``previous`` (grain, key) and the figures it revised."""

    def periods(publication: Release) -> set[tuple[str, str]]:
        return {(grain, v) for grain in TIME_GRAINS for v in publication.domains.get(grain, ())}

    new_periods = sorted(periods(current) - periods(previous), key=lambda p: (TIME_GRAINS.index(p[0]), p[1]))
    revised: list[Revised] = []
    for table in current.tables:
        old_table = previous.table(table.id)
        if old_table is None or not any(d in TIME_GRAINS for d in table.dimensions):
            continue  # new, or a table of the current state (focus areas), updated by every release
        for cell in table.cells:
            old = old_table.by_key.get(cell.key(table.dimensions))
            if old is None or old.value is None or cell.value is None:
                continue
            if old.value != cell.value:
                revised.append(Revised(table.title, ", ".join(cell.where.values()), old.value, cell.value))
                if len(revised) >= limit:
                    return new_periods, revised
    return new_periods, revised
