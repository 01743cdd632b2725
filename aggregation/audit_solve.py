"""The audit's solves: each component of a family's model, by LP, integer checks and MILP.

Part of the independent audit (``aggregation.audit``). Exact and conservative: intervals are
the integer optimum, not the LP bound (see ``aggregation.audit``). Pure Python, no I/O; must
not import the suppression engine nor any module of ``aggregation`` but ``solver`` and the
audit's own.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import highspy
import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from aggregation.audit_model import TOL, Family
from aggregation.solver import silent_highs

MIP_TIME_LIMIT = 60.0  # seconds per integer program; beyond it the result is used conservatively
POOL_SIZE = 48  # integer solutions kept per component as witnesses

ComponentKey = tuple[int, int]  # (family index, component label)
PartRef = tuple[ComponentKey, int]  # a component and the index of one part solved in it
Plan = tuple[list[PartRef], bool]  # per target: its parts, and whether variables no figure constrains remain


# --------------------------------------------------------------------------------------------
# One component's solver: a warm LP model, an integer model when needed, witness solutions.


class Component:
    """One independent component of a family: its rows, warm HiGHS models and a solution pool."""

    def __init__(self, A: sparse.csr_matrix, rhs: np.ndarray, sources: list[tuple[int, int | None] | None]):
        self.A = A.tocsc()
        self.A_csr = A.tocsr()
        self.rhs = rhs
        self.sources = sources
        self.n = A.shape[1]
        self._lp: highspy._core._Highs | None = None
        self._mip: highspy._core._Highs | None = None
        self._costed: dict[str, np.ndarray] = {}
        self.pool = np.empty((0, self.n))
        self.status: str | None = None  # None until checked; then "ok", "inconsistent"
        self.inconsistent_cells: list[tuple[Any, float]] = []

    def _highs(self, integer: bool) -> highspy._core._Highs:
        """Return a HiGHS model of the component (integer or not)."""
        h = silent_highs()
        lp = highspy.HighsLp()
        lp.num_col_ = self.n
        lp.num_row_ = self.A.shape[0]
        lp.col_cost_ = np.zeros(self.n)
        lp.col_lower_ = np.zeros(self.n)
        lp.col_upper_ = np.full(self.n, highspy.kHighsInf)
        lp.row_lower_ = self.rhs.copy()
        lp.row_upper_ = self.rhs.copy()
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = self.A.indptr.astype(np.int32)
        lp.a_matrix_.index_ = self.A.indices.astype(np.int32)
        lp.a_matrix_.value_ = self.A.data.astype(float)
        if integer:
            lp.integrality_ = [highspy.HighsVarType.kInteger] * self.n
            h.setOptionValue("mip_rel_gap", 0.0)
            h.setOptionValue("time_limit", MIP_TIME_LIMIT)
        h.passModel(lp)
        return h

    def _solve(
        self, idx: np.ndarray, maximize: bool, integer: bool
    ) -> tuple[highspy.HighsModelStatus, highspy.HighsInfo, np.ndarray | None]:
        """Return the optimum of a sum of variables (LP or MILP) and its solution."""
        name = "mip" if integer else "lp"
        h = self._mip if integer else self._lp
        if h is None:
            h = self._highs(integer)
            if integer:
                self._mip = h
            else:
                self._lp = h
        prev = self._costed.get(name)
        if prev is not None and prev.size:
            h.changeColsCost(prev.size, prev.astype(np.int32), np.zeros(prev.size))
        if idx.size:
            h.changeColsCost(idx.size, idx.astype(np.int32), np.ones(idx.size))
        self._costed[name] = idx
        h.changeObjectiveSense(highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize)
        h.run()
        status = h.getModelStatus()
        info = h.getInfo()
        x = None
        if info.primal_solution_status == 2:  # feasible
            x = np.asarray(h.getSolution().col_value, dtype=float)
        return status, info, x

    def _integral(self, x: np.ndarray | None) -> np.ndarray | None:
        """Return the rounded solution when it is integral and feasible, else None."""
        if x is None:
            return None
        xr = np.round(x)
        if np.max(np.abs(x - xr), initial=0.0) > TOL or xr.min(initial=0.0) < 0:
            return None
        if np.any(np.abs(self.A_csr @ xr - self.rhs) > TOL):
            return None
        return xr

    def _remember(self, xr: np.ndarray | None) -> None:
        """Keep an integer solution in the pool of witnesses."""
        if xr is not None:
            self.pool = np.vstack([self.pool[-(POOL_SIZE - 1) :], xr[None, :]])

    def check(self) -> bool:
        """Whether the published figures in this component admit a non-negative integer solution."""
        if self.status is None:
            S = highspy.HighsModelStatus
            status, _, x = self._solve(np.empty(0, dtype=np.int64), False, False)
            if status in (S.kInfeasible, S.kUnboundedOrInfeasible):
                self.status = "inconsistent"
            else:
                xr = self._integral(x)
                if xr is None:
                    status, _, x = self._solve(np.empty(0, dtype=np.int64), False, True)
                    xr = self._integral(x)
                self.status = "ok" if xr is not None else "inconsistent"
                self._remember(xr)
            if self.status == "inconsistent":
                self.inconsistent_cells = self._diagnose()
        return self.status == "ok"

    def _diagnose(self) -> list[tuple[Any, float]]:
        """Published cells that must move (and by how much) for the figures to be consistent."""
        published = [i for i, s in enumerate(self.sources) if s is not None]
        m = len(published)
        if not m:
            return []
        S = sparse.csr_matrix((np.ones(m), (published, np.arange(m))), shape=(self.A.shape[0], m))
        A: sparse.csc_matrix = sparse.hstack([self.A, S, -S], format="csc")
        n = A.shape[1]
        h = silent_highs()
        h.setOptionValue("time_limit", MIP_TIME_LIMIT)
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = n, A.shape[0]
        lp.col_cost_ = np.concatenate([np.zeros(self.n), np.ones(2 * m)])
        lp.col_lower_ = np.zeros(n)
        lp.col_upper_ = np.full(n, highspy.kHighsInf)
        lp.row_lower_ = self.rhs.copy()
        lp.row_upper_ = self.rhs.copy()
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = A.indptr.astype(np.int32)
        lp.a_matrix_.index_ = A.indices.astype(np.int32)
        lp.a_matrix_.value_ = A.data.astype(float)
        lp.integrality_ = [highspy.HighsVarType.kInteger] * n
        h.passModel(lp)
        h.run()
        if h.getInfo().primal_solution_status != 2:
            return [(self.sources[i], math.nan) for i in published]
        x = np.asarray(h.getSolution().col_value)
        dev = x[self.n : self.n + m] - x[self.n + m :]
        return [(self.sources[published[j]], float(dev[j])) for j in np.flatnonzero(np.abs(dev) > TOL)]

    def _sub_milp(
        self, free: np.ndarray, base: np.ndarray, idx: np.ndarray, maximize: bool, bound: int
    ) -> np.ndarray | None:
        """Re-optimise the target over the variables ``free`` (a boolean mask), the others fixed at
        the integer values of ``base``: an integer solution reaching ``bound``, else None."""
        cols = np.flatnonzero(free)
        rows = np.unique(self.A[:, cols].indices)
        fixed = np.where(free, 0.0, np.round(base))
        sub = self.A_csr[rows]
        rhs = self.rhs[rows] - sub @ fixed
        target = np.zeros(self.n)
        target[idx] = -1.0 if maximize else 1.0
        res = milp(
            target[cols],
            constraints=[LinearConstraint(sub[:, cols], rhs, rhs)],
            integrality=np.ones(cols.size, dtype=np.uint8),
            bounds=Bounds(0, np.inf),
            options={"time_limit": 5.0},
        )
        if res.status != 0 or res.x is None:
            return None
        y = fixed.copy()
        y[cols] = np.round(res.x)
        solution = self._integral(y)
        return solution if solution is not None and solution[idx].sum() == bound else None

    def _rins(self, x: np.ndarray | None, idx: np.ndarray, maximize: bool, bound: int) -> np.ndarray | None:
        """Relaxation-induced neighbourhood: fix the variables where the LP optimum ``x`` agrees
        with the nearest integer solution kept, re-optimise the target over the others."""
        if not self.pool.shape[0]:
            return None
        assert x is not None  # called with an LP optimum, which carries its solution
        dist = np.abs(self.pool - x[None, :]).sum(axis=1)
        base = self.pool[int(np.argmin(dist))]
        free = np.abs(x - base) > TOL
        if not free.any() or free.sum() > 1500:
            return None
        return self._sub_milp(free, base, idx, maximize, bound)

    def _pool_values(self, idx: np.ndarray) -> np.ndarray | None:
        """Return the values a sum of variables takes over the pool."""
        if not self.pool.shape[0]:
            return None
        return self.pool[:, idx].sum(axis=1)

    def _mip_bound(self, idx: np.ndarray, maximize: bool) -> tuple[float | None, bool]:
        """The integer optimum; (value, exact). Beyond the time limit, the best integer solution
        found (a bound on the attacker's side: narrower interval, conservative)."""
        S = highspy.HighsModelStatus
        status, info, x = self._solve(idx, maximize, True)
        self._remember(self._integral(x))
        if status == S.kOptimal:
            return float(round(info.objective_function_value)), True
        if status in (S.kUnbounded, S.kUnboundedOrInfeasible) and maximize:
            return math.inf, True
        if x is not None:
            return float(round(float(x[idx].sum()))), False
        return None, False

    def bounds(self, idx: np.ndarray) -> tuple[float | None, float | None, bool]:
        """(min, max, exact) of the sum of variables ``idx`` over the integer solutions."""
        S = highspy.HighsModelStatus
        exact = True
        low: float | None
        high: float | None
        vals = self._pool_values(idx)
        if vals is not None and vals.min() == 0:
            low = 0.0
        else:
            status, info, x = self._solve(idx, False, False)
            xr = self._integral(x) if status == S.kOptimal else None
            if xr is not None:
                self._remember(xr)
                low = float(xr[idx].sum())
            else:
                bound = math.ceil(info.objective_function_value - TOL) if status == S.kOptimal else None
                vals = self._pool_values(idx)
                if bound is not None and vals is not None and vals.min() == bound:
                    low = float(bound)
                elif bound is not None and (y := self._rins(x, idx, False, bound)) is not None:
                    self._remember(y)
                    low = float(bound)
                else:
                    low, ok = self._mip_bound(idx, False)
                    exact &= ok
        status, info, x = self._solve(idx, True, False)
        if status in (S.kUnbounded, S.kUnboundedOrInfeasible):
            high = math.inf
        else:
            xr = self._integral(x) if status == S.kOptimal else None
            if xr is not None:
                self._remember(xr)
                high = float(xr[idx].sum())
            else:
                bound = math.floor(info.objective_function_value + TOL) if status == S.kOptimal else None
                vals = self._pool_values(idx)
                if bound is not None and vals is not None and vals.max() == bound:
                    high = float(bound)
                elif bound is not None and (y := self._rins(x, idx, True, bound)) is not None:
                    self._remember(y)
                    high = float(bound)
                else:
                    high, ok = self._mip_bound(idx, True)
                    exact &= ok
        return low, high, exact


# --------------------------------------------------------------------------------------------
# Solving the components.


def solve_all(
    families: list[Family],
    work: dict[ComponentKey, list[np.ndarray]],
    plans: list[Plan],
    progress: Callable[[int, int], None] | None,
    total: int,
) -> dict[ComponentKey, tuple[str, list[Any]]]:
    """Solve every part, component by component: each component's models are built once, kept
    warm while its parts are solved, then freed. Returns, per component, ("ok", [(low, high,
    exact)] per part) or ("inconsistent", [((table index, cell index), deviation)])."""
    users: dict[PartRef, list[int]] = defaultdict(list)
    remaining: list[int] = []
    done = 0
    for ti, (parts, _) in enumerate(plans):
        remaining.append(len(parts))
        done += not parts
        for key, pi in parts:
            users[(key, pi)].append(ti)
    if progress is not None and done:
        progress(done, total)
    results: dict[ComponentKey, tuple[str, list[Any]]] = {}
    for key in sorted(work):
        comp = Component(*families[key[0]].component_spec(key[1]))
        consistent = comp.check()
        values: list[tuple[float | None, float | None, bool]] = []
        for pi, local in enumerate(work[key]):
            if consistent:
                values.append(comp.bounds(local))
            finished = 0
            for ti in users.get((key, pi), ()):
                remaining[ti] -= 1
                finished += remaining[ti] == 0
            if finished:
                done += finished
                if progress is not None:
                    progress(done, total)
        results[key] = ("ok", values) if consistent else ("inconsistent", comp.inconsistent_cells)
    return results
