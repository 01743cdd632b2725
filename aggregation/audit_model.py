"""The audit's model of a publication: its structure, and per family the exact junction-tree model.

Part of the independent audit (``aggregation.audit``): from the publication dict alone, the
dimensions' atoms, each table's cells as masks, the junction tree of cliques coarsened to what
the tables tell apart, and the equality rows. Pure Python, no I/O; must not import the
suppression engine nor any module of ``aggregation`` but ``registry`` and the audit's own.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from aggregation import registry
from core.release_model import Cell, Release, Table

WINDOW = "twelve_months"  # rolling 12-month windows "YYYY-MM/YYYY-MM": sums of months, overlapping
TIME = ("month", "quarter", "year", WINDOW)
GRAIN_RANK = {"month": 0, "quarter": 1, "year": 2}
GEOGRAPHIC = ("neighborhood", "precinct", "district", "business_district")  # the audit's own copy, on purpose
OTHER = "\x00other"  # the complement of the listed values of a dimension with no declared domain
TOL = 1e-6


# --------------------------------------------------------------------------------------------
# Small helpers.


def values(v: Any) -> tuple[str, ...]:
    """Return a filter value (one or many) as a tuple of strings."""
    if isinstance(v, (list, tuple, set, frozenset)):
        return tuple(str(x) for x in v)
    return (str(v),)


def fmt(x: float | None) -> str:
    """Return a number as the problems print it (integers without a decimal point)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "?"
    if math.isinf(x):
        return "inf"
    return str(int(round(x))) if abs(x - round(x)) < TOL else f"{x:g}"


def coarsen(value: str, grain: str, to: str) -> str:
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


def months_between(first: str, last: str) -> list[str]:
    """Return every month key from ``first`` to ``last`` (at most 200 years)."""
    try:
        y, m = (int(x) for x in first.split("-"))
        ly, lm = (int(x) for x in last.split("-"))
    except (AttributeError, ValueError):
        return []
    out: list[str] = []
    while (y, m) <= (ly, lm) and len(out) < 2400:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def number(x: Any) -> float | None:
    """A float, or None for None, NaN, pandas.NA and anything that is not a number."""
    if x is None or isinstance(x, bool):
        return None if x is None else float(x)
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def int_or(x: float | None) -> int | float | None:
    """Return an integral float as an int, anything else unchanged."""
    return None if x is None else int(round(x)) if abs(x - round(x)) < TOL else x


def refine(all_mask: int, masks: Iterable[int]) -> list[int]:
    """The classes of atoms (bit masks) that none of ``masks`` tells apart."""
    blocks = [all_mask] if all_mask else []
    for m in masks:
        if m == all_mask or not m:
            continue
        new: list[int] = []
        for b in blocks:
            x = b & m
            if x and x != b:
                new.extend((x, b & ~m))
            else:
                new.append(b)
        blocks = new
    return blocks


def is_published(cell: Cell) -> bool:
    """Return whether a cell carries a published value."""
    return cell.published


# --------------------------------------------------------------------------------------------
# The publication's structure.


class Context:
    """The publication's structure: threshold, domains, measures and hierarchies."""

    def __init__(self, publication: Release):
        release = publication.release
        self.k = release.threshold
        self.p = float(release.p_percent or 10)
        self.first_month: str | None = release.first_month
        self.last_month: str | None = release.last_month
        self.domains = {d: list(vals) for d, vals in publication.domains.items()}
        self.measures = publication.measures
        # parent dimension -> (child dimension, {parent value: [child values]}, {child: parent})
        self.parent_of: dict[str, tuple[str, dict[str, list[str]], dict[str, str]]] = {}
        for key, h in publication.hierarchies.items():
            child, parent = h.child or key, h.parent
            if not parent or parent == child:
                continue
            members = {c: str(p) for c, p in h.members.items()}
            reverse: dict[str, list[str]] = defaultdict(list)
            for c, p in members.items():
                reverse[p].append(c)
            if str(parent) in self.parent_of:
                raise ValueError(f"dimension {parent!r} is the parent of two hierarchies")
            self.parent_of[str(parent)] = (child, dict(reverse), members)
        self._finest_cache: dict[tuple[str, str], frozenset[str]] = {}

    def group_of(self, dim: str) -> str:
        """Return the group (hierarchy root, or time) a dimension belongs to."""
        if dim in TIME:
            return "\x00time"
        seen = set()
        while dim in self.parent_of and dim not in seen:
            seen.add(dim)
            dim = self.parent_of[dim][0]
        return dim

    def finest_values(self, dim: str, value: str) -> frozenset[str]:
        """Return the finest-level values that one value of a hierarchy dimension covers."""
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
        """Return the finest values some hierarchy lists as members."""
        out: list[str] = []
        for child, _, members in self.parent_of.values():
            if child == finest:
                out.extend(members)
        return out

    def time_domain(self, grain: str) -> list[str]:
        """Return the periods of a time grain: the declared domain, else the release window's."""
        if grain in self.domains:
            return self.domains[grain]
        months = months_between(self.first_month, self.last_month) if self.first_month and self.last_month else []
        return list(dict.fromkeys(coarsen(m, "month", grain) for m in months))

    def measure_info(self, name: str) -> dict:
        """The publication's description of a measure, completed from the release plan (which
        measures are not about people, which are subsets of which): what the attacker knows
        from the documentation even when the file leaves it out."""
        given = self.measures.get(name)
        info: dict[str, Any] = {} if given is None else {"additive": given.additive, "people": given.people}
        if given is not None and given.subset_of is not None:
            info["subset_of"], info["where"] = given.subset_of, dict(given.where or {})
        if "people" not in info and name in registry.UNSUPPRESSED_MEASURES:
            info["people"] = False
        if "subset_of" not in info and name in registry.SUBSET_MEASURES:
            parent, where = registry.SUBSET_MEASURES[name]
            info["subset_of"], info["where"] = parent, {d: list(v) for d, v in where.items()}
        return info

    def measure(self, table: Table) -> dict:
        """additive, people, root measure and the accumulated ``where`` of subset measures."""
        name = table.measure
        info = self.measure_info(name)
        additive = info.get("additive", table.additive)
        people = info.get("people", True)
        where: list[tuple[str, tuple[str, ...]]] = []
        root, seen = name, {name}
        while True:
            m = self.measure_info(root)
            parent = m.get("subset_of")
            if not parent or parent in seen:
                break
            where.extend((str(d), values(v)) for d, v in (m.get("where") or {}).items())
            seen.add(parent)
            root = str(parent)
        return {
            "additive": bool(additive) if additive is not None else True,
            "people": people is not False,
            "root": root,
            "where": where,
        }


# --------------------------------------------------------------------------------------------
# One family of linked tables and its exact junction-tree model.


class FTable:
    """One table of a family: its cells as masks over the family's atoms."""

    __slots__ = (
        "table",
        "id",
        "dims",
        "geographic",
        "conds",
        "cells",
        "dmasks",
        "masks",
        "scope",
        "clique",
        "published",
        "index",
        "coverage",
        "_by_masks",
    )
    # Set by ``Family``: the conditions (dimension, "filter" or "where", group, mask), each cell's masks from its
    # dimensions alone and with the conditions, the groups it narrows, its clique, its published values (None:
    # suppressed), its position in the family and the regions it leaves empty. ``_by_masks``: the audit's index.
    conds: list[tuple[str, str, int, int]]
    dmasks: list[tuple[int, ...]]
    masks: list[tuple[int, ...]]
    scope: frozenset[int]
    clique: int
    published: list[float | None]
    index: int
    coverage: list[tuple[int, ...]]
    _by_masks: dict[tuple[int, ...], list[int]]

    def __init__(self, table: Table):
        self.table = table
        self.id = table.id
        self.dims = list(table.dimensions)
        self.cells = table.cells
        self.geographic = any(d in GEOGRAPHIC for d in (*self.dims, *table.filters))


class Clique:
    """One clique of the audit's junction tree, with its blocks of atoms."""

    __slots__ = ("groups", "blocks", "shape", "offset", "size", "grid", "_cache")
    # Set by ``Family._build_tree``: the blocks per group, the variables' offset and count, and their grid
    # (None for the clique of no group, whose one variable is ``offset``).
    shape: tuple[int, ...]
    offset: int
    size: int
    grid: np.ndarray | None

    def __init__(self, groups: tuple[int, ...]):
        self.groups = groups
        self.blocks: list[list[int]] = []
        self._cache: dict[tuple[int, int], list[int]] = {}


class Family:
    """The attacker's model of one family: variables, equality rows, components."""

    position: int  # set by the audit: the family's index among the publication's families

    def __init__(self, ctx: Context, key: tuple, entries: list[tuple[Table, list]]):
        self.ctx = ctx
        self.key = key
        self.tables: list[FTable] = []
        raw_conds: list[list[tuple[str, tuple[str, ...], str]]] = []
        used: dict[str, set[str]] = defaultdict(set)  # group -> dimensions used
        seen: dict[str, set[str]] = defaultdict(set)  # dimension -> values seen
        as_dim: set[str] = set()
        for table, where in entries:
            t = FTable(table)
            conds = [(d, table.filter_values(d), "filter") for d in table.filters]
            conds += [(d, vals, "where") for d, vals in where]
            for d in t.dims:
                used[ctx.group_of(d)].add(d)
                as_dim.add(d)
                for c in t.cells:
                    seen[d].add(c.where[d])
            for d, vals, _ in conds:
                used[ctx.group_of(d)].add(d)
                seen[d].update(vals)
            self.tables.append(t)
            raw_conds.append(conds)
        self.groups = sorted(used)
        self.gindex = {g: i for i, g in enumerate(self.groups)}
        self._atoms: list[list[str]] = []
        self._mask_fn: list[Callable[[str, str], int]] = []
        for group in self.groups:
            atoms, fn = self._atoms_of(group, used[group], seen, as_dim)
            self._atoms.append(atoms)
            self._mask_fn.append(fn)
        self.all = [(1 << len(a)) - 1 for a in self._atoms]
        self._mask_cache: dict[tuple[str, str], int] = {}

        for ti, (t, conds) in enumerate(zip(self.tables, raw_conds, strict=False)):
            self._place_table(t, ti, conds)
        self._build_tree()
        self._build_rows()

    def _place_table(self, t: FTable, ti: int, conds: list[tuple[str, tuple[str, ...], str]]) -> None:
        """Set one table's conditions, its cells as masks over the atoms of each group, its published values,
        the groups it narrows and the regions it leaves empty."""
        ctx = self.ctx
        ng = len(self.groups)
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
            narrowed = list(self.all)
            for d, g in dim_groups:
                narrowed[g] &= self.mask(d, c.where[d])
            dm = tuple(narrowed)
            t.dmasks.append(dm)
            t.masks.append(tuple(dm[g] & fmask[g] for g in range(ng)))
            t.published.append(number(c.value) if c.published else None)
        scope = {g for _, _, g, m in t.conds if m != self.all[g]}
        scope |= {g for dm in t.dmasks for g in range(ng) if dm[g] != self.all[g]}
        t.scope = frozenset(scope)
        # Every unit passing the filters falls in one listed cell: the values a table does not
        # list (under its filters) hold no unit. Kept as zero rows ("coverage").
        t.coverage = []
        listed = list(fmask)  # a time dimension covers the periods its domain lists (a release of whole
        for d in t.dims:  # periods leaves out the quarter and year still running): none beyond
            if d in TIME and d in ctx.domains:
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

    # -- atoms -----------------------------------------------------------------------------

    def _atoms_of(
        self, group: str, dims: set[str], seen: dict[str, set[str]], as_dim: set[str]
    ) -> tuple[list[str], Callable[[str, str], int]]:
        """Return a group's atoms and the function mapping (dimension, value) to a mask of them."""
        ctx = self.ctx
        if group == "\x00time":
            grain = min(("month" if d == WINDOW else d for d in dims), key=lambda d: GRAIN_RANK[d])
            atoms = list(dict.fromkeys([*ctx.time_domain(grain), *sorted(seen[grain])]))
            index = {a: i for i, a in enumerate(atoms)}
            coarse: dict[str, dict[str, int]] = {}
            for other in GRAIN_RANK:
                if GRAIN_RANK[other] > GRAIN_RANK[grain]:
                    table: dict[str, int] = defaultdict(int)
                    for a, i in index.items():
                        table[coarsen(a, grain, other)] |= 1 << i
                    coarse[other] = dict(table)

            def time_mask(
                dim: str,
                value: str,
                grain: str = grain,
                index: dict[str, int] = index,
                coarse: dict[str, dict[str, int]] = coarse,
            ) -> int:
                if dim == WINDOW:  # the months from the key's first to its last
                    first, _, last = value.partition("/")
                    return sum(1 << index[m] for m in months_between(first, last) if m in index)
                if dim == grain:
                    return 1 << index[value] if value in index else 0
                if GRAIN_RANK[dim] < GRAIN_RANK[grain]:  # cannot happen: grain is the finest used
                    raise ValueError(f"time dimension {dim!r} finer than the family's grain {grain!r}")
                return coarse[dim].get(value, 0)

            return atoms, time_mask
        hierarchy = group in ctx.parent_of or any(c == group for c, _, _ in ctx.parent_of.values())
        if not hierarchy or (len(dims) == 1 and group not in dims):
            # A plain categorical dimension, or a hierarchy used at one parent level only
            # (precinct alone): the dimension's own values are the atoms.
            (dim,) = dims if len(dims) == 1 else (group,)
            atoms = list(dict.fromkeys([*ctx.domains.get(dim, []), *sorted(seen[dim])]))
            if dim not in ctx.domains and dim not in as_dim:
                atoms.append(OTHER)
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

        def hierarchy_mask(dim: str, value: str, index: dict[str, int] = index) -> int:
            m = 0
            for a in ctx.finest_values(dim, value):
                if a in index:
                    m |= 1 << index[a]
            return m

        return atoms, hierarchy_mask

    def mask(self, dim: str, value: str) -> int:
        """Return the atoms one dimension value covers, as a bit mask."""
        key = (dim, value)
        m = self._mask_cache.get(key)
        if m is None:
            m = self._mask_cache[key] = self._mask_fn[self.gindex[self.ctx.group_of(dim)]](dim, value)
        return m

    def parent_masks(self, t: FTable, ci: int, dropped: frozenset[int]) -> tuple[int, ...]:
        """The masks of cell ``ci`` of ``t`` without the conditions whose positions are ``dropped``."""
        out = list(t.dmasks[ci])
        for pos, (_, _, g, m) in enumerate(t.conds):
            if pos not in dropped:
                out[g] &= m
        return tuple(out)

    # -- junction tree -----------------------------------------------------------------------

    def _table_sets(self, t: FTable) -> dict[int, set[int]]:
        """Per group, the sets a table (its cells and the parents of its complements) tells apart."""
        out: dict[int, set[int]] = {}
        for g in t.scope:
            on_g = [m for _, _, gg, m in t.conds if gg == g]
            dms = {dm[g] for dm in t.dmasks} or {self.all[g]}
            sets: set[int] = set()
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
        """Build the junction tree and each clique's blocks (partitions nested towards the root)."""
        ng = len(self.groups)
        sets = [self._table_sets(t) for t in self.tables]
        width = [max(1, len(refine(self.all[g], set().union(*(s.get(g, set()) for s in sets))))) for g in range(ng)]
        nodes: set[int] = set().union(*(t.scope for t in self.tables)) if self.tables else set()
        adj: dict[int, set[int]] = {v: set() for v in nodes}
        for t in self.tables:
            for a in t.scope:
                adj[a] |= t.scope - {a}
        remaining = set(nodes)
        elimination: list[frozenset[int]] = []
        while remaining:

            def score(v: int) -> tuple[int, int, int]:
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
        cliques: list[frozenset[int]] = []
        for c in elimination:
            if not any(c < d for d in elimination) and c not in cliques:
                cliques.append(c)
        if not cliques:
            cliques = [frozenset()]
        n = len(cliques)
        # Junction tree: a maximum spanning tree on separator sizes (zero-size edges join components:
        # two tables without a common dimension still share the grand total).
        parent = list(range(n))

        def find(x: int) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        edges = sorted(
            ((len(cliques[i] & cliques[j]), -i, -j) for i in range(n) for j in range(i + 1, n)), reverse=True
        )
        tree: dict[int, list[int]] = defaultdict(list)
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
        for t, s in zip(self.tables, sets, strict=False):
            for g, ms in s.items():
                base[t.clique][g] |= ms

        def partitions(root: int) -> tuple[int, list[dict[int, list[int]]], dict[int, int | None]]:
            blocks = [{g: refine(self.all[g], base[i][g]) for g in sorted(cliques[i])} for i in range(n)]
            order: list[int] = []
            parent_of: dict[int, int | None] = {root: None}
            stack = [root]
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
                    blocks[p][g] = refine(self.all[g], [*blocks[p][g], *blocks[x][g]])
            total = sum(math.prod(len(b[g]) for g in b) for b in blocks)
            return total, blocks, parent_of

        best = min((partitions(r) + (r,) for r in range(n)), key=lambda x: (x[0], x[3]))
        _, blocks, parent_of = best[:3]
        self.cliques: list[Clique] = []
        offset = 0
        for i, c in enumerate(cliques):
            cl = Clique(tuple(sorted(c)))
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
        picks: list[list[int]] = []
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
        assert cl.grid is not None  # a clique with groups has its grid
        return cl.grid[np.ix_(*picks)].ravel()

    def cell_vars(self, t: FTable, ci: int) -> np.ndarray:
        """Return the variables of every cell of a table in clique ``ci``."""
        return self.select(t.clique, t.masks[ci])

    # -- rows and components ------------------------------------------------------------------

    def _build_rows(self) -> None:
        """Build the equality rows: published cells, coverage zeros and separators."""
        rows_i: list[np.ndarray] = []
        rows_j: list[np.ndarray] = []
        rows_v: list[np.ndarray] = []
        rhs: list[float] = []
        sources: list[tuple[FTable, int | None] | None] = []  # (table, cell), (table, None) for coverage, None
        self.structural_conflicts: list[tuple[FTable, int]] = []
        r = 0
        for t in self.tables:
            for ci, v in enumerate(t.published):
                if v is None:
                    continue
                idx = self.cell_vars(t, ci)
                if idx.size == 0:
                    if abs(v) > TOL:
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
                on_separator = list(self.all)
                for g, block in zip(sep, combo, strict=False):
                    on_separator[g] = block
                masks = tuple(on_separator)
                a, b = self.select(p, masks), self.select(c, masks)
                rows_i.append(np.full(a.size + b.size, r))
                rows_j.append(np.concatenate([a, b]))
                rows_v.append(np.concatenate([np.ones(a.size), -np.ones(b.size)]))
                rhs.append(0.0)
                sources.append(None)
                r += 1
        self.nrows = r
        if r:
            self.A = sparse.csr_matrix(
                (np.concatenate(rows_v), (np.concatenate(rows_i), np.concatenate(rows_j))), shape=(r, self.nvars)
            )
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
        """Return whether a component has any equality row."""
        return bool(self._rows_by_comp.get(label))

    def component_spec(self, label: int) -> tuple[sparse.csr_matrix, np.ndarray, list[tuple[int, int | None] | None]]:
        """(matrix, right-hand sides, row sources as (table index, cell index)) of one component."""
        rows = self._rows_by_comp[label]
        vs = self._vars_by_comp[label]
        sources: list[tuple[int, int | None] | None] = []
        for i in rows:
            source = self.sources[i]
            sources.append(None if source is None else (source[0].index, source[1]))
        return self.A[rows][:, vs].tocsr(), self.rhs[rows], sources

    def components(self) -> list[int]:
        """Return the labels of the independent components."""
        return sorted(self._rows_by_comp)
