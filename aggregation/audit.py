"""Independent audit of a publication's disclosure control (docs/disclosure.md).

Given the release (``core.release_model.Release``, as read from ``publication.json``) and, optionally, the true
cells, works out what an attacker can prove about every suppressed count cell: the smallest and
largest value consistent with everything published, over non-negative integers, by linear and
integer programming (HiGHS through ``highspy``; small sub-problems through
``scipy.optimize.milp``). It then checks the protection requirement:

- from the public file alone: no suppressed cell exactly determined or provably in 1..k-1; no
  published count of 1..k-1, nor a published zero in a geographic table that no published zero
  containing it implies; published statistics stand on k people; ratios name two published
  cells and a denominator of at least k (denominators counting people: staff counts, which are
  never suppressed, are exempt); the published figures are consistent with each other;
- with the truth: every sensitive cell (value 1..k-1, fewer than k people, the p% rule, or a
  geographic zero) is suppressed with an attacker interval of [0, >= k]; so is every sensitive
  complement of a filtered or subset-measure cell (its parent without one or more of the
  conditions, minus the cell); every published value equals the truth.

The model, per *family* of linked tables (an additive measure with its subset measures; or a
stock measure at one time grain, where nothing links periods): the unknowns are the counts of a
joint table over the family's base dimensions (time at the finest grain used, neighborhoods when
tables need them, every categorical dimension, the flags of subset measures), factored by a
junction tree of the triangulated interaction graph. Each clique is coarsened to the classes of
values its tables tell apart, with partitions nested towards the root (a parent refines its
children), so that non-negative integer clique tables agreeing on the separators always extend
to a joint table: the model is exact. Each published cell is an equality; each table also says
that no unit lies outside the values it lists (the contract lists every combination). The rows
split into independent components (typically one per year), each solved with one warm-started
HiGHS model whose objective alone changes between solves.

Exact and conservative: intervals are the integer optimum, not the LP bound. An LP optimum is
accepted when its vertex is integral, or when an integer solution reaching its rounded bound is
found (a solution kept from earlier solves, or a small integer program over the variables where
the LP optimum and the nearest kept solution differ); otherwise the full integer program is
solved. Only if that hits its time limit is the best integer solution used, which narrows the
interval (conservative: it can only add failures) and says so in the problem. A measure without
an ``additive`` flag is treated as additive, and a measure the file does not describe takes its
``people`` and ``subset_of`` from ``aggregation.registry``, else counts as about people (all
conservative). Complements are checked only when the truth holds a table of the family
whose cells add up exactly to the parent (the unfiltered table or a finer one); otherwise
skipped.

The audit of one publication is in three parts: this module (the file checks and the verdicts),
``aggregation.audit_model`` (the model) and ``aggregation.audit_solve`` (the solves);
``aggregation.audit_archive`` audits an archive with them.

Pure Python, no file or database I/O. These modules import, of the project, only
``aggregation.registry`` (the declarations), ``aggregation.solver`` (a quiet HiGHS), ``core.facts``
through the registry, and each other: never ``data_access``, SQLAlchemy, Streamlit or the suppression
engine (``protection``, ``family_model``, ``publication``, ``history``, ``junction_tree``, ``rules``,
``structure``), so that one cannot hide the other's mistakes. import-linter enforces it
(``pyproject.toml``).
"""

from __future__ import annotations

import itertools
import math
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from aggregation.audit_model import (
    GRAIN_RANK,
    TIME,
    TOL,
    Context,
    Family,
    FTable,
    fmt,
    int_or,
    is_published,
    number,
)
from aggregation.audit_solve import ComponentKey, PartRef, Plan, solve_all
from core.release_model import DeclaredRatio, Release, Table

if TYPE_CHECKING:  # pragma: no cover
    import pandas

__all__ = ["CellInterval", "AuditReport", "audit_publication"]

# Records one failure: table id, cell, low, high, true value, sensitive, problem.
FailureRecorder = Callable[[str, Mapping[str, str], float, float, int | float | None, bool | None, str], None]


@dataclass(frozen=True)
class CellInterval:
    """What an attacker can prove about one cell (or one complement of a filtered cell)."""

    table_id: str
    cell: dict[str, str]  # the cell's dimension values (a complement adds "complement_without")
    low: float
    high: float  # may be math.inf
    value: int | float | None  # the true value when known (with truth), else None
    sensitive: bool | None  # with truth: primary-sensitive; else None
    problem: str | None  # None when the cell passes, else a short reason


@dataclass
class AuditReport:
    """The audit's findings; ``passed`` only when there is no failure and no mismatch.

    ``intervals`` holds every suppressed count cell and checked complement (passing or not) and
    every other failure; ``failures`` those with a problem.
    """

    intervals: list[CellInterval]
    failures: list[CellInterval]
    checked_cells: int  # suppressed cells and complements whose attacker interval was computed
    seconds: float
    value_mismatches: list[str]

    @property
    def passed(self) -> bool:
        """Return whether no cell failed and every published figure is true."""
        return not self.failures and not self.value_mismatches


# --------------------------------------------------------------------------------------------
# Truth.


class _Truth:
    """One table's true cells, keyed by their dimension values."""

    def __init__(self, frame: pandas.DataFrame, dims: list[str]):
        self.rows: dict[tuple[str, ...], dict[str, float | None]] = {}
        self.missing_columns = [d for d in dims if d not in frame.columns]
        if self.missing_columns:
            return
        for rec in frame.to_dict("records"):
            key = tuple(str(rec[d]) for d in dims)
            self.rows[key] = {f: number(rec.get(f)) for f in ("value", "people", "top1", "top2")}

    def get(self, key: tuple[str, ...]) -> dict[str, float | None] | None:
        """Return the true row of a cell, or None."""
        return self.rows.get(key)


def _sensitive(row: dict | None, geographic: bool, k: int, p: float) -> bool | None:
    """Return whether a true cell is sensitive under the primary rule (None when unknown)."""
    if row is None or row.get("value") is None:
        return None
    v = row["value"]
    if 1 <= v <= k - 1:
        return True
    if v <= 0:
        return bool(geographic) and v == 0
    people, top1, top2 = row.get("people"), row.get("top1"), row.get("top2")
    if people is not None and people < k:
        return True
    return top1 is not None and v - top1 - (top2 or 0.0) < p / 100.0 * top1


def _close(published: float, true: float, raw: Any) -> bool:
    """Return whether a published figure equals the true one, to the decimals it was published with."""
    if math.isclose(published, true, rel_tol=1e-9, abs_tol=1e-9):
        return True
    text = repr(raw)
    decimals = len(text.split(".")[1]) if "." in text and "e" not in text.lower() else 0
    return round(true, min(decimals, 9)) == published


# --------------------------------------------------------------------------------------------
# The audit.


@dataclass
class _Target:
    """One suppressed cell or complement whose attacker interval the audit computes."""

    family: Family
    table: FTable
    cell: dict[str, str]
    idx: np.ndarray
    value: int | float | None  # the true value, when known (a non-integral one is a failure of its own)
    sensitive: bool | None
    complement: str | None = None  # the dropped conditions, for a complement


def audit_publication(
    publication: Release,
    truth: dict[str, pandas.DataFrame] | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> AuditReport:
    """Audit ``publication`` (and, with ``truth``, the full protection requirement).

    ``truth`` maps a table id to a DataFrame with the table's dimension columns (strings) and
    ``value``, ``people``, ``top1``, ``top2`` (NA where not applicable), one row per cell.
    Complements of filtered cells (the cell's parent without one or more of its filters or
    subset-measure conditions, minus the cell) are checked when their true value can be
    computed, that is when ``truth`` holds a table of the family whose cells add up exactly to
    the parent (the unfiltered table, or a finer one); otherwise they are skipped.
    ``progress(done, total)`` is called as suppressed cells and complements are checked.
    """
    started = time.perf_counter()
    ctx = Context(publication)
    k = ctx.k
    intervals: list[CellInterval] = []
    failures: list[CellInterval] = []
    mismatches: list[str] = []
    truth = truth or {}
    truths: dict[str, _Truth] = {}

    def fail(
        table_id: str,
        cell: Mapping[str, str],
        low: float,
        high: float,
        value: int | float | None,
        sensitive: bool | None,
        problem: str,
    ) -> None:
        """Record one failure."""
        ci = CellInterval(str(table_id), dict(cell), float(low), float(high), value, sensitive, problem)
        intervals.append(ci)
        failures.append(ci)

    by_id: dict[str, Table] = {}
    family_entries: dict[tuple, list] = defaultdict(list)
    for raw in publication.tables:
        tid = raw.id
        if tid in by_id:
            fail(tid, {}, math.nan, math.nan, None, None, "duplicate table id")
        by_id[tid] = raw
        dims = list(raw.dimensions)
        tr = None
        if tid in truth and truth[tid] is not None:
            tr = truths[tid] = _Truth(truth[tid], dims)
            if tr.missing_columns:
                mismatches.append(f"{tid}: truth lacks columns {tr.missing_columns}")
        _check_cells(tid, raw, dims, tr, mismatches, fail)
        info = ctx.measure(raw)
        if raw.statistic:
            _check_statistic(raw, dims, tr, k, fail)
            continue
        if not info["people"]:
            continue
        family_key: tuple[str, ...]
        if info["additive"]:
            family_key = ("additive", info["root"])
        else:
            grains = [d for d in (*dims, *raw.filters) if d in TIME]
            family_key = ("stock", info["root"], min(grains, key=lambda d: GRAIN_RANK.get(d, 0)) if grains else "")
        family_entries[family_key].append((raw, info["where"]))

    # Families, published-cell checks and targets.
    targets: list[_Target] = []
    families: list[Family] = []
    for key in sorted(family_entries):
        fam = Family(ctx, key, family_entries[key])
        fam.position = len(families)
        families.append(fam)
        for t, ci in fam.structural_conflicts:
            cdict = dict(t.cells[ci].where)
            fail(
                t.id,
                cdict,
                0,
                0,
                None,
                None,
                f"published figures are inconsistent: {fmt(t.published[ci])} published for a cell that "
                "no unit can fall in (its values exclude each other)",
            )
        targets.extend(_family_checks(fam, truths, k, ctx.p, fail))

    _check_ratios(publication.ratios, by_id, ctx, fail)

    # Attacker intervals: each target is a sum of variables, split over independent components.
    total = len(targets)
    if progress is not None:
        progress(0, total)
    work, plans = _plan_solves(targets, families)
    results = solve_all(families, work, plans, progress, total)

    for tg, (parts, free) in zip(targets, plans, strict=False):
        interval = _verdict(tg, parts, free, results, k)
        intervals.append(interval)
        if interval.problem:
            failures.append(interval)
    for (fi, _label), (status, value) in sorted(results.items()):
        if status == "inconsistent":
            _report_inconsistent(families[fi], value, fail)
    return AuditReport(intervals, failures, total, time.perf_counter() - started, mismatches)


def _check_cells(
    tid: str, raw: Table, dims: list[str], tr: _Truth | None, mismatches: list[str], fail: FailureRecorder
) -> None:
    """Fail a withheld cell that carries a value; with the truth, note every published value that is not true."""
    for cell in raw.cells:
        key = cell.key(dims)
        cdict = dict(cell.where)
        if cell.suppressed and cell.value is not None:
            fail(tid, cdict, math.nan, math.nan, None, None, "suppressed cell carries a value in the file")
        if tr is not None and not tr.missing_columns and is_published(cell):
            row = tr.get(key)
            pub = number(cell.value)
            if row is None or row["value"] is None:
                mismatches.append(f"{tid} {cdict}: published {cell.value}, no true value")
            elif pub is None or not _close(pub, row["value"], cell.value):
                mismatches.append(f"{tid} {cdict}: published {cell.value}, true {fmt(row['value'])}")


def _check_statistic(raw: Table, dims: list[str], tr: _Truth | None, k: int, fail: FailureRecorder) -> None:
    """Fail every published statistic that stands on fewer than k people (in the file, or in truth)."""
    tid = raw.id
    for cell in raw.cells:
        if not is_published(cell):
            continue
        cdict = dict(cell.where)
        people = number(cell.people)
        v = number(cell.value)
        shown = math.nan if v is None else v
        if people is None or people < k:
            counted = fmt(people) if people is not None else "no"
            fail(tid, cdict, shown, shown, None, None, f"statistic published with {counted} people (k={k})")
        row = tr.get(cell.key(dims)) if tr is not None and not tr.missing_columns else None
        true_people = row.get("people") if row is not None else None
        if true_people is not None and true_people < k:
            problem = f"statistic published with {fmt(true_people)} true people (k={k})"
            fail(tid, cdict, shown, shown, None, True, problem)


def _check_ratios(
    ratios: tuple[DeclaredRatio, ...], by_id: dict[str, Table], ctx: Context, fail: FailureRecorder
) -> None:
    """Fail every ratio that does not name two published cells, or whose denominator counts fewer than k
    people (a staff count, never suppressed, is exempt)."""
    k = ctx.k
    for ratio in ratios:
        rid = ratio.id
        for role, ref in (("numerator", ratio.numerator), ("denominator", ratio.denominator)):
            tid, sel = ref.table, dict(ref.where)
            raw = by_id.get(tid)
            if raw is None:
                fail(tid, sel, math.nan, math.nan, None, None, f"ratio {rid}: {role} names a missing table")
                continue
            matches = [c for c in raw.cells if all(c.where.get(d) == v for d, v in sel.items())]
            if len(matches) != 1:
                fail(
                    tid, sel, math.nan, math.nan, None, None, f"ratio {rid}: {role} names {len(matches)} cells, not one"
                )
                continue
            cell = matches[0]
            if not is_published(cell):
                fail(tid, sel, math.nan, math.nan, None, None, f"ratio {rid}: {role} names a suppressed cell")
                continue
            v = number(cell.value)
            people_measure = ctx.measure(raw)["people"] and not raw.statistic
            if role == "denominator" and people_measure and (v is None or v < k):
                fail(
                    tid,
                    sel,
                    v if v is not None else math.nan,
                    v if v is not None else math.nan,
                    None,
                    None,
                    f"ratio {rid}: denominator {fmt(v) if v is not None else '?'} is under k={k}",
                )


def _plan_solves(
    targets: list[_Target], families: list[Family]
) -> tuple[dict[tuple[int, int], list[np.ndarray]], list[Plan]]:
    """Split each target (a sum of variables) over the independent components it touches; return the parts
    to solve per component and, per target, its parts and whether it has unconstrained variables."""
    work: dict[tuple[int, int], list[np.ndarray]] = {}  # component -> the parts solved in it
    part_index: dict[tuple[int, int, bytes], int] = {}
    plans: list[Plan] = []  # per target: (parts [(component, part)], free)
    for tg in targets:
        fi = tg.family.position
        comps = tg.family.var_comp[tg.idx]
        parts: list[PartRef] = []
        free = False
        for label in np.unique(comps):
            label = int(label)
            local = np.sort(tg.family.local_index[tg.idx[comps == label]])
            if not tg.family.has_rows(label):
                free = True  # variables no published figure constrains: unbounded above
                continue
            component: ComponentKey = (fi, label)
            pk = (fi, label, local.tobytes())
            if pk not in part_index:
                part_index[pk] = len(work.setdefault(component, []))
                work[component].append(local)
            parts.append((component, part_index[pk]))
        plans.append((parts, free))
    for fi, fam in enumerate(families):  # every component is checked for consistency
        for label in fam.components():
            work.setdefault((fi, label), [])
    return work, plans


def _verdict(tg: _Target, parts: list[PartRef], free: bool, results: dict, k: int) -> CellInterval:
    """Return a target's attacker interval, summed over its parts, and its problem if the requirement fails."""
    low, high = 0.0, (math.inf if free else 0.0)
    note: str | None = None
    for component, pi in parts:
        status, value = results[component]
        if status == "inconsistent":
            note = "inconsistent"
            break
        lo, hi, exact = value[pi]
        if lo is None or hi is None:
            note = "unverified"
            break
        low += lo
        high += hi
        if not exact:
            note = "approximate"
    cell = dict(tg.cell)
    if tg.complement is not None:
        cell["complement_without"] = tg.complement
    problem = None
    if note == "inconsistent":
        problem = "not audited: published figures linked to this cell are inconsistent"
    elif note == "unverified":
        problem = "not audited: the solver found no solution within its time limit"
    elif tg.complement is not None:
        if low == high:
            problem = f"sensitive complement (true {tg.value}) exactly determined: [{fmt(low)}, {fmt(high)}]"
        elif not (low == 0 and high >= k):
            problem = f"sensitive complement (true {tg.value}) provable in [{fmt(low)}, {fmt(high)}]"
    elif low == high:
        problem = f"exactly determined: [{fmt(low)}, {fmt(high)}]"
    elif tg.sensitive and not (low == 0 and high >= k):
        problem = f"sensitive cell provable in [{fmt(low)}, {fmt(high)}]"
    elif low >= 1 and high <= k - 1:
        problem = f"provable between 1 and {k - 1}: [{fmt(low)}, {fmt(high)}]"
    if problem and note == "approximate":
        problem += " (solver time limit: interval conservative)"
    if note in ("inconsistent", "unverified"):
        low, high = math.nan, math.nan
    return CellInterval(tg.table.id, cell, float(low), float(high), tg.value, tg.sensitive, problem)


def _report_inconsistent(fam: Family, cells: list[tuple[tuple[int, int | None], float]], fail: FailureRecorder) -> None:
    """Report the published cells an inconsistent component cannot reconcile."""
    if not cells:
        fail("", {}, math.nan, math.nan, None, None, "published figures are inconsistent")
    for (ti, ci), dev in cells:
        t = fam.tables[ti]
        if ci is None:
            fail(
                t.id,
                {},
                0,
                0,
                None,
                None,
                f"published figures are inconsistent: they need {fmt(abs(dev))} units outside the "
                "values this table lists",
            )
            continue
        cdict = dict(t.cells[ci].where)
        v = t.published[ci]
        assert v is not None  # a row's source is a published cell
        fail(
            t.id,
            cdict,
            v,
            v,
            None,
            None,
            f"published figures are inconsistent: {fmt(v)} is {fmt(abs(dev))} "
            f"{'below' if dev > 0 else 'above'} what the other published figures allow",
        )


class _PublishedIndex:
    """What one family's published cells and the truth let the audit look up: the published zeros that contain
    a cell, and the true value of a complement's parent."""

    def __init__(self, fam: Family, truths: dict[str, _Truth]):
        self.fam = fam
        self.truths = truths
        self.zeros: dict[int, dict[tuple[int, ...], bool]] = {}  # table index -> masks of its published zeros
        for t in fam.tables:
            z = {t.masks[ci]: True for ci, v in enumerate(t.published) if v is not None and v == 0}
            if z:
                self.zeros[t.index] = z
        self.distinct: dict[tuple[int, int], list[int]] = {}
        self.containing: dict[tuple[int, int, int], list[int]] = {}
        self.truth_tables = [t for t in fam.tables if t.id in truths and not truths[t.id].missing_columns]
        self.resolve_cache: dict[tuple[int, int, int], tuple[bool, list[int]]] = {}

    def _options(self, t: FTable, g: int) -> list[int]:
        """Return the distinct masks a table's cells take in group ``g``."""
        opts = self.distinct.get((t.index, g))
        if opts is None:
            opts = self.distinct[(t.index, g)] = sorted({mm[g] for mm in t.masks})
        return opts

    def implied_zero(self, masks: tuple[int, ...]) -> bool:
        """Return whether a published zero containing the cell implies it."""
        if any(m == 0 for m in masks):
            return True  # no unit can fall in this cell at all
        for ti, z in self.zeros.items():
            t = self.fam.tables[ti]
            zero_masks: list[int] = []
            for g, m in enumerate(masks):
                hit = self.containing.get((ti, g, m))
                if hit is None:
                    hit = self.containing[(ti, g, m)] = [o for o in self._options(t, g) if o & m == m]
                if len(hit) != 1:
                    break
                zero_masks.append(hit[0])
            else:
                key = tuple(zero_masks)
                if key in z and key != masks:
                    return True
        return False

    def _resolve(self, u: FTable, g: int, m: int) -> tuple[bool, list[int]]:
        """Return whether group ``g``'s mask ``m`` is a union of ``u``'s masks, and those masks."""
        ck = (u.index, g, m)
        res = self.resolve_cache.get(ck)
        if res is None:
            union = 0
            ok = True
            inside: list[int] = []
            for o in self._options(u, g):
                union |= o
                x = o & m
                if x == o:
                    inside.append(o)
                elif x:
                    ok = False
                    break
            res = self.resolve_cache[ck] = (ok and union & m == m, inside)
        return res

    def true_parent(self, masks: tuple[int, ...]) -> float | None:
        """Return the true value of a complement's parent, when the truth holds it."""
        for u in self.truth_tables:
            contained: list[list[int]] = []
            for g, m in enumerate(masks):
                res = self._resolve(u, g, m)
                if not res[0]:
                    break
                contained.append(res[1])
            else:
                index = getattr(u, "_by_masks", None)
                if index is None:
                    index = {}
                    for ci, mm in enumerate(u.masks):
                        index.setdefault(mm, []).append(ci)
                    u._by_masks = index
                tr = self.truths[u.id]
                total = 0.0
                for combo in itertools.product(*contained):
                    for ci in index.get(tuple(combo), ()):
                        row = tr.get(u.cells[ci].key(u.dims))
                        if row is None or row["value"] is None:
                            total = math.nan
                            break
                        total += row["value"]
                if not math.isnan(total):
                    return total
        return None


def _family_checks(fam: Family, truths: dict[str, _Truth], k: int, p: float, fail: FailureRecorder) -> list[_Target]:
    """Published-cell checks of one family; returns the suppressed cells and complements to solve."""
    targets: list[_Target] = []
    published = _PublishedIndex(fam, truths)
    for t in fam.tables:
        tr = truths.get(t.id)
        if tr is not None and tr.missing_columns:
            tr = None
        for ci, cell in enumerate(t.cells):
            cdict = dict(cell.where)
            row = tr.get(cell.key(t.dims)) if tr is not None else None
            true_value = int_or(row["value"]) if row is not None else None
            sens_truth = _sensitive(row, t.geographic, k, p) if row is not None else None
            v = t.published[ci]
            if v is None:
                targets.append(_Target(fam, t, cdict, fam.cell_vars(t, ci), true_value, sens_truth))
            elif v < 0 or abs(v - round(v)) > TOL:
                problem = f"published count {fmt(v)} is not a non-negative integer"
                fail(t.id, cdict, v, v, true_value, sens_truth, problem)
                continue
            else:
                why = _why_sensitive(v, t.geographic, sens_truth, k)
                zero = v == 0 and (true_value is None or true_value == 0)
                if why and not (zero and published.implied_zero(t.masks[ci])):
                    sensitive = sens_truth if sens_truth is not None else True
                    fail(t.id, cdict, v, v, true_value, sensitive, f"sensitive cell published: {why}")
            if row is not None and row["value"] is not None and t.conds:  # complements of filtered cells
                targets.extend(_complement_targets(fam, t, ci, cdict, row["value"], k, published))
    return targets


def _why_sensitive(v: float, geographic: bool, sens_truth: bool | None, k: int) -> str | None:
    """Return why publishing the count ``v`` is sensitive, or None when it is not."""
    if 1 <= v <= k - 1:
        return f"value {fmt(v)} under k={k}"
    if v == 0 and (geographic or sens_truth):
        return "a zero in a geographic table that no published zero implies"
    return "primary-sensitive in the truth (people or dominance rule)" if sens_truth else None


def _complement_targets(
    fam: Family, t: FTable, ci: int, cdict: dict[str, str], true_value: float, k: int, published: _PublishedIndex
) -> list[_Target]:
    """Return the sensitive complements of a filtered cell: each parent without one or more of its conditions,
    minus the cell, whose true value is 1 to k-1."""
    targets = []
    parents_seen: set[tuple[int, ...]] = set()
    for r in range(1, len(t.conds) + 1):
        for dropped_positions in itertools.combinations(range(len(t.conds)), r):
            dropped = frozenset(dropped_positions)
            pm = fam.parent_masks(t, ci, dropped)
            if pm == t.masks[ci] or pm in parents_seen:
                continue
            parents_seen.add(pm)
            parent_true = published.true_parent(pm)
            if parent_true is None:
                continue
            comp_true = parent_true - true_value
            if not (1 <= comp_true <= k - 1):
                continue
            parent_idx = fam.select(t.clique, pm)
            idx = np.setdiff1d(parent_idx, fam.cell_vars(t, ci), assume_unique=True)
            label = ",".join(sorted({t.conds[i][0] for i in dropped}))
            targets.append(_Target(fam, t, cdict, idx, int_or(comp_true), True, label))
    return targets
