"""Read-only views of a publication for the pages: published cells, labels, ratios, differences.

Everything here comes from the release (``core.release_model.Release``); nothing is
summed, estimated or filled in. A suppressed cell is ``None`` (never zero). Must not import
Streamlit, SQLAlchemy or ``data_access``.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from core.facts import TIME_DIMENSIONS
from core.release_model import Release, Table
from dashboard import locale
from dashboard.catalog import code_label, message
from dashboard.text import clean

SUPPRESSED = locale.SUPPRESSED
# Places whose names come from the program's data; a bare code ("SW", "3") is spelled out by the catalog.
PLACES_NAMED_BY_DATA = ("precinct", "district")


@dataclass(frozen=True)
class Figure:
    """One published number (or a suppressed one), with where it came from."""

    value: float | None
    table_id: str
    cell: tuple

    @property
    def suppressed(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class Ratio:
    """A declared ratio of two published cells."""

    value: float
    numerator: Figure
    denominator: Figure
    unstable: bool
    per: int


class Publication:
    """A publication, as the pages read it."""

    def __init__(self, model: Release):
        self.model = model
        self.release = model.release
        self.labels = model.labels
        self._tables = model.by_id
        self._pooled = {t.pooled_from: t.id for t in model.tables if t.pooled_from}

    # -- tables ---------------------------------------------------------------

    def table_id(self, declared_id: str) -> str | None:
        """Return the id under which a declared table was published (itself, or its pooled table)."""
        if declared_id in self._tables:
            return declared_id
        return self._pooled.get(declared_id)

    def table(self, declared_id: str) -> Table | None:
        published = self.table_id(declared_id)
        return self._tables.get(published) if published else None

    @property
    def tables(self) -> list[Table]:
        return list(self._tables.values())

    def domain(self, dimension: str) -> list[str]:
        """Return the values a dimension takes in this release, "unknown" left out."""
        return [v for v in self.model.domains.get(dimension, ()) if v != "unknown"]

    def frame(self, declared_id: str, **where: str | Collection[str]) -> pd.DataFrame:
        """Return a table's cells: its dimensions, ``value`` (NaN when suppressed) and ``suppressed``; with
        ``where``, only the cells whose dimension has the given value (or one of the given values)."""
        table = self.table(declared_id)
        if table is None:
            return pd.DataFrame(columns=["value", "suppressed"])
        dims = list(table.dimensions)
        records = [{**c.where, "value": c.value, "suppressed": c.suppressed} for c in table.cells]
        frame = pd.DataFrame(records, columns=dims + ["value", "suppressed"])
        frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
        for dimension, wanted in where.items():
            frame = frame[frame[dimension].isin([wanted] if isinstance(wanted, str) else list(wanted))]
        return frame

    def grain(self, declared_id: str) -> str | None:
        """Return the time dimension a table was published at (month, quarter, year, twelve_months) or None."""
        table = self.table(declared_id)
        if table is None:
            return None
        return next((d for d in table.dimensions if d in TIME_DIMENSIONS), None)

    def breakdown(self, declared_id: str) -> str | None:
        """Return the first dimension of a table that is not time (what its chart is broken down by)."""
        table = self.table(declared_id)
        return next((d for d in table.dimensions if d not in TIME_DIMENSIONS), None) if table else None

    def least_withheld(self, *declared_ids: str, **where: str | list[str]) -> str:
        """Return, of tables listed finest first (codes, then their coarser groups), the first with the smallest
        share of withheld cells where the dimensions have the values ``where`` (a period, or a list of
        periods): the finest that answers."""

        def withheld(declared_id: str) -> float:
            frame = self.frame(declared_id)
            for dimension, value in where.items():
                if dimension not in frame.columns:
                    return math.inf
                frame = frame[frame[dimension].isin(value if isinstance(value, list) else [value])]
            return math.inf if frame.empty else float(frame["suppressed"].mean())

        return min(declared_ids, key=withheld)

    def figure(self, declared_id: str, **cell: str) -> Figure:
        """Return one cell of a table (``Figure(None, ...)`` when suppressed or absent)."""
        table = self.table(declared_id)
        if table is None:
            return Figure(None, declared_id, tuple(cell.values()))
        wanted = tuple(str(cell[d]) for d in table.dimensions)
        found = table.by_key.get(wanted)
        value = None if found is None or found.suppressed else found.value
        return Figure(None if value is None else float(value), table.id, wanted)

    def ratio(self, ratio_id: str, **match: str) -> Ratio | None:
        """Return a declared ratio for ``match`` when both of its cells are published."""
        for entry in self.model.ratios:
            if entry.id != ratio_id or entry.numerator.where != match:
                continue
            numerator = self.figure(entry.numerator.table, **entry.numerator.where)
            denominator = self.figure(entry.denominator.table, **entry.denominator.where)
            if numerator.suppressed or denominator.suppressed or not denominator.value:
                return None
            assert numerator.value is not None  # not suppressed
            return Ratio(
                numerator.value / denominator.value * entry.per, numerator, denominator, entry.unstable, entry.per
            )
        return None

    # -- labels and periods ---------------------------------------------------------

    def label(self, dimension: str, value: str) -> str:
        """Return the display name of a dimension value, as one clean line of plain text (never markup)."""
        return clean(self._label(dimension, value))

    def _label(self, dimension: str, value: str) -> str:
        """Return the display name of a dimension value as the publication gives it."""
        if dimension == "month":
            return month_label(value)
        if dimension in ("quarter", "year"):
            name = quarter_label(value) if dimension == "quarter" else value
            return message("period.to_date", period=name) if value in self.partial_periods else name
        if dimension == "twelve_months":
            return window_label(value)
        given = self.labels.get(dimension, {}).get(value)
        if dimension in PLACES_NAMED_BY_DATA and given not in (None, value, value.capitalize(), f"District {value}"):
            return given  # a name the program's data gives (a precinct "Downtown"): shown as it is
        return code_label(dimension, value) or given or value.replace("_", " ").capitalize()

    @cached_property
    def partial_periods(self) -> set[str]:
        return set(self.release.partial_periods)

    def periods(self, declared_id: str, complete_only: bool = False) -> list[str]:
        """Return the periods a table was published for, oldest first."""
        table = self.table(declared_id)
        grain = self.grain(declared_id)
        if table is None or grain is None:
            return []
        found = list(dict.fromkeys(c.where[grain] for c in table.cells))
        if complete_only:
            found = [p for p in found if p not in self.partial_periods]
        return sorted(found)

    def group_of(self, neighborhood: str, grouping: str) -> str | None:
        """Return the precinct or district (``grouping``) a neighborhood belongs to, or None when unknown."""
        for key, hierarchy in self.model.hierarchies.items():
            if hierarchy.parent == grouping and (hierarchy.child or key) == "neighborhood":
                found = hierarchy.members.get(neighborhood)
                return None if found in (None, "unknown") else str(found)
        return None

    @property
    def last_month(self) -> str:
        return self.release.last_month

    @property
    def threshold(self) -> int:
        return self.release.threshold

    # -- audit helpers --------------------------------------------------------------

    @cached_property
    def published_numbers(self) -> set[float]:
        """Every published cell value (the leak test checks the browser sees nothing else)."""
        return {float(c.value) for t in self.tables for c in t.cells if c.value is not None}


def month_label(key: str) -> str:
    """Return ``October 2026`` for ``2026-10``, in the reader's language."""
    return locale.month(key)


def short_month_label(key: str) -> str:
    """Return ``Oct '26`` for ``2026-10``, in the reader's language."""
    return locale.short_month(key)


def window_label(key: str) -> str:
    """Return ``the 12 months to September 2026`` for ``2025-10/2026-09``."""
    return message("period.twelve_months", month=month_label(key.split("/")[1]))


def quarter_label(key: str) -> str:
    """Return ``Q3 2026`` for ``2026-Q3``, in the reader's language."""
    return locale.quarter(key)


@dataclass(frozen=True)
class Change:
    """A derived figure: one published figure minus another, each named by its table and cell."""

    current: Figure
    earlier: Figure

    @property
    def value(self) -> float | None:
        """Return the difference (None when either figure is withheld)."""
        if self.current.value is None or self.earlier.value is None:
            return None
        return self.current.value - self.earlier.value


def format_number(value: float | None, decimals: int = 0) -> str:
    """Return a figure for display: thousands separators, the suppression symbol when withheld."""
    return locale.number(value, decimals)
