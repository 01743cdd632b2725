"""Shared Streamlit components: a chart always with its table and one sentence, KPI cards,
the map, footnotes, downloads and URL-backed choices.

Components take published tables only (``dashboard.published``); a suppressed
cell is NaN and is drawn as a gap, never a zero. Must not import ``data_access``
or SQLAlchemy.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk
import streamlit as st

from core.boundaries import BoundaryFileError, read_boundaries
from core.facts import TIME_DIMENSIONS
from dashboard import locale, text
from dashboard.catalog import message, table_title
from dashboard.published import (
    SUPPRESSED,
    Change,
    Figure,
    Publication,
    format_number,
    month_label,
    short_month_label,
)
from dashboard.summaries import largest_group, trend

log = logging.getLogger(__name__)

# Okabe-Ito's hues, darkened where needed so that every line and bar is at least 3:1 against white; each
# series also has its own dash, marker or bar pattern, so that none is told apart by colour alone.
PALETTE = ["#0072B2", "#D55E00", "#007D5C", "#B0529A", "#8A6500", "#000000"]
DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]
MARKERS = ["circle", "square", "diamond", "triangle-up", "x", "star"]
PATTERNS = ["", "/", ".", "x", "-", "+"]
MAX_SERIES = len(PALETTE)
TEXT_COLOUR = "#262730"  # chart text: axis titles, ticks, legends (15:1 against white)
# The chart's toolbar keeps one button, the image download (its file carries the title, source and release);
# dashboard/style.py takes the toolbar out of the Tab order: the table under the chart is the keyboard's way in.
PLOTLY_CONFIG: dict[str, Any] = {
    "displaylogo": False,
    "modeBarButtons": [["toImage"]],
    "responsive": True,
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


# -- the reader's language ----------------------------------------------------------


def reader_language(default: str) -> str:
    """Set this run's language from ``?lang=`` (``default`` when absent) and return it; an unknown language
    in the URL falls back to ``default`` with a visible note."""
    wanted = st.query_params.get("lang")
    fallback = default if locale.supported(default) else locale.DEFAULT
    # Moving to another page drops the URL's choices: the session remembers the language, the URL shows it.
    language = (
        wanted
        if locale.supported(wanted)
        else fallback
        if wanted is not None
        else st.session_state.get("reader_language", fallback)
    )
    locale.use(language)
    st.session_state["reader_language"] = language
    if wanted is not None and not locale.supported(wanted):
        st.info(message("url.unknown_language"))
    if wanted is not None or language != fallback:
        st.query_params["lang"] = language
    return language


def language_switch(page, language: str) -> None:
    """Offer the page in the other language(s): one link each, to this page with every other choice kept;
    and mark the page's ``<html lang>`` for screen readers."""
    kept = st.query_params.to_dict()
    with st.container(key="language", horizontal=True, horizontal_alignment="right"):
        for other, name in locale.LANGUAGES.items():
            if other != language:
                st.page_link(page, label=name, query_params={**kept, "lang": other})
    # Fixed scripts, no data: the front door's Content-Security-Policy allows exactly these (by their hashes).
    st.html("".join(f"<script>{body}</script>" for body in inline_scripts(language)), unsafe_allow_javascript=True)


def inline_scripts(language: str) -> list[str]:
    """Return the bodies of the page's own inline scripts for ``language`` (deploy/caddy/Caddyfile lists the
    SHA-256 of each, for every language)."""
    return [f"document.documentElement.lang = {json.dumps(language)};", _A11Y_SCRIPT]


# Static: names each chart by its summary sentence (aria-labelledby, so that no text is copied) and keeps the
# chart toolbar out of the Tab order. It reads only the page's own structure, never data.
_A11Y_SCRIPT = """
(() => {
  if (window.__leadA11y) return; window.__leadA11y = true;
  const fix = () => {
    // The skip link's target takes focus from the link only, not as a Tab stop of its own.
    const main = document.querySelector('[data-testid="stMain"]');
    if (main && main.getAttribute('tabindex') === '0') main.setAttribute('tabindex', '-1');
    document.querySelectorAll('[class*="st-key-figure_"]').forEach(box => {
      const key = [...box.classList].find(c => c.startsWith('st-key-figure_')).slice(14);
      const summary = box.querySelector('.st-key-summary_' + CSS.escape(key));
      const map = box.querySelector('[data-testid="stDeckGlJsonChart"]');
      const canvas = map && map.querySelector('canvas');
      if (canvas && summary) {  // the map: a picture named by its caption; its figures are in the table beside it
        summary.id = 'summary-' + key;
        if (canvas.getAttribute('aria-labelledby') !== summary.id) {
          canvas.setAttribute('role', 'img'); canvas.setAttribute('aria-labelledby', summary.id); }
        if (canvas.getAttribute('tabindex') !== '-1') canvas.setAttribute('tabindex', '-1');
      }
      const chart = box.querySelector('[data-testid="stPlotlyChart"]');
      if (!chart) return;
      chart.querySelectorAll('.modebar-btn, a, [tabindex]').forEach(b => {
        if (b.getAttribute('tabindex') !== '-1') b.setAttribute('tabindex', '-1'); });
      const svgs = chart.querySelectorAll('svg.main-svg');
      svgs.forEach((svg, i) => {
        if (i === 0 && summary) {
          summary.id = 'summary-' + key;
          if (svg.getAttribute('aria-labelledby') !== summary.id) {
            svg.setAttribute('role', 'img'); svg.setAttribute('aria-labelledby', summary.id); }
        } else if (svg.getAttribute('aria-hidden') !== 'true') svg.setAttribute('aria-hidden', 'true');
      });
    });
  };
  fix(); new MutationObserver(fix).observe(document.body, {childList: true, subtree: true});
})();
"""


# -- URL-backed choices ------------------------------------------------------------


def choose(
    label: str,
    options: Sequence[str],
    param: str,
    default: str,
    format_func: Callable[[str], str] = str,
    horizontal: bool = False,
) -> str:
    """Return a choice kept in the URL (``?param=``); an invalid URL value falls back to ``default``."""
    options = list(options)
    if not options:
        return default
    asked = st.query_params.get(param)
    wanted = asked if asked in options else (default if default in options else options[-1])
    if asked is not None and asked not in options:  # a stale or mistyped link: say so, never silently
        st.info(message("url.unknown_choice", what=label.lower(), shown=text.markdown(format_func(wanted))))
    key = f"choice_{param}"
    if st.session_state.get(key) not in options:
        st.session_state[key] = wanted
    if horizontal:
        choice = st.radio(label, options, key=key, format_func=format_func, horizontal=True)
    else:
        choice = st.selectbox(label, options, key=key, format_func=format_func)
    st.query_params[param] = choice
    return choice


# -- sections ---------------------------------------------------------------------


def section(pub: Publication, *declared_ids: str, language: str = "en") -> bool:
    """Return whether this release publishes every table a section needs; else say so in one caption.

    An older release of an archive may lack tables a later one added: its pages still render.
    """
    if all(
        pub.table(declared) is not None and (pub.grain(declared) is None or pub.periods(declared))
        for declared in declared_ids
    ):
        return True
    st.caption(message("common.not_in_release", language))
    return False


# -- text -------------------------------------------------------------------------


def footnotes(publication: Publication, language: str = "en", unstable: bool = False) -> None:
    """Write the one suppression footnote (and the partial-period note)."""
    k = publication.threshold
    st.caption(message("footnote.suppressed", language, symbol=SUPPRESSED, k=k))
    if publication.partial_periods:
        st.caption(message("footnote.partial", language))
    if unstable:
        st.caption(message("footnote.unstable", language))


def release_span(publication: Publication) -> dict[str, str]:
    """Return the words a sentence about the release's coverage takes: ``as_of``, ``first`` and ``last`` month."""
    release = publication.release
    return {"as_of": release.as_of, "first": month_label(release.first_month), "last": month_label(release.last_month)}


def as_of_line(publication: Publication, language: str = "en") -> None:
    st.caption(message("app.as_of", language, **release_span(publication)))


# -- tables -----------------------------------------------------------------------


def display_table(frame: pd.DataFrame, publication: Publication, columns: dict[str, str]) -> pd.DataFrame:
    """Return a published frame for display: labels for codes, the symbol for withheld values.

    ``value`` and any other numeric column (a declared ratio, say) are shown as numbers.
    """
    shown = pd.DataFrame()
    for column, title in columns.items():
        if column == "value":
            shown[title] = [format_number(v) for v in frame["value"]]
        elif pd.api.types.is_numeric_dtype(frame[column]):
            whole = all(math.isnan(v) or float(v).is_integer() for v in frame[column])
            shown[title] = [format_number(v, decimals=0 if whole else 1) for v in frame[column]]
        else:
            shown[title] = [publication.label(column, v) for v in frame[column]]
    return shown


def table_download(frame: pd.DataFrame, table_id: str, key: str, title: str = "") -> None:
    """Offer the published cells of a table as CSV (withheld cells empty, with a ``suppressed`` column).

    The file keeps its codes and English column names in every language: it is data (About explains them).
    """
    data = frame.copy()
    data["value"] = [None if math.isnan(v) else int(v) if float(v).is_integer() else v for v in data["value"]]
    for column in data.columns:
        if column != "value":
            cells: list[Any] = [text.csv_cell(v) for v in data[column]]
            data[column] = cells
    label = message("common.download_csv_for", title=_lower_first(title)) if title else message("common.download_csv")
    st.download_button(
        label, data.to_csv(index=False).encode(), f"{table_id}.csv", "text/csv", key=key, on_click="ignore"
    )


def _lower_first(title: str) -> str:
    """Return a title as it reads inside a sentence ("Referrals by pathway" -> "referrals by pathway")."""
    return title[:1].lower() + title[1:] if title[1:2].islower() else title


def chart_with_table(
    title: str,
    figure: go.Figure | None,
    summary: str,
    frame: pd.DataFrame,
    publication: Publication,
    columns: dict[str, str],
    table_id: str,
    key: str,
    coarser: str = "",
    note: str = "",
    heading: int = 2,
) -> None:
    """Show a chart under its heading with its one-sentence summary (and ``note`` under it), and its numbers as
    a table with a download, both named after the chart.

    The chart is announced by its summary; its image download carries the title, the source and the release.
    Says how many of the chart's values are withheld. A chart whose values are all withheld, or mostly
    withheld where ``coarser`` points to the published figure for them together, is replaced by one
    sentence (its published values stay in the table below).
    """
    with st.container(key=f"figure_{key}"):
        (st.header if heading == 2 else st.subheader)(text.markdown(title), anchor=False)
        with st.container(key=f"summary_{key}"):
            st.write(summary or title)
        if note:
            st.caption(note)
        withheld = int(frame["suppressed"].sum()) if "suppressed" in frame.columns else 0
        if figure is not None and len(frame) and withheld == len(frame):
            st.write(
                message("chart.all_withheld_pointer", n=withheld, coarser=coarser)
                if coarser
                else message("chart.all_withheld", n=withheld)
            )
            figure = None
        elif figure is not None and coarser and 2 * withheld > len(frame):
            st.write(message("chart.mostly_withheld", n=withheld, m=len(frame), symbol=SUPPRESSED, coarser=coarser))
            figure = None
        elif withheld:
            st.caption(message("chart.withheld", n=withheld, m=len(frame), symbol=SUPPRESSED))
        if figure is not None:
            for_the_image(figure, title, publication)
            config = {
                **PLOTLY_CONFIG,
                "toImageButtonOptions": {**PLOTLY_CONFIG["toImageButtonOptions"], "filename": table_id},
            }
            st.plotly_chart(figure, config=config, key=f"chart_{key}", theme=None)
    with st.expander(message("common.show_table_for", title=_lower_first(title))):
        st.dataframe(display_table(frame, publication, columns), hide_index=True, key=f"table_{key}")
        table_download(frame[[c for c in columns]].copy(), table_id, key=f"download_{key}", title=title)


def for_the_image(figure: go.Figure, title: str, publication: Publication) -> None:
    """Put the title and, under it, the source and release date into the figure, so that a downloaded image
    says what it is and where it is from; on the page the heading above says it (dashboard/style.py hides
    this title there)."""
    source = message("chart.image_source", source=message("app.title"), as_of=publication.release.as_of)
    # Both lines escaped text; the line break and the smaller size are the only markup.
    figure.update_layout(
        title=dict(
            text=f"{text.chart(title)}<br><span style='font-size:11px'>{text.chart(source)}</span>",
            x=0.01,
            xanchor="left",
            y=1,
            yanchor="top",
            pad=dict(t=26),
            font=dict(size=15, color=TEXT_COLOUR),
        ),
        margin=dict(t=84),
    )  # the title and source above the legend


def grouped_note(publication: Publication, codes_table: str, shown_table: str) -> str:
    """Return the note for a chart drawn from ``shown_table`` rather than ``codes_table``: which codes each
    group holds (the publication's hierarchy) and where the single categories are published; empty when
    the chart is drawn by the codes."""
    table = publication.table(codes_table)
    if shown_table == codes_table or table is None:
        return ""
    codes, grouping = publication.breakdown(codes_table), publication.breakdown(shown_table)
    assert codes is not None and grouping is not None  # both tables are published, each broken down by a code
    hierarchy = publication.model.hierarchies.get(grouping)
    held: dict[str, list[str]] = {}
    for code, group in (hierarchy.members if hierarchy else {}).items():
        if group is not None:
            held.setdefault(group, []).append(code)
    parts = [
        message(
            "coarser.group_members",
            group=text.markdown(publication.label(grouping, group)),
            codes=", ".join(text.markdown(publication.label(codes, c).lower()) for c in held[group]),
        )
        for group in held
        if len(held[group]) > 1
    ]
    return " ".join([message("coarser.groups", table=text.markdown(table_title(table.id, table.title))), *parts])


def coarser_figure(publication: Publication, table_id: str, what: str, grain: str, period: str) -> str:
    """Return the sentence pointing to the published total of ``table_id`` for ``period`` (empty when withheld)."""
    figure = publication.figure(table_id, **{grain: period})
    if figure.suppressed:
        return ""
    return message(
        "coarser.total",
        value=format_number(figure.value),
        what=what,
        period=text.markdown(publication.label(grain, period)),
    )


# -- charts -----------------------------------------------------------------------


def _layout(figure: go.Figure, y_title: str, height: int = 360) -> go.Figure:
    figure.update_layout(
        height=height,
        margin=dict(l=8, r=8, t=8, b=8),
        legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0),  # above: never on the axis labels
        yaxis_title=y_title,
        hovermode="x unified",
        font=dict(size=14, color=TEXT_COLOUR),
        colorway=PALETTE,
        plot_bgcolor="#FFFFFF",
        paper_bgcolor="#FFFFFF",
    )
    figure.update_xaxes(automargin=True, linecolor="#595959", tickcolor="#595959")
    figure.update_yaxes(rangemode="tozero", automargin=True, gridcolor="#E5E5E5", linecolor="#595959")
    return figure


def series(frame: pd.DataFrame, x: str, value: str = "value") -> tuple[list[str], list[float | None]]:
    """Return x labels and y values with withheld cells as None (a gap)."""
    ys = [None if (v is None or (isinstance(v, float) and math.isnan(v))) else float(v) for v in frame[value]]
    return list(frame[x]), ys


def trend_line(pub: Publication, frame: pd.DataFrame, grain: str, what: str, language: str) -> str:
    """Return the sentence describing a series' trend over the periods of ``grain`` (partial periods aside)."""
    periods, values = series(frame, grain)
    return trend(what, periods, values, lambda p: pub.label(grain, p), language, partial=pub.partial_periods)


def largest_line(
    pub: Publication,
    frame: pd.DataFrame,
    dimension: str,
    grain: str,
    period: str,
    language: str,
    total: float | None = None,
) -> str | None:
    """Return the sentence naming the largest published value of ``dimension`` in ``period`` (of ``total`` when
    known), or None when none is published."""
    labels = [pub.label(dimension, v) for v in frame[dimension]]
    return largest_group(pub.label(grain, period), labels, series(frame, dimension)[1], total, language)


def axis_label(publication: Publication, dimension: str, value: str) -> str:
    """Return a period's short label for a chart axis (``Oct '26``, ``Q3 '26``), else the display name."""
    if dimension == "month":
        return text.chart(short_month_label(value))
    if dimension == "quarter" and value not in publication.partial_periods:
        return text.chart(locale.short_quarter(value))
    return text.chart(publication.label(dimension, value))


def line_chart(
    frame: pd.DataFrame, x: str, color: str | None, publication: Publication, y_title: str, kind: str = "line"
) -> go.Figure | None:
    """Return a line (or grouped bar) chart of published cells; withheld cells leave gaps.

    A breakdown series with no published value above zero (often ``unknown``) is left out of
    the chart, not of its table.
    """
    figure = go.Figure()
    if x in TIME_DIMENSIONS and publication.partial_periods:  # a period "to date" is never drawn beside whole ones
        frame = frame[~frame[x].isin(publication.partial_periods)]
    groups: list[tuple[Any, pd.DataFrame]] = (
        [(None, frame)] if color is None else list(frame.groupby(color, sort=False))
    )
    drawn = [(name, part) for name, part in groups if color is None or any(y for y in series(part, x)[1])]
    if len(drawn) > MAX_SERIES:  # too many to tell apart: the page charts a coarser table, never sums cells
        return None  # itself; an old release without one gets its table only
    across = kind == "bar" and x not in TIME_DIMENSIONS  # long category names: horizontal bars, one row each
    for index, (name, part) in enumerate(drawn):
        xs, ys = series(part, x)
        labels = [axis_label(publication, x, v) for v in xs]
        trace_name = text.chart(publication.label(color, name)) if color else y_title
        colour = PALETTE[index]
        if kind == "bar":
            placed = dict(y=labels, x=ys, orientation="h") if across else dict(x=labels, y=ys)
            figure.add_trace(
                go.Bar(
                    **placed,
                    name=trace_name,
                    marker_color=colour,
                    marker_pattern=dict(shape=PATTERNS[index], fgcolor="#FFFFFF", fillmode="overlay"),
                    hovertemplate=("%{x:,}" if across else "%{y:,}") + "<extra>" + trace_name + "</extra>",
                )
            )
        else:
            figure.add_trace(
                go.Scatter(
                    x=labels,
                    y=ys,
                    name=trace_name,
                    mode="lines+markers",
                    line=dict(color=colour, width=3, dash=DASHES[index]),
                    marker=dict(symbol=MARKERS[index], size=8),
                    connectgaps=False,
                    hovertemplate="%{y:,}<extra>" + trace_name + "</extra>",
                )
            )
        mark_withheld(figure, [label for label, y in zip(labels, ys, strict=False) if y is None], horizontal=across)
    if across:
        rows = len({label for trace in figure.data for label in (trace.y or ())})
        return _across(figure, y_title, height=max(320, 22 * rows * max(1, len(drawn)) + 80))
    return _layout(figure, y_title)


def _across(figure: go.Figure, x_title: str, height: int) -> go.Figure:
    """Lay out a chart of horizontal bars: categories down the side in the table's order, values across."""
    figure = _layout(figure, x_title, height=height)
    figure.update_yaxes(autorange="reversed")
    figure.update_layout(xaxis_title=x_title, yaxis_title=None, hovermode="closest")
    figure.update_xaxes(rangemode="tozero")
    return figure


def mark_withheld(figure: go.Figure, labels: list[str], horizontal: bool = False) -> None:
    """Put the symbol on the axis at each withheld point or bar: its place shows, no value does."""
    if not labels:
        return
    at_axis = [0] * len(labels)  # on the axis line: the mark's position says nothing about the value
    x, y = (at_axis, labels) if horizontal else (labels, at_axis)
    figure.add_trace(
        go.Scatter(
            x=x,
            y=y,
            mode="text",
            text=[SUPPRESSED] * len(labels),
            textposition="middle right" if horizontal else "top center",
            textfont=dict(color=TEXT_COLOUR, size=16),
            showlegend=False,
            hoverinfo="skip",
            name=SUPPRESSED,
        )
    )


def add_total_line(figure: go.Figure, frame: pd.DataFrame, x: str, publication: Publication, name: str) -> None:
    """Add the published total as a dark line above its breakdown."""
    xs, ys = series(frame, x)
    figure.add_trace(
        go.Scatter(
            x=[axis_label(publication, x, v) for v in xs],
            y=ys,
            name=name,
            mode="lines+markers",
            line=dict(color=PALETTE[-1], width=3, dash="dot"),
            connectgaps=False,
            hovertemplate="%{y:,}<extra>" + name + "</extra>",
        )
    )


def part_against_whole(
    part: pd.DataFrame,
    whole: pd.DataFrame,
    x: str,
    publication: Publication,
    part_name: str,
    whole_name: str,
    y_title: str,
) -> go.Figure:
    """Return one area's published cells as bars against the city's as a line on its own axis."""
    figure = go.Figure()
    xs, ys = series(part, x)
    figure.add_trace(
        go.Bar(
            x=[axis_label(publication, x, v) for v in xs],
            y=ys,
            name=text.chart(part_name),
            marker_color=PALETTE[0],
            hovertemplate="%{y:,}<extra></extra>",
        )
    )
    wx, wy = series(whole, x)
    figure.add_trace(
        go.Scatter(
            x=[axis_label(publication, x, v) for v in wx],
            y=wy,
            name=text.chart(whole_name),
            yaxis="y2",
            mode="lines+markers",
            line=dict(color=PALETTE[1], width=3, dash="dash"),
            marker=dict(symbol="square", size=8),
            hovertemplate="%{y:,}<extra></extra>",
        )
    )
    figure.update_layout(yaxis2=dict(overlaying="y", side="right", rangemode="tozero", showgrid=False))
    return _layout(figure, y_title)


def ratio_chart(
    frame: pd.DataFrame,
    x: str,
    ratio: str,
    publication: Publication,
    name: str,
    band: tuple[float, float] | None = None,
    band_label: str = "",
) -> go.Figure:
    """Return a line of a declared ratio by period (gaps where withheld), with an optional reference band."""
    xs, ys = series(frame, x, ratio)
    figure = go.Figure(
        go.Scatter(
            x=[axis_label(publication, x, v) for v in xs],
            y=ys,
            mode="lines+markers",
            name=name,
            line=dict(color=PALETTE[0], width=3),
            connectgaps=False,
            hovertemplate="%{y:.1f}<extra></extra>",
        )
    )
    mark_withheld(figure, [axis_label(publication, x, v) for v, y in zip(xs, ys, strict=False) if y is None])
    if band is not None:
        figure.add_hrect(
            y0=band[0],
            y1=band[1],
            fillcolor=PALETTE[2],
            opacity=0.15,
            line_width=0,
            annotation_text=band_label,
            annotation_position="top left",
        )
    return _layout(figure, name)


def bar_chart(
    frame: pd.DataFrame, category: str, publication: Publication, y_title: str, horizontal: bool = True
) -> go.Figure:
    """Return one bar per category in the table's own order; withheld bars are absent, marked with the symbol."""
    labels = [text.chart(publication.label(category, v)) for v in frame[category]]
    _, ys = series(frame, category)
    shown = ["" if y is None else format_number(y) for y in ys]  # a withheld bar gets its mark on the axis
    if horizontal:
        bar = go.Bar(
            y=labels,
            x=ys,
            orientation="h",
            marker_color=PALETTE[0],
            text=shown,
            textposition="outside",
            hovertemplate="%{x:,}<extra></extra>",
            cliponaxis=False,
            showlegend=False,
        )
    else:
        bar = go.Bar(
            x=labels,
            y=ys,
            marker_color=PALETTE[0],
            text=shown,
            textposition="outside",
            hovertemplate="%{y:,}<extra></extra>",
            cliponaxis=False,
            showlegend=False,
        )
    figure = go.Figure(bar)
    mark_withheld(figure, [label for label, y in zip(labels, ys, strict=False) if y is None], horizontal=horizontal)
    return _across(figure, y_title, height=max(320, 28 * len(labels))) if horizontal else _layout(figure, y_title)


# -- KPI cards --------------------------------------------------------------------


SHOWN_CHANGES = "shown_changes"  # session key: every change shown, with the two cells it subtracts


def shown_change(current: Figure, earlier: Figure) -> float | None:
    """Return the change from ``earlier`` to ``current`` and record it, named by its two cells, in the session
    (the leak tests accept a change only when its two named cells are published and subtract to it)."""
    change = Change(current, earlier)
    if change.value is not None:
        cells = ((current.table_id, current.cell), (earlier.table_id, earlier.cell))
        st.session_state.setdefault(SHOWN_CHANGES, {})[cells] = change.value
    return change.value


def kpi(column, label: str, now: Figure, before: Figure, delta_label: str, help_text: str = "") -> None:
    """Show one headline figure with its change from ``before`` (a declared difference of two published figures)."""
    delta = shown_change(now, before)
    delta_text = None if delta is None else f"{locale.signed(delta)} {delta_label}"
    column.metric(label, format_number(now.value), delta_text, delta_color="off", help=help_text or None, border=True)


# -- the map ----------------------------------------------------------------------


@lru_cache(maxsize=4)
def _boundaries(path: str, key: str) -> tuple[dict, tuple[str, ...]]:
    features, keys = [], []
    for neighborhood, geometry in read_boundaries(path, key):
        keys.append(neighborhood)
        if geometry is None:
            continue  # an area without a shape is listed, not drawn
        features.append(
            {"type": "Feature", "geometry": _rounded(geometry), "properties": {"neighborhood_id": neighborhood}}
        )
    return {"type": "FeatureCollection", "features": features}, tuple(keys)


def _rounded(geometry: dict) -> dict:
    def walk(node):
        if isinstance(node, list) and node and isinstance(node[0], (int, float)):
            return [round(node[0], 5), round(node[1], 5)]
        return [walk(n) for n in node]

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def boundary_keys(path: Path, key: str) -> set[str] | None:
    """Return the neighborhood ids the boundaries file carries; None, with the reason logged, when it cannot
    be read (so that a page says the file is unreadable rather than that every polygon is missing)."""
    readable = _readable_boundaries(path, key)
    return None if readable is None else set(readable[1])


def _readable_boundaries(path: Path, key: str) -> tuple[dict, tuple[str, ...]] | None:
    """Return the boundaries as ``_boundaries`` does; None, with the reason logged, when the file cannot be read."""
    try:
        return _boundaries(str(path), key)
    except BoundaryFileError as error:
        log.warning("the boundaries file %s cannot be read: %s", path, error)
        return None


# A blue ramp from light to dark (colour-blind safe, prints in grey); withheld areas get no fill at all,
# a dark outline and the symbol, so that they can never read as "low".
RAMP = ([79, 134, 184], [47, 99, 153], [26, 74, 128], [8, 48, 107])  # each at least 3:1 against white
RAMP_NAMES = tuple(f"map.shade_{i}" for i in range(len(RAMP)))  # message ids: the legend names each shade


def value_classes(values: list[float], classes: int = len(RAMP)) -> list[tuple[float, float]]:
    """Return up to ``classes`` ranges (low, high) that split the published values into groups of about equal
    size; every bound is one of the values, so a legend shows published figures only."""
    ordered = sorted(set(values))
    if not ordered:
        return []
    count = min(classes, len(ordered))
    cuts = [ordered[round(i * (len(ordered) - 1) / count)] for i in range(count + 1)]
    found: list[tuple[float, float]] = []
    low = cuts[0]
    for high in cuts[1:]:
        if found and high == found[-1][1]:
            continue
        found.append((low, high))
        low = next((v for v in ordered if v > high), high)
    return found or [(ordered[0], ordered[-1])]


def _class_of(value: float, ranges: list[tuple[float, float]]) -> int:
    return next((i for i, (_, high) in enumerate(ranges) if value <= high), len(ranges) - 1)


def _outer_rings(geometry: dict) -> list[list]:
    """Return the outer ring of each polygon of a Polygon or MultiPolygon."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return [polygon[0] for polygon in polygons]


def _centre(geometry: dict) -> list[float]:
    """Return the mean of the largest ring's points: where an area's label goes."""
    ring = max(_outer_rings(geometry), key=len)
    return [round(sum(p[0] for p in ring) / len(ring), 5), round(sum(p[1] for p in ring) / len(ring), 5)]


def map_legend(ranges: list[tuple[float, float]], language: str = "en") -> str:
    """Return the legend in words: each shade with its range of published figures, and the withheld style."""
    parts = [
        message(
            "map.legend_class",
            language,
            shade=message(RAMP_NAMES[i], language),
            low=format_number(low),
            high=format_number(high),
        )
        if low != high
        else message("map.legend_single", language, shade=message(RAMP_NAMES[i], language), value=format_number(low))
        for i, (low, high) in enumerate(ranges)
    ]
    return message("map.legend", language, classes="; ".join(parts), symbol=SUPPRESSED)


def neighborhood_map(
    values: dict[str, float | None],
    labels: dict[str, str],
    path: Path,
    key: str,
    caption: str,
    element_key: str,
    language: str = "en",
) -> None:
    """Draw area polygons shaded by published values in classes, labelled with their figures; withheld areas
    unfilled, outlined and marked with the symbol, with no value anywhere. The view fits the boundaries."""
    readable = _readable_boundaries(path, key)
    if readable is None:
        st.info(message("app.unavailable"))
        return
    geojson, _ = readable
    ranges = value_classes([v for v in values.values() if v is not None])
    features, marks, points = [], [], []
    for feature in geojson["features"]:
        hood = feature["properties"]["neighborhood_id"]
        if hood not in values:
            continue
        value = values[hood]
        shown = format_number(value)
        shade = None if value is None else _class_of(value, ranges)
        features.append(
            {
                "type": "Feature",
                "geometry": feature["geometry"],
                "properties": {
                    "name": labels.get(hood, hood),
                    "shown": shown,
                    "fill": [255, 255, 255, 0] if shade is None else RAMP[shade] + [230],
                },
            }
        )
        marks.append(
            {
                "position": _centre(feature["geometry"]),
                "text": shown,
                "colour": [20, 20, 20] if shade is None else [255, 255, 255],
            }
        )
    for feature in geojson["features"]:  # every area, published or not, is in view
        for ring in _outer_rings(feature["geometry"]):
            points += ring
    layer = pdk.Layer(
        "GeoJsonLayer",
        {"type": "FeatureCollection", "features": features},
        id="neighborhoods",
        pickable=True,
        stroked=True,
        filled=True,
        get_fill_color="properties.fill",
        get_line_color=[40, 40, 40, 255],
        line_width_min_pixels=1,
    )
    outline = pdk.Layer(
        "GeoJsonLayer",
        {
            "type": "FeatureCollection",
            "features": [{"type": "Feature", "geometry": f["geometry"], "properties": {}} for f in geojson["features"]],
        },
        id="city_outline",
        stroked=True,
        filled=False,
        get_line_color=[20, 20, 20, 255],
        line_width_min_pixels=2,
        pickable=False,
    )
    # pydeck reads a bare string as an expression: literal strings are quoted ("'auto'" draws the symbol).
    text_layer = pdk.Layer(
        "TextLayer",
        marks,
        id="labels",
        get_position="position",
        get_text="text",
        get_color="colour",
        get_size=13,
        pickable=False,
        character_set="'auto'",
        font_family="'sans-serif'",
        font_weight=700,
        font_settings={"sdf": True},
        outline_width=2,
        outline_color=[0, 0, 0, 255],
    )
    view = pdk.data_utils.compute_view(points or [[0, 0]], view_proportion=1)  # the whole area in view,
    view.zoom = round(view.zoom - 0.6, 1)  # with a margin for a 520 px tall map and a phone's width
    view.min_zoom, view.max_zoom = max(view.zoom - 3, 0), view.zoom + 5
    # No basemap: map_style left at pydeck's default sentinel, which Streamlit draws without any
    # style or tile request (map_style=None would make it fetch its default basemap from a third party).
    deck = pdk.Deck(
        layers=[outline, layer, text_layer],
        initial_view_state=view,
        map_provider=None,
        tooltip={"text": "{name}: {shown}"},
    )
    with st.container(key=f"figure_{element_key}"):
        st.pydeck_chart(deck, height=520, key=element_key)
        with st.container(key=f"summary_{element_key}"):
            st.caption(caption)
        if ranges:
            st.caption(map_legend(ranges, language))
