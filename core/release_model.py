"""The release file model: one publication (``publication.json``) as frozen dataclasses.

The engine builds a ``Release``; ``core.publication_files`` writes and reads it; the app and the
audit read it. ``Release.from_json`` checks the document's shape and types and nothing else:
whether its figures are safe to publish is the audit's business, so a withheld cell that carries a
value still loads (and the audit fails it). ``to_json`` gives back the document, keys in the order
the engine writes them, so a release the engine built reads and writes back byte for byte.

The JSON format is docs/formats.md's and does not change here. Must not import anything above
``core``, nor Streamlit, SQLAlchemy or pandas.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, cast

from core.facts import PUBLICATION_FORMAT

JSON = dict[str, Any]
Number = int | float


class PublicationError(ValueError):
    """A directory or document does not hold a readable publication."""


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell of a table: where it sits (each dimension's value), its figure, and whether it is withheld.

    ``value`` is None when the cell is withheld; ``people`` is the number of people behind a statistic.
    """

    where: Mapping[str, str]
    value: Number | None
    suppressed: bool = False
    people: int | None = None

    @property
    def published(self) -> bool:
        """Return whether the file shows this cell's figure."""
        return not self.suppressed and self.value is not None

    def key(self, dimensions: tuple[str, ...] | list[str]) -> tuple[str, ...]:
        """Return the cell's values of ``dimensions``, in that order."""
        return tuple(self.where[d] for d in dimensions)


@dataclass(frozen=True)
class Table:
    """One published table: what it counts, its dimensions and filters, and its cells."""

    id: str
    title: str
    measure: str  # for a statistic table, the statistic ("median_days"); ``of_measure`` names what it is of
    unit: str
    additive: bool
    dimensions: tuple[str, ...]
    filters: Mapping[str, str | tuple[str, ...]]
    cells: tuple[Cell, ...]
    pooled_from: str | None = None  # the declared table this one answers for, at a coarser grain
    statistic: str | None = None
    of_measure: str | None = None

    def filter_values(self, dimension: str) -> tuple[str, ...]:
        """Return the values a filter keeps (one or several)."""
        kept = self.filters[dimension]
        return (kept,) if isinstance(kept, str) else kept

    @cached_property
    def by_key(self) -> dict[tuple[str, ...], Cell]:
        """Return the cells by their dimension values, in the order of ``dimensions``."""
        return {cell.key(self.dimensions): cell for cell in self.cells}


@dataclass(frozen=True, slots=True)
class CellRef:
    """A cell named by its table and (some of) its dimension values."""

    table: str
    where: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class DeclaredRatio:
    """A ratio the publication declares between two of its published cells, ``per`` (100: a percentage)."""

    id: str
    title: str
    per: int
    numerator: CellRef
    denominator: CellRef
    unstable: bool  # its numerator is small, so the ratio swings from one period to the next


@dataclass(frozen=True, slots=True)
class Hierarchy:
    """How the values of a dimension (``child``) nest in a coarser one (``parent``)."""

    parent: str
    members: Mapping[str, str | None]  # child value -> its parent value
    child: str | None = None  # None: the hierarchy's own key names the child dimension


@dataclass(frozen=True, slots=True)
class Measure:
    """What the publication says of a measure: whether it adds up, whether it counts people, what it is part of."""

    additive: bool
    people: bool
    subset_of: str | None = None
    where: Mapping[str, tuple[str, ...]] | None = None  # the conditions that make it a subset


@dataclass(frozen=True, slots=True)
class ReleaseInfo:
    """The ``release`` block: the data's date, the months covered, and the rule's parameters."""

    as_of: str
    first_month: str
    last_month: str
    threshold: int
    p_percent: Number | None = None
    partial_periods: tuple[str, ...] = ()
    generated_at: str | None = None
    source: str | None = None
    whole_periods: bool = False  # built without the periods still running
    cadence: str | None = None  # with whole_periods: the grain a release waits for


@dataclass(frozen=True)
class Release:
    """One publication: the whole of a ``publication.json``."""

    release: ReleaseInfo
    tables: tuple[Table, ...]
    hierarchies: Mapping[str, Hierarchy] = field(default_factory=dict)
    domains: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    measures: Mapping[str, Measure] = field(default_factory=dict)
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    ratios: tuple[DeclaredRatio, ...] = ()
    format: str = PUBLICATION_FORMAT

    @cached_property
    def by_id(self) -> dict[str, Table]:
        """Return the tables by id (the last one, should a damaged file repeat an id)."""
        return {table.id: table for table in self.tables}

    def table(self, table_id: str) -> Table | None:
        """Return the table published under ``table_id``, or None."""
        return self.by_id.get(table_id)

    def cells(self) -> Iterator[tuple[Table, Cell]]:
        """Yield every cell with its table."""
        for table in self.tables:
            for cell in table.cells:
                yield table, cell

    def to_json(self) -> JSON:
        """Return the publication as its JSON document (keys in the order the engine writes them)."""
        return release_to_json(self)

    @classmethod
    def from_json(cls, document: object) -> Release:
        """Return the model of a JSON document; raise PublicationError naming the first thing out of shape."""
        return release_from_json(document)


# --------------------------------------------------------------------------------------------
# Writing: the model as its JSON document.


def cell_to_json(cell: Cell, table: Table) -> JSON:
    """Return a cell as the file writes it: its dimensions, ``value``, a statistic's ``people``, ``suppressed``."""
    document: JSON = {**cell.where, "value": cell.value}
    if table.statistic:
        document["people"] = cell.people
    if cell.suppressed:
        document["suppressed"] = True
    return document


def table_to_json(table: Table) -> JSON:
    document: JSON = {
        "id": table.id,
        "title": table.title,
        "measure": table.measure,
        "unit": table.unit,
        "additive": table.additive,
        "dimensions": list(table.dimensions),
        "filters": {d: (v if isinstance(v, str) else list(v)) for d, v in table.filters.items()},
    }
    if table.pooled_from is not None:
        document["pooled_from"] = table.pooled_from
    if table.statistic is not None:
        document["statistic"] = table.statistic
        document["of_measure"] = table.of_measure
    document["cells"] = [cell_to_json(cell, table) for cell in table.cells]
    return document


def _release_info_to_json(info: ReleaseInfo) -> JSON:
    document: JSON = {"as_of": info.as_of, "first_month": info.first_month, "last_month": info.last_month}
    document["partial_periods"] = list(info.partial_periods)
    for name in ("generated_at", "source"):
        if getattr(info, name) is not None:
            document[name] = getattr(info, name)
    if info.whole_periods:
        document["whole_periods"] = True
        document["cadence"] = info.cadence
    document["threshold"] = info.threshold
    if info.p_percent is not None:
        document["p_percent"] = info.p_percent
    return document


def _hierarchy_to_json(hierarchy: Hierarchy) -> JSON:
    document: JSON = {} if hierarchy.child is None else {"child": hierarchy.child}
    document.update({"parent": hierarchy.parent, "members": dict(hierarchy.members)})
    return document


def _measure_to_json(measure: Measure) -> JSON:
    document: JSON = {"additive": measure.additive, "people": measure.people}
    if measure.subset_of is not None:
        document["subset_of"] = measure.subset_of
        document["where"] = {d: list(v) for d, v in (measure.where or {}).items()}
    return document


def _ratio_to_json(ratio: DeclaredRatio) -> JSON:
    return {
        "id": ratio.id,
        "title": ratio.title,
        "per": ratio.per,
        "numerator": [ratio.numerator.table, dict(ratio.numerator.where)],
        "denominator": [ratio.denominator.table, dict(ratio.denominator.where)],
        "unstable": ratio.unstable,
    }


def release_to_json(release: Release) -> JSON:
    return {
        "format": release.format,
        "release": _release_info_to_json(release.release),
        "hierarchies": {key: _hierarchy_to_json(h) for key, h in release.hierarchies.items()},
        "domains": {d: list(values) for d, values in release.domains.items()},
        "measures": {name: _measure_to_json(m) for name, m in release.measures.items()},
        "labels": {d: dict(names) for d, names in release.labels.items()},
        "tables": [table_to_json(table) for table in release.tables],
        "ratios": [_ratio_to_json(ratio) for ratio in release.ratios],
    }


# --------------------------------------------------------------------------------------------
# Reading: a JSON document checked for shape and types, as the model.


class _Reader:
    """Reads one JSON value at a path, raising PublicationError that names the path."""

    def __init__(self, value: object, path: str):
        self.value, self.path = value, path

    def fail(self, wanted: str) -> PublicationError:
        return PublicationError(f"{self.path} should be {wanted}, not {_shown(self.value)}")

    def object(self, required: tuple[str, ...] = (), optional: tuple[str, ...] = ()) -> dict[str, Any]:
        if not isinstance(self.value, dict):
            raise self.fail("an object")
        missing = [key for key in required if key not in self.value]
        if missing:
            raise PublicationError(f"{self.path} has no {missing[0]!r}")
        if required or optional:
            unknown = [key for key in self.value if key not in required and key not in optional]
            if unknown:
                raise PublicationError(f"{self.path} has an unknown key {unknown[0]!r}")
        return self.value

    def at(self, key: str | int) -> _Reader:
        if isinstance(key, int):
            return _Reader(self.value[key] if isinstance(self.value, list) else None, f"{self.path}[{key}]")
        return _Reader(self.value[key] if isinstance(self.value, dict) else None, f"{self.path}[{key!r}]")

    def get(self, key: str) -> _Reader | None:
        assert isinstance(self.value, dict)
        return self.at(key) if key in self.value else None

    def text(self) -> str:
        if not isinstance(self.value, str):
            raise self.fail("text")
        return self.value

    def optional_text(self) -> str | None:
        return None if self.value is None else self.text()

    def flag(self) -> bool:
        if not isinstance(self.value, bool):
            raise self.fail("true or false")
        return self.value

    def whole(self) -> int:
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise self.fail("a whole number")
        return self.value

    def number(self) -> Number | None:
        if self.value is None:
            return None
        if isinstance(self.value, bool) or not isinstance(self.value, int | float) or not math.isfinite(self.value):
            raise self.fail("a finite number or null")
        return self.value

    def items(self) -> list[_Reader]:
        if not isinstance(self.value, list):
            raise self.fail("a list")
        return [self.at(i) for i in range(len(self.value))]

    def texts(self) -> tuple[str, ...]:
        return tuple(item.text() for item in self.items())

    def text_map(self, nullable: bool = False) -> dict[str, Any]:
        found = self.object()
        for key in found:
            reader = self.at(key)
            reader.optional_text() if nullable else reader.text()
        return dict(found)


def _shown(value: object) -> str:
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."


def _plain_cell(found: object, dimensions: tuple[str, ...], statistic: bool) -> Cell | None:
    """Return the cell when it is in shape (the common case, checked quickly), else None."""
    if not isinstance(found, dict) or len(found) > len(dimensions) + 3:
        return None
    value, suppressed, people = found.get("value"), found.get("suppressed", False), found.get("people")
    where = {d: found.get(d) for d in dimensions}
    in_shape = (
        "value" in found
        and all(type(v) is str for v in where.values())
        and (value is None or type(value) is int or (type(value) is float and math.isfinite(value)))
        and type(suppressed) is bool
        and (statistic or "people" not in found)
        and (people is None or type(people) is int)
        and len(found) == len(dimensions) + 1 + ("suppressed" in found) + ("people" in found)
    )
    if not in_shape:
        return None
    return Cell(
        cast("dict[str, str]", where), cast("Number | None", value), bool(suppressed), cast("int | None", people)
    )


def _cell_from_json(reader: _Reader, dimensions: tuple[str, ...], statistic: bool) -> Cell:
    plain = _plain_cell(reader.value, dimensions, statistic)
    if plain is not None:
        return plain
    fields = ("value", "suppressed", "people") if statistic else ("value", "suppressed")
    found = reader.object(required=(*dimensions, "value"), optional=fields)
    suppressed = reader.at("suppressed").flag() if "suppressed" in found else False
    people = reader.get("people")
    return Cell(
        where={d: reader.at(d).text() for d in dimensions},
        value=reader.at("value").number(),
        suppressed=suppressed,
        people=None if people is None or people.value is None else people.whole(),
    )


TABLE_KEYS = ("id", "title", "measure", "unit", "additive", "dimensions", "filters", "cells")


def table_from_json(reader: _Reader) -> Table:
    reader.object(required=TABLE_KEYS, optional=("pooled_from", "statistic", "of_measure"))
    dimensions = reader.at("dimensions").texts()
    if len(set(dimensions)) != len(dimensions):
        raise PublicationError(f"{reader.path}['dimensions'] names a dimension twice")
    filters: dict[str, str | tuple[str, ...]] = {}
    for dimension in reader.at("filters").object():
        kept = reader.at("filters").at(dimension)
        filters[dimension] = kept.text() if isinstance(kept.value, str) else kept.texts()
    statistic = reader.get("statistic")
    of_measure = reader.get("of_measure")
    pooled_from = reader.get("pooled_from")
    is_statistic = statistic is not None and statistic.value is not None
    return Table(
        id=reader.at("id").text(),
        title=reader.at("title").text(),
        measure=reader.at("measure").text(),
        unit=reader.at("unit").text(),
        additive=reader.at("additive").flag(),
        dimensions=dimensions,
        filters=filters,
        cells=tuple(_cell_from_json(cell, dimensions, is_statistic) for cell in reader.at("cells").items()),
        pooled_from=pooled_from.optional_text() if pooled_from else None,
        statistic=statistic.optional_text() if statistic else None,
        of_measure=of_measure.optional_text() if of_measure else None,
    )


def _ref_from_json(reader: _Reader) -> CellRef:
    items = reader.items()
    if len(items) != 2:
        raise reader.fail("a table id and a cell")
    return CellRef(items[0].text(), items[1].text_map())


def _ratio_from_json(reader: _Reader) -> DeclaredRatio:
    reader.object(required=("id", "title", "per", "numerator", "denominator", "unstable"))
    return DeclaredRatio(
        id=reader.at("id").text(),
        title=reader.at("title").text(),
        per=reader.at("per").whole(),
        numerator=_ref_from_json(reader.at("numerator")),
        denominator=_ref_from_json(reader.at("denominator")),
        unstable=reader.at("unstable").flag(),
    )


def _hierarchy_from_json(reader: _Reader) -> Hierarchy:
    found = reader.object(required=("parent", "members"), optional=("child",))
    return Hierarchy(
        parent=reader.at("parent").text(),
        members=reader.at("members").text_map(nullable=True),
        child=reader.at("child").text() if "child" in found else None,
    )


def _measure_from_json(reader: _Reader) -> Measure:
    found = reader.object(required=("additive", "people"), optional=("subset_of", "where"))
    where = None
    if "where" in found:
        conditions = reader.at("where")
        where = {d: conditions.at(d).texts() for d in conditions.object()}
    return Measure(
        additive=reader.at("additive").flag(),
        people=reader.at("people").flag(),
        subset_of=reader.at("subset_of").text() if "subset_of" in found else None,
        where=where,
    )


INFO_KEYS = ("as_of", "first_month", "last_month", "threshold")
INFO_OPTIONAL = ("p_percent", "partial_periods", "generated_at", "source", "whole_periods", "cadence")


def _release_info_from_json(reader: _Reader) -> ReleaseInfo:
    found = reader.object(required=INFO_KEYS, optional=INFO_OPTIONAL)

    def optional(name: str) -> _Reader:
        return reader.at(name) if name in found else _Reader(None, f"{reader.path}[{name!r}]")

    return ReleaseInfo(
        as_of=reader.at("as_of").text(),
        first_month=reader.at("first_month").text(),
        last_month=reader.at("last_month").text(),
        threshold=reader.at("threshold").whole(),
        p_percent=optional("p_percent").number(),
        partial_periods=reader.at("partial_periods").texts() if "partial_periods" in found else (),
        generated_at=optional("generated_at").optional_text(),
        source=optional("source").optional_text(),
        whole_periods=reader.at("whole_periods").flag() if "whole_periods" in found else False,
        cadence=optional("cadence").optional_text(),
    )


RELEASE_KEYS = ("format", "release", "hierarchies", "domains", "measures", "labels", "tables", "ratios")


def release_from_json(document: object) -> Release:
    reader = _Reader(document, "publication")
    found = reader.object(required=("format", "release", "tables", "labels", "hierarchies"), optional=RELEASE_KEYS)
    if found["format"] != PUBLICATION_FORMAT:
        raise PublicationError(f"this is not a {PUBLICATION_FORMAT} publication (format {_shown(found['format'])})")

    def mapping(name: str) -> _Reader:
        return reader.at(name) if name in found else _Reader({}, f"publication[{name!r}]")

    hierarchies, domains, measures, labels = (
        mapping(name) for name in ("hierarchies", "domains", "measures", "labels")
    )
    return Release(
        release=_release_info_from_json(reader.at("release")),
        tables=tuple(table_from_json(table) for table in reader.at("tables").items()),
        hierarchies={key: _hierarchy_from_json(hierarchies.at(key)) for key in hierarchies.object()},
        domains={d: domains.at(d).texts() for d in domains.object()},
        measures={name: _measure_from_json(measures.at(name)) for name in measures.object()},
        labels={d: labels.at(d).text_map() for d in labels.object()},
        ratios=tuple(_ratio_from_json(r) for r in reader.at("ratios").items()) if "ratios" in found else (),
    )
