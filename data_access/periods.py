"""Release window and calendar periods (month, quarter, year).

Pure date arithmetic: no database, no I/O.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from core.facts import TIME_GRAINS, WINDOW, month_index, month_key


@dataclass(frozen=True)
class Period:
    """One calendar period: its key (``2026-10``, ``2026-Q4``, ``2026``) and first and last day."""

    key: str
    first_day: dt.date
    last_day: dt.date
    partial: bool = False  # the release window covers only part of it (first_day/last_day are clipped)


def _month_period(index: int) -> Period:
    year, month = index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return Period(month_key(index), dt.date(year, month, 1), dt.date(year, month, last))


def last_complete_month(as_of: dt.date) -> str:
    """Return the last month that is complete on ``as_of`` (the month itself if ``as_of`` is its last day)."""
    if as_of.day == calendar.monthrange(as_of.year, as_of.month)[1]:
        return f"{as_of.year:04d}-{as_of.month:02d}"
    first = as_of.replace(day=1) - dt.timedelta(days=1)
    return f"{first.year:04d}-{first.month:02d}"


def month_ends(last: dt.date, count: int) -> list[dt.date]:
    """Return the last days of the ``count`` months up to the month of ``last`` (a month end), oldest first."""
    ends: list[dt.date] = []
    day = last
    while len(ends) < count:
        ends.append(day)
        day = day.replace(day=1) - dt.timedelta(days=1)
    return ends[::-1]


def _whole_last_day(key: str) -> dt.date:
    """Return the last day of the whole quarter (YYYY-Qn) or year (YYYY) ``key``."""
    year = int(key[:4])
    if "-Q" in key:
        month = int(key[-1]) * 3
        return dt.date(year, month, calendar.monthrange(year, month)[1])
    return dt.date(year, 12, 31)


def _quarter_end_key(month: str) -> str:
    return f"{month[:4]}-{((int(month[5:]) - 1) // 3 + 1) * 3:02d}"


@dataclass(frozen=True)
class ReleaseWindow:
    """The complete months a release covers, ``first_month`` to ``last_month`` inclusive."""

    first_month: str
    last_month: str
    # The last months of the 12-month windows a release publishes: its last whole quarter's, and in an
    # archive those of earlier releases (their windows stay published). Empty: the last whole quarter's.
    # Windows end on quarters so that they stay sums of quarters: on the demo, 13 windows ending month by
    # month kept the protection busy past 15 minutes where 12 quarter-ended ones took 197 s (benchmarks/README.md).
    window_ends: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for key in (self.first_month, self.last_month):
            try:
                month_index(key)
                dt.date(int(key[:4]), int(key[5:7]), 1)
            except (ValueError, IndexError) as error:
                raise ValueError(f"month must be YYYY-MM, got {key!r}") from error
        if month_index(self.first_month) > month_index(self.last_month):
            raise ValueError(f"first month {self.first_month} is after last month {self.last_month}")

    @classmethod
    def ending(cls, as_of: dt.date, first_month: str) -> ReleaseWindow:
        """Return the window from ``first_month`` to the last complete month on ``as_of``."""
        return cls(first_month, last_complete_month(as_of))

    @property
    def first_day(self) -> dt.date:
        return _month_period(month_index(self.first_month)).first_day

    @property
    def last_day(self) -> dt.date:
        return _month_period(month_index(self.last_month)).last_day

    def months(self) -> list[Period]:
        """Return every month of the window."""
        start, end = month_index(self.first_month), month_index(self.last_month)
        return [_month_period(i) for i in range(start, end + 1)]

    def periods(self, grain: str) -> list[Period]:
        """Return the periods at ``grain`` that overlap the window, clipped to it.

        Every month of the window falls in exactly one period of every grain, so
        counts stay additive across grains; a period the window covers only in
        part is marked ``partial`` and must never be compared with a whole one.
        """
        if grain == "month":
            return self.months()
        if grain == WINDOW:
            return self.windows()
        if grain not in TIME_GRAINS:
            raise ValueError(f"unknown time grain {grain!r}; expected one of {', '.join(TIME_GRAINS)}")
        size = 3 if grain == "quarter" else 12
        start, end = month_index(self.first_month), month_index(self.last_month)
        found = []
        first = (start // size) * size  # the period boundary at or before start
        for index in range(first, end + 1, size):
            whole_first, whole_last = _month_period(index), _month_period(index + size - 1)
            year = index // 12
            key = f"{year:04d}-Q{(index % 12) // 3 + 1}" if grain == "quarter" else f"{year:04d}"
            first_day = max(whole_first.first_day, self.first_day)
            last_day = min(whole_last.last_day, self.last_day)
            partial = (first_day, last_day) != (whole_first.first_day, whole_last.last_day)
            found.append(Period(key, first_day, last_day, partial))
        return found

    def windows(self, size: int = 12) -> list[Period]:
        """Return the runs of ``size`` whole months inside the window that end on ``window_ends`` (else on the
        last month), keyed ``first/last``, oldest first."""
        months = self.months()
        if not self.window_ends and months[-1].key < _quarter_end_key(self.first_month):
            return []  # no whole quarter ends inside the window
        ends = set(self.window_ends or (self.ending_on_quarter().last_month,))
        return [
            Period(f"{months[i].key}/{months[i + size - 1].key}", months[i].first_day, months[i + size - 1].last_day)
            for i in range(len(months) - size + 1)
            if months[i + size - 1].key in ends
        ]

    def unfinished_periods(self) -> list[str]:
        """Return the quarters and years still running after the window's last month ("to date")."""
        return [
            p.key
            for grain in ("quarter", "year")
            for p in self.periods(grain)
            if p.partial and p.last_day < _whole_last_day(p.key)
        ]

    def ending_on_quarter(self) -> ReleaseWindow:
        """Return the window cut back to the last month that closes a quarter (quarterly cadence)."""
        index = month_index(self.last_month)
        while index % 3 != 2:
            index -= 1
        return ReleaseWindow(self.first_month, month_key(index), self.window_ends)

    def partial_periods(self) -> list[str]:
        """Return the keys of the quarters and years the window covers only in part."""
        return [p.key for grain in ("quarter", "year") for p in self.periods(grain) if p.partial]
