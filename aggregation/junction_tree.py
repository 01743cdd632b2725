"""Junction trees over a family's base dimensions, and partitions of their values.

The combinatorics the suppression engine's model is built on: triangulation, maximal
cliques, a maximum-weight spanning tree on their intersections, and the partitions
(blocks) of each dimension's values that the tables tell apart. Pure functions: must
not import HiGHS, pandas or anything of the registry.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components


def maximal_cliques(nodes: list[str], edges: set[frozenset[str]]) -> list[frozenset[str]]:
    """Triangulate by min-fill elimination; return the maximal cliques."""
    adjacency: dict[str, set[str]] = {n: set() for n in nodes}
    for edge in edges:
        a, b = tuple(edge)
        adjacency[a].add(b)
        adjacency[b].add(a)
    remaining = set(nodes)
    cliques: list[frozenset[str]] = []
    while remaining:

        def fill_in(node: str) -> int:
            neighbors = adjacency[node] & remaining
            return sum(1 for a, b in itertools.combinations(sorted(neighbors), 2) if b not in adjacency[a])

        node = min(sorted(remaining), key=lambda n: (fill_in(n), len(adjacency[n] & remaining)))
        neighbors = adjacency[node] & remaining
        for a, b in itertools.combinations(sorted(neighbors), 2):
            adjacency[a].add(b)
            adjacency[b].add(a)
        cliques.append(frozenset(neighbors | {node}))
        remaining.discard(node)
    return [c for c in cliques if not any(c < other for other in cliques)]


def junction_tree(
    cliques: list[frozenset[str]], weight: Callable[[int, int], tuple] | None = None
) -> list[tuple[int, int]]:
    """Return the edges of a maximum-weight spanning tree on clique intersections.

    The weight of an edge is the size of the intersection, then ``weight(i, j)`` (ties).
    Cliques that share no dimension are still joined, by an empty separator: every table
    of a family counts the same units, so their grand totals are equal.
    """
    candidates = sorted(
        (
            (len(a & b), weight(i, j) if weight else (), i, j)
            for (i, a), (j, b) in itertools.combinations(enumerate(cliques), 2)
        ),
        reverse=True,
    )
    parent = list(range(len(cliques)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    edges = []
    for _, _, i, j in candidates:
        ri, rj = root(i), root(j)
        if ri != rj:
            parent[ri] = rj
            edges.append((i, j))
    return edges


def tree_path(edges: list[tuple[int, int]], start: int, end: int) -> list[int]:
    """Return the cliques on the tree path from ``start`` to ``end`` (both included), or [] if none."""
    neighbours: dict[int, list[int]] = defaultdict(list)
    for i, j in edges:
        neighbours[i].append(j)
        neighbours[j].append(i)
    previous = {start: start}
    frontier = [start]
    while frontier:
        node = frontier.pop()
        for other in neighbours[node]:
            if other not in previous:
                previous[other] = node
                frontier.append(other)
    if end not in previous:
        return []
    path = [end]
    while path[-1] != start:
        path.append(previous[path[-1]])
    return path[::-1]


def refine(size: int, sets: Iterable[frozenset[int]]) -> list[int]:
    """Return a block id per element: elements no set tells apart share a block."""
    signature: list[list[int]] = [[] for _ in range(size)]
    for set_id, members in enumerate(sorted(set(sets), key=lambda s: sorted(s))):
        for element in members:
            signature[element].append(set_id)
    blocks: dict[tuple[int, ...], int] = {}
    return [blocks.setdefault(tuple(s), len(blocks)) for s in signature]


def meet(a: list[int], b: list[int]) -> list[int]:
    """Return the finest partition coarser than both: elements linked through either share a block."""
    n = len(a)
    first_a = {block: element for element, block in reversed(list(enumerate(a)))}
    first_b = {block: element for element, block in reversed(list(enumerate(b)))}
    rows = np.arange(n).repeat(2)
    cols = np.asarray(
        [
            first[block]
            for pair in zip(a, b, strict=False)
            for first, block in zip((first_a, first_b), pair, strict=False)
        ]
    )
    _, labels = connected_components(sparse.csr_matrix((np.ones(2 * n), (rows, cols)), shape=(n, n)), directed=False)
    return labels.tolist()


def common_refinement(a: list[int], b: list[int]) -> list[int]:
    """Return the coarsest partition finer than both: a block per pair of blocks."""
    ids: dict[tuple[int, int], int] = {}
    return [ids.setdefault(pair, len(ids)) for pair in zip(a, b, strict=False)]


def nested(fine: list[int], coarse: list[int]) -> bool:
    """Return whether every block of ``fine`` lies inside one block of ``coarse``."""
    mapping: dict[int, int] = {}
    return all(mapping.setdefault(f, c) == c for f, c in zip(fine, coarse, strict=False))


class Clique:
    """One clique of the junction tree: its dimensions, their blocks, and its variables' offset."""

    def __init__(self, dims: list[str], blocks: dict[str, list[int]]):
        self.dims = dims
        self.blocks = blocks  # base dim -> block id per finest element
        self.shape = tuple(max(blocks[d]) + 1 for d in dims)
        self.size = int(np.prod(self.shape)) if dims else 1
        self.offset = 0

    def variables(self, sets: dict[str, frozenset[int]]) -> np.ndarray:
        """Return the variable indices of the blocks inside ``sets`` (all blocks of unconstrained dims)."""
        axes = []
        for d in self.dims:
            chosen = sorted({self.blocks[d][e] for e in sets[d]}) if d in sets else list(range(max(self.blocks[d]) + 1))
            if not chosen:
                return np.empty(0, dtype=np.int32)
            axes.append(np.asarray(chosen, dtype=np.int64))
        if not axes:
            return np.asarray([self.offset], dtype=np.int32)
        grid = np.meshgrid(*axes, indexing="ij")
        flat = np.ravel_multi_index([g.ravel() for g in grid], self.shape)
        return (flat + self.offset).astype(np.int32)
