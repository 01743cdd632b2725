"""A pandas stand-in for the database: grouped counts of hand-made units, for engine tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from types import MappingProxyType

import numpy as np
import pandas as pd

from aggregation.publication import CountKey, PublicationReport, build_publication, plan
from aggregation.registry import TableDeclaration
from aggregation.rules import Rule
from aggregation.structure import Structure
from core.facts import time_parent
from core.release_model import Release


def declaration(id, dimensions, filters=None, measure="referrals", fallback=None, supplement=False):
    """Return a table declaration for tests."""
    filters = {k: (v,) if isinstance(v, str) else tuple(v) for k, v in (filters or {}).items()}
    return TableDeclaration(
        id,
        id.replace("_", " "),
        measure,
        tuple(dimensions),
        "referrals",
        MappingProxyType(filters),
        fallback,
        supplement=supplement,
    )


PATHWAY_GROUP = {"a": "ab", "b": "ab"}  # a coarser grouping of the pathway codes: a and b together


def structure(
    months, neighborhoods=None, pathways=("a", "b", "c", "unknown"), offenses=("theft", "drugs", "none"), districts=None
):
    """Return a Structure over a few months, neighborhoods (id -> (precinct, business)), districts that cross
    the precincts, codes, and the 12-month windows ending on a quarter inside the months."""
    neighborhoods = neighborhoods or {"N1": ("P1", "true"), "N2": ("P1", "false"), "N3": ("P2", "false")}
    districts = districts or {"N1": "D1", "N2": "D2", "N3": "D2"}
    quarters = sorted({time_parent(m, "quarter") for m in months})
    years = sorted({m[:4] for m in months})
    hoods = tuple(neighborhoods) + ("unknown",)
    windows = tuple(
        f"{months[i - 11]}/{months[i]}" for i in range(11, len(months)) if months[i][5:] in ("03", "06", "09", "12")
    )
    return Structure(
        domains={
            "month": tuple(months),
            "quarter": tuple(quarters),
            "year": tuple(years),
            "twelve_months": windows,
            "neighborhood": hoods,
            "precinct": tuple(sorted({p for p, _ in neighborhoods.values()})) + ("unknown",),
            "district": tuple(sorted(set(districts.values()))) + ("unknown",),
            "business_district": ("true", "false", "unknown"),
            "pathway": tuple(pathways),
            "offense_category": tuple(offenses),
            "pathway_group": tuple(dict.fromkeys(PATHWAY_GROUP.get(p, p) for p in pathways)),
        },
        precinct_of={h: p for h, (p, _) in neighborhoods.items()} | {"unknown": "unknown"},
        business_of={h: b for h, (_, b) in neighborhoods.items()},
        district_of=dict(districts) | {"unknown": "unknown"},
        groupings={"pathway_group": ("pathway", {p: PATHWAY_GROUP.get(p, p) for p in pathways})},
    )


def unit_value(units: pd.DataFrame, dimension: str, s: Structure) -> pd.Series:
    if dimension in ("quarter", "year"):
        return units["month"].map(lambda m: time_parent(m, dimension))
    if dimension == "precinct":
        return units["neighborhood"].map(s.precinct)
    if dimension == "district":
        return units["neighborhood"].map(s.district)
    if dimension == "business_district":
        return units["neighborhood"].map(s.business)
    if dimension in s.groupings:
        return units[s.groupings[dimension][0]].map(lambda code: s.group_of_code(dimension, code))
    return units[dimension]


def in_windows(units: pd.DataFrame, s: Structure) -> pd.DataFrame:
    """Return one row per unit and 12-month window holding it (a unit counts in every window it falls in)."""
    parts = []
    for window in s.domains["twelve_months"]:
        first, last = window.split("/")
        part = units[(units["month"] >= first) & (units["month"] <= last)].copy()
        part["twelve_months"] = window
        parts.append(part)
    return pd.concat(parts, ignore_index=True) if parts else units.assign(twelve_months=pd.Series(dtype=str))


def grouped_counts(units: pd.DataFrame, key: CountKey, s: Structure) -> pd.DataFrame:
    """Return the dense cells of one query: value, people, top1, top2, like data_access.aggregate."""
    rows = in_windows(units, s) if "twelve_months" in key.dimensions else units
    for dimension, allowed in key.filters:
        rows = rows[unit_value(rows, dimension, s).isin(allowed)]
    dims = list(key.dimensions)
    frame = pd.DataFrame({d: unit_value(rows, d, s) for d in dims})
    frame["person"] = rows["person"].to_numpy()
    per_person = (
        frame.groupby(dims + ["person"], dropna=False).size().rename("n").reset_index()
        if dims
        else frame.groupby(["person"]).size().rename("n").reset_index()
    )
    records: dict[tuple[Hashable, ...], tuple[int, int, int, int | None]] = {}
    for cell, group in per_person.groupby(dims) if dims else [((), per_person)]:
        cell = cell if isinstance(cell, tuple) else (cell,)
        ranked = sorted(group["n"].tolist(), reverse=True)
        records[tuple(str(c) for c in cell)] = (
            sum(ranked),
            len(ranked),
            ranked[0],
            ranked[1] if len(ranked) > 1 else None,
        )
    domains = [s.domains[d] for d in dims]
    out = []
    for cell in pd.MultiIndex.from_product(domains).tolist() if dims else [()]:
        cell = cell if isinstance(cell, tuple) else (cell,)
        value, people, top1, top2 = records.get(tuple(cell), (0, 0, None, None))
        out.append(
            {**dict(zip(dims, cell, strict=False)), "value": value, "people": people, "top1": top1, "top2": top2}
        )
    result = pd.DataFrame(out, columns=[*dims, "value", "people", "top1", "top2"])
    for column in ("people", "top1", "top2"):
        result[column] = result[column].astype("Int64")
    return result


def make_units(rng: np.random.Generator, n: int, s: Structure, people: int | None = None) -> pd.DataFrame:
    """Return ``n`` random units (each its own person unless ``people`` is given)."""
    units = pd.DataFrame(
        {
            "month": rng.choice(s.domains["month"], n),
            "neighborhood": rng.choice(s.domains["neighborhood"][:-1], n),
            "pathway": rng.choice(s.domains["pathway"][:-1], n),
            "offense_category": rng.choice(s.domains["offense_category"], n),
        }
    )
    units["person"] = rng.integers(0, people, n) if people else np.arange(n)
    return units


def publish_units(
    units: pd.DataFrame, declarations, s: Structure, rule: Rule | None = None
) -> tuple[Release, PublicationReport, dict[CountKey, pd.DataFrame]]:
    """Return (publication, report, counts) for ``units`` under ``declarations``."""
    keys, _ = plan(tuple(declarations))
    counts = {key: grouped_counts(units, key, s) for key in keys}
    months = s.domains["month"]
    release = {
        "as_of": dt.date.today().isoformat(),
        "first_month": months[0],
        "last_month": months[-1],
        "generated_at": "test",
        "source": "test",
    }
    publication, report = build_publication(
        counts, {}, s, rule or Rule(11), release, declarations=tuple(declarations), ratio_declarations=()
    )
    return publication, report, counts


def truth_of(publication: Release, units: pd.DataFrame, s: Structure) -> dict[str, pd.DataFrame]:
    """Return the true cells of every table of a publication, for the audit."""
    truth = {}
    for table in publication.tables:
        filters = tuple(sorted((d, table.filter_values(d)) for d in table.filters))
        dims = list(table.dimensions)
        frame = grouped_counts(units, CountKey(table.measure, table.dimensions, filters), s)
        keys = {cell.key(dims) for cell in table.cells}
        if dims:
            mask = np.asarray([tuple(r) in keys for r in frame[dims].itertuples(index=False)], dtype=bool)
            frame = frame[mask] if len(frame) else frame
        truth[table.id] = frame.reset_index(drop=True)
    return truth
