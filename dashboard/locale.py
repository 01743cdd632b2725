"""The reader's language, and numbers, months and quarters written for it (by Babel, from CLDR).

The language of one page run is held in a context variable that the app sets from ``?lang=``
(the site's default is the ``LEAD_LANGUAGE`` setting). Must not import Streamlit or data layers.
"""

from __future__ import annotations

import math
from contextvars import ContextVar
from datetime import date
from typing import TypeGuard

from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal, format_percent

from core.facts import LANGUAGES

DEFAULT = "en"
SUPPRESSED = "‡"

_current: ContextVar[str] = ContextVar("lead_language", default=DEFAULT)


def supported(language: object) -> TypeGuard[str]:
    """Return whether ``language`` is one the dashboard is written in."""
    return isinstance(language, str) and language in LANGUAGES


def use(language: str) -> None:
    """Make ``language`` the language of this page run (an unknown one is refused)."""
    if not supported(language):
        raise ValueError(f"unsupported language: {language!r}")
    _current.set(language)


def current() -> str:
    """Return the language of this page run."""
    return _current.get()


def _language(language: str | None) -> str:
    return language if supported(language) else current()


def number(value: float | None, decimals: int = 0, language: str | None = None) -> str:
    """Return a figure with the language's separators (``1,234`` or ``1234``/``12.345``); ``‡`` when withheld."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return SUPPRESSED
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(round(float(value), decimals), format=pattern, locale=_language(language))


def signed(value: float, language: str | None = None) -> str:
    """Return a change with its sign (``+12``, ``−3``)."""
    return ("+" if value > 0 else "") + number(value, language=language)


def _first_day(key: str) -> date:
    year, month = key.split("-")[:2]
    return date(int(year), int(month), 1)


def month(key: str, language: str | None = None) -> str:
    """Return ``October 2026`` (``octubre de 2026``) for ``2026-10``."""
    return format_skeleton("yMMMM", _first_day(key), locale=_language(language))


def short_month(key: str, language: str | None = None) -> str:
    """Return ``Oct '26`` (``oct '26``) for ``2026-10``: short enough for a phone's chart axis."""
    return format_date(_first_day(key), "MMM ''yy", locale=_language(language)).replace(".", "")


def quarter(key: str, language: str | None = None) -> str:
    """Return ``Q3 2026`` (``T3 2026``) for ``2026-Q3``."""
    year, number_ = key.split("-Q")
    first_month = (int(number_) - 1) * 3 + 1
    return format_date(date(int(year), first_month, 1), "QQQ y", locale=_language(language))


def percent(value: float | None, language: str | None = None) -> str:
    """Return a share given in percent (``45``) as ``45%`` (``45 %``); ``‡`` when withheld."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return SUPPRESSED
    return format_percent(round(float(value)) / 100, format="#,##0%", locale=_language(language))


def short_quarter(key: str, language: str | None = None) -> str:
    """Return ``Q3 '26`` (``T3 '26``) for ``2026-Q3``: short enough for a phone's chart axis."""
    year, number_ = key.split("-Q")
    first_month = (int(number_) - 1) * 3 + 1
    return format_date(date(int(year), first_month, 1), "QQQ ''yy", locale=_language(language))
