"""What earlier releases fix for a new one: closed cells, their figures and attacker intervals.

A release joins an archive whose every release anyone may have saved (docs/releases.md).
A cell of a closed period keeps the status, figure and grain it was first published
with; when its data changed (a revision), the old and new figures are different
quantities whose difference must never be provably 1 to k-1. This module turns the
archive's public record (handed in by the caller) into per-cell ``CellHistory`` for the
engine. Pure computation: no I/O; must not import ``aggregation.audit``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from core.release_model import Release

from .family_model import FREE, KEEP_PUBLISHED, KEEP_SUPPRESSED, CellHistory, CountTable
from .rules import Rule


@dataclass(frozen=True)
class ClosedCell:
    """One cell as the archive shows it, over every version of the data it was released from."""

    published: int | float | None  # the figure the latest version published; None when it withheld it
    values: tuple[float, ...] = ()  # every figure any version published
    intervals: tuple[tuple[float, float], ...] = ()  # the attacker's interval in each version that withheld it


@dataclass(frozen=True)
class ReleaseHistory:
    """The archive's public record, as the next release must respect it."""

    grains: Mapping[str, str] = field(default_factory=dict)  # declared table id -> the id it was published as
    cells: Mapping[str, Mapping[tuple[str, ...], ClosedCell]] = field(default_factory=dict)


@dataclass(frozen=True)
class ClosedChange:
    """A closed cell whose figure differs from what the archive published."""

    table_id: str
    cell: Mapping[str, str]
    old: int | float | None
    new: int | float | str | None  # a figure, or a figure with a note ("12 (now sensitive)")

    def describe(self) -> str:
        """Return one line: table, cell, old and new figure."""
        where = ", ".join(f"{d} {v}" for d, v in self.cell.items())
        return f"{self.table_id} ({where}): published {self.old}, now {self.new}"


class ClosedPeriodChanged(ValueError):
    """Figures of closed periods changed and the release does not declare a revision."""

    def __init__(self, changes: list[ClosedChange]):
        self.changes = changes
        shown = "; ".join(c.describe() for c in changes[:5])
        more = f" and {len(changes) - 5} more" if len(changes) > 5 else ""
        super().__init__(f"{len(changes)} published figure(s) of closed periods changed: {shown}{more}")


def _small_difference(new: float, old: float, k: int) -> bool:
    """Return whether two figures differ by 1 to k-1."""
    return 1 <= abs(new - old) <= k - 1


def table_history(
    table: CountTable, history: ReleaseHistory, sensitive: list[bool], rule: Rule, revision: bool
) -> tuple[CellHistory, list[ClosedChange]]:
    """Return the engine's history for one count table and the closed figures that changed.

    A cell published before and unchanged stays published; one withheld before stays withheld;
    every withheld cell must let the attacker reach each earlier interval and each earlier figure
    it differs from by 1 to k-1. A changed published figure is a change: a revision withholds it
    when it differs from an earlier figure by 1 to k-1, else lets the engine decide.
    """
    declaration = table.declaration
    dims = list(declaration.dimensions)
    closed = history.cells.get(declaration.id, {})
    size = len(table.cells)
    result = CellHistory.free(size)
    changes: list[ClosedChange] = []
    if not closed:
        return result, changes
    k = rule.threshold
    keys = table.cells[dims].astype(str).itertuples(index=False, name=None) if dims else iter([()] * size)
    values = table.cells["value"].to_numpy()
    for row, key in enumerate(keys):
        before = closed.get(tuple(key))
        if before is None:
            continue
        value = float(values[row])
        at_most, at_least = math.inf, -math.inf
        for low, high in before.intervals:
            at_most, at_least = min(at_most, high), max(at_least, low)
        for old in before.values:
            if _small_difference(value, old, k):
                at_most, at_least = min(at_most, old), max(at_least, old)
        result.at_most[row], result.at_least[row] = at_most, at_least
        if before.published is None:
            result.status[row] = KEEP_SUPPRESSED
            continue
        changed = value != float(before.published)
        if changed:
            changes.append(
                ClosedChange(declaration.id, dict(zip(dims, key, strict=False)), before.published, _number(value))
            )
        if not changed and not sensitive[row]:
            result.status[row] = KEEP_PUBLISHED
        elif not revision:
            if not changed:  # same figure, but its people or dominance now make it sensitive
                changes.append(
                    ClosedChange(
                        declaration.id,
                        dict(zip(dims, key, strict=False)),
                        before.published,
                        f"{_number(value)} (now sensitive)",
                    )
                )
        elif sensitive[row] or any(_small_difference(value, old, k) for old in before.values):
            result.status[row] = KEEP_SUPPRESSED
        else:
            result.status[row] = FREE
    return result, changes


def _number(value: float) -> int | float:
    """Return an integral float as an int."""
    return int(value) if float(value).is_integer() else value


def revised_cells(previous: Mapping[str, Mapping[tuple[str, ...], ClosedCell]], publication: Release) -> dict[str, int]:
    """Return, per table, how many cells the archive published whose new published figure differs."""
    counts: dict[str, int] = {}
    for table in publication.tables:
        closed = previous.get(table.id, {})
        if not any(d in ("month", "quarter", "year") for d in table.dimensions):
            continue  # a table of the current state (focus areas): updated by every release, not revised
        n = 0
        for cell in table.cells:
            before = closed.get(cell.key(table.dimensions))
            if before is None or before.published is None or cell.value is None:
                continue
            if float(cell.value) != float(before.published):
                n += 1
        if n:
            counts[table.id] = n
    return counts
