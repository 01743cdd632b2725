"""One-sentence summaries written from published figures only, with words from the catalog.

Must not import Streamlit or data layers.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from dashboard import locale
from dashboard.catalog import message
from dashboard.published import format_number
from dashboard.text import markdown


def trend(
    what: str,
    periods: Sequence[str],
    values: Sequence[float | None],
    label: Callable[[str], str],
    language: str = "en",
    partial: Collection[str] = (),
) -> str:
    """Return e.g. "Referrals went from 84 in May 2026 to 97 in October 2026, the most since March 2024.".

    Periods in ``partial`` ("to date") are left out: a part of a period is never compared with whole ones.
    """

    def period_text(period: str) -> str:  # period names are shown as text in the Markdown sentence
        return markdown(label(period))

    published = [(p, v) for p, v in zip(periods, values, strict=False) if v is not None and p not in partial]
    if not published:
        return message("summary.no_data", language, what=what)
    last_period, last = published[-1]
    if len(published) == 1:
        return message(
            "summary.latest_only", language, what=what, last=format_number(last), last_period=period_text(last_period)
        )
    first_period, first = published[0]
    earlier = published[:-1]
    extreme = ""
    if all(v < last for _, v in earlier[-2:]) and len(earlier) >= 2:
        higher = [p for p, v in earlier if v >= last]
        extreme = (
            message("summary.trend_highest", language, since=period_text(higher[-1]))
            if higher
            else message("summary.trend_record", language)
        )
    elif all(v > last for _, v in earlier[-2:]) and len(earlier) >= 2:
        lower = [p for p, v in earlier if v <= last]
        if lower:
            extreme = message("summary.trend_lowest", language, since=period_text(lower[-1]))
    return message(
        "summary.trend",
        language,
        what=what,
        first=format_number(first),
        first_period=period_text(first_period),
        last=format_number(last),
        last_period=period_text(last_period),
        extreme=extreme,
    )


def largest_group(
    period_label: str, labels: Sequence[str], values: Sequence[float | None], total: float | None, language: str = "en"
) -> str | None:
    """Return the sentence naming the largest published group, or None when nothing is published."""
    published = [(label, v) for label, v in zip(labels, values, strict=False) if v is not None]
    if not published:
        return None
    name, value = max(published, key=lambda item: item[1])
    name, period_label = markdown(name), markdown(period_label)
    withheld = len(labels) - len(published)
    if withheld and (total is None or value < total - sum(v for _, v in published)):
        # a withheld figure may be larger: name the largest published one, and say so
        return message(
            "summary.largest_published",
            language,
            period=period_label,
            largest=name,
            value=format_number(value),
            withheld=withheld,
            m=len(labels),
        )
    if total is None:
        return message("summary.largest", language, period=period_label, largest=name, value=format_number(value))
    return message(
        "summary.largest_share",
        language,
        period=period_label,
        largest=name,
        value=format_number(value),
        total=format_number(total),
    )


def caseload(month: str, people_per_case_manager: float, band: tuple[float, float], language: str = "en") -> str:
    """Return the sentence on a month's caseload against the recommended ``band`` (low, high)."""
    key = (
        "resources.bottleneck_caseload_over"
        if people_per_case_manager > band[1]
        else "resources.bottleneck_caseload_ok"
    )
    return message(
        key,
        language,
        month=month,
        value=locale.number(people_per_case_manager, 1),
        low=locale.number(band[0]),
        high=locale.number(band[1]),
    )
