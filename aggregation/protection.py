"""Secondary suppression over the whole publication at once, proven by linear programming.

For each family of linked tables, each sensitive cell must be provably anywhere in
[0, k] or beyond in the attacker's model (``aggregation.family_model``); where it is
not, an auxiliary LP picks the cheapest published cells whose release would have
pinned it down, and those are suppressed too. Pure computation: no I/O. The
independent check is ``aggregation.audit``; this module must not import it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from .family_model import (
    KEEP_PUBLISHED,
    KEEP_SUPPRESSED,
    CellHistory,
    ClosedFigureConflict,
    Complement,
    CountTable,
    Family,
    FamilyModel,
    InconsistentFigures,
    conditions_of,
    family_of,
)
from .rules import Rule
from .structure import Structure

__all__ = [
    "CellHistory",
    "ClosedFigureConflict",
    "Complement",
    "CountTable",
    "InconsistentFigures",
    "ProtectionResult",
    "conditions_of",
    "family_of",
    "primary_sensitivity",
    "protect",
]


@dataclass
class ProtectionResult:
    """Which cells are suppressed, and why, with the figures the publish command prints."""

    suppressed: dict[str, np.ndarray]  # table id -> bool per row
    primary: dict[str, np.ndarray]  # table id -> bool per row (sensitive by the primary rule)
    solves: int = 0
    milp_solves: int = 0
    families: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------
# The whole publication


def primary_sensitivity(table: CountTable, rule: Rule) -> list[str | None]:
    """Return, per cell, why the primary rule marks it sensitive (None: it does not)."""
    declaration = table.declaration
    if not declaration.suppressed_by_rule:
        return [None] * len(table.cells)
    zeros = declaration.geographic
    reasons = []
    for value, people, top1, top2 in table.cells[["value", "people", "top1", "top2"]].itertuples(index=False):
        people = None if pd.isna(people) else int(people)
        top1 = None if pd.isna(top1) else int(top1)
        top2 = None if pd.isna(top2) else int(top2)
        reasons.append(rule.sensitivity(int(value), people, top1, top2, zero_is_sensitive=zeros))
    return reasons


def _zero_implied(model: FamilyModel, reasons: dict[str, list[str | None]]) -> dict[int, list[int]]:
    """Drop zero-sensitivity where a published zero cell containing the cell already implies it.

    Returns, per relieved row, the zero rows that imply it: if all of them end up suppressed
    (as secondaries), the row is a sensitive zero again.
    """
    # A zero row holding this one holds its first unknown: index every published zero under each of its
    # unknowns, and look a sensitive zero up by its first.
    by_variable: dict[int, list[int]] = defaultdict(list)
    for i, row in enumerate(model.rows):
        if row.table_id is not None and row.value == 0 and not row.sensitive:
            for v in row.variables.tolist():
                by_variable[v].append(i)
    implied_by: dict[int, list[int]] = {}
    for index, row in enumerate(model.rows):
        if row.reason != "zero" or len(row.variables) == 0:
            continue
        mine = set(row.variables.tolist())
        implying = sorted(
            j for j in by_variable.get(int(row.variables[0]), []) if mine <= set(model.rows[j].variables.tolist())
        )
        if implying:
            assert row.table_id is not None  # a zero is a cell of a table, never a complement
            row.sensitive = False
            row.reason = None
            reasons[row.table_id][row.row] = None
            implied_by[index] = implying
    return implied_by


def _zeros_no_longer_implied(
    model: FamilyModel, implied_by: dict[int, list[int]], reasons: dict[str, list[str | None]]
) -> list[int]:
    """Make sensitive again, and suppress, published zeros whose implying zeros were all suppressed."""
    exposed = [
        i
        for i, implying in implied_by.items()
        if model.rows[i].published and not any(model.rows[j].published for j in implying)
    ]
    for i in exposed:
        row = model.rows[i]
        if model.locked_row(i):
            raise ClosedFigureConflict(f"{row.table_id} row {row.row}: a published zero is no longer implied")
        assert row.table_id is not None  # a zero is a cell of a table, never a complement
        row.sensitive, row.reason = True, "zero"
        reasons[row.table_id][row.row] = "zero"
        model.witnessed_low[i] = model.witnessed_high[i] = False
        del implied_by[i]
        model.suppress(i)
    return exposed


def protect(
    tables: list[CountTable],
    structure: Structure,
    rule: Rule,
    complements: Sequence[Complement] = (),
    progress: Callable[[str, int, int], None] | None = None,
) -> ProtectionResult:
    """Choose the suppressed cells of every count table so that every protection requirement holds."""
    reasons = {t.declaration.id: primary_sensitivity(t, rule) for t in tables}
    result = ProtectionResult(
        suppressed={t.declaration.id: np.zeros(len(t.cells), dtype=bool) for t in tables},
        primary={},
    )
    families: dict[str, list[CountTable]] = defaultdict(list)
    for t in tables:
        if t.declaration.suppressed_by_rule and t.declaration.statistic is None:
            families[family_of(t.declaration)].append(t)
    by_family_complements: dict[str, list[Complement]] = defaultdict(list)
    for c in complements:
        table = next(t for t in tables if t.declaration.id == c.table_id)
        by_family_complements[family_of(table.declaration)].append(c)

    for key in sorted(families):
        members = families[key]
        core = [t for t in members if not t.declaration.supplement]
        if core and len(core) < len(members):
            # The family's tables first, then its supplements fitted around them: a supplement never
            # withholds more of the others (their cells keep the first pass's status).
            # (A pass relieves zeros that a published zero implies, in ``reasons``: each pass starts afresh.)
            original = {t.declaration.id: list(reasons[t.declaration.id]) for t in members}
            _protect_family(key, core, structure, rule, reasons, by_family_complements.get(key, []), result, progress)
            reasons.update({i: list(r) for i, r in original.items()})
            pinned = [
                _pinned(t, result.suppressed[t.declaration.id], original[t.declaration.id]) if t in core else t
                for t in members
            ]
            try:
                _protect_family(
                    key, pinned, structure, rule, reasons, by_family_complements.get(key, []), result, progress
                )
                continue
            except (RuntimeError, ClosedFigureConflict):  # the first pass's figures leave a supplement's cell
                reasons.update({i: list(r) for i, r in original.items()})  # exposed: protect the family as a whole
                result.families.append(
                    f"{key}: the supplements could not be fitted around the other tables; protected together"
                )
        _protect_family(key, members, structure, rule, reasons, by_family_complements.get(key, []), result, progress)
    for t in tables:
        result.primary[t.declaration.id] = np.asarray([r is not None for r in reasons[t.declaration.id]])
    return result


def _protect_family(
    key: str,
    members: list[CountTable],
    structure: Structure,
    rule: Rule,
    reasons: dict[str, list[str | None]],
    complements: list[Complement],
    result: ProtectionResult,
    progress: Callable[[str, int, int], None] | None,
) -> None:
    """Choose the suppressed cells of one family's tables; record them and the solver figures in ``result``."""
    family = Family(key, members, structure)
    family_ids = {t.declaration.id for t in members}
    model = FamilyModel(family, rule, reasons, [c for c in complements if c.table_id in family_ids])
    implied_by = _zero_implied(model, reasons)
    result.families.append(
        f"{key}: {len(members)} tables, {len(model.rows)} cells, "
        f"{len(model.cliques)} cliques, {model.num_variables} unknowns"
    )
    family_rows = len(result.families) - 1
    conflicts = [model.rows[i] for i, row in enumerate(model.rows) if row.sensitive and model.locked_row(i)]
    if conflicts:
        named = ", ".join(f"{row.table_id} row {row.row} ({row.reason})" for row in conflicts[:5])
        raise ClosedFigureConflict(f"{len(conflicts)} figure(s) published earlier are now sensitive: {named}")
    queue = [i for i, row in enumerate(model.rows) if row.sensitive or row.status == KEEP_SUPPRESSED]
    for i in queue:
        if model.rows[i].complement is None:
            model.suppress(i)
    model.seed_witnesses(queue)
    done = 0
    position = 0
    while position < len(queue) or (exposed := _zeros_no_longer_implied(model, implied_by, reasons)):
        if position >= len(queue):
            queue.extend(exposed)
            continue
        index = queue[position]
        position += 1
        attempts = 0
        while not model.protected(index) and (side := model.shortfall(index)) is not None:
            attempts += 1
            freed_any = []
            for other in model.widen(index, side, integer=attempts > 1):
                freed_any += model.suppress(other)
            if not freed_any:
                if attempts > 2:
                    raise RuntimeError(f"cannot protect row {index} of {key}")
                continue
            new_rows = [i for i in freed_any if not model.rows[i].sensitive]
            model.seed_witnesses(new_rows)
            queue.extend(new_rows)
        done += 1
        if progress:
            progress(key, done, len(queue))
    for t in members:
        rows = model.table_rows[t.declaration.id]
        result.suppressed[t.declaration.id] = np.asarray([not model.rows[i].published for i in rows])
    result.families[family_rows] += (
        f", {model.solves} solves ({model.milp_solves} MILP): "
        f"LP {model.seconds['lp']:.1f} s, MILP {model.seconds['milp']:.1f} s"
    )
    result.solves += model.solves
    result.milp_solves += model.milp_solves


def _pinned(table: CountTable, suppressed: np.ndarray, reasons: list[str | None]) -> CountTable:
    """Return the table with each cell's status fixed to ``suppressed``: a withheld cell stays withheld, a
    published one stays published, except zeros (withholding one loses no value, and may be needed: zeros
    published beside each other can imply a zero group)."""
    history = table.history or CellHistory.free(len(table.cells))
    keep = np.asarray([r is None for r in reasons]) & (table.cells["value"].to_numpy() != 0)
    status = np.where(suppressed, KEEP_SUPPRESSED, np.where(keep, KEEP_PUBLISHED, history.status))
    return replace(table, history=replace(history, status=status.astype(np.int8)))
