"""Audit of an archive of releases: everything ever published, as someone who saved every one sees it.

The releases of one version of the data (from a revision to the next) are merged into one
*union publication*: a cell covering the same months in two releases is one quantity
(published if any release published it; two different figures for it are a failure); a cell
covering other months (a quarter or year "to date", a release with another window) becomes a
table of its own filtered to the months it covered. The union is then audited like one
publication (``aggregation.audit``). Across versions (revisions), the old and new figures of
a cell are different quantities: their difference, bounded by what each version lets an
attacker prove, must never be provably 1 to k-1 (nor -1 to -(k-1)).

Pure Python, no I/O. Like ``aggregation.audit``, this module must not import the suppression
engine (``protection``, ``family_model``, ``history``, ``publication``) nor ``data_access``.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from aggregation import registry
from aggregation.audit import AuditReport, audit_publication
from aggregation.audit_model import TIME, WINDOW, fmt, is_published, months_between
from core.facts import DEFAULT_THRESHOLD
from core.release_model import Cell, Measure, Release, Table

__all__ = ["ArchiveAudit", "ArchiveRelease", "CellRecord", "Revision", "audit_archive", "union_publication"]


@dataclass(frozen=True)
class ArchiveRelease:
    """One saved release: its id, its publication, and whether it starts a new version of the data."""

    id: str
    publication: Release
    revision: bool = False
    withdrawn: bool = False


@dataclass(frozen=True)
class Revision:
    """A cell published in two versions with different figures."""

    table_id: str
    cell: Mapping[str, str]
    old: float
    new: float
    old_release: str
    new_release: str


@dataclass(frozen=True)
class CellRecord:
    """What one version lets an attacker know of a cell: a published figure, or an interval."""

    value: float | None
    low: float
    high: float


@dataclass
class ArchiveAudit:
    """The archive audit's findings; ``passed`` only when no check failed."""

    versions: list[AuditReport]
    version_releases: list[list[str]]
    problems: list[str]  # failures of the archive as a whole (figures changed without a revision, ...)
    revisions: list[Revision]
    records: list[dict[tuple[str, tuple[str, ...]], CellRecord]]  # per version: (table id, key) -> record
    truth_revisions: list[str] = field(default_factory=list)  # published figures that differ from today's truth
    seconds: float = 0.0

    @property
    def failures(self) -> list:
        """Return every cell failure of every version."""
        return [f for report in self.versions for f in report.failures]

    @property
    def checked_cells(self) -> int:
        """Return how many withheld cells the versions' audits checked."""
        return sum(report.checked_cells for report in self.versions)

    @property
    def passed(self) -> bool:
        """Return whether every check of the archive passed."""
        return not self.problems and all(not r.failures for r in self.versions)


# --------------------------------------------------------------------------------------------
# Months a cell covers.


def _period_months(value: str, grain: str) -> frozenset[str]:
    """Return the month keys of one period (month, quarter or year key, or a 12-month window first/last)."""
    if grain == WINDOW:
        first, _, last = value.partition("/")
        return frozenset(months_between(first, last))
    if grain == "month":
        return frozenset([value])
    year = value[:4]
    if grain == "quarter":
        q = int(value[-1])
        return frozenset(f"{year}-{m:02d}" for m in range(3 * q - 2, 3 * q + 1))
    return frozenset(f"{year}-{m:02d}" for m in range(1, 13))


def _coverage(table: Table, cell: Cell, window: frozenset[str]) -> frozenset[str]:
    """Return the months of ``window`` that a cell counts (its time dimensions and filters)."""
    months = window
    for d in table.dimensions:
        if d in TIME:
            months = months & _period_months(cell.where[d], d)
    for d in table.filters:
        if d in TIME:
            months = months & frozenset().union(*(_period_months(x, d) for x in table.filter_values(d)))
    return months


def _signature(table: Table) -> tuple:
    """Return what makes two tables of one id the same quantity: measure, dimensions, filters."""
    filters = tuple(sorted((k, str(v)) for k, v in table.filters.items()))
    return (table.measure, table.dimensions, filters, table.statistic)


def _window(publication: Release) -> frozenset[str]:
    """Return the months of a publication's window."""
    return frozenset(months_between(publication.release.first_month, publication.release.last_month))


# --------------------------------------------------------------------------------------------
# The union of one version's releases.


def union_publication(releases: list[tuple[str, Release]]) -> tuple[Release, list[str]]:
    """Return the union publication of ``(id, publication)`` pairs (oldest first) and its problems."""
    newest = releases[-1][1]
    problems = _rule_and_hierarchy_changes(releases)
    tables, location = _union_tables(releases, problems)
    domains: dict[str, list[str]] = {}
    labels: dict[str, dict[str, str]] = {}
    measures: dict[str, Measure] = {}
    for _, pub in releases:
        for d, values in pub.domains.items():
            known = domains.setdefault(d, [])
            known.extend(v for v in values if v not in known)
        for d, names in pub.labels.items():
            labels.setdefault(d, {}).update(names)
        measures.update(pub.measures)
    domains["month"] = sorted(frozenset().union(*(_window(pub) for _, pub in releases)))
    first = min(pub.release.first_month for _, pub in releases)
    last = max(pub.release.last_month for _, pub in releases)
    union = Release(
        format=newest.format,
        release=replace(newest.release, first_month=first, last_month=last),
        hierarchies=newest.hierarchies,
        domains={d: tuple(values) for d, values in domains.items()},
        measures=measures,
        labels=labels,
        tables=tuple(tables),
        ratios=tuple(_union_ratios(releases, location)),
    )
    return union, problems


def _rule_and_hierarchy_changes(releases: list[tuple[str, Release]]) -> list[str]:
    """Return the problems of releases that change the rule, or a hierarchy, without a revision."""
    problems = []
    thresholds = {(pub.release.threshold, pub.release.p_percent) for _, pub in releases}
    if len(thresholds) > 1:
        problems.append(
            f"the releases use different thresholds {sorted(map(str, thresholds))}: an archive keeps one threshold"
        )
    # A hierarchy (the geography, a grouping of codes) may be added, never changed: cells of one release
    # would not mean what the same cells of another mean.
    definitions: dict[str, set[tuple]] = defaultdict(set)
    for _, pub in releases:
        for key, hierarchy in pub.hierarchies.items():
            definitions[key].add((hierarchy.parent, hierarchy.child, tuple(sorted(hierarchy.members.items()))))
    changed = sorted(key for key, seen in definitions.items() if len(seen) > 1)
    if changed:
        problems.append(
            f"the hierarchies {', '.join(changed)} (the geography, or a grouping of codes) changed "
            "between releases without a revision"
        )
    return problems


def _union_tables(
    releases: list[tuple[str, Release]], problems: list[str]
) -> tuple[list[Table], dict[tuple[str, str, tuple], str]]:
    """Return the union's tables and where each release's cell went: (release, table, key) -> union table id.

    A cell covering the same months in every release joins its table in the newest definition; a cell of a
    window that has moved on becomes a table of its own, filtered to the months it covered.
    """
    windows = {rid: _window(pub) for rid, pub in releases}
    all_months = frozenset().union(*windows.values())
    union_defs = {table.id: table for _, pub in releases for table in pub.tables}  # the newest definitions
    newest_ids = {t.id for t in releases[-1][1].tables}
    merged: dict[str, dict[tuple, Cell]] = defaultdict(dict)  # table id -> key -> union cell
    seen_in: dict[tuple[str, tuple], list[tuple[str, Any]]] = defaultdict(list)
    pseudo: dict[tuple[str, str, frozenset], tuple[Table, list[Cell]]] = {}
    location: dict[tuple[str, str, tuple], str] = {}
    for rid, pub in releases:
        for table in pub.tables:
            tid = table.id
            same = tid in newest_ids and _signature(union_defs[tid]) == _signature(table)
            for cell in table.cells:
                key = cell.key(table.dimensions)
                covered = _coverage(table, cell, windows[rid])
                if same and covered == _coverage(table, cell, all_months):
                    if key not in merged[tid] or is_published(cell):  # published wins; the latest figure stays
                        merged[tid][key] = cell
                    if is_published(cell):
                        seen_in[(tid, key)].append((rid, cell.value))
                    location[(rid, tid, key)] = tid
                    continue
                if (tid, rid, covered) not in pseudo:
                    pseudo[(tid, rid, covered)] = (_window_table(table, rid, covered, pseudo), [])
                group, cells = pseudo[(tid, rid, covered)]
                cells.append(cell)
                location[(rid, tid, key)] = group.id
    tables = []
    for tid, table in union_defs.items():
        if tid not in newest_ids:
            continue
        tables.append(replace(table, cells=tuple(merged[tid].values())))
        for key, figures in ((k, v) for (t, k), v in seen_in.items() if t == tid):
            distinct = sorted({float(v) for _, v in figures if v is not None})
            if len(distinct) > 1:
                where = ", ".join(f"{d} {v}" for d, v in zip(table.dimensions, key, strict=False))
                shown = ", ".join(f"{v} in {r}" for r, v in figures)
                problems.append(f"{tid} ({where}) was published with different figures without a revision: {shown}")
    tables.extend(replace(group, cells=tuple(cells)) for group, cells in pseudo.values())
    return tables, location


def _window_table(table: Table, rid: str, covered: frozenset[str], pseudo: Mapping[tuple, object]) -> Table:
    """Return an empty table for one release's cells of ``table`` that cover the months ``covered``."""
    earlier = len([p for p in pseudo if p[:2] == (table.id, rid)])
    return replace(
        table,
        id=f"{table.id}@{rid}" + (f"#{earlier}" if earlier else ""),
        filters={**table.filters, "month": tuple(sorted(covered))},
        pooled_from=None,
        cells=(),
    )


def _union_ratios(releases: list[tuple[str, Release]], location: Mapping[tuple[str, str, tuple], str]) -> list:
    """Return every release's ratios, each cell reference moved to the union table that holds the cell."""
    ratios, seen = [], set()
    for rid, pub in releases:
        for ratio in pub.ratios:
            refs = []
            for ref in (ratio.numerator, ratio.denominator):
                key = _selected_key(pub.table(ref.table), ref.where)
                moved = ref.table if key is None else location.get((rid, ref.table, key), ref.table)
                refs.append(replace(ref, table=moved))
            mapped = replace(ratio, numerator=refs[0], denominator=refs[1])
            marker = repr([(r.table, sorted(r.where.items())) for r in refs] + [ratio.id, ratio.per, ratio.unstable])
            if marker not in seen:
                seen.add(marker)
                ratios.append(mapped)
    return ratios


def _selected_key(table: Table | None, selection: Mapping[str, str]) -> tuple | None:
    """Return the key of the one cell a ratio's selection names, or None."""
    if table is None:
        return None
    found = [c for c in table.cells if all(c.where.get(d) == v for d, v in selection.items())]
    return found[0].key(table.dimensions) if len(found) == 1 else None


# --------------------------------------------------------------------------------------------
# The archive.


def _versions(releases: list[ArchiveRelease]) -> list[list[ArchiveRelease]]:
    """Split releases (oldest first) into versions of the data: a revision starts a new one."""
    versions: list[list[ArchiveRelease]] = []
    for release in releases:
        if not versions or release.revision:
            versions.append([])
        versions[-1].append(release)
    return versions


def _records(union: Release, report: AuditReport) -> dict[tuple[str, tuple[str, ...]], CellRecord]:
    """Return, per count cell of the union's own tables, its published figure or its attacker interval."""
    intervals = {}
    for ci in report.intervals:
        if "complement_without" in ci.cell:
            continue
        intervals[(ci.table_id, tuple(sorted(ci.cell.items())))] = (ci.low, ci.high)
    records = {}
    for table in union.tables:
        if "@" in table.id or table.statistic or table.measure in registry.UNSUPPRESSED_MEASURES:
            continue
        for cell in table.cells:
            key = cell.key(table.dimensions)
            if is_published(cell) and cell.value is not None:
                v = float(cell.value)
                records[(table.id, key)] = CellRecord(v, v, v)
            else:
                low, high = intervals.get((table.id, tuple(sorted(cell.where.items()))), (0.0, math.inf))
                if math.isnan(low) or math.isnan(high):
                    low, high = 0.0, math.inf
                records[(table.id, key)] = CellRecord(None, low, high)
    return records


def _difference_problem(a: CellRecord, b: CellRecord, k: int) -> str | None:
    """Return why the difference of a cell between two versions is provably 1 to k-1 in size, or None."""
    low, high = b.low - a.high, b.high - a.low
    if low >= 1 and high <= k - 1:
        return f"revised upward by a provable {fmt(low)} to {fmt(high)}"
    if -(k - 1) <= low and high <= -1:
        return f"revised downward by a provable {fmt(-high)} to {fmt(-low)}"
    return None


def audit_archive(
    releases: list[ArchiveRelease],
    truth: Callable[[Release], dict] | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> ArchiveAudit:
    """Audit every release together (oldest first); ``truth(union)`` gives today's true cells.

    Withdrawn releases stay in: they were public. With ``truth``, the latest version is also
    checked against it; its figures that differ from today's truth are reported as revisions.
    """
    started = time.perf_counter()
    versions = _versions(releases)
    reports, problems, records, revisions, truth_revisions = [], [], [], [], []
    for number, version in enumerate(versions):
        union, union_problems = union_publication([(r.id, r.publication) for r in version])
        problems += [f"version {number + 1} ({version[0].id} to {version[-1].id}): {p}" for p in union_problems]
        latest = number == len(versions) - 1
        truth_cells = truth(union) if truth is not None and latest else None
        report = audit_publication(union, truth_cells, progress=progress)
        if truth_cells is not None:
            truth_revisions = list(report.value_mismatches)
            report.value_mismatches = []
        reports.append(report)
        records.append(_records(union, report))
    k = releases[-1].publication.release.threshold if releases else DEFAULT_THRESHOLD
    for a in range(len(versions)):
        for b in range(a + 1, len(versions)):
            for key, after in records[b].items():
                before = records[a].get(key)
                if before is None:
                    continue
                table_id, cell_key = key
                problem = _difference_problem(before, after, k)
                if problem:
                    problems.append(
                        f"{table_id} {cell_key} between {versions[a][-1].id} and {versions[b][-1].id}: {problem}"
                    )
                if b == a + 1 and before.value is not None and after.value is not None and before.value != after.value:
                    dims = next(t.dimensions for t in versions[b][-1].publication.tables if t.id == table_id)
                    revisions.append(
                        Revision(
                            table_id,
                            dict(zip(dims, cell_key, strict=False)),
                            before.value,
                            after.value,
                            versions[a][-1].id,
                            versions[b][-1].id,
                        )
                    )
    return ArchiveAudit(
        reports,
        [[r.id for r in v] for v in versions],
        problems,
        revisions,
        records,
        truth_revisions,
        time.perf_counter() - started,
    )
