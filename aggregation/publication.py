"""Assemble the publication: plan the counts, pool, protect, and lay out the public format.

Pure computation on grouped counts handed in by the caller: no I/O, no
database. The split between primary and secondary suppressions and the
information lost go into ``PublicationReport``, never into the public ``Release``.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from core.facts import TIME_DIMENSIONS
from core.release_model import Cell, CellRef, DeclaredRatio, Hierarchy, Measure, Release, ReleaseInfo, Table

from .history import ClosedChange, ClosedPeriodChanged, ReleaseHistory, table_history
from .protection import Complement, CountTable, ProtectionResult, conditions_of, primary_sensitivity, protect
from .registry import (
    ADDITIVE_MEASURES,
    RATIOS,
    SUBSET_MEASURES,
    TABLES,
    UNSUPPRESSED_MEASURES,
    RatioDeclaration,
    TableDeclaration,
)
from .rules import Rule
from .structure import Structure

POOLING_SHARE = 0.5
UNSTABLE_NUMERATOR = 20
STATISTIC_QUANTITIES = {"median_days_to_connection": "days_to_connection"}


@dataclass(frozen=True)
class CountKey:
    """One grouped-count query the caller must run: a measure by dimensions within filters."""

    measure: str
    dimensions: tuple[str, ...]
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def filter_dict(self) -> dict[str, tuple[str, ...]]:
        return dict(self.filters)


@dataclass(frozen=True)
class DistributionKey:
    """One histogram query: how many rows take each value of ``quantity``, per cell."""

    count: CountKey
    quantity: str


def count_key(declaration: TableDeclaration, drop: tuple[str, ...] = ()) -> CountKey:
    """Return the query of a declaration (without the conditions in ``drop``)."""
    measure = declaration.measure
    filters = {k: tuple(v) for k, v in declaration.filters.items()}
    if drop and measure in SUBSET_MEASURES:
        parent, where = SUBSET_MEASURES[measure]
        measure = parent
        filters.update({k: tuple(v) for k, v in where.items()})
    for name in drop:
        filters.pop(name, None)
    return CountKey(measure, tuple(declaration.dimensions), tuple(sorted(filters.items())))


def complement_drops(declaration: TableDeclaration) -> list[tuple[str, ...]]:
    """Return the condition sets whose removal gives a parent an attacker can subtract from."""
    conditions = tuple(sorted(conditions_of(declaration)))
    if not conditions or declaration.measure in UNSUPPRESSED_MEASURES or declaration.statistic:
        return []
    drops = [conditions]
    if len(conditions) > 1:
        drops += [(c,) for c in conditions]
    return drops


def candidate_declarations(declarations: Iterable[TableDeclaration] = TABLES) -> list[TableDeclaration]:
    """Return every declaration and every pooled fallback."""
    found: list[TableDeclaration] = []
    for declaration in declarations:
        candidate: TableDeclaration | None = declaration
        while candidate is not None:
            found.append(candidate)
            candidate = candidate.pooled_fallback
    return found


def plan(declarations: Iterable[TableDeclaration] = TABLES) -> tuple[list[CountKey], list[DistributionKey]]:
    """Return every grouped count and histogram the publication needs from the database."""
    counts: dict[CountKey, None] = {}
    distributions: dict[DistributionKey, None] = {}
    for declaration in candidate_declarations(declarations):
        counts[count_key(declaration)] = None
        for drop in complement_drops(declaration):
            counts[count_key(declaration, drop)] = None
        if declaration.statistic:
            quantity = STATISTIC_QUANTITIES[declaration.statistic]
            distributions[DistributionKey(count_key(declaration), quantity)] = None
    return list(counts), list(distributions)


@dataclass
class PublicationReport:
    """What ``publish`` prints and never writes: suppression split and information lost."""

    cells: int = 0
    primary: int = 0
    secondary: int = 0
    suppressed_value: int = 0
    total_value: int = 0
    pooled: list[str] = field(default_factory=list)
    families: list[str] = field(default_factory=list)
    solves: int = 0
    milp_solves: int = 0
    revised: list[ClosedChange] = field(default_factory=list)  # closed figures that changed (a revision)
    kept: int = 0  # closed cells whose status an earlier release fixed

    @property
    def suppressed_value_share(self) -> float:
        return self.suppressed_value / self.total_value if self.total_value else 0.0

    def render(self) -> str:
        lines = [
            f"cells: {self.cells:,}",
            f"suppressed: {self.primary + self.secondary:,} ({self.primary:,} primary, {self.secondary:,} secondary)",
            f"value suppressed: {self.suppressed_value:,} of {self.total_value:,} ({self.suppressed_value_share:.1%})",
            f"pooled: {', '.join(self.pooled) if self.pooled else 'none'}",
            f"LP solves: {self.solves:,} (of which MILP: {self.milp_solves:,})",
        ]
        if self.kept or self.revised:
            lines.append(f"closed cells carried forward: {self.kept:,}; revised figures: {len(self.revised):,}")
            lines += [f"  revised {change.describe()}" for change in self.revised[:20]]
        lines += [f"  family {f}" for f in self.families]
        return "\n".join(lines)


def _restrict_domain(declaration: TableDeclaration, cells: pd.DataFrame, structure: Structure) -> pd.DataFrame:
    """Drop cells a filter makes impossible by definition (neighborhoods outside a business-district filter)."""
    if "neighborhood" in declaration.dimensions and "business_district" in declaration.filters:
        allowed = set(declaration.filters["business_district"])
        keep = cells["neighborhood"].map(lambda h: structure.business(h) in allowed)
        cells = cells[keep]
    return cells.reset_index(drop=True)


def _choose_grain(
    declaration: TableDeclaration,
    counts: Mapping[CountKey, pd.DataFrame],
    structure: Structure,
    rule: Rule,
    pooled: list[str],
    grains: Mapping[str, str] = {},
) -> tuple[TableDeclaration, str | None]:
    """Return the declaration to publish: the grain an earlier release chose, else the declared one,
    else its fallback when mostly sensitive."""
    chosen, pooled_from = declaration, None
    if declaration.id in grains:
        candidate: TableDeclaration | None = declaration
        while candidate is not None and candidate.id != grains[declaration.id]:
            candidate = candidate.pooled_fallback
        if candidate is not None:
            if candidate is not declaration:
                pooled.append(f"{declaration.id} -> {candidate.id} (as in earlier releases)")
            return candidate, (declaration.id if candidate is not declaration else None)
    while chosen.pooled_fallback is not None and chosen.suppressed_by_rule and not chosen.statistic:
        cells = _restrict_domain(chosen, counts[count_key(chosen)], structure)
        reasons = primary_sensitivity(CountTable(chosen, cells), rule)
        share = would_be_suppressed(cells, [r is not None for r in reasons], chosen.dimensions) / max(len(reasons), 1)
        if share <= POOLING_SHARE:
            break
        pooled.append(f"{chosen.id} -> {chosen.pooled_fallback.id} ({share:.0%} of cells would be withheld)")
        pooled_from = pooled_from or declaration.id
        chosen = chosen.pooled_fallback
    return chosen, pooled_from


def would_be_suppressed(cells: pd.DataFrame, sensitive: list[bool], dimensions: tuple[str, ...]) -> int:
    """Return an estimate (a lower bound where each period's total is published) of the cells protection
    would withhold: every sensitive cell and, in a period whose breakdown holds exactly one, a partner (a lone
    withheld cell is the period's total minus the others). Chooses grains only: never a safety check."""
    time = [d for d in dimensions if d in TIME_DIMENSIONS]
    breakdown = [d for d in dimensions if d not in TIME_DIMENSIONS]
    if not time or not breakdown or not len(cells):
        return sum(sensitive)
    per_period = pd.Series(sensitive, index=cells.index).groupby([cells[d] for d in time]).agg(["sum", "size"])
    return int(
        sum(
            min(size, total + 1) if total == 1 else total
            for total, size in zip(per_period["sum"], per_period["size"], strict=False)
        )
    )


def without_periods(
    counts: Mapping, distributions: Mapping, structure: Structure, periods: set[str]
) -> tuple[dict, dict, Structure]:
    """Return counts, histograms and structure without the time periods ``periods`` (unfinished ones).

    An archive publishes whole periods only: a quarter or year "to date" would differ from the
    next release's figure for the same period by exactly the counts of the months between.
    """

    def keep(frame: pd.DataFrame) -> pd.DataFrame:
        mask = np.ones(len(frame), dtype=bool)
        for grain in ("quarter", "year"):
            if grain in frame.columns:
                mask &= ~frame[grain].astype(str).isin(periods).to_numpy()
        return frame[mask].reset_index(drop=True) if not mask.all() else frame

    domains = {
        d: (tuple(v for v in values if v not in periods) if d in ("quarter", "year") else values)
        for d, values in structure.domains.items()
    }
    return (
        {key: keep(frame) for key, frame in counts.items()},
        {key: keep(frame) for key, frame in distributions.items()},
        replace(structure, domains=domains),
    )


def _statistic_cells(
    table: CountTable,
    records: list[dict],
    distributions: Mapping[DistributionKey, pd.DataFrame],
    rule: Rule,
    history: ReleaseHistory | None,
    revision: bool,
    report: PublicationReport,
) -> list[Cell]:
    """Return a statistic table's cells: the median where k people stand behind it.

    A closed cell the archive withheld stays withheld; one it published may change only in a revision.
    """
    declaration = table.declaration
    assert declaration.statistic is not None  # called for statistic tables only
    dims = list(declaration.dimensions)
    quantity = STATISTIC_QUANTITIES[declaration.statistic]
    histogram = distributions[DistributionKey(count_key(declaration), quantity)]
    closed = history.cells.get(declaration.id, {}) if history else {}
    cells: list[Cell] = []
    refused: list[ClosedChange] = []
    for record, people in zip(records, table.cells["people"], strict=False):
        people = int(people) if not pd.isna(people) else 0
        before = closed.get(tuple(record[d] for d in dims))
        if rule.statistic_publishable(people) and not (before is not None and before.published is None):
            mask = np.ones(len(histogram), dtype=bool)
            for d in dims:
                mask &= histogram[d].to_numpy() == record[d]
            value = _median(histogram[mask], quantity)
            if before is not None and value != before.published:
                change = ClosedChange(declaration.id, {d: record[d] for d in dims}, before.published, value)
                report.revised.append(change)
                refused.append(change)
            cells.append(Cell(record, value, people=people))
        else:
            if before is not None and before.published is not None:
                change = ClosedChange(declaration.id, {d: record[d] for d in dims}, before.published, None)
                report.revised.append(change)
                refused.append(change)
            cells.append(Cell(record, None, suppressed=True))
    if refused and not revision:
        raise ClosedPeriodChanged(refused)
    return cells


def _median(histogram: pd.DataFrame, quantity: str) -> float | None:
    if histogram.empty:
        return None
    values = np.repeat(histogram[quantity].to_numpy(), histogram["rows"].to_numpy())
    return float(statistics.median(values.tolist()))


def _labels(
    structure: Structure, names: Mapping[str, str], code_labels: Mapping[str, Mapping[str, str]]
) -> dict[str, dict[str, str]]:
    labels: dict[str, dict[str, str]] = {}
    for dimension, domain in structure.domains.items():
        if dimension in TIME_DIMENSIONS:
            continue
        given = code_labels.get(dimension, {})
        labels[dimension] = {v: given.get(v) or v.replace("_", " ").capitalize() for v in domain}
    labels["neighborhood"] = {h: names.get(h, h.title()) for h in structure.domains["neighborhood"]}
    labels["neighborhood"]["unknown"] = "Unknown or outside the city"
    if "age_band" in labels:  # "35_44" reads as "35 to 44"
        labels["age_band"] = {
            b: b.replace("_and_", " and ").replace("_", " to ").replace("under to ", "Under ")
            if b != "unknown"
            else label
            for b, label in labels["age_band"].items()
        }
    if "district" in labels:  # council districts are numbered: "3" reads as "District 3"
        labels["district"] = {d: f"District {d}" if d.isdigit() else label for d, label in labels["district"].items()}
    return labels


def _apply_history(
    tables: list[CountTable], history: ReleaseHistory, rule: Rule, revision: bool, report: PublicationReport
) -> None:
    """Attach each count table's history; raise ClosedPeriodChanged on changed figures unless revising."""
    refused: list[ClosedChange] = []
    for table in tables:
        declaration = table.declaration
        if declaration.statistic:
            continue  # statistics are checked as their cells are laid out (see _statistic_cells)
        if not declaration.suppressed_by_rule:  # staff and focus areas: never suppressed, revised freely
            table.history, changes = table_history(table, history, [False] * len(table.cells), rule, revision=True)
            report.revised += changes
            continue
        reasons = primary_sensitivity(table, rule)
        sensitive = [reason not in (None, "zero") for reason in reasons]
        table.history, changes = table_history(table, history, sensitive, rule, revision)
        report.revised += changes
        report.kept += int((table.history.status != 0).sum())
        if not revision:
            refused += changes
    if refused:
        raise ClosedPeriodChanged(refused)


def build_publication(
    counts: Mapping[CountKey, pd.DataFrame],
    distributions: Mapping[DistributionKey, pd.DataFrame],
    structure: Structure,
    rule: Rule,
    release: Mapping[str, Any],
    neighborhood_names: Mapping[str, str] = {},
    code_labels: Mapping[str, Mapping[str, str]] = {},
    progress: Callable[[str, int, int], None] | None = None,
    declarations: tuple[TableDeclaration, ...] = TABLES,
    ratio_declarations: Iterable[RatioDeclaration] = RATIOS,
    history: ReleaseHistory | None = None,
    revision: bool = False,
) -> tuple[Release, PublicationReport]:
    """Return the public release and the private report.

    With ``history`` (an archive's earlier releases) closed cells keep their status, figure and
    grain; changed figures raise ``ClosedPeriodChanged`` unless ``revision`` is set.
    """
    report = PublicationReport()
    grains = history.grains if history else {}
    chosen: list[tuple[TableDeclaration, str | None]] = [
        _choose_grain(d, counts, structure, rule, report.pooled, grains) for d in declarations
    ]
    tables = []
    for declaration, _ in chosen:
        count_cells = _restrict_domain(declaration, counts[count_key(declaration)], structure)
        tables.append(CountTable(declaration, count_cells))
    if history is not None:
        _apply_history(tables, history, rule, revision, report)
    complements = _complements(tables, counts, structure)
    countable = [t for t in tables if not t.declaration.statistic]
    result = protect(countable, structure, rule, complements, progress=progress)
    report.families = result.families
    report.solves, report.milp_solves = result.solves, result.milp_solves
    public_tables = [
        _public_table(declaration, pooled_from, table, result, distributions, rule, history, revision, report)
        for (declaration, pooled_from), table in zip(chosen, tables, strict=False)
    ]
    info = {**release, "partial_periods": tuple(release.get("partial_periods", ()))}
    publication = Release(
        release=ReleaseInfo(**info, threshold=rule.threshold, p_percent=rule.p_percent),
        hierarchies=_hierarchies(structure),
        domains={d: tuple(v) for d, v in structure.domains.items()},
        measures=_measures(declaration for declaration, _ in chosen),
        labels=_labels(structure, neighborhood_names, code_labels),
        tables=tuple(public_tables),
        ratios=tuple(_ratios(public_tables, ratio_declarations, rule)),
    )
    return publication, report


def _complements(
    tables: list[CountTable], counts: Mapping[CountKey, pd.DataFrame], structure: Structure
) -> list[Complement]:
    """Return every filtered cell's complement: its parent without one or more conditions, minus the cell."""
    complements = []
    for table in tables:
        declaration = table.declaration
        for drop in complement_drops(declaration):
            parent = _restrict_domain(declaration, counts[count_key(declaration, drop)], structure)
            dims = list(declaration.dimensions)
            merged = table.cells[dims + ["value"]].merge(parent[dims + ["value"]], on=dims, suffixes=("", "_parent"))
            for row, (own, whole) in enumerate(zip(merged["value"], merged["value_parent"], strict=False)):
                complements.append(Complement(declaration.id, row, drop, int(whole) - int(own)))
    return complements


def _public_table(
    declaration: TableDeclaration,
    pooled_from: str | None,
    table: CountTable,
    result: ProtectionResult,
    distributions: Mapping[DistributionKey, pd.DataFrame],
    rule: Rule,
    history: ReleaseHistory | None,
    revision: bool,
    report: PublicationReport,
) -> Table:
    """Return one table of the publication, its cells published or withheld as the protection decided."""
    dims = list(declaration.dimensions)
    records: list[dict[str, str]] = table.cells[dims].astype(str).to_dict("records")  # type: ignore[assignment]  # columns are dimension names: str keys
    if declaration.statistic:
        cells = _statistic_cells(table, records, distributions, rule, history, revision, report)
    else:
        cells = _count_cells(declaration, table, records, result, report)
    return Table(
        id=declaration.id,
        title=declaration.title,
        measure=declaration.statistic or declaration.measure,
        unit=declaration.unit,
        additive=declaration.additive,
        dimensions=tuple(dims),
        filters={k: (v[0] if len(v) == 1 else tuple(v)) for k, v in declaration.filters.items()},
        cells=tuple(cells),
        pooled_from=pooled_from,
        statistic=declaration.statistic,
        of_measure=declaration.measure if declaration.statistic else None,
    )


def _count_cells(
    declaration: TableDeclaration,
    table: CountTable,
    records: list[dict[str, str]],
    result: ProtectionResult,
    report: PublicationReport,
) -> list[Cell]:
    """Return a count table's cells, published or withheld as the protection decided, counting them in the report."""
    cells: list[Cell] = []
    suppressed, primary = result.suppressed[declaration.id], result.primary[declaration.id]
    values = table.cells["value"].to_numpy()
    for record, value, hidden, sensitive in zip(records, values, suppressed, primary, strict=False):
        cells.append(Cell(record, None, suppressed=True) if hidden else Cell(record, int(value)))
        report.cells += 1
        report.total_value += int(value) if declaration.suppressed_by_rule else 0
        if hidden:
            report.suppressed_value += int(value)
            if sensitive:
                report.primary += 1
            else:
                report.secondary += 1
    return cells


def _ratios(
    public_tables: list[Table], ratio_declarations: Iterable[RatioDeclaration], rule: Rule
) -> list[DeclaredRatio]:
    """Return the declared ratios whose two cells are published, over a denominator of at least k (staff aside)."""
    ratios = []
    by_id = {t.id: t for t in public_tables}
    for ratio in ratio_declarations:
        numerator, denominator = by_id.get(ratio.numerator), by_id.get(ratio.denominator)
        if numerator is None or denominator is None:
            continue
        denominators = {c.key(ratio.match): c for c in denominator.cells}
        for cell in numerator.cells:
            key = cell.key(ratio.match)
            other = denominators.get(key)
            if other is None or cell.value is None or other.value is None:
                continue
            if denominator.measure not in UNSUPPRESSED_MEASURES and other.value < rule.threshold:
                continue
            if other.value <= 0:
                continue
            ratios.append(
                DeclaredRatio(
                    id=ratio.id,
                    title=ratio.title,
                    per=ratio.per,
                    numerator=CellRef(ratio.numerator, dict(cell.where)),  # a share names the part's whole cell
                    denominator=CellRef(ratio.denominator, dict(zip(ratio.match, key, strict=True))),
                    unstable=cell.value < UNSTABLE_NUMERATOR,
                )
            )
    return ratios


def _measures(declarations: Iterable[TableDeclaration]) -> dict[str, Measure]:
    """Return what the publication says of each measure: additive, about people, a subset of which."""
    measures: dict[str, Measure] = {}
    for declaration in declarations:
        name = declaration.measure
        entry = Measure(additive=name in ADDITIVE_MEASURES, people=name not in UNSUPPRESSED_MEASURES)
        if name in SUBSET_MEASURES:
            parent_measure, where = SUBSET_MEASURES[name]
            entry = replace(entry, subset_of=parent_measure, where={k: tuple(v) for k, v in where.items()})
            measures.setdefault(parent_measure, Measure(additive=parent_measure in ADDITIVE_MEASURES, people=True))
        measures[name] = entry
    return measures


def _hierarchies(structure: Structure) -> dict[str, Hierarchy]:
    """Return how places nest (neighborhoods in precincts, districts, business districts) and codes group."""
    hoods = structure.domains["neighborhood"]
    hierarchies = {
        "neighborhood": Hierarchy("precinct", {h: structure.precinct(h) for h in hoods}),
        "business_district": Hierarchy(
            "business_district", {h: structure.business(h) for h in hoods}, child="neighborhood"
        ),
    }
    if structure.domains.get("district"):  # a second grouping beside precincts (docs/database.md)
        hierarchies["district"] = Hierarchy("district", {h: structure.district(h) for h in hoods}, child="neighborhood")
    for grouping, (base, _) in structure.groupings.items():  # coarser groupings of codes
        if structure.domains.get(grouping):
            members = {c: structure.group_of_code(grouping, c) for c in structure.domains[base]}
            hierarchies[grouping] = Hierarchy(grouping, members, child=base)
    return hierarchies
