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
from dataclasses import dataclass, field
from typing import Any

from aggregation import registry
from aggregation.audit import AuditReport, audit_publication
from aggregation.audit_model import TIME, WINDOW, fmt, is_published, months_between

__all__ = ["ArchiveAudit", "ArchiveRelease", "CellRecord", "Revision", "audit_archive", "union_publication"]


@dataclass(frozen=True)
class ArchiveRelease:
    """One saved release: its id, its publication, and whether it starts a new version of the data."""

    id: str
    publication: dict
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


def _coverage(table: dict, cell: dict, window: frozenset[str]) -> frozenset[str]:
    """Return the months of ``window`` that a cell counts (its time dimensions and filters)."""
    months = window
    for d in table.get("dimensions") or []:
        if d in TIME:
            months = months & _period_months(str(cell.get(d)), d)
    for d, v in (table.get("filters") or {}).items():
        if d in TIME:
            values = v if isinstance(v, list) else [v]
            months = months & frozenset().union(*(_period_months(str(x), d) for x in values))
    return months


def _signature(table: dict) -> tuple:
    """Return what makes two tables of one id the same quantity: measure, dimensions, filters."""
    filters = tuple(sorted((str(k), str(v)) for k, v in (table.get("filters") or {}).items()))
    return (table.get("measure"), tuple(table.get("dimensions") or []), filters, table.get("statistic"))


def _window(publication: dict) -> frozenset[str]:
    """Return the months of a publication's window."""
    release = publication.get("release") or {}
    return frozenset(months_between(str(release["first_month"]), str(release["last_month"])))


# --------------------------------------------------------------------------------------------
# The union of one version's releases.


def union_publication(releases: list[tuple[str, dict]]) -> tuple[dict, list[str]]:
    """Return the union publication of ``(id, publication)`` pairs (oldest first) and its problems."""
    problems: list[str] = []
    newest = releases[-1][1]
    windows = {rid: _window(pub) for rid, pub in releases}
    all_months = frozenset().union(*windows.values())
    thresholds = {(pub["release"].get("threshold"), pub["release"].get("p_percent")) for _, pub in releases}
    if len(thresholds) > 1:
        problems.append(
            f"the releases use different thresholds {sorted(map(str, thresholds))}: an archive keeps one threshold"
        )
    # A hierarchy (the geography, a grouping of codes) may be added, never changed: cells of one release
    # would not mean what the same cells of another mean.
    definitions: dict[str, set[str]] = defaultdict(set)
    for _, pub in releases:
        for key, hierarchy in (pub.get("hierarchies") or {}).items():
            definitions[str(key)].add(
                repr(sorted(hierarchy.items())) if isinstance(hierarchy, dict) else repr(hierarchy)
            )
    changed = sorted(key for key, seen in definitions.items() if len(seen) > 1)
    if changed:
        problems.append(
            f"the hierarchies {', '.join(changed)} (the geography, or a grouping of codes) changed "
            "between releases without a revision"
        )

    union_defs: dict[str, dict] = {}  # table id -> the newest definition
    for _, pub in releases:
        for table in pub.get("tables") or []:
            union_defs[str(table["id"])] = table
    newest_ids = {str(t["id"]) for t in newest.get("tables") or []}

    merged: dict[str, dict[tuple, dict]] = defaultdict(dict)  # table id -> key -> union cell
    seen_in: dict[tuple[str, tuple], list[tuple[str, Any]]] = defaultdict(list)
    pseudo: dict[tuple[str, str, frozenset], dict] = {}
    location: dict[tuple[str, str, tuple], str] = {}  # (release, table, key) -> union table id
    for rid, pub in releases:
        window = windows[rid]
        for table in pub.get("tables") or []:
            tid = str(table["id"])
            dims = [str(d) for d in table.get("dimensions") or []]
            same = tid in newest_ids and _signature(union_defs[tid]) == _signature(table)
            for cell in table.get("cells") or []:
                key = tuple(str(cell.get(d)) for d in dims)
                covered = _coverage(table, cell, window)
                if same and covered == _coverage(table, cell, all_months):
                    _merge(merged[tid], key, dims, cell)
                    if is_published(cell):
                        seen_in[(tid, key)].append((rid, cell.get("value")))
                    location[(rid, tid, key)] = tid
                    continue
                group = pseudo.setdefault(
                    (tid, rid, covered),
                    {
                        **{k: v for k, v in table.items() if k not in ("cells", "id", "filters", "pooled_from")},
                        "id": f"{tid}@{rid}"
                        + (
                            f"#{len([p for p in pseudo if p[:2] == (tid, rid)])}"
                            if any(p[:2] == (tid, rid) for p in pseudo)
                            else ""
                        ),
                        "filters": {**(table.get("filters") or {}), "month": sorted(covered)},
                        "cells": [],
                    },
                )
                group["cells"].append(dict(cell))
                location[(rid, tid, key)] = group["id"]

    tables = []
    for tid, table in union_defs.items():
        if tid not in newest_ids:
            continue
        dims = [str(d) for d in table.get("dimensions") or []]
        cells = list(merged[tid].values())
        tables.append({**{k: v for k, v in table.items() if k != "cells"}, "cells": cells})
        for key, figures in ((k, v) for (t, k), v in seen_in.items() if t == tid):
            distinct = sorted({float(v) for _, v in figures if v is not None})
            if len(distinct) > 1:
                where = ", ".join(f"{d} {v}" for d, v in zip(dims, key, strict=False))
                shown = ", ".join(f"{v} in {r}" for r, v in figures)
                problems.append(f"{tid} ({where}) was published with different figures without a revision: {shown}")
    tables.extend(pseudo.values())

    ratios, seen_ratios = [], set()
    for rid, pub in releases:
        tables_of = {str(t["id"]): t for t in pub.get("tables") or []}
        for ratio in pub.get("ratios") or []:
            mapped = dict(ratio)
            for role in ("numerator", "denominator"):
                ref = ratio.get(role)
                try:
                    tid, selection = str(ref[0]), dict(ref[1])
                except (TypeError, IndexError, KeyError, ValueError):
                    continue  # the audit reports a malformed ratio
                key = _selected_key(tables_of.get(tid), selection)
                mapped[role] = [location.get((rid, tid, key), tid) if key is not None else tid, selection]
            marker = repr(sorted((k, repr(v)) for k, v in mapped.items()))
            if marker not in seen_ratios:
                seen_ratios.add(marker)
                ratios.append(mapped)

    domains: dict[str, list[str]] = {}
    labels: dict[str, dict] = {}
    measures: dict[str, dict] = {}
    for _, pub in releases:
        for d, values in (pub.get("domains") or {}).items():
            known = domains.setdefault(d, [])
            known.extend(v for v in values if v not in known)
        for d, names in (pub.get("labels") or {}).items():
            labels.setdefault(d, {}).update(names)
        measures.update(pub.get("measures") or {})
    domains["month"] = sorted(all_months)
    first = min(str(pub["release"]["first_month"]) for _, pub in releases)
    last = max(str(pub["release"]["last_month"]) for _, pub in releases)
    release = {**newest["release"], "first_month": first, "last_month": last}
    union = {
        "format": newest.get("format"),
        "release": release,
        "hierarchies": newest.get("hierarchies") or {},
        "domains": domains,
        "measures": measures,
        "labels": labels,
        "tables": tables,
        "ratios": ratios,
    }
    return union, problems


def _merge(cells: dict[tuple, dict], key: tuple, dims: list[str], cell: dict) -> None:
    """Add one release's cell to a union table: published wins; the latest published figure is kept."""
    if key not in cells or is_published(cell):
        cells[key] = {**{d: str(cell.get(d)) for d in dims}, **{k: v for k, v in cell.items() if k not in dims}}


def _selected_key(table: dict | None, selection: dict) -> tuple | None:
    """Return the key of the one cell a ratio's selection names, or None."""
    if table is None:
        return None
    dims = [str(d) for d in table.get("dimensions") or []]
    found = [c for c in table.get("cells") or [] if all(str(c.get(d)) == str(v) for d, v in selection.items())]
    return tuple(str(found[0].get(d)) for d in dims) if len(found) == 1 else None


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


def _records(union: dict, report: AuditReport) -> dict[tuple[str, tuple[str, ...]], CellRecord]:
    """Return, per count cell of the union's own tables, its published figure or its attacker interval."""
    intervals = {}
    for ci in report.intervals:
        if "complement_without" in ci.cell:
            continue
        intervals[(ci.table_id, tuple(sorted(ci.cell.items())))] = (ci.low, ci.high)
    records = {}
    for table in union["tables"]:
        if "@" in str(table["id"]) or table.get("statistic"):
            continue
        measure = str(table.get("measure"))
        if measure in registry.UNSUPPRESSED_MEASURES:
            continue
        dims = [str(d) for d in table.get("dimensions") or []]
        for cell in table["cells"]:
            key = tuple(str(cell.get(d)) for d in dims)
            if is_published(cell):
                v = float(cell["value"])
                records[(table["id"], key)] = CellRecord(v, v, v)
            else:
                low, high = intervals.get((table["id"], tuple(sorted(zip(dims, key, strict=False)))), (0.0, math.inf))
                if math.isnan(low) or math.isnan(high):
                    low, high = 0.0, math.inf
                records[(table["id"], key)] = CellRecord(None, low, high)
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
    truth: Callable[[dict], dict] | None = None,
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
    k = int(releases[-1].publication["release"].get("threshold", 11)) if releases else 11
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
                    dims = next(t["dimensions"] for t in versions[b][-1].publication["tables"] if t["id"] == table_id)
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
