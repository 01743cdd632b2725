"""Frames the pages show that combine published tables: the joins live here, not in the pages.

Every value comes from a published cell or a declared ratio; nothing is summed or estimated.
Must not import Streamlit or any layer but ``core`` and the app's own reading of releases.
"""

from __future__ import annotations

import pandas as pd

from dashboard.published import Publication, Ratio


def caseload_by_month(pub: Publication, months_shown: int = 36) -> tuple[pd.DataFrame, list[Ratio | None]]:
    """Return, for the latest ``months_shown`` months, case managers, people active and people per case manager
    (NaN where withheld), with each month's declared ratio (None where it is not published)."""
    months = pub.periods("case_managers_by_month")[-months_shown:]
    caseload = pub.frame("case_managers_by_month")
    caseload = caseload[caseload["month"].isin(months)].rename(columns={"value": "case_managers"})
    active = pub.frame("active_participants_by_month").set_index("month")["value"]
    caseload["value"] = [active.get(m, float("nan")) for m in caseload["month"]]
    ratios = [pub.ratio("participants_per_case_manager", month=m) for m in caseload["month"]]
    caseload["per_case_manager"] = [r.value if r else float("nan") for r in ratios]
    return caseload, ratios
