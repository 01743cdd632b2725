"""Collect every number a rendered page sends to the browser, and check each one is allowed.

Allowed: a published cell value, a declared ratio of two published cells (as
displayed, rounded), or a change the page declared (``components.shown_change``)
whose two named cells are published and subtract to it. Coordinates, colours and
axis labels are not figures and are skipped.
"""

from __future__ import annotations

import base64
import json
import math
import re
from collections.abc import Mapping

import numpy as np

from core.release_model import Release, Table

NUMBER = re.compile(r"^[+\-−]?\d[\d,]*(\.\d+)?%?$")
DIMENSION_COLUMNS = {
    "Month",
    "Quarter",
    "Year",
    "Neighborhood",
    "Precinct",
    "Pathway",
    "Source",
    "Outcome",
    "Service",
    "Obstacle",
    "Topic",
    "Suggested by",
    "Status",
    "Business district",
    "Requested or connected",
    "Where",
    "What",
    "Unit",
    "Table",
    "Counts",
    "By",
    "Note",
    "District",
    "Release",
    "Months",
    "Kind",
    "Withdrawn",
    "Cell",
}
CAPTURED_DOWNLOADS: list = []


def _decode(array):
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"])).tolist()
    if isinstance(array, list):
        return array
    return []


SPANISH_NUMBER = re.compile(r"^[+\-−]?\d[\d.]*(,\d+)?\s?%?$")  # 1.234,5 and 45 %


def _number(text, language: str = "en") -> float | None:
    if isinstance(text, bool) or text is None:
        return None
    if isinstance(text, (int, float)):
        return None if math.isnan(float(text)) else float(text)
    text = str(text).strip().replace("−", "-").replace("\u00a0", " ")
    if language == "es":
        if not SPANISH_NUMBER.match(text):
            return None
        return float(text.rstrip("%").strip().replace(".", "").replace(",", "."))
    if not NUMBER.match(text):
        return None
    return float(text.replace(",", "").rstrip("%"))


def spanish_columns() -> set[str]:
    """The Spanish names of the dimension columns above (what a Spanish page's tables are headed)."""
    from dashboard.catalog import CATALOGS

    english, spanish = CATALOGS["en"], CATALOGS["es"]
    return {
        spanish[key]
        for key, text in english.items()
        if (key.startswith(("column.", "common.")) and text in DIMENSION_COLUMNS)
    }


def plotly_numbers(spec: str) -> list[float]:
    figure = json.loads(spec)
    found = []
    for trace in figure.get("data", []):
        horizontal = trace.get("orientation") == "h"
        for key in ("x",) if horizontal else ("y",):
            found += [float(v) for v in _decode(trace.get(key)) if isinstance(v, (int, float)) and not math.isnan(v)]
        for key in ("text", "customdata", "z"):
            found += [
                n for n in (_number(v) for v in _decode(trace.get(key)) if not isinstance(v, list)) if n is not None
            ]
    return found


def deck_numbers(spec: str, language: str = "en") -> list[float]:
    deck = json.loads(spec)
    found = []
    for layer in deck.get("layers", []):
        data = layer.get("data") or {}
        if isinstance(data, list):  # a TextLayer's labels: every field but the position and colour
            for item in data:
                found += [
                    n
                    for k, v in item.items()
                    if k not in ("position", "colour")
                    for n in [_number(v, language)]
                    if n is not None
                ]
            continue
        features = data.get("features", []) if isinstance(data, dict) else []
        for feature in features:
            for key, value in (feature.get("properties") or {}).items():
                if key in ("fill", "line"):
                    continue  # colours
                number = _number(value, language)
                if number is not None:
                    found.append(number)
    return found


def frame_numbers(frame, language: str = "en") -> list[float]:
    found = []
    skipped = DIMENSION_COLUMNS | (spanish_columns() if language == "es" else set())
    for column in frame.columns:
        if column in skipped:
            continue
        for value in frame[column].tolist():
            number = _number(value, language)
            if number is not None:
                found.append(number)
    return found


def page_numbers(at, language: str = "en") -> dict[str, list[float]]:
    """Return the numbers of a finished AppTest run, by kind of element."""
    numbers: dict[str, list[float]] = {"plotly": [], "deck": [], "dataframe": [], "metric": []}
    for chart in at.get("plotly_chart"):
        numbers["plotly"] += plotly_numbers(chart.proto.spec)
    for deck in at.get("deck_gl_json_chart"):
        numbers["deck"] += deck_numbers(deck.proto.json, language)
    for frame in at.dataframe:
        numbers["dataframe"] += frame_numbers(frame.value, language)
    for metric in at.metric:
        for text in (metric.value, metric.proto.delta):
            tokens = str(text).split()
            number = _number(tokens[0], language) if tokens else None  # the figure leads; "vs Sep '26" follows
            if number is not None:
                numbers["metric"].append(number)
    return numbers


class Allowed:
    """What a page may show: published values, declared ratios (as displayed), and the changes a run declared
    whose two named cells are published and subtract to them."""

    def __init__(self, publication: Release):
        self.values = {float(c.value) for _, c in publication.cells() if c.published and c.value is not None}
        self.values |= _research_figures()
        self.tables = publication.by_id
        self.ratios = set()
        for ratio in publication.ratios:
            n = _cell(self.tables[ratio.numerator.table], ratio.numerator.where)
            d = _cell(self.tables[ratio.denominator.table], ratio.denominator.where)
            if n is None or not d:
                continue
            value = n / d * ratio.per
            self.ratios |= {float(round(value)), round(value, 1), value}

    def allows(self, number: float, changes: frozenset[float] = frozenset()) -> bool:
        return number in self.values or number in self.ratios or number in changes

    def declared_changes(self, at) -> frozenset[float]:
        """Return the changes a finished run declared, each checked against the publication: both named cells
        published (the cell given as its dimensions' values in the table's order) and the value their
        difference. A declaration that does not check out raises."""
        from dashboard.components import SHOWN_CHANGES

        declared = at.session_state[SHOWN_CHANGES] if SHOWN_CHANGES in at.session_state else {}  # noqa: SIM401  (AppTest's session state has no get)
        checked = set()
        for (minuend, subtrahend), value in declared.items():
            a, b = self._published(*minuend), self._published(*subtrahend)
            assert a is not None and b is not None, f"a change names a withheld or unknown cell: {minuend} {subtrahend}"
            assert a - b == value, f"a declared change {value} is not {minuend} minus {subtrahend}"
            checked.add(float(value))
        return frozenset(checked)

    def _published(self, table_id: str, cell: tuple) -> float | None:
        table = self.tables.get(table_id)
        if table is None:
            return None
        return _cell(table, dict(zip(table.dimensions, cell, strict=False)))


def _research_figures() -> set[float]:
    """Figures other cities' studies published, shown with their citations (not program data)."""
    import csv
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "dashboard" / "research" / "lead-published-figures.csv"
    with open(path, encoding="utf-8") as handle:
        return {float(row["value"]) for row in csv.DictReader(handle) if _number(row["value"]) is not None}


def _cell(table: Table, match: Mapping[str, str]) -> float | None:
    for cell in table.cells:
        if all(cell.where[k] == v for k, v in match.items()):
            return float(cell.value) if cell.published and cell.value is not None else None
    return None


def disallowed(at, allowed: Allowed, language: str = "en") -> list[tuple[str, float]]:
    """Return every number of a run (its page in ``language``) that is not a published figure, a declared
    ratio or a declared change. Downloads are data, in English in every language."""
    found = []
    changes = allowed.declared_changes(at)
    for kind, numbers in page_numbers(at, language).items():
        found += [(kind, n) for n in numbers if not allowed.allows(n, changes)]
    for data in CAPTURED_DOWNLOADS:
        if isinstance(data, bytes) and data.startswith(b"PK"):
            continue  # the zip holds the publication files themselves (checked by the About test)
        text = data.decode() if isinstance(data, bytes) else str(data)
        for line in text.splitlines()[1:]:
            for field in line.split(","):
                number = _number(field)
                if number is not None and not allowed.allows(number) and not re.match(r"^\d{4}$", field.strip()):
                    found.append(("download", number))
    return found
