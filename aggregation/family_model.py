"""The attacker's model of one family of linked tables, and its HiGHS solves.

For each family (one additive measure with its slices; or one stock measure at one
time grain) the unknowns are the counts of a junction tree of clique tables over the
family's dimensions: exact for what the published cells imply. Every count cell is
one row of one HiGHS model; suppressing a cell frees its row. A row is protected when
integer witnesses exist (see ``FamilyModel``). Must not import ``aggregation.audit``
nor decide which cells to suppress (that is ``aggregation.protection``).
"""

from __future__ import annotations

import itertools
import math
import time
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np
import pandas as pd
from scipy import sparse

from core.facts import GEOGRAPHY, TIME_DIMENSIONS, TIME_GRAINS, WINDOW, in_time

from .junction_tree import (
    Clique,
    common_refinement,
    junction_tree,
    maximal_cliques,
    meet,
    nested,
    refine,
    tree_path,
)
from .registry import SUBSET_MEASURES, TableDeclaration
from .rules import Rule
from .solver import silent_highs
from .structure import Structure

INF = highspy.kHighsInf
TOLERANCE = 1e-7
TIME = "time"


FREE, KEEP_PUBLISHED, KEEP_SUPPRESSED = 0, 1, 2


@dataclass
class CountTable:
    """A declared table with its true cells: dimension columns, then value, people, top1, top2.

    ``history`` (optional, one entry per cell) carries what earlier releases fixed: a status
    (``FREE``, ``KEEP_PUBLISHED``, ``KEEP_SUPPRESSED``) and the bounds ``at_most`` /
    ``at_least`` that a withheld cell's attacker interval must still reach, so that its
    difference from every earlier release's figure is never provably 1 to k-1.
    """

    declaration: TableDeclaration
    cells: pd.DataFrame
    history: CellHistory | None = None


@dataclass
class CellHistory:
    """Per cell of one table: the status earlier releases fixed and the bounds it must reach."""

    status: np.ndarray  # int8: FREE, KEEP_PUBLISHED or KEEP_SUPPRESSED
    at_most: np.ndarray  # float: an attacker solution must reach this value or below (inf: none)
    at_least: np.ndarray  # float: ... or this value or above (-inf: none)

    @classmethod
    def free(cls, size: int) -> CellHistory:
        """Return a history that fixes nothing."""
        return cls(np.zeros(size, dtype=np.int8), np.full(size, math.inf), np.full(size, -math.inf))


@dataclass
class Complement:
    """A derived figure an attacker can bound: a parent cell minus a published slice of it."""

    table_id: str
    row: int
    dropped: tuple[str, ...]  # the filter conditions removed to get the parent
    value: int


# ---------------------------------------------------------------------------
# Families, base dimensions and value sets


def family_of(declaration: TableDeclaration) -> str:
    """Return the family key: the base measure (slices join their parent), stocks by time grain."""
    if declaration.measure in SUBSET_MEASURES:
        return SUBSET_MEASURES[declaration.measure][0]
    if declaration.additive:
        return declaration.measure
    grain = next(d for d in (*declaration.dimensions, *declaration.filters) if d in TIME_DIMENSIONS)
    return f"{declaration.measure}@{grain}"


def conditions_of(declaration: TableDeclaration) -> dict[str, tuple[str, ...]]:
    """Return the table's filters together with the slice conditions of a subset measure."""
    found = {k: tuple(v) for k, v in declaration.filters.items()}
    if declaration.measure in SUBSET_MEASURES:
        for key, values in SUBSET_MEASURES[declaration.measure][1].items():
            found[key] = tuple(values)
    return found


class Family:
    """One group of linked tables and the attacker's model of them."""

    def __init__(self, key: str, tables: list[CountTable], structure: Structure):
        self.key = key
        self.tables = tables
        self.structure = structure
        used = set()
        for t in tables:
            used |= set(t.declaration.dimensions) | set(conditions_of(t.declaration))
        # Districts and precincts do not nest: either one beside neighborhoods needs the neighborhoods.
        self.uses_neighborhood = bool(used & {"neighborhood", "business_district", "district"})
        time_used = [d for d in TIME_GRAINS if d in used]
        if WINDOW in used:  # 12-month windows are made of months
            time_used.insert(0, "month")
        self.time_grain = time_used[0] if time_used else None  # the finest grain used
        self.base_dims = sorted({self.base(d) for d in used})
        self.domain = {b: self._finest_domain(b) for b in self.base_dims}
        self.position = {b: {v: i for i, v in enumerate(self.domain[b])} for b in self.base_dims}

    def base(self, dimension: str) -> str:
        """Return the base dimension a dimension is modelled on (time, neighborhood, ...)."""
        if dimension in TIME_DIMENSIONS:
            return TIME
        if dimension in GEOGRAPHY:
            return "neighborhood" if self.uses_neighborhood else "precinct"
        if dimension in self.structure.groupings:  # a coarser grouping of codes is modelled on the codes
            return self.structure.groupings[dimension][0]
        return dimension

    def _finest_domain(self, base: str) -> tuple[str, ...]:
        """Return the finest values of a base dimension."""
        if base == TIME:
            assert self.time_grain is not None  # the family uses a time dimension, so it has a finest grain
            return tuple(self.structure.domains[self.time_grain])
        return tuple(self.structure.domains[base])

    def value_set(self, dimension: str, value: str) -> frozenset[int]:
        """Return the finest-domain positions of the base dimension that ``dimension = value`` covers."""
        base = self.base(dimension)
        positions = self.position[base]
        if base == TIME:
            return frozenset(i for v, i in positions.items() if in_time(v, dimension, value))
        if base == "neighborhood" and dimension != "neighborhood":
            return frozenset(positions[h] for h in self.structure.neighborhoods_matching(dimension, value))
        if base == "precinct" and dimension == "business_district":
            raise ValueError("business districts need the neighborhood dimension")
        if dimension in self.structure.groupings:
            return frozenset(positions[c] for c in self.structure.codes_in_group(dimension, value) if c in positions)
        return frozenset([positions[value]]) if value in positions else frozenset()

    def cell_sets(
        self, declaration: TableDeclaration, cell: Mapping[Hashable, Any], drop: Iterable[str] = ()
    ) -> dict[str, frozenset[int]]:
        """Return, per base dimension, the finest values a cell covers (conditions in ``drop`` ignored)."""
        sets: dict[str, frozenset[int]] = {}

        def narrow(dimension: str, allowed: frozenset[int]) -> None:
            base = self.base(dimension)
            sets[base] = sets[base] & allowed if base in sets else allowed

        for dimension in declaration.dimensions:
            narrow(dimension, self.value_set(dimension, cell[dimension]))
        for dimension, values in conditions_of(declaration).items():
            if dimension in drop:
                continue
            narrow(dimension, frozenset().union(*(self.value_set(dimension, v) for v in values)))
        return sets


# ---------------------------------------------------------------------------
# The model


@dataclass
class Row:
    """One row of the model: a count cell or a complement, with its status and history."""

    table_id: str | None  # None for a complement
    row: int
    value: int
    variables: np.ndarray
    published: bool = True
    sensitive: bool = False
    reason: str | None = None
    complement: Complement | None = None
    group: int = -1  # rows with identical variables share one status
    status: int = FREE  # KEEP_PUBLISHED / KEEP_SUPPRESSED: fixed by an earlier release
    at_most: float = math.inf
    at_least: float = -math.inf


_CONCLUSIVE = (
    highspy.HighsModelStatus.kOptimal,
    highspy.HighsModelStatus.kInfeasible,
    highspy.HighsModelStatus.kUnbounded,
    highspy.HighsModelStatus.kUnboundedOrInfeasible,
)


class FamilyModel:
    """The attacker's LP for one family: a HiGHS model whose rows are the family's cells."""

    def __init__(
        self, family: Family, rule: Rule, sensitivity: dict[str, list[str | None]], complements: list[Complement]
    ):
        self.family = family
        self.rule = rule
        self.solves = 0
        self.milp_solves = 0
        self.seconds: defaultdict[str, float] = defaultdict(float)
        tables = family.tables
        cell_sets, complement_sets = _cell_sets(family, tables, complements)
        clique_dims, assignment = _assign_cliques(family, tables)
        blocks, tree = _refined_blocks(family, clique_dims, assignment, cell_sets, complement_sets)
        self.cliques = [Clique(sorted(c), {d: blocks[(i, d)] for d in c}) for i, c in enumerate(clique_dims)]
        offset = 0
        for clique in self.cliques:
            clique.offset = offset
            offset += clique.size
        self.num_variables = offset
        self._collect_rows(tables, assignment, cell_sets, complement_sets, sensitivity)
        self._group_identical_rows()
        separators = self._separator_rows(tree)
        self._build(separators)

    def _collect_rows(
        self,
        tables: list[CountTable],
        assignment: dict[str, int],
        cell_sets: dict[str, list[dict[str, frozenset[int]]]],
        complement_sets: list[tuple[Complement, dict[str, frozenset[int]], dict[str, frozenset[int]]]],
        sensitivity: dict[str, list[str | None]],
    ) -> None:
        """Add the rows: every count cell, then every complement (separators come later)."""
        rule = self.rule
        self.rows: list[Row] = []
        self.table_rows: dict[str, list[int]] = {}
        for t in tables:
            clique = self.cliques[assignment[t.declaration.id]]
            reasons = sensitivity[t.declaration.id]
            indices = []
            values = t.cells["value"].to_numpy()
            history = t.history or CellHistory.free(len(t.cells))
            for r, sets in enumerate(cell_sets[t.declaration.id]):
                indices.append(len(self.rows))
                self.rows.append(
                    Row(
                        t.declaration.id,
                        r,
                        int(values[r]),
                        clique.variables(sets),
                        sensitive=reasons[r] is not None,
                        reason=reasons[r],
                        status=int(history.status[r]),
                        at_most=float(history.at_most[r]),
                        at_least=float(history.at_least[r]),
                    )
                )
            self.table_rows[t.declaration.id] = indices
        for c, parent, own in complement_sets:
            clique = self.cliques[assignment[c.table_id]]
            whole, part = clique.variables(parent), clique.variables(own)
            rest = np.setdiff1d(whole, part).astype(np.int32)
            self.rows.append(
                Row(
                    None,
                    c.row,
                    c.value,
                    rest,
                    published=False,
                    sensitive=rule.complement_sensitive(c.value),
                    reason="complement",
                    complement=c,
                )
            )

    def _group_identical_rows(self) -> None:
        """Give rows of identical cells one group; a group holding a row kept published is locked."""
        groups: dict[bytes, int] = {}
        self.groups: dict[int, list[int]] = defaultdict(list)
        for i, row in enumerate(self.rows):
            if row.complement is None:
                row.group = groups.setdefault(np.sort(row.variables).tobytes(), len(groups))
                self.groups[row.group].append(i)
        self.locked = {row.group for row in self.rows if row.status == KEEP_PUBLISHED}

    def locked_row(self, index: int) -> bool:
        """Return whether row ``index`` must stay published (an earlier release published its cell)."""
        return self.rows[index].group in self.locked

    def _separator_rows(self, tree: list[tuple[int, int]]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Return, per tree edge, the pairs of variable sets that must agree."""
        rows: list[tuple[np.ndarray, np.ndarray]] = []
        for i, j in tree:
            a, b = self.cliques[i], self.cliques[j]
            shared = sorted(set(a.dims) & set(b.dims))
            coarse: dict[str, list[int]] = {}
            for d in shared:
                coarse[d] = a.blocks[d] if nested(b.blocks[d], a.blocks[d]) else b.blocks[d]
            keys_a = self._separator_keys(a, shared, coarse)
            keys_b = self._separator_keys(b, shared, coarse)
            for key in sorted(set(keys_a) | set(keys_b)):
                rows.append(
                    (np.asarray(keys_a.get(key, []), dtype=np.int32), np.asarray(keys_b.get(key, []), dtype=np.int32))
                )
        return rows

    @staticmethod
    def _separator_keys(
        clique: Clique, shared: list[str], coarse: dict[str, list[int]]
    ) -> dict[tuple[int, ...], list[int]]:
        """Return a clique's variables grouped by their separator key."""
        keys: dict[tuple[int, ...], list[int]] = defaultdict(list)
        block_to_coarse: dict[str, dict[int, int]] = {}
        for d in shared:
            mapping: dict[int, int] = {}
            for element, block in enumerate(clique.blocks[d]):
                mapping[block] = coarse[d][element]
            block_to_coarse[d] = mapping
        for flat in range(clique.size):
            index = np.unravel_index(flat, clique.shape) if clique.dims else ()
            key = tuple(block_to_coarse[d][int(index[clique.dims.index(d)])] for d in shared)
            keys[key].append(clique.offset + flat)
        return keys

    def _build(self, separators: list[tuple[np.ndarray, np.ndarray]]) -> None:
        """Build the attacker's LP and the auxiliary LP with priced slacks."""
        self.lp = self._new_highs()
        self.lp.addVars(self.num_variables, np.zeros(self.num_variables), np.full(self.num_variables, INF))
        self._add_cell_rows(self.lp)
        self._add_separator_rows(self.lp, separators)
        # The auxiliary model: the same rows, each cell row with a pair of priced slacks.
        self.aux = self._new_highs()
        self.aux.addVars(self.num_variables, np.zeros(self.num_variables), np.full(self.num_variables, INF))
        self._add_cell_rows(self.aux)
        self._add_separator_rows(self.aux, separators)
        n = len(self.rows)
        self.aux.addVars(2 * n, np.zeros(2 * n), np.full(2 * n, INF))
        for r in range(len(self.rows)):
            for sign, column in ((1.0, self.num_variables + 2 * r), (-1.0, self.num_variables + 2 * r + 1)):
                self.aux.changeCoeff(r, column, sign)
        costs = np.asarray([float(row.value) + 1.0 for row in self.rows for _ in (0, 1)])
        self.aux.changeColsCost(2 * n, np.arange(self.num_variables, self.num_variables + 2 * n, dtype=np.int32), costs)
        locked = [r for r in range(n) if self.locked_row(r)]
        if locked:  # a figure an earlier release published cannot be withdrawn: its slacks stay at zero
            columns = np.asarray([self.num_variables + 2 * r + side for r in locked for side in (0, 1)], dtype=np.int32)
            self.aux.changeColsBounds(len(columns), columns, np.zeros(len(columns)), np.zeros(len(columns)))
        self._costs = np.zeros(self.num_variables)
        self._prepare_witnesses()

    @staticmethod
    def _new_highs() -> highspy._core._Highs:
        """Return a quiet HiGHS instance."""
        return silent_highs()

    def _add_cell_rows(self, h: highspy._core._Highs) -> None:
        """Add one row per cell: fixed when published, free when suppressed."""
        lower: list[float] = []
        upper: list[float] = []
        starts: list[int] = []
        indices: list[int] = []
        for row in self.rows:
            starts.append(len(indices))
            indices.extend(row.variables.tolist())
            bound = float(row.value)
            lower.append(bound if row.published else -INF)
            upper.append(bound if row.published else INF)
        self._add_rows(h, lower, upper, starts, indices, [1.0] * len(indices))

    def _add_separator_rows(self, h: highspy._core._Highs, separators: list[tuple[np.ndarray, np.ndarray]]) -> None:
        """Add the rows that make neighbouring cliques agree."""
        lower: list[float] = []
        upper: list[float] = []
        starts: list[int] = []
        indices: list[int] = []
        values: list[float] = []
        for left, right in separators:
            starts.append(len(indices))
            indices.extend(left.tolist() + right.tolist())
            values.extend([1.0] * len(left) + [-1.0] * len(right))
            lower.append(0.0)
            upper.append(0.0)
        self._add_rows(h, lower, upper, starts, indices, values)

    @staticmethod
    def _add_rows(
        h: highspy._core._Highs,
        lower: list[float],
        upper: list[float],
        starts: list[int],
        indices: list[int],
        values: list[float],
    ) -> None:
        """Add rows to a HiGHS model in one call."""
        if not lower:
            return
        h.addRows(
            len(lower),
            np.asarray(lower, dtype=np.float64),
            np.asarray(upper, dtype=np.float64),
            len(indices),
            np.asarray(starts, dtype=np.int32),
            np.asarray(indices, dtype=np.int32),
            np.asarray(values, dtype=np.float64),
        )

    # -- solving ------------------------------------------------------------
    #
    # A row is protected when integer witnesses exist: a solution of everything
    # published in which it is 0 and one in which it reaches k (a sensitive
    # cell), or one in which it differs from its true value (a secondary
    # suppression; the true table is itself a solution). Every integral
    # solution any solve finds joins a pool and may witness many rows at once.

    def _prepare_witnesses(self) -> None:
        """Set up the cell forms and the witness flags (the truth is the first witness)."""
        n_rows = len(self.rows)
        indptr = np.zeros(n_rows + 1, dtype=np.int64)
        indptr[1:] = np.cumsum([len(r.variables) for r in self.rows])
        indices = np.concatenate([r.variables for r in self.rows]) if n_rows else np.empty(0, dtype=np.int32)
        self.forms = sparse.csr_matrix((np.ones(len(indices)), indices, indptr), shape=(n_rows, self.num_variables))
        self.values = np.asarray([r.value for r in self.rows], dtype=np.float64)
        self.witnessed_low = np.zeros(n_rows, dtype=bool)
        self.witnessed_high = np.zeros(n_rows, dtype=bool)
        self.at_most = np.asarray([r.at_most for r in self.rows], dtype=np.float64)
        self.at_least = np.asarray([r.at_least for r in self.rows], dtype=np.float64)
        # The true table is itself a solution: it may already reach the history's bounds.
        self.reached_at_most = self.values <= self.at_most + 0.5
        self.reached_at_least = self.values >= self.at_least - 0.5
        self.pool_size = 0

    def _witness(self, solution: np.ndarray) -> bool:
        """Add an integral solution to the pool; return False when it is not integral."""
        if not np.all(np.abs(solution - np.round(solution)) < TOLERANCE) or np.any(solution < -TOLERANCE):
            return False
        forms = self.forms @ np.round(solution)
        k = self.rule.threshold
        sensitive = np.asarray([r.sensitive for r in self.rows])
        self.witnessed_low |= np.where(sensitive, forms < 0.5, np.abs(forms - self.values) > 0.5)
        self.witnessed_high |= np.where(sensitive, forms > k - 0.5, np.abs(forms - self.values) > 0.5)
        self.reached_at_most |= forms <= self.at_most + 0.5
        self.reached_at_least |= forms >= self.at_least - 0.5
        self.pool_size += 1
        return True

    def protected(self, index: int) -> bool:
        """Return whether row ``index`` has every witness it needs (the rule's and the history's)."""
        return bool(
            self.witnessed_low[index]
            and self.witnessed_high[index]
            and self.reached_at_most[index]
            and self.reached_at_least[index]
        )

    def _objective_on(self, costs: np.ndarray) -> None:
        """Change only the objective coefficients that differ."""
        changed = np.flatnonzero((costs != 0) | (self._costs != 0)).astype(np.int32)
        if len(changed):
            self.lp.changeColsCost(len(changed), changed, costs[changed])
        self._costs = costs

    def _solve(self, costs: np.ndarray, maximize: bool) -> tuple[str, float, np.ndarray | None]:
        """Solve the LP with ``costs``; return (status, objective, solution)."""
        self._objective_on(costs)
        self.lp.changeObjectiveSense(highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize)
        started = time.perf_counter()
        self.lp.run()
        status = self.lp.getModelStatus()
        # A warm start can leave HiGHS without a verdict: solve again from scratch, then without presolve.
        for presolve in ("choose", "off"):
            if status in _CONCLUSIVE:
                break
            self.lp.setOptionValue("presolve", presolve)
            self.lp.clearSolver()
            self.lp.run()
            status = self.lp.getModelStatus()
        self.lp.setOptionValue("presolve", "choose")
        self.seconds["lp"] += time.perf_counter() - started
        self.solves += 1
        if status == highspy.HighsModelStatus.kOptimal:
            return "optimal", self.lp.getInfo().objective_function_value, np.asarray(self.lp.getSolution().col_value)
        if status == highspy.HighsModelStatus.kInfeasible:
            raise InconsistentFigures(f"the published figures of {self.family.key} are inconsistent")
        if status in (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible):
            return "unbounded", math.inf, None
        raise RuntimeError(f"HiGHS stopped with status {status} on {self.family.key}")

    def _integer_witness(self, index: int, lower: float, upper: float) -> bool:
        """Search an integral solution with row ``index`` in [lower, upper]; pool it; return success."""
        self._objective_on(np.zeros(self.num_variables))
        self.lp.changeRowBounds(index, lower, upper)
        columns = np.arange(self.num_variables, dtype=np.int32)
        self.lp.changeColsIntegrality(
            self.num_variables, columns, np.full(self.num_variables, highspy.HighsVarType.kInteger)
        )
        started = time.perf_counter()
        try:
            self.lp.run()
            self.milp_solves += 1
            self.solves += 1
            found = self.lp.getModelStatus() == highspy.HighsModelStatus.kOptimal
            solution = np.asarray(self.lp.getSolution().col_value) if found else None
        finally:
            self.seconds["milp"] += time.perf_counter() - started
            self.lp.changeColsIntegrality(
                self.num_variables, columns, np.full(self.num_variables, highspy.HighsVarType.kContinuous)
            )
            self._restore_row(index)
        return solution is not None and self._witness(solution)

    def _restore_row(self, index: int) -> None:
        """Put a row's bounds back to its status."""
        row = self.rows[index]
        bound = float(row.value)
        self.lp.changeRowBounds(index, bound if row.published else -INF, bound if row.published else INF)

    def seed_witnesses(self, rows: list[int]) -> None:
        """Look for witnesses of many rows at once: minimise, then maximise, their sum."""
        for maximize in (False, True):
            for _ in range(4):
                pending = [i for i in rows if not (self.witnessed_high[i] if maximize else self.witnessed_low[i])]
                if not pending:
                    break
                costs = np.asarray(self.forms[pending].sum(axis=0)).ravel()
                status, _, solution = self._solve(costs, maximize)
                if solution is None or not self._witness(solution):
                    break
                still = [i for i in pending if not (self.witnessed_high[i] if maximize else self.witnessed_low[i])]
                if len(still) == len(pending):
                    break

    def shortfall(self, index: int) -> str | None:
        """Return which side of row ``index``'s protection fails (``low``, ``high``, ``at_most``, ``at_least``)."""
        return self._rule_shortfall(index) or self._history_shortfall(index)

    def _history_shortfall(self, index: int) -> str | None:
        """Return ``at_most``/``at_least`` when no solution reaches the history's bound, else None."""
        row = self.rows[index]
        costs = np.zeros(self.num_variables)
        costs[row.variables] = 1.0
        if not self.reached_at_most[index]:
            _, low, solution = self._solve(costs, maximize=False)
            if low > row.at_most + TOLERANCE:
                return "at_most"
            if solution is not None:
                self._witness(solution)
            if not self.reached_at_most[index] and not self._integer_witness(index, -INF, row.at_most):
                return "at_most"
        if not self.reached_at_least[index]:
            _, high, solution = self._solve(costs, maximize=True)
            if high == math.inf:
                self.reached_at_least[index] = True  # unbounded LP over a feasible IP: the IP is unbounded too
                return None
            if high < row.at_least - TOLERANCE:
                return "at_least"
            if solution is not None:
                self._witness(solution)
            if not self.reached_at_least[index] and not self._integer_witness(index, row.at_least, INF):
                return "at_least"
        return None

    def _rule_shortfall(self, index: int) -> str | None:
        """Return which side of the primary rule's protection of row ``index`` fails, or None."""
        row = self.rows[index]
        costs = np.zeros(self.num_variables)
        costs[row.variables] = 1.0
        if not row.sensitive:
            # a secondary needs one integral solution away from its true value
            _, low, solution = self._solve(costs, maximize=False)
            if solution is not None:
                self._witness(solution)
            if self.protected(index):
                return None
            _, high, solution = self._solve(costs, maximize=True)
            if high == math.inf:
                self.witnessed_low[index] = self.witnessed_high[index] = True  # unbounded: not exact
                return None
            if solution is not None:
                self._witness(solution)
            if self.protected(index):
                return None
            if high >= row.value + 1 - TOLERANCE and self._integer_witness(index, float(row.value + 1), INF):
                return None
            if low <= row.value - 1 + TOLERANCE and self._integer_witness(index, -INF, float(row.value - 1)):
                return None
            return "high"
        k = float(self.rule.threshold)
        if not self.witnessed_low[index]:
            _, low, solution = self._solve(costs, maximize=False)
            if low > TOLERANCE:
                return "low"
            if solution is not None:
                self._witness(solution)
            if not self.witnessed_low[index] and not self._integer_witness(index, 0.0, 0.0):
                return "low"
        if not self.witnessed_high[index]:
            _, high, solution = self._solve(costs, maximize=True)
            if high == math.inf:
                # an unbounded LP over a feasible integer program with rational data: the IP is unbounded too
                self.witnessed_high[index] = True
                return None
            if high < k - TOLERANCE:
                return "high"
            if solution is not None:
                self._witness(solution)
            if not self.witnessed_high[index] and not self._integer_witness(index, k, INF):
                return "high"
        return None

    def widen(self, index: int, side: str, integer: bool = False) -> list[int]:
        """Return the cheapest published rows whose release would pin row ``index`` down."""
        row = self.rows[index]
        k = self.rule.threshold
        if side == "low":
            lower, upper = 0.0, 0.0
        elif side == "at_most":
            lower, upper = -INF, row.at_most
        elif side == "at_least":
            lower, upper = row.at_least, INF
        elif row.sensitive:
            lower, upper = float(k), INF
        else:
            lower, upper = float(row.value + 1), INF
        slack_columns = np.asarray([self.num_variables + 2 * index, self.num_variables + 2 * index + 1], dtype=np.int32)
        self.aux.changeRowBounds(index, lower, upper)
        self.aux.changeColsBounds(2, slack_columns, np.zeros(2), np.zeros(2))
        if integer:
            self.aux.changeColsIntegrality(
                self.num_variables,
                np.arange(self.num_variables, dtype=np.int32),
                np.full(self.num_variables, highspy.HighsVarType.kInteger),
            )
        try:
            self.aux.run()
            self.solves += 1
            if self.aux.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                return []
            solution = np.asarray(self.aux.getSolution().col_value)[self.num_variables :]
        finally:
            bound = float(row.value)
            self.aux.changeRowBounds(index, bound if row.published else -INF, bound if row.published else INF)
            self.aux.changeColsBounds(2, slack_columns, np.zeros(2), np.full(2, INF))
            if integer:
                self.aux.changeColsIntegrality(
                    self.num_variables,
                    np.arange(self.num_variables, dtype=np.int32),
                    np.full(self.num_variables, highspy.HighsVarType.kContinuous),
                )
        moved = solution[0::2] + solution[1::2]
        return [
            r for r in np.flatnonzero(moved > TOLERANCE).tolist() if self.rows[r].published and not self.locked_row(r)
        ]

    def suppress(self, index: int) -> list[int]:
        """Free row ``index`` and every row of identical cells; return the rows newly suppressed."""
        row = self.rows[index]
        if self.locked_row(index):
            raise ClosedFigureConflict(f"{row.table_id} row {row.row}: an earlier release published it")
        targets = self.groups.get(row.group, [index]) if row.group >= 0 else [index]
        freed = []
        for i in targets:
            if self.rows[i].published:
                self.rows[i].published = False
                self.lp.changeRowBounds(i, -INF, INF)
                self.aux.changeRowBounds(i, -INF, INF)
                freed.append(i)
        return freed


class InconsistentFigures(ValueError):
    """The published figures admit no table at all: a bug upstream, never published."""


class ClosedFigureConflict(ValueError):
    """A figure an earlier release published would have to be withheld now (its data changed)."""


def _cell_sets(
    family: Family, tables: list[CountTable], complements: list[Complement]
) -> tuple[
    dict[str, list[dict[str, frozenset[int]]]],
    list[tuple[Complement, dict[str, frozenset[int]], dict[str, frozenset[int]]]],
]:
    """Return each cell's values per base dimension, and each complement with its parent's and its cell's."""
    cell_sets: dict[str, list[dict[str, frozenset[int]]]] = {}
    for t in tables:
        records = t.cells[list(t.declaration.dimensions)].to_dict("records")
        cell_sets[t.declaration.id] = [family.cell_sets(t.declaration, r) for r in records]
    complement_sets = []
    for c in complements:
        table = next(t for t in tables if t.declaration.id == c.table_id)
        record = table.cells.iloc[c.row][list(table.declaration.dimensions)].to_dict()
        parent = family.cell_sets(table.declaration, record, drop=c.dropped)
        complement_sets.append((c, parent, cell_sets[c.table_id][c.row]))

    return cell_sets, complement_sets


def _assign_cliques(family: Family, tables: list[CountTable]) -> tuple[list[frozenset[str]], dict[str, int]]:
    """Return the cliques of base dimensions the tables use together, and the smallest clique holding each table."""
    dims = family.base_dims
    edges = set()
    table_dims = {}
    for t in tables:
        used = sorted({family.base(d) for d in (*t.declaration.dimensions, *conditions_of(t.declaration))})
        table_dims[t.declaration.id] = frozenset(used)
        edges |= {frozenset(p) for p in itertools.combinations(used, 2)}
    clique_dims = maximal_cliques(dims, edges) or [frozenset()]

    def estimated(clique: frozenset[str]) -> int:
        return math.prod(len(family.domain[d]) for d in clique)

    assignment: dict[str, int] = {}
    for t in tables:
        fits = [i for i, c in enumerate(clique_dims) if table_dims[t.declaration.id] <= c]
        assignment[t.declaration.id] = min(fits, key=lambda i: estimated(clique_dims[i]))
    return clique_dims, assignment


def _refined_blocks(
    family: Family,
    clique_dims: list[frozenset[str]],
    assignment: dict[str, int],
    cell_sets: dict[str, list[dict[str, frozenset[int]]]],
    complement_sets: list[tuple[Complement, dict[str, frozenset[int]], dict[str, frozenset[int]]]],
) -> tuple[dict[tuple[int, str], list[int]], list[tuple[int, int]]]:
    """Return the blocks each clique splits its dimensions into, consistent along the junction tree, and the tree."""
    dims = family.base_dims
    tables = family.tables
    # Partition each clique's dimensions by what its tables (and complements) tell apart.
    sets_in_clique: dict[tuple[int, str], list[frozenset[int]]] = defaultdict(list)
    for t in tables:
        i = assignment[t.declaration.id]
        for sets in cell_sets[t.declaration.id]:
            for d, s in sets.items():
                sets_in_clique[(i, d)].append(s)
    for c, parent, _ in complement_sets:
        i = assignment[c.table_id]
        for d, s in parent.items():
            sets_in_clique[(i, d)].append(s)
    global_blocks = {
        d: refine(len(family.domain[d]), [s for (i, dd), ss in sets_in_clique.items() if dd == d for s in ss])
        for d in dims
    }
    blocks = {
        (i, d): refine(len(family.domain[d]), sets_in_clique[(i, d)]) for i, c in enumerate(clique_dims) for d in c
    }

    def resolution(i: int, j: int) -> tuple:
        # Prefer joining cliques that share a dimension at a fine resolution (months with months).
        shared = clique_dims[i] & clique_dims[j]
        return (sum(max(meet(blocks[(i, d)], blocks[(j, d)])) + 1 for d in shared),)

    tree = junction_tree(clique_dims, resolution)
    holders = {d: [i for i, c in enumerate(clique_dims) if d in c] for d in dims}
    paths = {(a, b): tree_path(tree, a, b) for d in dims for a, b in itertools.combinations(holders[d], 2)}
    changed = True
    while changed:
        changed = False
        # Neighbours must partition a shared dimension in nested ways...
        for i, j in tree:
            for d in clique_dims[i] & clique_dims[j]:
                blocks_i, blocks_j = blocks[(i, d)], blocks[(j, d)]
                if not (nested(blocks_i, blocks_j) or nested(blocks_j, blocks_i)):
                    blocks[(i, d)] = blocks[(j, d)] = global_blocks[d]
                    changed = True
        # ...and every clique on the path between two cliques must carry what they share
        # (month totals in one clique and months by pathway in another stay linked by month,
        # not only by quarter through a quarterly clique between them).
        for d in dims:
            for a, b in itertools.combinations(holders[d], 2):
                target = meet(blocks[(a, d)], blocks[(b, d)])
                for between in paths[(a, b)][1:-1]:
                    if not nested(blocks[(between, d)], target):
                        blocks[(between, d)] = common_refinement(blocks[(between, d)], target)
                        changed = True
    return blocks, tree
