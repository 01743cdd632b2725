"""The primary rule: which cells are sensitive before any secondary suppression.

Pure functions of a cell's value, its people and its two largest per-person
contributions. No I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.facts import DEFAULT_P_PERCENT, DEFAULT_THRESHOLD, MINIMUM_THRESHOLD


@dataclass(frozen=True)
class Rule:
    """The primary rule's parameters: threshold k and the p of the p%-rule."""

    threshold: int = DEFAULT_THRESHOLD
    p_percent: float = DEFAULT_P_PERCENT

    def __post_init__(self) -> None:
        if self.threshold < MINIMUM_THRESHOLD:
            raise ValueError(f"the threshold must be at least {MINIMUM_THRESHOLD}, got {self.threshold}")
        if not 0 < self.p_percent < 100:
            raise ValueError(f"p must lie between 0 and 100, got {self.p_percent}")

    def sensitivity(
        self, value: int, people: int | None, top1: int | None, top2: int | None, zero_is_sensitive: bool
    ) -> str | None:
        """Return why a count cell is sensitive (``small``, ``few_people``, ``dominance``, ``zero``), or None."""
        k = self.threshold
        if value == 0:
            return "zero" if zero_is_sensitive else None
        if 1 <= value <= k - 1:
            return "small"
        if people is not None and people < k:
            return "few_people"
        if top1 is not None:
            rest = value - top1 - (top2 or 0)
            if rest < self.p_percent / 100 * top1:
                return "dominance"
        return None

    def complement_sensitive(self, value: int) -> bool:
        """Return whether a derived complement (all minus a slice) is sensitive: 1 to k-1."""
        return 1 <= value <= self.threshold - 1

    def statistic_publishable(self, people: int) -> bool:
        """Return whether a statistic (a median) stands on at least k people."""
        return people >= self.threshold
