"""Add one release to an archive: cadence, the archive's history, protection, the archive audit, writing.

The only code that turns an archive's public record into the engine's ``ReleaseHistory``.
Must not import Streamlit.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from aggregation.audit import audit_publication
from aggregation.audit_archive import ArchiveAudit, ArchiveRelease, audit_archive
from aggregation.history import ClosedCell, ClosedPeriodChanged, ReleaseHistory, revised_cells
from aggregation.protection import ClosedFigureConflict
from aggregation.publication import PublicationReport
from aggregation.registry import RATIOS, TABLES
from core import archive
from core.archive import ArchiveError
from core.facts import DEFAULT_THRESHOLD
from core.release_model import Release
from data_access.periods import ReleaseWindow

CADENCES = ("monthly", "quarterly")


@dataclass
class ReleaseOutcome:
    """What ``release`` did: the index entry, the private report, both audits and the time each step took."""

    entry: dict
    report: PublicationReport
    archive_audit: ArchiveAudit
    seconds: dict[str, float] = field(default_factory=dict)


def _publication(stored: archive.StoredRelease) -> Release:
    """Return a stored release's publication (``archive.read_releases`` reads every one)."""
    assert stored.publication is not None, f"release {stored.id} was listed but not read"
    return stored.publication


def stored_as_audited(stored: list[archive.StoredRelease]) -> list[ArchiveRelease]:
    """Return the archive's releases (withdrawn ones included: they were public) for the archive audit."""
    return [ArchiveRelease(s.id, _publication(s), revision=s.revision, withdrawn=s.withdrawn) for s in stored]


def history_from(audit: ArchiveAudit, newest: Release) -> ReleaseHistory:
    """Return what the archive fixes for the next release: grains, and per closed cell its record."""
    grains = {table.pooled_from or table.id: table.id for table in newest.tables}
    latest = audit.records[-1]
    cells: dict[str, dict[tuple[str, ...], ClosedCell]] = {}
    for (table_id, key), record in latest.items():
        values, intervals = [], []
        for version in audit.records:
            seen = version.get((table_id, key))
            if seen is None:
                continue
            if seen.value is not None:
                values.append(seen.value)
            else:
                intervals.append((seen.low, seen.high))
        cells.setdefault(table_id, {})[key] = ClosedCell(record.value, tuple(dict.fromkeys(values)), tuple(intervals))
    # Statistics (medians) and staff counts: their published figures and withheld cells, from the newest release.
    for table in newest.tables:
        if table.id in cells:
            continue
        cells[table.id] = {c.key(table.dimensions): ClosedCell(None if c.suppressed else c.value) for c in table.cells}
    return ReleaseHistory(grains, cells)


def last_month_for(as_of: dt.date, cadence: str) -> str:
    """Return the last whole month a release as of ``as_of`` covers under ``cadence``."""
    if cadence not in CADENCES:
        raise ArchiveError(f"LEAD_RELEASE_CADENCE must be one of {', '.join(CADENCES)}, got {cadence!r}")
    window = ReleaseWindow.ending(as_of, "0001-01")
    return (window.ending_on_quarter() if cadence == "quarterly" else window).last_month


def check_cadence(entries: list[dict], as_of: dt.date, last_month: str, revision: bool) -> None:
    """Refuse a release that repeats a period without ``revision``, goes back in time, or reuses an id."""
    release_id = as_of.isoformat()
    if any(e["id"] == release_id for e in entries):
        raise ArchiveError(
            f"release {release_id} already exists; releases are never replaced (a revision needs a later --as-of date)"
        )
    if not entries:
        return
    newest = entries[-1]
    if release_id < newest["id"]:
        raise ArchiveError(f"the newest release is {newest['id']}; a new one must be as of a later date")
    if last_month < newest["last_month"]:
        raise ArchiveError(
            f"a release as of {release_id} would end with {last_month}, before the newest "
            f"release's {newest['last_month']}"
        )
    if last_month == newest["last_month"] and not revision:
        raise ArchiveError(
            f"release {newest['id']} already covers the months to {last_month}; a second "
            "release for the same period needs --revision"
        )


def make_release(
    url: str,
    directory,
    *,
    as_of: dt.date | None = None,
    revision: bool = False,
    threshold: int = DEFAULT_THRESHOLD,
    cadence: str = "monthly",
    source: str = "database",
    first_month: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    declarations=TABLES,
    ratio_declarations=RATIOS,
) -> ReleaseOutcome:
    """Protect, audit and add one release to the archive at ``directory``; raise ArchiveError on refusal.

    The first release starts at ``first_month`` (else the program's first month in the data); later
    releases keep the archive's first month.
    """
    from publishing.build import build_from_database, truth_for

    as_of = as_of or dt.date.today()
    seconds: dict[str, float] = {}
    archive.prepare(directory)
    with archive.locked(directory):
        archive.clear_staging(directory)
        started = time.perf_counter()
        stored = archive.read_releases(directory)
        entries = [s.entry for s in stored]
        check_cadence(entries, as_of, last_month_for(as_of, cadence), revision)
        history = None
        if stored:
            newest = _publication(stored[-1]).release
            if newest.threshold != threshold:
                raise ArchiveError(
                    f"the archive's threshold is {newest.threshold}, this release's {threshold}: "
                    "an archive keeps one threshold (start a new archive to change it)"
                )
            if first_month is not None and newest.first_month != first_month:
                raise ArchiveError(
                    f"the archive starts in {newest.first_month}, the setting says "
                    f"{first_month}: an archive keeps its first month"
                )
            first_month = newest.first_month
            before = audit_archive(stored_as_audited(stored))
            if not before.passed:
                raise ArchiveError(
                    f"the archive fails its own audit ({len(before.failures)} cell(s), "
                    f"{len(before.problems)} problem(s)); run `lead-dashboard audit {directory}`"
                )
            history = history_from(before, _publication(stored[-1]))
        seconds["archive read and audited"] = time.perf_counter() - started

        started = time.perf_counter()
        try:
            publication, report, _ = build_from_database(
                url,
                as_of=as_of,
                threshold=threshold,
                source=source,
                first_month=first_month,
                progress=progress,
                whole_periods=True,
                cadence=cadence,
                history=history,
                revision=revision,
                declarations=declarations,
                ratio_declarations=ratio_declarations,
            )
        except ClosedPeriodChanged as error:
            raise ArchiveError(f"{error}. Check the data; if the change is right, release with --revision") from None
        except ClosedFigureConflict as error:
            raise ArchiveError(
                f"{error}: the data behind figures already published changed. Check the data; if the "
                "change is right, release with --revision"
            ) from None
        seconds["built"] = time.perf_counter() - started

        started = time.perf_counter()
        alone = audit_publication(publication, truth_for(url, publication))
        if not alone.passed:
            raise ArchiveError(
                f"the release failed its own audit ({len(alone.failures)} cell(s), "
                f"{len(alone.value_mismatches)} mismatch(es)): nothing was written"
            )
        candidate = ArchiveRelease(as_of.isoformat(), publication, revision=revision)
        whole = audit_archive([*stored_as_audited(stored), candidate])
        if not whole.passed:
            shown = "; ".join(
                [*whole.problems[:3], *(f"{f.table_id} {f.cell}: {f.problem}" for f in whole.failures[:3])]
            )
            raise ArchiveError(f"the archive with this release fails the archive audit: {shown}; nothing was written")
        seconds["audited"] = time.perf_counter() - started

        started = time.perf_counter()
        revised = revised_cells(history.cells, publication) if history else {}
        entry = archive.add_release(directory, as_of.isoformat(), publication, revision=revision, revised=revised)
        seconds["written"] = time.perf_counter() - started
    return ReleaseOutcome(entry, report, whole, seconds)
