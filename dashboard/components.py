"""Shared Streamlit components: a chart always with its table and one sentence, KPI cards,
the map, footnotes, downloads and URL-backed choices.

Components take published tables only (``dashboard.published``); a suppressed
cell is NaN and is drawn as a gap, never a zero. Must not import ``data_access``
or SQLAlchemy.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk
import streamlit as st

from dashboard import text
from dashboard.catalog import message
from dashboard.published import SUPPRESSED, TIME_GRAINS, Publication, format_number, short_month_label

# Okabe-Ito: distinguishable with every common form of colour blindness.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"], "responsive": True}


# -- URL-backed choices ------------------------------------------------------------


def choose(label: str, options: Sequence[str], param: str, default: str,
           format_func: Callable[[str], str] = str, horizontal: bool = False) -> str:
    """Return a choice kept in the URL (``?param=``); an invalid URL value falls back to ``default``."""
    options = list(options)
    if not options:
        return default
    wanted = st.query_params.get(param)
    if wanted not in options:
        wanted = default if default in options else options[-1]
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
    if all(pub.table(declared) is not None and (pub.grain(declared) is None or pub.periods(declared))
           for declared in declared_ids):
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


def as_of_line(publication: Publication, language: str = "en") -> None:
    from dashboard.published import month_label

    release = publication.release
    st.caption(message("app.as_of", language, as_of=release["as_of"], first=month_label(release["first_month"]),
                       last=month_label(release["last_month"])))


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


def table_download(frame: pd.DataFrame, table_id: str, key: str) -> None:
    """Offer the published cells of a table as CSV (withheld cells empty, with a ``suppressed`` column)."""
    data = frame.copy()
    data["value"] = [None if math.isnan(v) else int(v) if float(v).is_integer() else v for v in data["value"]]
    for column in data.columns:
        if column != "value":
            data[column] = [text.csv_cell(v) for v in data[column]]
    st.download_button(message("common.download_csv"), data.to_csv(index=False).encode(), f"{table_id}.csv",
                       "text/csv", key=key, on_click="ignore")


def chart_with_table(title: str, figure: go.Figure | None, summary: str, frame: pd.DataFrame,
                     publication: Publication, columns: dict[str, str], table_id: str, key: str,
                     coarser: str = "", note: str = "") -> None:
    """Show a chart with its one-sentence summary (and ``note`` under it), and its numbers as a table with
    a download.

    Says how many of the chart's values are withheld. A chart whose values are all withheld, or mostly
    withheld where ``coarser`` points to the published figure for them together, is replaced by one
    sentence (its published values stay in the table below).
    """
    st.subheader(title)
    st.write(summary)
    if note:
        st.caption(note)
    withheld = int(frame["suppressed"].sum()) if "suppressed" in frame.columns else 0
    if figure is not None and len(frame) and withheld == len(frame):
        st.write(message("chart.all_withheld_pointer", n=withheld, coarser=coarser) if coarser
                 else message("chart.all_withheld", n=withheld))
        figure = None
    elif figure is not None and coarser and 2 * withheld > len(frame):
        st.write(message("chart.mostly_withheld", n=withheld, m=len(frame), symbol=SUPPRESSED, coarser=coarser))
        figure = None
    elif withheld:
        st.caption(message("chart.withheld", n=withheld, m=len(frame), symbol=SUPPRESSED))
    if figure is not None:
        st.plotly_chart(figure, config=PLOTLY_CONFIG, key=f"chart_{key}")
    with st.expander(message("common.show_table")):
        st.dataframe(display_table(frame, publication, columns), hide_index=True, key=f"table_{key}")
        table_download(frame[[c for c in columns]].copy(), table_id, key=f"download_{key}")


def grouped_note(publication: Publication, codes_table: str, shown_table: str) -> str:
    """Return the note for a chart drawn from ``shown_table`` rather than ``codes_table``: which codes each
    group holds (the publication's hierarchy) and where the single categories are published; empty when
    the chart is drawn by the codes."""
    table = publication.table(codes_table)
    if shown_table == codes_table or table is None:
        return ""
    codes, grouping = publication.breakdown(codes_table), publication.breakdown(shown_table)
    members = (publication.document.get("hierarchies") or {}).get(grouping, {}).get("members", {})
    held: dict[str, list[str]] = {}
    for code, group in members.items():
        held.setdefault(group, []).append(code)
    parts = [message("coarser.group_members", group=text.markdown(publication.label(grouping, group)),
                     codes=", ".join(text.markdown(publication.label(codes, c).lower()) for c in held[group]))
             for group in held if len(held[group]) > 1]
    return " ".join([message("coarser.groups", table=text.markdown(table["title"])), *parts])


def coarser_figure(publication: Publication, table_id: str, what: str, grain: str, period: str) -> str:
    """Return the sentence pointing to the published total of ``table_id`` for ``period`` (empty when withheld)."""
    figure = publication.figure(table_id, **{grain: period})
    if figure.suppressed:
        return ""
    return message("coarser.total", value=format_number(figure.value), what=what,
                   period=text.markdown(publication.label(grain, period)))


# -- charts -----------------------------------------------------------------------


def _layout(figure: go.Figure, y_title: str, height: int = 360) -> go.Figure:
    figure.update_layout(
        height=height, margin=dict(l=8, r=8, t=8, b=8), legend=dict(orientation="h", y=-0.2),
        yaxis_title=y_title, hovermode="x unified", font=dict(size=14), colorway=PALETTE,
    )
    figure.update_yaxes(rangemode="tozero")
    return figure


def series(frame: pd.DataFrame, x: str, value: str = "value") -> tuple[list[str], list[float | None]]:
    """Return x labels and y values with withheld cells as None (a gap)."""
    ys = [None if (v is None or (isinstance(v, float) and math.isnan(v))) else float(v) for v in frame[value]]
    return list(frame[x]), ys


def axis_label(publication: Publication, dimension: str, value: str) -> str:
    """Return a period's label for a chart axis (``Oct 2026``), else the display name."""
    return text.chart(short_month_label(value) if dimension == "month" else publication.label(dimension, value))


def line_chart(frame: pd.DataFrame, x: str, color: str | None, publication: Publication, y_title: str,
               kind: str = "line") -> go.Figure:
    """Return a line (or grouped bar) chart of published cells; withheld cells leave gaps.

    A breakdown series with no published value above zero (often ``unknown``) is left out of
    the chart, not of its table.
    """
    figure = go.Figure()
    if x in TIME_GRAINS and publication.partial_periods:  # a period "to date" is never drawn beside whole ones
        frame = frame[~frame[x].isin(publication.partial_periods)]
    groups = [(None, frame)] if color is None else list(frame.groupby(color, sort=False))
    for index, (name, part) in enumerate(groups):
        xs, ys = series(part, x)
        if color is not None and not any(y for y in ys):
            continue
        labels = [axis_label(publication, x, v) for v in xs]
        trace_name = text.chart(publication.label(color, name)) if color else y_title
        colour = PALETTE[index % len(PALETTE)]
        if kind == "bar":
            figure.add_trace(go.Bar(x=labels, y=ys, name=trace_name, marker_color=colour,
                                    hovertemplate="%{y:,}<extra>" + trace_name + "</extra>"))
        else:
            figure.add_trace(go.Scatter(x=labels, y=ys, name=trace_name, mode="lines+markers",
                                        line=dict(color=colour, width=3), connectgaps=False,
                                        hovertemplate="%{y:,}<extra>" + trace_name + "</extra>"))
        mark_withheld(figure, [label for label, y in zip(labels, ys) if y is None], colour)
    return _layout(figure, y_title)


def mark_withheld(figure: go.Figure, labels: list[str], colour: str = "#000000", horizontal: bool = False) -> None:
    """Put the symbol on the axis at each withheld point or bar: its place shows, no value does."""
    if not labels:
        return
    at_axis = [0] * len(labels)  # on the axis line: the mark's position says nothing about the value
    x, y = (at_axis, labels) if horizontal else (labels, at_axis)
    figure.add_trace(go.Scatter(x=x, y=y, mode="text", text=[SUPPRESSED] * len(labels),
                                textposition="middle right" if horizontal else "top center",
                                textfont=dict(color=colour, size=16), showlegend=False, hoverinfo="skip",
                                name=SUPPRESSED))


def add_total_line(figure: go.Figure, frame: pd.DataFrame, x: str, publication: Publication, name: str) -> None:
    """Add the published total as a dark line above its breakdown."""
    xs, ys = series(frame, x)
    figure.add_trace(go.Scatter(x=[axis_label(publication, x, v) for v in xs], y=ys, name=name, mode="lines+markers",
                                line=dict(color=PALETTE[7], width=3, dash="dot"), connectgaps=False,
                                hovertemplate="%{y:,}<extra>" + name + "</extra>"))


def part_against_whole(part: pd.DataFrame, whole: pd.DataFrame, x: str, publication: Publication,
                       part_name: str, whole_name: str, y_title: str) -> go.Figure:
    """Return one area's published cells as bars against the city's as a line on its own axis."""
    figure = go.Figure()
    xs, ys = series(part, x)
    figure.add_trace(go.Bar(x=[axis_label(publication, x, v) for v in xs], y=ys, name=text.chart(part_name),
                            marker_color=PALETTE[0], hovertemplate="%{y:,}<extra></extra>"))
    wx, wy = series(whole, x)
    figure.add_trace(go.Scatter(x=[axis_label(publication, x, v) for v in wx], y=wy, name=text.chart(whole_name),
                                yaxis="y2",
                                mode="lines+markers", line=dict(color=PALETTE[1], width=3),
                                hovertemplate="%{y:,}<extra></extra>"))
    figure.update_layout(yaxis2=dict(overlaying="y", side="right", rangemode="tozero", showgrid=False))
    return _layout(figure, y_title)


def ratio_chart(frame: pd.DataFrame, x: str, ratio: str, publication: Publication, name: str,
                band: tuple[float, float] | None = None, band_label: str = "") -> go.Figure:
    """Return a line of a declared ratio by period (gaps where withheld), with an optional reference band."""
    xs, ys = series(frame, x, ratio)
    figure = go.Figure(go.Scatter(x=[axis_label(publication, x, v) for v in xs], y=ys, mode="lines+markers",
                                  name=name, line=dict(color=PALETTE[0], width=3), connectgaps=False,
                                  hovertemplate="%{y:.1f}<extra></extra>"))
    mark_withheld(figure, [axis_label(publication, x, v) for v, y in zip(xs, ys) if y is None], PALETTE[0])
    if band is not None:
        figure.add_hrect(y0=band[0], y1=band[1], fillcolor=PALETTE[2], opacity=0.15, line_width=0,
                         annotation_text=band_label, annotation_position="top left")
    return _layout(figure, name)


def bar_chart(frame: pd.DataFrame, category: str, publication: Publication, y_title: str,
              horizontal: bool = False) -> go.Figure:
    """Return one bar per category in the table's own order; withheld bars are absent, marked with the symbol."""
    labels = [text.chart(publication.label(category, v)) for v in frame[category]]
    _, ys = series(frame, category)
    shown = ["" if y is None else f"{y:,.0f}" for y in ys]  # a withheld bar gets its mark on the axis
    if horizontal:
        bar = go.Bar(y=labels, x=ys, orientation="h", marker_color=PALETTE[0], text=shown, textposition="outside",
                     hovertemplate="%{x:,}<extra></extra>", cliponaxis=False, showlegend=False)
    else:
        bar = go.Bar(x=labels, y=ys, marker_color=PALETTE[0], text=shown, textposition="outside",
                     hovertemplate="%{y:,}<extra></extra>", cliponaxis=False, showlegend=False)
    figure = go.Figure(bar)
    mark_withheld(figure, [label for label, y in zip(labels, ys) if y is None], horizontal=horizontal)
    figure = _layout(figure, y_title, height=max(320, 28 * len(labels)) if horizontal else 360)
    if horizontal:
        figure.update_yaxes(autorange="reversed")
        figure.update_layout(xaxis_title=y_title, yaxis_title=None, hovermode="closest")
        figure.update_xaxes(rangemode="tozero")
    return figure


# -- KPI cards --------------------------------------------------------------------


def kpi(column, label: str, value: float | None, delta: float | None, delta_label: str, help_text: str = "") -> None:
    """Show one headline figure with its change (a difference of two published figures)."""
    shown = format_number(value)
    delta_text = None if delta is None else f"{delta:+,.0f} {delta_label}"
    column.metric(label, shown, delta_text, delta_color="off", help=help_text or None, border=True)


# -- the map ----------------------------------------------------------------------


@lru_cache(maxsize=4)
def _boundaries(path: str, key: str) -> tuple[dict, tuple[str, ...]]:
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    features = []
    keys = []
    for feature in document.get("features", []):
        neighborhood = str((feature.get("properties") or {}).get(key))
        keys.append(neighborhood)
        features.append({"type": "Feature", "geometry": _rounded(feature["geometry"]),
                         "properties": {"neighborhood_id": neighborhood}})
    return {"type": "FeatureCollection", "features": features}, tuple(keys)


def _rounded(geometry: dict) -> dict:
    def walk(node):
        if isinstance(node, list) and node and isinstance(node[0], (int, float)):
            return [round(node[0], 5), round(node[1], 5)]
        return [walk(n) for n in node]

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def boundary_keys(path: Path, key: str) -> set[str]:
    """Return the neighborhood ids the boundaries file carries (empty when unreadable)."""
    try:
        return set(_boundaries(str(path), key)[1])
    except (OSError, ValueError, KeyError, TypeError):
        return set()


# A blue ramp from light to dark (colour-blind safe, prints in grey); withheld areas get no fill at all,
# a dark outline and the symbol, so that they can never read as "low".
RAMP = ([198, 219, 239], [107, 174, 214], [33, 113, 181], [8, 48, 107])
RAMP_NAMES = ("lightest blue", "light blue", "blue", "darkest blue")


def value_classes(values: list[float], classes: int = len(RAMP)) -> list[tuple[float, float]]:
    """Return up to ``classes`` ranges (low, high) that split the published values into groups of about equal
    size; every bound is one of the values, so a legend shows published figures only."""
    ordered = sorted(set(values))
    if not ordered:
        return []
    count = min(classes, len(ordered))
    cuts = [ordered[round(i * (len(ordered) - 1) / count)] for i in range(count + 1)]
    found, low = [], cuts[0]
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
    parts = [message("map.legend_class", language, shade=RAMP_NAMES[i], low=format_number(low), high=format_number(high))
             if low != high else message("map.legend_single", language, shade=RAMP_NAMES[i], value=format_number(low))
             for i, (low, high) in enumerate(ranges)]
    return message("map.legend", language, classes="; ".join(parts), symbol=SUPPRESSED)


def neighborhood_map(values: dict[str, float | None], labels: dict[str, str], path: Path, key: str,
                     caption: str, element_key: str, language: str = "en") -> None:
    """Draw area polygons shaded by published values in classes, labelled with their figures; withheld areas
    unfilled, outlined and marked with the symbol, with no value anywhere. The view fits the boundaries."""
    try:
        geojson, _ = _boundaries(str(path), key)
    except (OSError, ValueError, KeyError, TypeError):
        st.info(message("app.unavailable"))
        return
    ranges = value_classes([v for v in values.values() if v is not None])
    features, marks, points = [], [], []
    for feature in geojson["features"]:
        hood = feature["properties"]["neighborhood_id"]
        if hood not in values:
            continue
        value = values[hood]
        shown = SUPPRESSED if value is None else f"{value:,.0f}"
        shade = None if value is None else _class_of(value, ranges)
        features.append({
            "type": "Feature", "geometry": feature["geometry"],
            "properties": {
                "name": labels.get(hood, hood), "shown": shown,
                "fill": [255, 255, 255, 0] if shade is None else RAMP[shade] + [230],
            },
        })
        marks.append({"position": _centre(feature["geometry"]), "text": shown,
                      "colour": [20, 20, 20] if shade is None or shade < 2 else [255, 255, 255]})
    for feature in geojson["features"]:  # every area, published or not, is in view
        for ring in _outer_rings(feature["geometry"]):
            points += ring
    layer = pdk.Layer(
        "GeoJsonLayer", {"type": "FeatureCollection", "features": features}, id="neighborhoods",
        pickable=True, stroked=True, filled=True, get_fill_color="properties.fill",
        get_line_color=[40, 40, 40, 255], line_width_min_pixels=1,
    )
    outline = pdk.Layer(
        "GeoJsonLayer", {"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": f["geometry"], "properties": {}} for f in geojson["features"]
        ]}, id="city_outline", stroked=True, filled=False, get_line_color=[20, 20, 20, 255],
        line_width_min_pixels=2, pickable=False,
    )
    # pydeck reads a bare string as an expression: literal strings are quoted ("'auto'" draws the symbol).
    text_layer = pdk.Layer("TextLayer", marks, id="labels", get_position="position", get_text="text",
                           get_color="colour", get_size=13, pickable=False, character_set="'auto'",
                           font_family="'sans-serif'", font_weight=700)
    view = pdk.data_utils.compute_view(points or [[0, 0]], view_proportion=1)  # the whole area in view,
    view.zoom = round(view.zoom - 0.6, 1)  # with a margin for a 520 px tall map and a phone's width
    view.min_zoom, view.max_zoom = max(view.zoom - 3, 0), view.zoom + 5
    # No basemap: map_style left at pydeck's default sentinel, which Streamlit draws without any
    # style or tile request (map_style=None would make it fetch its default basemap from a third party).
    deck = pdk.Deck(layers=[outline, layer, text_layer], initial_view_state=view, map_provider=None,
                    tooltip={"text": "{name}: {shown}"})
    st.pydeck_chart(deck, height=520, key=element_key)
    st.caption(caption)
    if ranges:
        st.caption(map_legend(ranges, language))
