"""Independent audit of a publication's disclosure control (DESIGN sections 4 and 5).

Given the publication dict (as loaded from ``publication.json``) and, optionally, the true
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

Pure Python, no file or database I/O. This module must not import ``data_access``, SQLAlchemy,
Streamlit, nor any module of ``aggregation`` but ``registry`` (in particular not the suppression
engine, ``aggregation.protection`` / ``aggregation.publication``): the audit is independent code,
so that one cannot hide the other's mistakes.
"""

from __future__ import annotations

import itertools
import math
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

import highspy
import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse.csgraph import connected_components

from aggregation import registry
from aggregation.solver import silent_highs

if TYPE_CHECKING:  # pragma: no cover
    import pandas

__all__ = ["CellInterval", "AuditReport", "audit_publication"]

_TIME = ("month", "quarter", "year")
_GRAIN_RANK = {"month": 0, "quarter": 1, "year": 2}
_GEOGRAPHIC = ("neighborhood", "precinct", "business_district")
_OTHER = "\x00other"  # the complement of the listed values of a dimension with no declared domain
_TOL = 1e-6
_MIP_TIME_LIMIT = 60.0  # seconds per integer program; beyond it the result is used conservatively
_POOL_SIZE = 48  # integer solutions kept per component as witnesses


@dataclass(frozen=True)
class CellInterval:
    """What an attacker can prove about one cell (or one complement of a filtered cell)."""

    table_id: str
    cell: dict[str, str]  # the cell's dimension values (a complement adds "complement_without")
    low: float
    high: float  # may be math.inf
    value: int | None  # the true value when known (with truth), else None
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
        return not self.failures and not self.value_mismatches


# --------------------------------------------------------------------------------------------
# Small helpers.


def _values(v: Any) -> tuple[str, ...]:
    if isinstance(v, (list, tuple, set, frozenset)):
        return tuple(str(x) for x in v)
    return (str(v),)


def _fmt(x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "?"
    if math.isinf(x):
        return "inf"
    return str(int(round(x))) if abs(x - round(x)) < _TOL else f"{x:g}"


def _coarsen(value: str, grain: str, to: str) -> str:
    """The period of grain ``to`` that contains ``value`` (of grain ``grain``)."""
    if grain == to:
        return value
    try:
        if grain == "month":
            year, month = value.split("-")
            return f"{year}-Q{(int(month) - 1) // 3 + 1}" if to == "quarter" else year
        if grain == "quarter" and to == "year":
            return value.split("-")[0]
    except ValueError:
        pass
    return "\x00none"


def _months_between(first: str, last: str) -> list[str]:
    try:
        y, m = (int(x) for x in first.split("-"))
        ly, lm = (int(x) for x in last.split("-"))
    except (AttributeError, ValueError):
        return []
    out = []
    while (y, m) <= (ly, lm) and len(out) < 2400:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _number(x: Any) -> float | None:
    """A float, or None for None, NaN, pandas.NA and anything that is not a number."""
    if x is None or isinstance(x, bool):
        return None if x is None else float(x)
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _int_or(x: float | None) -> int | None:
    return None if x is None else int(round(x)) if abs(x - round(x)) < _TOL else x  # type: ignore[return-value]


def _refine(all_mask: int, masks) -> list[int]:
    """The classes of atoms (bit masks) that none of ``masks`` tells apart."""
    blocks = [all_mask] if all_mask else []
    for m in masks:
        if m == all_mask or not m:
            continue
        new = []
        for b in blocks:
            x = b & m
            if x and x != b:
                new.extend((x, b & ~m))
            else:
                new.append(b)
        blocks = new
    return blocks


def _is_published(cell: dict) -> bool:
    return not cell.get("suppressed") and cell.get("value") is not None


# --------------------------------------------------------------------------------------------
# The publication's structure.


class _Context:
    def __init__(self, publication: dict):
        release = publication.get("release") or {}
        self.k = int(release.get("threshold", 11))
        self.p = float(release.get("p_percent", 10) or 10)
        self.first_month = release.get("first_month")
        self.last_month = release.get("last_month")
        self.domains = {str(d): [str(v) for v in vals] for d, vals in (publication.get("domains") or {}).items()}
        self.measures = publication.get("measures") or {}
        # parent dimension -> (child dimension, {parent value: [child values]}, {child: parent})
        self.parent_of: dict[str, tuple[str, dict[str, list[str]], dict[str, str]]] = {}
        for key, h in (publication.get("hierarchies") or {}).items():
            child, parent = str(h.get("child", key)), h.get("parent")
            if not parent or parent == child:
                continue
            members = {str(c): str(p) for c, p in (h.get("members") or {}).items()}
            reverse: dict[str, list[str]] = defaultdict(list)
            for c, p in members.items():
                reverse[p].append(c)
            if str(parent) in self.parent_of:
                raise ValueError(f"dimension {parent!r} is the parent of two hierarchies")
            self.parent_of[str(parent)] = (child, dict(reverse), members)
        self._finest_cache: dict[tuple[str, str], frozenset[str]] = {}

    def group_of(self, dim: str) -> str:
        if dim in _TIME:
            return "\x00time"
        seen = set()
        while dim in self.parent_of and dim not in seen:
            seen.add(dim)
            dim = self.parent_of[dim][0]
        return dim

    def finest_values(self, dim: str, value: str) -> frozenset[str]:
        key = (dim, value)
        if key not in self._finest_cache:
            if dim not in self.parent_of:
                out = frozenset((value,))
            else:
                child, reverse, _ = self.parent_of[dim]
                out = frozenset().union(*(self.finest_values(child, c) for c in reverse.get(value, ())))
            self._finest_cache[key] = out
        return self._finest_cache[key]

    def hierarchy_values(self, finest: str) -> list[str]:
        out = []
        for child, _, members in self.parent_of.values():
            if child == finest:
                out.extend(members)
        return out

    def time_domain(self, grain: str) -> list[str]:
        if grain in self.domains:
            return self.domains[grain]
        months = _months_between(self.first_month, self.last_month) if self.first_month and self.last_month else []
        return list(dict.fromkeys(_coarsen(m, "month", grain) for m in months))

    def measure_info(self, name: str) -> dict:
        """The publication's description of a measure, completed from the release plan (which
        measures are not about people, which are subsets of which): what the attacker knows
        from the documentation even when the file leaves it out."""
        info = dict(self.measures.get(name) or {})
        if "people" not in info and name in registry.UNSUPPRESSED_MEASURES:
            info["people"] = False
        if "subset_of" not in info and name in registry.SUBSET_MEASURES:
            parent, where = registry.SUBSET_MEASURES[name]
            info["subset_of"], info["where"] = parent, {d: list(v) for d, v in where.items()}
        return info

    def measure(self, table: dict) -> dict:
        """additive, people, root measure and the accumulated ``where`` of subset measures."""
        name = str(table.get("measure"))
        info = self.measure_info(name)
        additive = info.get("additive", table.get("additive", True))
        people = info.get("people", True)
        where: list[tuple[str, tuple[str, ...]]] = []
        root, seen = name, {name}
        while True:
            m = self.measure_info(root)
            parent = m.get("subset_of")
            if not parent or parent in seen:
                break
            where.extend((str(d), _values(v)) for d, v in (m.get("where") or {}).items())
            seen.add(parent)
            root = str(parent)
        return {"additive": bool(additive) if additive is not None else True,
                "people": people is not False, "root": root, "where": where}


# --------------------------------------------------------------------------------------------
# One family of linked tables and its exact junction-tree model.


class _FTable:
    __slots__ = ("raw", "id", "dims", "geographic", "conds", "cells", "dmasks", "masks", "scope", "clique",
                 "published", "index", "coverage", "_by_masks")

    def __init__(self, raw: dict):
        self.raw = raw
        self.id = str(raw.get("id"))
        self.dims = [str(d) for d in raw.get("dimensions") or []]
        self.cells = list(raw.get("cells") or [])
        self.geographic = any(d in _GEOGRAPHIC for d in (*self.dims, *(raw.get("filters") or {})))


class _Clique:
    __slots__ = ("groups", "blocks", "shape", "offset", "size", "grid", "_cache")

    def __init__(self, groups: tuple[int, ...]):
        self.groups = groups
        self.blocks: list[list[int]] = []
        self._cache: dict[tuple[int, int], list[int]] = {}


class _Family:
    """The attacker's model of one family: variables, equality rows, components."""

    def __init__(self, ctx: _Context, key: tuple, entries: list[tuple[dict, list]]):
        self.ctx = ctx
        self.key = key
        self.tables: list[_FTable] = []
        raw_conds = []
        used: dict[str, set[str]] = defaultdict(set)  # group -> dimensions used
        seen: dict[str, set[str]] = defaultdict(set)  # dimension -> values seen
        as_dim: set[str] = set()
        for raw, where in entries:
            t = _FTable(raw)
            conds = [(str(d), _values(v), "filter") for d, v in (raw.get("filters") or {}).items()]
            conds += [(d, vals, "where") for d, vals in where]
            for d in t.dims:
                used[ctx.group_of(d)].add(d)
                as_dim.add(d)
                for c in t.cells:
                    seen[d].add(str(c.get(d)))
            for d, vals, _ in conds:
                used[ctx.group_of(d)].add(d)
                seen[d].update(vals)
            self.tables.append(t)
            raw_conds.append(conds)
        self.groups = sorted(used)
        self.gindex = {g: i for i, g in enumerate(self.groups)}
        self._atoms: list[list[str]] = []
        self._mask_fn = []
        for g in self.groups:
            atoms, fn = self._atoms_of(g, used[g], seen, as_dim)
            self._atoms.append(atoms)
            self._mask_fn.append(fn)
        self.all = [(1 << len(a)) - 1 for a in self._atoms]
        self._mask_cache: dict[tuple[str, str], int] = {}

        # Cells as masks over the atoms of each group.
        ng = len(self.groups)
        for ti, (t, conds) in enumerate(zip(self.tables, raw_conds)):
            t.index = ti
            t.conds = []
            for d, vals, kind in conds:
                m = 0
                for v in vals:
                    m |= self.mask(d, v)
                t.conds.append((d, kind, self.gindex[self.ctx.group_of(d)], m))
            fmask = list(self.all)
            for _, _, g, m in t.conds:
                fmask[g] &= m
            t.dmasks, t.masks, t.published = [], [], []
            dim_groups = [(d, self.gindex[self.ctx.group_of(d)]) for d in t.dims]
            for c in t.cells:
                dm = list(self.all)
                for d, g in dim_groups:
                    dm[g] &= self.mask(d, str(c.get(d)))
                dm = tuple(dm)
                t.dmasks.append(dm)
                t.masks.append(tuple(dm[g] & fmask[g] for g in range(ng)))
                t.published.append(_number(c.get("value")) if _is_published(c) else None)
            scope = {g for _, _, g, m in t.conds if m != self.all[g]}
            scope |= {g for dm in t.dmasks for g in range(ng) if dm[g] != self.all[g]}
            t.scope = frozenset(scope)
            # Every unit passing the filters falls in one listed cell: the values a table does not
            # list (under its filters) hold no unit. Kept as zero rows ("coverage").
            t.coverage = []
            listed = list(fmask)  # a time dimension covers the periods its domain lists (a release of whole
            for d in t.dims:      # periods leaves out the quarter and year still running): none beyond
                if d in _TIME and d in ctx.domains:
                    inside = 0
                    for v in ctx.domains[d]:
                        inside |= self.mask(d, v)
                    listed[self.gindex[ctx.group_of(d)]] &= inside
            for g in sorted({g for _, g in dim_groups}):
                covered = 0
                for dm in t.dmasks:
                    covered |= dm[g]
                uncovered = listed[g] & ~covered
                if uncovered:
                    region = list(listed)
                    region[g] = uncovered
                    t.coverage.append(tuple(region))
        self._build_tree()
        self._build_rows()

    # -- atoms -----------------------------------------------------------------------------

    def _atoms_of(self, group: str, dims: set[str], seen, as_dim):
        ctx = self.ctx
        if group == "\x00time":
            grain = min(dims, key=lambda d: _GRAIN_RANK[d])
            atoms = list(dict.fromkeys([*ctx.time_domain(grain), *sorted(seen[grain])]))
            index = {a: i for i, a in enumerate(atoms)}
            coarse = {}
            for other in _TIME:
                if _GRAIN_RANK[other] > _GRAIN_RANK[grain]:
                    table: dict[str, int] = defaultdict(int)
                    for a, i in index.items():
                        table[_coarsen(a, grain, other)] |= 1 << i
                    coarse[other] = dict(table)

            def fn(dim, value, grain=grain, index=index, coarse=coarse):
                if dim == grain:
                    return 1 << index[value] if value in index else 0
                if _GRAIN_RANK[dim] < _GRAIN_RANK[grain]:  # cannot happen: grain is the finest used
                    raise ValueError(f"time dimension {dim!r} finer than the family's grain {grain!r}")
                return coarse[dim].get(value, 0)

            return atoms, fn
        hierarchy = group in ctx.parent_of or any(c == group for c, _, _ in ctx.parent_of.values())
        if not hierarchy or (len(dims) == 1 and group not in dims):
            # A plain categorical dimension, or a hierarchy used at one parent level only
            # (precinct alone): the dimension's own values are the atoms.
            (dim,) = dims if len(dims) == 1 else (group,)
            atoms = list(dict.fromkeys([*ctx.domains.get(dim, []), *sorted(seen[dim])]))
            if dim not in ctx.domains and dim not in as_dim:
                atoms.append(_OTHER)
            index = {a: i for i, a in enumerate(atoms)}
            return atoms, (lambda d, v, index=index: 1 << index[v] if v in index else 0)
        # A hierarchy: atoms are the finest level (neighborhoods).
        values = [*ctx.domains.get(group, []), *ctx.hierarchy_values(group), *sorted(seen[group])]
        for d in dims:
            if d != group:
                for v in sorted(seen[d]):
                    values.extend(sorted(ctx.finest_values(d, v)))
        atoms = list(dict.fromkeys(values))
        index = {a: i for i, a in enumerate(atoms)}

        def fn(dim, value, index=index):
            m = 0
            for a in ctx.finest_values(dim, value):
                if a in index:
                    m |= 1 << index[a]
            return m

        return atoms, fn

    def mask(self, dim: str, value: str) -> int:
        key = (dim, value)
        m = self._mask_cache.get(key)
        if m is None:
            m = self._mask_cache[key] = self._mask_fn[self.gindex[self.ctx.group_of(dim)]](dim, value)
        return m

    def parent_masks(self, t: _FTable, ci: int, dropped: frozenset[int]) -> tuple[int, ...]:
        """The masks of cell ``ci`` of ``t`` without the conditions whose positions are ``dropped``."""
        out = list(t.dmasks[ci])
        for pos, (_, _, g, m) in enumerate(t.conds):
            if pos not in dropped:
                out[g] &= m
        return tuple(out)

    # -- junction tree -----------------------------------------------------------------------

    def _table_sets(self, t: _FTable) -> dict[int, set[int]]:
        """Per group, the sets a table (its cells and the parents of its complements) tells apart."""
        out: dict[int, set[int]] = {}
        for g in t.scope:
            on_g = [m for _, _, gg, m in t.conds if gg == g]
            dms = {dm[g] for dm in t.dmasks} or {self.all[g]}
            sets = set()
            for r in range(len(on_g) + 1):
                for combo in itertools.combinations(on_g, r):
                    f = self.all[g]
                    for m in combo:
                        f &= m
                    sets.update(dm & f for dm in dms)
            sets.update(region[g] for region in t.coverage)
            out[g] = {s for s in sets if s and s != self.all[g]}
        return out

    def _build_tree(self) -> None:
        ng = len(self.groups)
        sets = [self._table_sets(t) for t in self.tables]
        width = [max(1, len(_refine(self.all[g], set().union(*(s.get(g, set()) for s in sets)))))
                 for g in range(ng)]
        nodes = set().union(*(t.scope for t in self.tables)) if self.tables else set()
        adj = {v: set() for v in nodes}
        for t in self.tables:
            for a in t.scope:
                adj[a] |= t.scope - {a}
        remaining = set(nodes)
        elimination = []
        while remaining:
            def score(v):
                nb = adj[v] & remaining
                fill = sum(1 for a, b in itertools.combinations(sorted(nb), 2) if b not in adj[a])
                return (fill, math.prod(width[u] for u in nb | {v}), v)

            v = min(remaining, key=score)
            nb = adj[v] & remaining
            for a, b in itertools.combinations(nb, 2):
                adj[a].add(b)
                adj[b].add(a)
            elimination.append(frozenset(nb | {v}))
            remaining.remove(v)
        cliques = []
        for c in elimination:
            if not any(c < d for d in elimination) and c not in cliques:
                cliques.append(c)
        if not cliques:
            cliques = [frozenset()]
        n = len(cliques)
        # Junction tree: a maximum spanning tree on separator sizes (zero-size edges join components:
        # two tables without a common dimension still share the grand total).
        parent = list(range(n))

        def find(x):
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        edges = sorted(((len(cliques[i] & cliques[j]), -i, -j) for i in range(n) for j in range(i + 1, n)),
                       reverse=True)
        tree = defaultdict(list)
        for _, i, j in edges:
            i, j = -i, -j
            if find(i) != find(j):
                parent[find(i)] = find(j)
                tree[i].append(j)
                tree[j].append(i)
        # Tables go to the smallest clique containing their scope.
        est = [math.prod(width[g] for g in c) for c in cliques]
        for t in self.tables:
            t.clique = min((i for i, c in enumerate(cliques) if t.scope <= c), key=lambda i: (est[i], i))
        base: list[dict[int, set[int]]] = [defaultdict(set) for _ in cliques]
        for t, s in zip(self.tables, sets):
            for g, ms in s.items():
                base[t.clique][g] |= ms

        def partitions(root):
            blocks = [{g: _refine(self.all[g], base[i][g]) for g in sorted(cliques[i])} for i in range(n)]
            order, parent_of, stack = [], {root: None}, [root]
            while stack:
                x = stack.pop()
                order.append(x)
                for y in tree[x]:
                    if y not in parent_of:
                        parent_of[y] = x
                        stack.append(y)
            for x in reversed(order):  # children before parents: parents refine their children
                p = parent_of[x]
                if p is None:
                    continue
                for g in cliques[x] & cliques[p]:
                    blocks[p][g] = _refine(self.all[g], [*blocks[p][g], *blocks[x][g]])
            total = sum(math.prod(len(b[g]) for g in b) for b in blocks)
            return total, blocks, parent_of

        best = min((partitions(r) + (r,) for r in range(n)), key=lambda x: (x[0], x[3]))
        _, blocks, parent_of = best[:3]
        self.cliques = []
        offset = 0
        for i, c in enumerate(cliques):
            cl = _Clique(tuple(sorted(c)))
            cl.blocks = [blocks[i][g] for g in cl.groups]
            cl.shape = tuple(len(b) for b in cl.blocks)
            cl.size = math.prod(cl.shape)
            cl.offset = offset
            cl.grid = np.arange(offset, offset + cl.size, dtype=np.int64).reshape(cl.shape) if cl.groups else None
            offset += cl.size
            self.cliques.append(cl)
        self.nvars = offset
        self.tree_edges = [(p, x) for x, p in parent_of.items() if p is not None]

    def select(self, ci: int, masks: tuple[int, ...]) -> np.ndarray:
        """The variables of clique ``ci`` whose classes lie inside ``masks`` (one mask per group)."""
        cl = self.cliques[ci]
        for g in range(len(self.groups)):
            if g not in cl.groups and masks[g] != self.all[g]:
                raise AssertionError("selection outside its clique")  # a bug, never a publication issue
        if not cl.groups:
            return np.array([cl.offset], dtype=np.int64)
        picks = []
        for pos, g in enumerate(cl.groups):
            m = masks[g]
            sel = cl._cache.get((pos, m))
            if sel is None:
                sel = []
                for bi, b in enumerate(cl.blocks[pos]):
                    x = b & m
                    if x == b:
                        sel.append(bi)
                    elif x:
                        raise AssertionError("clique partition does not refine a selection")
                cl._cache[(pos, m)] = sel
            if not sel:
                return np.empty(0, dtype=np.int64)
            picks.append(sel)
        return cl.grid[np.ix_(*picks)].ravel()

    def cell_vars(self, t: _FTable, ci: int) -> np.ndarray:
        return self.select(t.clique, t.masks[ci])

    # -- rows and components ------------------------------------------------------------------

    def _build_rows(self) -> None:
        rows_i, rows_j, rows_v, rhs, sources = [], [], [], [], []
        self.structural_conflicts: list[tuple[_FTable, int]] = []
        r = 0
        for t in self.tables:
            for ci, v in enumerate(t.published):
                if v is None:
                    continue
                idx = self.cell_vars(t, ci)
                if idx.size == 0:
                    if abs(v) > _TOL:
                        self.structural_conflicts.append((t, ci))
                    continue
                rows_i.append(np.full(idx.size, r))
                rows_j.append(idx)
                rows_v.append(np.ones(idx.size))
                rhs.append(v)
                sources.append((t, ci))
                r += 1
        for t in self.tables:
            for region in t.coverage:
                idx = self.select(t.clique, region)
                if idx.size == 0:
                    continue
                rows_i.append(np.full(idx.size, r))
                rows_j.append(idx)
                rows_v.append(np.ones(idx.size))
                rhs.append(0.0)
                sources.append((t, None))
                r += 1
        for p, c in self.tree_edges:
            child, par = self.cliques[c], self.cliques[p]
            sep = [g for g in child.groups if g in par.groups]
            pos = {g: child.groups.index(g) for g in sep}
            for combo in itertools.product(*(child.blocks[pos[g]] for g in sep)):
                masks = list(self.all)
                for g, b in zip(sep, combo):
                    masks[g] = b
                masks = tuple(masks)
                a, b = self.select(p, masks), self.select(c, masks)
                rows_i.append(np.full(a.size + b.size, r))
                rows_j.append(np.concatenate([a, b]))
                rows_v.append(np.concatenate([np.ones(a.size), -np.ones(b.size)]))
                rhs.append(0.0)
                sources.append(None)
                r += 1
        self.nrows = r
        if r:
            self.A = sparse.csr_matrix((np.concatenate(rows_v), (np.concatenate(rows_i), np.concatenate(rows_j))),
                                       shape=(r, self.nvars))
        else:
            self.A = sparse.csr_matrix((0, self.nvars))
        self.rhs = np.array(rhs, dtype=float)
        self.sources = sources
        # Independent components of the constraint system (typically one per year).
        n = self.nvars
        coo = self.A.tocoo()
        graph = sparse.coo_matrix((np.ones(coo.nnz), (coo.col, n + coo.row)), shape=(n + r, n + r))
        ncomp, labels = connected_components(graph, directed=False)
        self.var_comp = labels[:n]
        self.row_comp = labels[n:]
        self._rows_by_comp: dict[int, list[int]] = defaultdict(list)
        for i, lab in enumerate(self.row_comp):
            self._rows_by_comp[int(lab)].append(i)
        order = np.argsort(self.var_comp, kind="stable")
        splits = np.flatnonzero(np.diff(self.var_comp[order])) + 1
        self._vars_by_comp = {int(self.var_comp[g[0]]): g for g in np.split(order, splits) if g.size}
        self.local_index = np.empty(n, dtype=np.int64)
        for vs in self._vars_by_comp.values():
            self.local_index[vs] = np.arange(vs.size)

    def has_rows(self, label: int) -> bool:
        return bool(self._rows_by_comp.get(label))

    def component_spec(self, label: int):
        """(matrix, right-hand sides, row sources as (table index, cell index)) of one component."""
        rows = self._rows_by_comp[label]
        vs = self._vars_by_comp[label]
        sources = [None if self.sources[i] is None else (self.sources[i][0].index, self.sources[i][1]) for i in rows]
        return self.A[rows][:, vs].tocsr(), self.rhs[rows], sources

    def components(self) -> list[int]:
        return sorted(self._rows_by_comp)


# --------------------------------------------------------------------------------------------
# One component's solver: a warm LP model, an integer model when needed, witness solutions.


class _Component:
    def __init__(self, A: sparse.csr_matrix, rhs: np.ndarray, sources: list):
        self.A = A.tocsc()
        self.A_csr = A.tocsr()
        self.rhs = rhs
        self.sources = sources
        self.n = A.shape[1]
        self._lp = None
        self._mip = None
        self._costed: dict[str, np.ndarray] = {}
        self.pool = np.empty((0, self.n))
        self.status = None  # None until checked; then "ok", "inconsistent"
        self.inconsistent_cells: list[tuple[Any, float]] = []

    def _highs(self, integer: bool):
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
            h.setOptionValue("time_limit", _MIP_TIME_LIMIT)
        h.passModel(lp)
        return h

    def _solve(self, idx: np.ndarray, maximize: bool, integer: bool):
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
        if x is None:
            return None
        xr = np.round(x)
        if np.max(np.abs(x - xr), initial=0.0) > _TOL or xr.min(initial=0.0) < 0:
            return None
        if np.any(np.abs(self.A_csr @ xr - self.rhs) > _TOL):
            return None
        return xr

    def _remember(self, xr: np.ndarray | None) -> None:
        if xr is not None:
            self.pool = np.vstack([self.pool[-(_POOL_SIZE - 1):], xr[None, :]])

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
        A = sparse.hstack([self.A, S, -S]).tocsc()
        n = A.shape[1]
        h = silent_highs()
        h.setOptionValue("time_limit", _MIP_TIME_LIMIT)
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
        dev = x[self.n:self.n + m] - x[self.n + m:]
        return [(self.sources[published[j]], float(dev[j])) for j in np.flatnonzero(np.abs(dev) > _TOL)]

    def _sub_milp(self, free: np.ndarray, base: np.ndarray, idx: np.ndarray, maximize: bool,
                  bound: int) -> np.ndarray | None:
        """Re-optimise the target over the variables ``free`` (a boolean mask), the others fixed at
        the integer values of ``base``: an integer solution reaching ``bound``, else None."""
        cols = np.flatnonzero(free)
        rows = np.unique(self.A[:, cols].indices)
        fixed = np.where(free, 0.0, np.round(base))
        sub = self.A_csr[rows]
        rhs = self.rhs[rows] - sub @ fixed
        target = np.zeros(self.n)
        target[idx] = -1.0 if maximize else 1.0
        res = milp(target[cols], constraints=[LinearConstraint(sub[:, cols], rhs, rhs)],
                   integrality=np.ones(cols.size), bounds=Bounds(0, np.inf), options={"time_limit": 5.0})
        if res.status != 0 or res.x is None:
            return None
        y = fixed.copy()
        y[cols] = np.round(res.x)
        y = self._integral(y)
        return y if y is not None and y[idx].sum() == bound else None

    def _rins(self, x: np.ndarray, idx: np.ndarray, maximize: bool, bound: int) -> np.ndarray | None:
        """Relaxation-induced neighbourhood: fix the variables where the LP optimum ``x`` agrees
        with the nearest integer solution kept, re-optimise the target over the others."""
        if not self.pool.shape[0]:
            return None
        dist = np.abs(self.pool - x[None, :]).sum(axis=1)
        base = self.pool[int(np.argmin(dist))]
        free = np.abs(x - base) > _TOL
        if not free.any() or free.sum() > 1500:
            return None
        return self._sub_milp(free, base, idx, maximize, bound)

    def _pool_values(self, idx: np.ndarray) -> np.ndarray | None:
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
                bound = math.ceil(info.objective_function_value - _TOL) if status == S.kOptimal else None
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
                bound = math.floor(info.objective_function_value + _TOL) if status == S.kOptimal else None
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
# Truth.


class _Truth:
    """One table's true cells, keyed by their dimension values."""

    def __init__(self, frame, dims: list[str]):
        self.rows: dict[tuple[str, ...], dict[str, float | None]] = {}
        self.missing_columns = [d for d in dims if d not in frame.columns]
        if self.missing_columns:
            return
        for rec in frame.to_dict("records"):
            key = tuple(str(rec[d]) for d in dims)
            self.rows[key] = {f: _number(rec.get(f)) for f in ("value", "people", "top1", "top2")}

    def get(self, key: tuple[str, ...]) -> dict[str, float | None] | None:
        return self.rows.get(key)


def _sensitive(row: dict | None, geographic: bool, k: int, p: float) -> bool | None:
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
    if top1 is not None and v - top1 - (top2 or 0.0) < p / 100.0 * top1:
        return True
    return False


def _close(published: float, true: float, raw: Any) -> bool:
    if math.isclose(published, true, rel_tol=1e-9, abs_tol=1e-9):
        return True
    text = repr(raw)
    decimals = len(text.split(".")[1]) if "." in text and "e" not in text.lower() else 0
    return round(true, min(decimals, 9)) == published


# --------------------------------------------------------------------------------------------
# The audit.


@dataclass
class _Target:
    family: _Family
    table: _FTable
    cell: dict[str, str]
    idx: np.ndarray
    value: int | None
    sensitive: bool | None
    complement: str | None = None  # the dropped conditions, for a complement


def audit_publication(publication: dict, truth: dict[str, "pandas.DataFrame"] | None = None, *,
                      progress: Callable[[int, int], None] | None = None) -> AuditReport:
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
    ctx = _Context(publication)
    k = ctx.k
    intervals: list[CellInterval] = []
    failures: list[CellInterval] = []
    mismatches: list[str] = []
    truth = truth or {}
    truths: dict[str, _Truth] = {}

    def fail(table_id, cell, low, high, value, sensitive, problem):
        ci = CellInterval(str(table_id), dict(cell), float(low), float(high), value, sensitive, problem)
        intervals.append(ci)
        failures.append(ci)

    tables = list(publication.get("tables") or [])
    by_id: dict[str, dict] = {}
    family_entries: dict[tuple, list] = defaultdict(list)
    for raw in tables:
        tid = str(raw.get("id"))
        if tid in by_id:
            fail(tid, {}, math.nan, math.nan, None, None, "duplicate table id")
        by_id[tid] = raw
        dims = [str(d) for d in raw.get("dimensions") or []]
        tr = None
        if tid in truth and truth[tid] is not None:
            tr = truths[tid] = _Truth(truth[tid], dims)
            if tr.missing_columns:
                mismatches.append(f"{tid}: truth lacks columns {tr.missing_columns}")
        for cell in raw.get("cells") or []:
            key = tuple(str(cell.get(d)) for d in dims)
            cdict = {d: str(cell.get(d)) for d in dims}
            if cell.get("suppressed") and cell.get("value") is not None:
                fail(tid, cdict, math.nan, math.nan, None, None, "suppressed cell carries a value in the file")
            if tr is not None and not tr.missing_columns and _is_published(cell):
                row = tr.get(key)
                pub = _number(cell.get("value"))
                if row is None or row["value"] is None:
                    mismatches.append(f"{tid} {cdict}: published {cell.get('value')}, no true value")
                elif pub is None or not _close(pub, row["value"], cell.get("value")):
                    mismatches.append(f"{tid} {cdict}: published {cell.get('value')}, true {_fmt(row['value'])}")
        info = ctx.measure(raw)
        if raw.get("statistic"):
            for cell in raw.get("cells") or []:
                if not _is_published(cell):
                    continue
                cdict = {d: str(cell.get(d)) for d in dims}
                people = _number(cell.get("people"))
                v = _number(cell.get("value"))
                shown = math.nan if v is None else v
                if people is None or people < k:
                    fail(tid, cdict, shown, shown, None, None,
                         f"statistic published with {_fmt(people) if people is not None else 'no'} people (k={k})")
                if tr is not None and not tr.missing_columns:
                    row = tr.get(tuple(cdict[d] for d in dims))
                    if row is not None and row.get("people") is not None and row["people"] < k:
                        fail(tid, cdict, shown, shown, None, True,
                             f"statistic published with {_fmt(row['people'])} true people (k={k})")
            continue
        if not info["people"]:
            continue
        if info["additive"]:
            key = ("additive", info["root"])
        else:
            grains = [d for d in (*dims, *(raw.get("filters") or {})) if d in _TIME]
            key = ("stock", info["root"], min(grains, key=lambda d: _GRAIN_RANK[d]) if grains else "")
        family_entries[key].append((raw, info["where"]))

    # Families, published-cell checks and targets.
    targets: list[_Target] = []
    families: list[_Family] = []
    for key in sorted(family_entries):
        fam = _Family(ctx, key, family_entries[key])
        fam.position = len(families)
        families.append(fam)
        for t, ci in fam.structural_conflicts:
            cdict = {d: str(t.cells[ci].get(d)) for d in t.dims}
            fail(t.id, cdict, 0, 0, None, None,
                 f"published figures are inconsistent: {_fmt(t.published[ci])} published for a cell that "
                 "no unit can fall in (its values exclude each other)")
        targets.extend(_family_checks(fam, truths, k, ctx.p, fail))

    # Ratios.
    for ratio in publication.get("ratios") or []:
        rid = str(ratio.get("id"))
        for role in ("numerator", "denominator"):
            ref = ratio.get(role)
            try:
                tid, sel = str(ref[0]), {str(a): str(b) for a, b in dict(ref[1]).items()}
            except (TypeError, IndexError, KeyError, ValueError):
                fail(rid, {}, math.nan, math.nan, None, None, f"ratio {rid}: malformed {role}")
                continue
            raw = by_id.get(tid)
            if raw is None:
                fail(tid, sel, math.nan, math.nan, None, None, f"ratio {rid}: {role} names a missing table")
                continue
            matches = [c for c in raw.get("cells") or [] if all(str(c.get(d)) == v for d, v in sel.items())]
            if len(matches) != 1:
                fail(tid, sel, math.nan, math.nan, None, None,
                     f"ratio {rid}: {role} names {len(matches)} cells, not one")
                continue
            cell = matches[0]
            if not _is_published(cell):
                fail(tid, sel, math.nan, math.nan, None, None, f"ratio {rid}: {role} names a suppressed cell")
                continue
            v = _number(cell.get("value"))
            people_measure = ctx.measure(raw)["people"] and not raw.get("statistic")
            if role == "denominator" and people_measure and (v is None or v < k):
                fail(tid, sel, v if v is not None else math.nan, v if v is not None else math.nan, None, None,
                     f"ratio {rid}: denominator {_fmt(v) if v is not None else '?'} is under k={k}")

    # Attacker intervals: each target is a sum of variables, split over independent components.
    total = len(targets)
    if progress is not None:
        progress(0, total)
    work: dict[tuple[int, int], list[np.ndarray]] = {}  # component -> the parts solved in it
    part_index: dict[tuple[int, int, bytes], int] = {}
    plans = []  # per target: (parts [(component, part)], free)
    for tg in targets:
        fi = tg.family.position
        comps = tg.family.var_comp[tg.idx]
        parts, free = [], False
        for label in np.unique(comps):
            label = int(label)
            local = np.sort(tg.family.local_index[tg.idx[comps == label]])
            if not tg.family.has_rows(label):
                free = True  # variables no published figure constrains: unbounded above
                continue
            key = (fi, label)
            pk = (fi, label, local.tobytes())
            if pk not in part_index:
                part_index[pk] = len(work.setdefault(key, []))
                work[key].append(local)
            parts.append((key, part_index[pk]))
        plans.append((parts, free))
    for fi, fam in enumerate(families):  # every component is checked for consistency
        for label in fam.components():
            work.setdefault((fi, label), [])
    results = _solve_all(families, work, plans, progress, total)

    for tg, (parts, free) in zip(targets, plans):
        low, high, note = 0.0, (math.inf if free else 0.0), None
        for key, pi in parts:
            status, value = results[key]
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
                problem = f"sensitive complement (true {tg.value}) exactly determined: [{_fmt(low)}, {_fmt(high)}]"
            elif not (low == 0 and high >= k):
                problem = f"sensitive complement (true {tg.value}) provable in [{_fmt(low)}, {_fmt(high)}]"
        elif low == high:
            problem = f"exactly determined: [{_fmt(low)}, {_fmt(high)}]"
        elif tg.sensitive and not (low == 0 and high >= k):
            problem = f"sensitive cell provable in [{_fmt(low)}, {_fmt(high)}]"
        elif 1 <= low and high <= k - 1:
            problem = f"provable between 1 and {k - 1}: [{_fmt(low)}, {_fmt(high)}]"
        if problem and note == "approximate":
            problem += " (solver time limit: interval conservative)"
        if note in ("inconsistent", "unverified"):
            low, high = math.nan, math.nan
        ci = CellInterval(tg.table.id, cell, float(low), float(high), tg.value, tg.sensitive, problem)
        intervals.append(ci)
        if problem:
            failures.append(ci)
    for (fi, label), (status, value) in sorted(results.items()):
        if status == "inconsistent":
            _report_inconsistent(families[fi], value, fail)
    return AuditReport(intervals, failures, total, time.perf_counter() - started, mismatches)


# --------------------------------------------------------------------------------------------
# Solving the components.

def _solve_all(families: list[_Family], work: dict, plans: list, progress, total: int) -> dict:
    """Solve every part, component by component: each component's models are built once, kept
    warm while its parts are solved, then freed. Returns, per component, ("ok", [(low, high,
    exact)] per part) or ("inconsistent", [((table index, cell index), deviation)])."""
    users: dict[tuple, list[int]] = defaultdict(list)
    remaining = []
    done = 0
    for ti, (parts, _) in enumerate(plans):
        remaining.append(len(parts))
        done += not parts
        for key, pi in parts:
            users[(key, pi)].append(ti)
    if progress is not None and done:
        progress(done, total)
    results = {}
    for key in sorted(work):
        comp = _Component(*families[key[0]].component_spec(key[1]))
        consistent = comp.check()
        values = []
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


def _report_inconsistent(fam: _Family, cells, fail) -> None:
    if not cells:
        fail("", {}, math.nan, math.nan, None, None, "published figures are inconsistent")
    for (ti, ci), dev in cells:
        t = fam.tables[ti]
        if ci is None:
            fail(t.id, {}, 0, 0, None, None,
                 f"published figures are inconsistent: they need {_fmt(abs(dev))} units outside the "
                 "values this table lists")
            continue
        cdict = {d: str(t.cells[ci].get(d)) for d in t.dims}
        v = t.published[ci]
        fail(t.id, cdict, v, v, None, None,
             f"published figures are inconsistent: {_fmt(v)} is {_fmt(abs(dev))} "
             f"{'below' if dev > 0 else 'above'} what the other published figures allow")


def _family_checks(fam: _Family, truths: dict[str, _Truth], k: int, p: float, fail) -> list[_Target]:
    """Published-cell checks of one family; returns the suppressed cells and complements to solve."""
    targets: list[_Target] = []
    # Published zeros, to exempt zeros that a published zero containing them already implies.
    zeros: dict[int, dict[tuple[int, ...], bool]] = {}
    for t in fam.tables:
        z = {t.masks[ci]: True for ci, v in enumerate(t.published) if v is not None and v == 0}
        if z:
            zeros[t.index] = z
    distinct: dict[tuple[int, int], list[int]] = {}
    containing: dict[tuple[int, int, int], list[int]] = {}

    def implied_zero(masks: tuple[int, ...]) -> bool:
        if any(m == 0 for m in masks):
            return True  # no unit can fall in this cell at all
        for ti, z in zeros.items():
            t = fam.tables[ti]
            key = []
            for g, m in enumerate(masks):
                hit = containing.get((ti, g, m))
                if hit is None:
                    opts = distinct.get((ti, g))
                    if opts is None:
                        opts = distinct[(ti, g)] = sorted({mm[g] for mm in t.masks})
                    hit = containing[(ti, g, m)] = [o for o in opts if o & m == m]
                if len(hit) != 1:
                    break
                key.append(hit[0])
            else:
                key = tuple(key)
                if key in z and key != masks:
                    return True
        return False

    truth_tables = [t for t in fam.tables if t.id in truths and not truths[t.id].missing_columns]
    resolve_cache: dict[tuple[int, int, int], tuple[bool, list[int]]] = {}

    def true_parent(masks: tuple[int, ...]) -> float | None:
        for u in truth_tables:
            contained = []
            for g, m in enumerate(masks):
                ck = (u.index, g, m)
                res = resolve_cache.get(ck)
                if res is None:
                    opts = distinct.get((u.index, g))
                    if opts is None:
                        opts = distinct[(u.index, g)] = sorted({mm[g] for mm in u.masks})
                    union = 0
                    ok, inside = True, []
                    for o in opts:
                        union |= o
                        x = o & m
                        if x == o:
                            inside.append(o)
                        elif x:
                            ok = False
                            break
                    res = resolve_cache[ck] = (ok and union & m == m, inside)
                if not res[0]:
                    break
                contained.append(res[1])
            else:
                index = getattr(u, "_by_masks", None)
                if index is None:
                    index = {}
                    for ci, mm in enumerate(u.masks):
                        index.setdefault(mm, []).append(ci)
                    u._by_masks = index  # type: ignore[attr-defined]
                tr = truths[u.id]
                total = 0.0
                for combo in itertools.product(*contained):
                    for ci in index.get(tuple(combo), ()):
                        row = tr.get(tuple(str(u.cells[ci].get(d)) for d in u.dims))
                        if row is None or row["value"] is None:
                            total = math.nan
                            break
                        total += row["value"]
                if not math.isnan(total):
                    return total
        return None

    for t in fam.tables:
        tr = truths.get(t.id)
        if tr is not None and tr.missing_columns:
            tr = None
        for ci, cell in enumerate(t.cells):
            cdict = {d: str(cell.get(d)) for d in t.dims}
            row = tr.get(tuple(cdict[d] for d in t.dims)) if tr is not None else None
            true_value = _int_or(row["value"]) if row is not None else None
            sens_truth = _sensitive(row, t.geographic, k, p) if row is not None else None
            v = t.published[ci]
            if v is not None:
                if v < 0 or abs(v - round(v)) > _TOL:
                    fail(t.id, cdict, v, v, true_value, sens_truth,
                         f"published count {_fmt(v)} is not a non-negative integer")
                    continue
                public_sens = (1 <= v <= k - 1) or (v == 0 and t.geographic)
                sens = bool(sens_truth) or public_sens
                zero = v == 0 and (true_value is None or true_value == 0)
                if sens and not (zero and implied_zero(t.masks[ci])):
                    why = (f"value {_fmt(v)} under k={k}" if 1 <= v <= k - 1 else
                           "a zero in a geographic table that no published zero implies" if v == 0 else
                           "primary-sensitive in the truth (people or dominance rule)")
                    fail(t.id, cdict, v, v, true_value, sens_truth if sens_truth is not None else True,
                         f"sensitive cell published: {why}")
            else:
                targets.append(_Target(fam, t, cdict, fam.cell_vars(t, ci), true_value, sens_truth))
            # Complements of filtered cells (truth only).
            if row is None or row["value"] is None or not t.conds:
                continue
            positions = range(len(t.conds))
            parents_seen = set()
            for r in range(1, len(t.conds) + 1):
                for dropped in itertools.combinations(positions, r):
                    dropped = frozenset(dropped)
                    pm = fam.parent_masks(t, ci, dropped)
                    if pm == t.masks[ci] or pm in parents_seen:
                        continue
                    parents_seen.add(pm)
                    parent_true = true_parent(pm)
                    if parent_true is None:
                        continue
                    comp_true = parent_true - row["value"]
                    if not (1 <= comp_true <= k - 1):
                        continue
                    parent_idx = fam.select(t.clique, pm)
                    idx = np.setdiff1d(parent_idx, fam.cell_vars(t, ci), assume_unique=True)
                    label = ",".join(sorted({t.conds[i][0] for i in dropped}))
                    targets.append(_Target(fam, t, cdict, idx, _int_or(comp_true), True, label))
    return targets
