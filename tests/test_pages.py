"""Every page renders from the demo publication, shows its figures, honours URL parameters,
and sends the browser nothing but published values, declared ratios and differences."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from core.release_model import Cell, Release, ReleaseInfo, Table
from dashboard.catalog import code_label
from tests import leak

PAGES = ["monthly", "neighborhoods", "resources", "retail_theft", "people", "briefing", "about"]

SCRIPT = """
import streamlit as st
from tests import leak
if not getattr(st.download_button, "captures", False):
    _original = st.download_button
    def _capture(label, data, *args, **kwargs):
        leak.CAPTURED_DOWNLOADS.append(data)
        return _original(label, data, *args, **kwargs)
    _capture.captures = True
    st.download_button = _capture
from dashboard.components import reader_language
from dashboard.data import settings
reader_language(settings().language)  # as dashboard/app.py does: ?lang=, else the site's default
from pages import {page}
{page}.render()
"""


@pytest.fixture(scope="module")
def snapshot(demo_publication):
    import os

    directory, publication, _ = demo_publication
    previous = os.environ.get("LEAD_PUBLICATION")
    os.environ["LEAD_PUBLICATION"] = str(directory)
    yield publication
    if previous is None:
        os.environ.pop("LEAD_PUBLICATION", None)
    else:
        os.environ["LEAD_PUBLICATION"] = previous


def run_page(page: str, **params) -> AppTest:
    leak.CAPTURED_DOWNLOADS.clear()
    at = AppTest.from_string(SCRIPT.format(page=page), default_timeout=180)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def published(publication, table_id, **cell):
    table = next(t for t in publication.tables if table_id in (t.id, t.pooled_from))
    for c in table.cells:
        if all(c.where[k] == v for k, v in cell.items()):
            return c.value
    raise KeyError(cell)


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_without_errors_and_leaks_nothing(snapshot, page):
    at = run_page(page)
    titles = {
        "monthly": "Monthly results",
        "neighborhoods": "Neighborhoods",
        "resources": "Resources and obstacles",
        "retail_theft": "Retail theft",
        "people": "People served",
        "briefing": "Briefing",
        "about": "About the data",
    }
    assert len(at.title) == 1 and at.title[0].value.startswith(titles[page]), [t.value for t in at.title]
    bad = leak.disallowed(at, leak.Allowed(snapshot))
    assert not bad, f"{page} sent unpublished numbers: {bad[:10]}"


def test_monthly_shows_the_published_headline_figures(snapshot):
    month = snapshot.release.last_month
    at = run_page("monthly")
    referrals = next(m for m in at.metric if m.label == "Referrals")
    assert referrals.value == f"{published(snapshot, 'referrals_by_month', month=month):,}"
    replaced = [
        m.value
        for m in at.markdown
        if "too many for a chart" in m.value or "values of this chart are withheld" in m.value
    ]
    assert len(at.get("plotly_chart")) + len(replaced) == 3  # pathways, sources, the funnel: a chart or why not
    assert any("Referrals went from" in m.value for m in at.markdown)
    assert len(at.metric) == 4 and not [m.label for m in at.metric if m.value in ("‡", "—")]  # each a number


def test_url_parameters_choose_the_month_and_the_place(snapshot):
    at = run_page("monthly", month="2025-03", place="PIONEER SQUARE")
    referrals = next(m for m in at.metric if m.label == "Referrals")
    assert referrals.value == f"{published(snapshot, 'referrals_by_month', month='2025-03'):,}"
    assert at.query_params["month"] == "2025-03"
    assert at.selectbox(key="choice_place").value == "PIONEER SQUARE"
    assert run_page("monthly").selectbox(key="choice_place").value == "city"  # the whole city by default


@pytest.mark.parametrize(
    "params",
    [
        {"month": "2099-01"},
        {"month": "<script>alert(1)</script>"},
        {"place": "NOWHERE LAND"},
        {"month": ""},
        {"view": "satellite"},
        {"quarter": "1999-Q9"},
    ],
)
def test_invalid_url_parameters_fall_back_to_defaults(snapshot, params):
    for page in ("monthly", "neighborhoods", "briefing"):
        at = run_page(page, **params)
        for selectbox in at.selectbox:
            assert selectbox.value in selectbox.options or selectbox.format_func(selectbox.value) in selectbox.options
    at = run_page("monthly", **params)
    assert at.selectbox(key="choice_month").value == snapshot.release.last_month


def test_neighborhood_map_carries_no_value_for_withheld_areas(snapshot):
    import json

    at = run_page("neighborhoods")
    decks = at.get("deck_gl_json_chart")
    assert decks
    deck = json.loads(decks[0].proto.json)
    # pydeck's "no style given" sentinel: Streamlit then draws no basemap. (mapStyle None would make it
    # fetch its default basemap from a third party: test_browser records that no request leaves the app.)
    assert deck.get("mapStyle") == "__MAP_STYLE__" and "mapbox" not in decks[0].proto.json.lower()
    features = next(layer for layer in deck["layers"] if layer.get("id") == "neighborhoods")["data"]["features"]
    withheld = [f for f in features if f["properties"]["shown"] == "‡"]
    assert withheld, "the demo should have small neighborhoods"
    for feature in withheld:
        assert set(feature["properties"]) == {"name", "shown", "fill"}
        assert feature["properties"]["fill"][3] == 0  # unfilled: never a shade of the scale
    shown = [f["properties"]["fill"] for f in features if f["properties"]["shown"] != "‡"]
    assert shown and all(fill[3] > 0 for fill in shown)
    labels = next(layer for layer in deck["layers"] if layer.get("id") == "labels")["data"]
    assert sorted(m["text"] for m in labels) == sorted(f["properties"]["shown"] for f in features)
    assert len(features) >= 55
    legend = next(c.value for c in at.caption if c.value.startswith("Referrals: "))
    assert "darkest blue" in legend and "withheld" in legend
    for low, high in re.findall(r"([\d,]+) to ([\d,]+)", legend):  # every bound is a published figure
        assert {float(low.replace(",", "")), float(high.replace(",", ""))} <= leak.Allowed(snapshot).values
    view = deck["initialViewState"]  # the whole city in view: fitted to the boundaries, not a fixed centre
    assert 47.4 < view["latitude"] < 47.8 and 8.5 <= view["zoom"] <= 12
    text_layer = next(layer for layer in deck["layers"] if layer.get("id") == "labels")
    assert text_layer["characterSet"] == "auto"  # a literal, not an expression: the symbol is drawn


def test_districts_are_a_map_layer_of_their_own(snapshot):
    import json

    at = run_page("neighborhoods", view="districts")
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    features = next(layer for layer in deck["layers"] if layer.get("id") == "neighborhoods")["data"]["features"]
    assert {f["properties"]["name"] for f in features} >= {f"District {d}" for d in range(1, 8)}
    assert not leak.disallowed(at, leak.Allowed(snapshot))


def test_about_offers_every_table_and_the_whole_publication(snapshot):
    at = run_page("about")
    downloads = at.get("download_button")
    assert len(downloads) == len(snapshot.tables) + 2
    threshold = snapshot.release.threshold
    assert any(re.search(rf"(?<![\d,.]){threshold}(?![\d,.]\d)", m.value) for m in at.markdown)  # k in plain language
    import io
    import json
    import zipfile

    archive = next(d for d in leak.CAPTURED_DOWNLOADS if isinstance(d, bytes) and d.startswith(b"PK"))
    with zipfile.ZipFile(io.BytesIO(archive)) as bundle:
        assert json.loads(bundle.read("publication.json")) == snapshot.to_json()
        assert len([n for n in bundle.namelist() if n.startswith("tables/")]) == len(snapshot.tables)


@pytest.mark.slow
@pytest.mark.parametrize(
    "page, param, table",
    [
        ("monthly", "month", "referrals_by_month"),
        ("neighborhoods", None, "referrals_by_neighborhood_quarter"),
        ("retail_theft", None, "theft_referrals_by_business_district_quarter"),
        ("briefing", "quarter", "referrals_by_quarter"),
        ("resources", "period", "services_requested_by_quarter_type"),
    ],
)
def test_every_period_leaks_nothing(snapshot, page, param, table):
    publication_table = next(t for t in snapshot.tables if table in (t.id, t.pooled_from))
    grain = next(d for d in publication_table.dimensions if d in ("month", "quarter", "year"))
    param = param or grain
    periods = sorted({c.where[grain] for c in publication_table.cells})
    allowed = leak.Allowed(snapshot)
    for period in periods:
        at = run_page(page, **{param: period})
        bad = leak.disallowed(at, allowed)
        assert not bad, f"{page}?{param}={period} sent unpublished numbers: {bad[:10]}"


def smallest_published_window(publication, hood):
    """Return (level, value, figure) of the smallest grouping holding ``hood`` whose latest 12-month figure
    is published, worked out from the publication file alone, and the figures of the smaller levels."""
    tables = publication.by_id
    city = tables["referrals_by_12_months"]
    window = max(c.where["twelve_months"] for c in city.cells)
    members = {h.parent: h.members for h in publication.hierarchies.values()}
    levels = [
        ("district", members.get("district", {}).get(hood), "referrals_by_district_12_months"),
        ("precinct", members["precinct"].get(hood), "referrals_by_precinct_12_months"),
        ("city", None, "referrals_by_12_months"),
    ]
    smaller: list[tuple[str, str]] = []
    for level, value, table in levels:
        if level != "city" and value in (None, "unknown"):
            continue
        cell = next(
            c
            for c in tables[table].cells
            if c.where["twelve_months"] == window and (level == "city" or c.where[level] == value)
        )
        if cell.published:
            return level, value, cell.value, smaller
        smaller.append((level, value))
    raise AssertionError("not even the city's figure is published")


@pytest.mark.slow
def test_every_neighborhood_gets_a_number_names_its_level_and_leaks_nothing(snapshot):
    """Every neighborhood on the home page: a number for the latest 12 months from the smallest published
    grouping holding it, the grouping named, no figure from a level that is not published, no leak."""
    hoods = [h for h in snapshot.domains["neighborhood"] if h != "unknown"]
    allowed = leak.Allowed(snapshot)
    names = snapshot.labels
    levels = set()
    for hood in hoods:
        at = run_page("monthly", place=hood)
        level, value, figure, smaller = smallest_published_window(snapshot, hood)
        levels.add(level)
        metric = next(m for m in at.metric if m.label.startswith("Referrals in the 12 months to"))
        assert metric.value == f"{figure:,}", (hood, level, value)
        where = {
            "district": names.get("district", {}).get(value),
            "precinct": f"Precinct {code_label('precinct', value, 'en') or names['precinct'].get(value)}",
            "city": "the whole city",
        }[level]
        captions = " ".join(c.value for c in at.caption)
        assert f"counted with the rest of {where}" in captions, (hood, captions)
        assert metric.proto.help == f"Counted for {where}, the smallest area whose figure is published."
        for smaller_level, smaller_value in smaller:  # withheld there: never the level of this figure
            assert names.get(smaller_level, {}).get(smaller_value, "?") not in metric.proto.help
        bad = leak.disallowed(at, allowed)
        assert not bad, f"monthly?place={hood} sent unpublished numbers: {bad[:10]}"
    assert "district" in levels  # the demo's districts answer for most neighborhoods


def test_withheld_points_carry_the_mark_and_no_number(snapshot):
    import json as json_module

    at = run_page("monthly")
    checked = 0
    for chart in at.get("plotly_chart"):
        data = json_module.loads(chart.proto.spec)["data"]
        marks = [t for t in data if t.get("mode") == "text"]
        marked = {x for t in marks for x, label in zip(t["x"], t["text"], strict=False) if label == "‡"}
        for t in marks:
            assert set(t["y"]) == {0} and set(t["text"]) == {"‡"}  # on the axis: the position tells nothing
            assert "hovertemplate" not in t and t.get("hoverinfo") == "skip"
        for trace in data:
            if trace.get("mode") == "text" or trace.get("orientation") == "h":
                continue
            for x, y in zip(
                trace.get("x", []), trace.get("y", []) if isinstance(trace.get("y"), list) else [], strict=False
            ):
                if y is None:
                    assert x in marked, (x, trace.get("name"))
                    checked += 1
    assert checked, "the demo's home page should have withheld points"


def test_the_leak_test_catches_an_unpublished_count(snapshot):
    # a page that charts the sum of two withheld-adjacent cells: a figure nobody published
    script = """
import plotly.graph_objects as go
import streamlit as st
from dashboard.data import current_publication
pub = current_publication()
grain = pub.grain("referrals_by_month_pathway")
frame = pub.frame("referrals_by_month_pathway")
month = frame[frame[grain] == frame[grain].max()]
total_of_published = month["value"].sum()
st.plotly_chart(go.Figure(go.Bar(x=["leak"], y=[total_of_published + 0.123])))
st.metric("Leaked", f"{month['value'].sum() * 1000 + 0.25:,}")
"""
    at = AppTest.from_string(script, default_timeout=60)
    at.run()
    assert not at.exception
    bad = leak.disallowed(at, leak.Allowed(snapshot))
    assert {kind for kind, _ in bad} == {"plotly", "metric"}


def undeclared_difference(publication) -> tuple[float, str, Cell, Cell]:
    """Return a whole number that is the difference of two published cells of one series but is itself neither
    a published cell nor a declared ratio (what the old leak test let through), with the two cells."""
    allowed = leak.Allowed(publication)
    for table in publication.tables:
        cells = [c for c in table.cells if c.published and c.value is not None]
        for a in cells:
            for b in cells:
                difference = float(a.value - b.value)
                if difference > 0 and not allowed.allows(difference):
                    return difference, table.id, a, b
    raise AssertionError("every difference of the demo's cells is published: pick another publication")


@pytest.mark.parametrize("declared", [False, True])
def test_the_leak_test_catches_an_unpublished_whole_number(snapshot, declared):
    """A whole number that is only a difference of two published cells is caught, on a chart and as a headline
    change, unless the run declares that change (then it is a declared derived figure wherever it stands)."""
    difference, table_id, a, b = undeclared_difference(snapshot)
    table = snapshot.by_id[table_id]
    cells = [c.key(table.dimensions) for c in (a, b)]
    declare = (
        (
            f"from dashboard.published import Figure\n"
            f"ui.shown_change(Figure({a.value}, {table_id!r}, {cells[0]!r}), "
            f"Figure({b.value}, {table_id!r}, {cells[1]!r}))\n"
        )
        if declared
        else ""
    )
    script = f"""
import plotly.graph_objects as go
import streamlit as st
from dashboard import components as ui
{declare}
st.plotly_chart(go.Figure(go.Bar(x=["leak"], y=[{int(difference)}])))
st.metric("Referrals", "{int(a.value or 0):,}", "+{int(difference):,} vs before")
"""
    at = AppTest.from_string(script, default_timeout=60)
    at.run()
    assert not at.exception
    bad = leak.disallowed(at, leak.Allowed(snapshot))
    assert bad == ([] if declared else [("plotly", difference), ("metric", difference)])


def test_a_change_declared_for_cells_that_do_not_give_it_is_refused(snapshot):
    difference, table_id, a, b = undeclared_difference(snapshot)
    table = snapshot.by_id[table_id]
    cell = a.key(table.dimensions)
    script = f"""
import streamlit as st
from dashboard import components as ui
from dashboard.published import Figure
ui.shown_change(Figure({(a.value or 0) + 1}, {table_id!r}, {cell!r}), Figure(1.0, {table_id!r}, {cell!r}))
"""
    at = AppTest.from_string(script, default_timeout=60)
    at.run()
    with pytest.raises(AssertionError, match="is not"):
        leak.disallowed(at, leak.Allowed(snapshot))


def test_charts_say_how_many_values_are_withheld_and_an_all_withheld_chart_becomes_a_sentence(
    snapshot, tmp_path, monkeypatch
):
    import re

    from core.publication_files import write_publication

    at = run_page("monthly")
    notes = [c.value for c in at.caption if "values in this chart are withheld" in c.value]
    assert notes, [c.value for c in at.caption]
    for note in notes:
        counted = re.match(r"(\d+) of (\d+) values", note)
        assert counted is not None, note
        n, m = map(int, counted.groups())
        assert 0 < n <= m
    # The same release with every outcome of every month withheld: the funnel chart becomes a sentence.
    hidden = snapshot.to_json()
    table = next(
        t for t in hidden["tables"] if t["id"] in ("referrals_by_month_outcome", "referrals_by_quarter_outcome")
    )
    for cell in table["cells"]:
        cell["value"], cell["suppressed"] = None, True
    write_publication(Release.from_json(hidden), tmp_path / "hidden")
    monkeypatch.setenv("LEAD_PUBLICATION", str(tmp_path / "hidden"))
    at = run_page("monthly")
    sentence = next(
        m.value for m in at.markdown if m.value.startswith("All ") and "values of this chart are withheld" in m.value
    )
    assert "chart_funnel" not in [c.key for c in at.get("plotly_chart")]
    # ... and points to the coarser figure: the published total of the same period
    grain = next(d for d in table["dimensions"] if d in ("month", "quarter", "year"))
    month = max(c.where["month"] for c in snapshot.by_id["referrals_by_month"].cells)
    period = {"month": month, "quarter": f"{month[:4]}-Q{(int(month[5:]) - 1) // 3 + 1}", "year": month[:4]}[grain]
    total = next(c.value for c in snapshot.by_id[f"referrals_by_{grain}"].cells if c.where[grain] == period)
    assert total is not None and f"is published: {total:,} referrals in " in sentence, sentence


def test_trend_sentences_never_compare_a_partial_period_with_whole_ones(snapshot):
    import json as json_module

    from dashboard.summaries import trend

    sentence = trend(
        "Referrals", ["2026-Q2", "2026-Q3", "2026-Q4"], [40, 50, 5], lambda q: q.replace("-", " "), partial={"2026-Q4"}
    )
    assert "Q4" not in sentence and "50 in 2026 Q3" in sentence and "fewest" not in sentence
    assert snapshot.release.partial_periods, "the demo snapshot ends mid-quarter"
    at = run_page("retail_theft")
    assert not [m.value for m in at.markdown if "to date" in m.value and " went from " in m.value]
    for chart in at.get("plotly_chart"):
        for trace in json_module.loads(chart.proto.spec)["data"]:
            assert not any("to date" in str(x) for x in trace.get("x", []) if isinstance(trace.get("x"), list))


def test_a_mostly_withheld_chart_gives_way_to_the_figure_for_all_together(snapshot):
    """Retail theft: single business districts are mostly withheld, so their chart becomes a sentence with
    the published figure for the business districts together; that figure's own trend is charted."""
    tables = {t.pooled_from or t.id: t for t in snapshot.tables}
    districts = tables["theft_referrals_by_business_district_quarter"]
    grain = next(d for d in districts.dimensions if d in ("quarter", "year"))
    together = tables["theft_referrals_in_business_districts_by_year"]
    at = run_page("retail_theft")
    chosen = at.selectbox[0].value
    assert chosen is not None
    shown = [c for c in districts.cells if c.where[grain] == chosen]
    withheld = sum(c.suppressed for c in shown)
    assert 2 * withheld > len(shown), "the demo's business districts are mostly withheld"
    figure = next(c.value for c in together.cells if c.where["year"] == chosen[:4])
    sentence = next(m.value for m in at.markdown if "too many for a chart" in m.value)
    assert sentence.startswith(f"{withheld} of {len(shown)} values are withheld")
    assert f"is published: {figure:,} shoplifting and other theft referrals in {chosen[:4]}" in sentence
    titles = [h.value.replace("\\", "") for h in at.header]  # headings are escaped Markdown
    assert "In the business districts, all together" in titles
    assert len(at.get("plotly_chart")) == len(titles) - 2  # the districts' chart and the focus list have none
    assert not leak.disallowed(at, leak.Allowed(snapshot))


def test_the_largest_group_is_claimed_only_when_no_withheld_figure_can_be_larger():
    from dashboard.summaries import largest_group

    # 40 in all, 30 + 5 published: the withheld figure is at most 5, so "a" is the largest group
    assert largest_group("2025", ["a", "b", "c"], [30, 5, None], 40) == "In 2025, a was the largest group (30 of 40)."
    # 55 in all, 11 published: a withheld figure may be up to 44, so no claim beyond "largest published"
    sentence = largest_group("2025", ["a", "b", "c"], [11, None, None], 55)
    assert sentence is not None
    assert "was the largest group" not in sentence and "largest published figure (11)" in sentence
    assert "2 of the 3 figures are withheld" in sentence
    # without a published total nothing bounds a withheld figure
    sentence = largest_group("2025", ["a", "b"], [30, None], None)
    assert sentence is not None and "largest published figure" in sentence
    assert largest_group("2025", ["a", "b"], [30, 12], None) == "In 2025, a was the largest group (30)."


def test_a_chart_is_drawn_by_coarser_groups_only_when_they_withhold_a_smaller_share(snapshot):
    """People: each breakdown is charted from the table by codes or by groups of codes, whichever withholds
    the smaller share of the chosen year's values (the codes on a tie); a chart by groups says so."""
    from dashboard.published import Publication
    from dashboard.sections.people import BREAKDOWNS
    from dashboard.text import markdown

    pub = Publication(snapshot)
    at = run_page("people")
    year = at.selectbox[0].value
    assert year is not None
    captions = [c.value for c in at.caption]
    expected_notes = 0
    for tables, _ in BREAKDOWNS:
        shares = []
        for table in tables:
            published = pub.table(table)
            assert published is not None
            cells = [c for c in published.cells if c.where["year"] == year]
            shares.append(sum(c.suppressed for c in cells) / len(cells))
        chosen = tables[shares.index(min(shares))]
        assert pub.least_withheld(*tables, year=year) == chosen
        if chosen != tables[0]:
            expected_notes += 1
            by_codes = pub.table(tables[0])
            assert by_codes is not None
            title = markdown(by_codes.title)  # the note names the table by codes
            note = next((c for c in captions if "counted together" in c and title in c), None)
            assert note is not None, (title, captions)
            grouping = pub.breakdown(chosen)
            codes_dimension = pub.breakdown(tables[0])
            assert grouping is not None and codes_dimension is not None
            members = snapshot.hierarchies[grouping].members
            for group in set(members.values()):  # and says which codes each group of several holds
                codes = [markdown(pub.label(codes_dimension, c).lower()) for c, g in members.items() if g == group]
                if len(codes) > 1:
                    assert f"{markdown(pub.label(grouping, group))}: {', '.join(codes)}." in note, (group, note)
    assert expected_notes >= 1, "the demo charts at least one breakdown by groups"
    assert sum("counted together" in c for c in captions) == expected_notes
    assert not leak.disallowed(at, leak.Allowed(snapshot))


def test_the_least_withheld_table_is_the_finest_on_a_tie():
    from dashboard.published import Publication

    def table(id, dimension, values):
        cells = [Cell({"year": "2025", dimension: f"v{i}"}, v, suppressed=v is None) for i, v in enumerate(values)]
        return Table(id, id, "enrollments", "people", True, ("year", dimension), {}, tuple(cells))

    def pub(codes, groups):
        tables = (table("codes", "gender", codes), table("groups", "gender_group", groups))
        return Publication(Release(ReleaseInfo("2025-12-31", "2025-01", "2025-12", threshold=11), tables))

    assert pub([20, None, None, 30], [20, 30, 15]).least_withheld("codes", "groups", year="2025") == "groups"
    assert pub([20, None, 15, 30], [20, None, 45]).least_withheld("codes", "groups", year="2025") == "codes"
    assert pub([20, None, 30], [None, 20, 30]).least_withheld("codes", "groups", year="2025") == "codes"  # a tie
    assert pub([20, 30], [50]).least_withheld("codes", "groups", year="2024") == "codes"  # no such year
    assert pub([20, 30], [50]).breakdown("groups") == "gender_group"


def test_an_unreadable_boundaries_file_is_named_not_reported_as_every_polygon_missing(snapshot, tmp_path, monkeypatch):
    broken = tmp_path / "areas.geojson"
    broken.write_text("{not json")
    monkeypatch.setenv("LEAD_BOUNDARIES", str(broken))
    at = run_page("about")
    said = " ".join(m.value for m in at.markdown)
    assert "boundaries file cannot be read" in said and "has no polygon" not in said and "no polygon" not in said
