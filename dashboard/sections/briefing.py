"""The sections of the Briefing: the quarter chosen, the heading, the headline figures, a small trend chart,
fair year-on-year comparisons, the obstacles money could fix, and where to learn more.

Must not import ``pages``, ``data_access``, ``aggregation`` or SQLAlchemy.
"""

from __future__ import annotations

import streamlit as st

from core.facts import period_end
from core.settings import Settings
from dashboard import components as ui
from dashboard import locale, summaries, text
from dashboard.catalog import message
from dashboard.published import Figure, Publication, format_number


def choose_quarter(pub, language: str) -> str:
    """Return the quarter chosen (``?quarter=``): the latest whole one by default."""
    quarters = pub.periods("referrals_by_quarter", complete_only=True)
    return ui.choose(
        message("briefing.period", language), quarters, "quarter", quarters[-1], lambda q: pub.label("quarter", q)
    )


def heading(pub: Publication, period: str, configured: Settings, language: str) -> None:
    """Name the briefing's quarter, the program, its city and the release it comes from."""
    label = pub.label("quarter", period)
    st.title(f"{message('briefing.title', language)}: {label}", anchor=False)
    st.markdown(
        f"**{text.markdown(configured.program_name)}**"
        + (f" · {text.markdown(configured.city)}" if configured.city else "")
        + (f" · {message('briefing.demo', language)}" if pub.release.source == "demo" else "")
    )
    st.write(message("briefing.intro", language, period=label))
    st.caption(
        message(
            "briefing.released",
            language,
            as_of=pub.release.as_of,
            generated=(pub.release.generated_at or "")[:10],
        )
    )
    ui.as_of_line(pub, language)


def headline(pub: Publication, period: str, language: str) -> None:
    """Show the quarter's headline figures against the same quarter a year earlier."""
    st.header(message("briefing.headline", language), anchor=False)
    earlier = _year_before(period)
    rows = [
        (
            message("kpi.referrals", language),
            pub.figure("referrals_by_quarter", quarter=period),
            pub.figure("referrals_by_quarter", quarter=earlier),
        ),
        (
            message("kpi.referrals", language) + ": " + pub.label("pathway", "arrest_diversion").lower(),
            pub.figure("arrest_diversions_by_quarter", quarter=period),
            pub.figure("arrest_diversions_by_quarter", quarter=earlier),
        ),
        (
            message("retail.by_period", language),
            _quarter_or_none(pub, "theft_referrals_by_month", period),
            _quarter_or_none(pub, "theft_referrals_by_month", earlier),
        ),
    ]
    columns = st.columns(len(rows))
    for column, (name, now, before) in zip(columns, rows, strict=False):
        ui.kpi(column, name, now, before, message("kpi.vs_previous", language, period=pub.label("quarter", earlier)))


def small_trend(pub, period: str, language: str) -> None:
    """Chart referrals in the eight whole quarters to the chosen one: one small chart for the handout."""
    quarters = [q for q in pub.periods("referrals_by_quarter", complete_only=True) if q <= period][-8:]
    frame = pub.frame("referrals_by_quarter")
    frame = frame[frame["quarter"].isin(quarters)]
    figure = ui.line_chart(frame, "quarter", None, pub, message("kpi.referrals", language))
    assert figure is not None  # one series: never too many to draw
    figure.update_layout(height=260, showlegend=False)
    title = message(
        "briefing.trend", language, first=pub.label("quarter", quarters[0]), last=pub.label("quarter", quarters[-1])
    )
    ui.for_the_image(figure, title, pub)
    with st.container(key="figure_briefing_trend"):
        with st.container(key="summary_briefing_trend"):
            st.markdown(f"**{text.markdown(title)}**")
        st.plotly_chart(figure, config=ui.PLOTLY_CONFIG, key="briefing_trend", theme=None)


def comparisons(pub: Publication, period: str, language: str) -> None:
    """Compare the quarter's shares with the same quarter a year earlier, in sentences."""
    st.header(message("briefing.comparisons", language), anchor=False)
    earlier = _year_before(period)
    for ratio_id, sentence in (
        ("handoff_within_30_min_share", "briefing.handoff"),
        ("intake_within_7_days_share", "briefing.intake"),
    ):
        share_now, share_before = pub.ratio(ratio_id, quarter=period), pub.ratio(ratio_id, quarter=earlier)
        note = f" ({message('ratio.unstable', language)})" if share_now is not None and share_now.unstable else ""
        st.markdown(
            "- "
            + message(
                "briefing.share_line",
                what=message(sentence, language),
                now=locale.percent(share_now.value if share_now is not None else None),
                period=pub.label("quarter", period),
                note=note,
                then=locale.percent(share_before.value if share_before is not None else None),
                earlier=pub.label("quarter", earlier),
            )
        )


def fixable(pub: Publication, period: str, configured: Settings, language: str) -> None:
    """Name the obstacles money could fix: wait lists, and caseloads above the recommended band."""
    st.header(message("briefing.fixable", language), anchor=False)
    if pub.table("services_waiting_by_quarter_type") is not None:
        _waiting_lists(pub, period)
    last_month = period_end(period)
    caseload = pub.ratio("participants_per_case_manager", month=last_month)
    if caseload is not None:
        st.markdown(
            "- "
            + summaries.caseload(pub.label("month", last_month), caseload.value, configured.caseload_band, language)
        )


def closing(configured: Settings, language: str) -> None:
    """Say where to find more and whom to ask, and (on screen only) how to print the page."""
    address = configured.public_url or _opened_at()
    st.markdown(
        message("briefing.more", language, url=text.markdown(address), contact=text.markdown(configured.contact))
    )
    with st.container(key="print_tip"):  # hidden when printing (dashboard/style.py)
        st.caption(message("briefing.print_hint", language))


def _year_before(period: str) -> str:
    """Return the same period a year earlier ("2026-Q3" -> "2025-Q3")."""
    return f"{int(period[:4]) - 1}{period[4:]}"


def _opened_at() -> str:
    """Return the address the page was opened at, without its query."""
    url = str(getattr(st.context, "url", "") or "")
    return url.split("?")[0] or "—"


def _waiting_lists(pub, period: str) -> None:
    """List the three longest wait lists at the end of the quarter (or its year)."""
    waiting_grain = pub.grain("services_waiting_by_quarter_type")
    waiting = pub.frame("services_waiting_by_quarter_type")
    waiting_period = period if waiting_grain == "quarter" else period[:4]
    waiting = waiting[(waiting[waiting_grain] == waiting_period)].dropna(subset=["value"])
    waiting = waiting[waiting["value"] > 0]
    for _, row in waiting.sort_values(["value", "service_type"], ascending=[False, True]).head(3).iterrows():
        st.markdown(
            "- "
            + message(
                "briefing.waiting_line",
                value=format_number(row["value"]),
                service=text.markdown(pub.label("service_type", row["service_type"]).lower()),
                period=text.markdown(pub.label(waiting_grain, waiting_period)),
            )
        )


def _quarter_or_none(pub, table: str, quarter: str) -> Figure:
    """Return a table's figure for the quarter; a figure with no value where the table is not by quarter."""
    if pub.grain(table) == "quarter":
        return pub.figure(table, quarter=quarter)
    return Figure(None, table, (quarter,))
