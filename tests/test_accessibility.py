"""Every page as readers with a screen reader, a keyboard, weak colour vision, a phone or a projector meet it,
in English and Spanish: axe-core finds nothing critical or serious, charts and the map keep to 3:1, the
keyboard reaches every control with a visible focus, every address opens its page.

The whole matrix (both languages, both widths, tables open and closed) is ``benchmarks/accessibility.py``.
"""

from __future__ import annotations

import json

import pytest

from tests.accessibility import (
    TRACE_COLOURS,
    axe_script,
    contrast,
    open_tables,
    run_axe,
    tab_stops,
    tabs_to_first_selector,
)
from tests.environment import IN_CI
from tests.test_browser import PAGES, WAIT_MS, _wait_until_rendered

pytestmark = pytest.mark.slow
MAX_TABS = 10
MAX_SERIES = 6


@pytest.fixture(scope="module")
def axe():
    script = axe_script()
    if script is None:
        if IN_CI:
            pytest.fail("axe-core is required in CI (scripts/setup-env test installs it with npm)")
        pytest.skip("axe-core not installed (needs npm)")
    return script


def _open(browser, base: str, path: str, width: int = 1280, height: int = 900, language: str = "en"):
    context = browser.new_context(viewport={"width": width, "height": height})
    tab = context.new_page()
    query = ("&" if "?" in path else "?") + f"lang={language}" if language != "en" else ""
    tab.goto(f"{base}/{path}{query}")
    tab.wait_for_selector("h1", timeout=WAIT_MS)
    _wait_until_rendered(tab)
    tab.wait_for_timeout(1500)
    return context, tab


CASES = [(name, language, "desktop") for name in PAGES for language in ("en", "es")] + [
    (name, "es", "phone") for name in PAGES
]


@pytest.mark.parametrize("name,language,width", CASES)
def test_axe_finds_nothing_critical_or_serious_with_the_tables_open(server, browser, axe, name, language, width):
    base, _ = server
    size = (1280, 900) if width == "desktop" else (375, 812)
    context, tab = _open(browser, base, PAGES[name], *size, language=language)
    try:
        assert tab.evaluate("() => document.documentElement.lang") == language
        closed = run_axe(tab, axe)
        opened = open_tables(tab)
        violations = run_axe(tab, axe)
    finally:
        context.close()
    assert name in ("briefing", "about") or opened, f"{name}: no table to open"
    bad = [v for v in closed + violations if v["impact"] in ("critical", "serious") or v["id"] == "heading-order"]
    assert not bad, json.dumps(bad, indent=1)[:3000]


def test_axe_would_catch_a_low_contrast_caption(server, browser, axe):
    """The check above can fail: grey text under 4.5:1 injected into a page is reported as serious."""
    base, _ = server
    context, tab = _open(browser, base, "")
    tab.evaluate("""() => { const p = document.createElement('p'); p.textContent = 'Data as of a day';
        p.style.color = '#9a9a9a'; document.querySelector('h1').after(p); }""")
    violations = run_axe(tab, axe)
    context.close()
    assert any(v["id"] == "color-contrast" and v["impact"] == "serious" for v in violations)


@pytest.mark.parametrize("name", ["monthly", "resources", "retail-theft", "people", "neighborhoods", "briefing"])
def test_every_line_and_bar_is_at_least_3_to_1_and_no_chart_has_more_than_six_series(server, browser, name):
    base, _ = server
    context, tab = _open(browser, base, PAGES[name])
    if name == "neighborhoods":
        tab.goto(f"{base}/neighborhoods?view=precincts")
        _wait_until_rendered(tab)
        tab.wait_for_timeout(1500)
    charts = tab.evaluate(TRACE_COLOURS)
    titles = tab.evaluate("""() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(p =>
        ((p.layout.title || {}).text || '').split('<br>'))""")
    context.close()
    assert charts, f"{name}: no chart"
    for chart in charts:
        colours = [t["colour"] for t in chart["traces"] if isinstance(t["colour"], str)]
        assert colours, chart
        weak = [
            (c, round(contrast(c, chart["background"]), 2)) for c in colours if contrast(c, chart["background"]) < 3
        ]
        assert not weak, f"{name}: colours under 3:1 against the background: {weak}"
        assert len({t["name"] for t in chart["traces"]}) <= MAX_SERIES, chart["traces"]
        # a bar's pattern lies over its colour: "replace" would leave white lines on nothing
        assert not [t for t in chart["traces"] if t["pattern"] not in (None, "overlay")], chart["traces"]
    for lines in titles:  # what the downloaded image carries: the title, then the source and release
        assert len(lines) == 2 and lines[0] and "Release as of" in lines[1] and "LEAD public dashboard" in lines[1], (
            lines
        )


def test_the_map_fills_are_at_least_3_to_1_and_withheld_areas_unfilled(demo_publication, monkeypatch):
    from streamlit.testing.v1 import AppTest

    directory, _, _ = demo_publication
    monkeypatch.setenv("LEAD_PUBLICATION", str(directory))
    at = AppTest.from_string("from pages import neighborhoods\nneighborhoods.render()", default_timeout=120)
    at.run()
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    layer = next(layer for layer in spec["layers"] if layer["id"] == "neighborhoods")
    fills = [f["properties"]["fill"] for f in layer["data"]["features"]]
    drawn = [f for f in fills if f[3] > 0]
    assert drawn and len(drawn) < len(fills)  # some areas published, some withheld (unfilled)
    for red, green, blue, _ in drawn:
        assert contrast(f"rgb({red}, {green}, {blue})") >= 3, (red, green, blue)


@pytest.mark.parametrize("name", list(PAGES))
def test_the_keyboard_reaches_the_first_selector_soon_and_every_table_with_a_visible_focus(server, browser, name):
    base, _ = server
    context, tab = _open(browser, base, PAGES[name])
    try:
        tabs = tabs_to_first_selector(tab)
        expanders = tab.locator("[data-testid='stExpander']").count()
        open_tables(tab)
        downloads = tab.locator("[data-testid='stDownloadButton'] button").count()
        stops = tab_stops(tab)
    finally:
        context.close()
    print(f"{name}: first selector after {tabs} Tab presses; {len(stops)} stops")
    if name != "about":  # About has no selector
        assert tabs is not None and tabs <= MAX_TABS, f"{name}: first selector after {tabs} Tab presses"
    toggles = [s for s in stops if s["tag"] == "SUMMARY"]
    buttons = [s for s in stops if s["download"]]
    assert len(toggles) == expanders and len(buttons) == downloads, (len(toggles), expanders, len(buttons), downloads)
    assert all("Show the numbers: " in s["name"] for s in toggles), toggles
    assert len({s["name"] for s in buttons}) == len(buttons), "two downloads with the same name"
    assert not [s for s in stops if not s["focus_visible"]], [s for s in stops if not s["focus_visible"]][:5]
    assert not [s for s in stops if s["chart"]], "a chart's toolbar is in the Tab order"


ADDRESSES = [
    "",
    "monthly",
    "monthly?place=BELLTOWN&month=2026-09",
    "neighborhoods?view=precincts&lang=es",
    "resources?lang=es",
    "retail-theft",
    "people",
    "briefing",
    "about?lang=es",
    "monthly?lang=es&place=city",
]


@pytest.mark.parametrize("path", ADDRESSES)
def test_every_address_opens_its_page_without_page_not_found(server, browser, path):
    base, _ = server
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    seen: list[str] = []
    tab.on("console", lambda m: seen.append(m.text))
    tab.goto(f"{base}/{path}")
    tab.wait_for_selector("h1", timeout=WAIT_MS)
    _wait_until_rendered(tab)
    tab.wait_for_timeout(1000)
    body = tab.inner_text("body")
    heading = tab.inner_text("h1")
    url = tab.url
    context.close()
    assert "Page not found" not in body, body[:300]
    page = path.split("?")[0] or "monthly"
    expected = {
        "monthly": ("Monthly results", "Resultados mensuales"),
        "neighborhoods": ("Neighborhoods", "Barrios"),
        "resources": ("Resources", "Recursos"),
        "retail-theft": ("Retail theft", "Robo en comercios"),
        "people": ("People served", "Personas atendidas"),
        "briefing": ("Briefing", "Resumen"),
        "about": ("About the data", "Sobre los datos"),
    }[page]
    assert heading.startswith(expected[1] if "lang=es" in path else expected[0]), heading
    for choice in path.split("?")[1].split("&") if "?" in path else []:
        assert choice in url, (choice, url)  # the choices of a shared URL are kept


def test_the_language_link_keeps_the_choices_and_the_language_follows_the_reader(server, browser):
    base, _ = server
    context, tab = _open(browser, base, "neighborhoods?view=precincts")
    tab.get_by_role("link", name="Español").click()
    tab.wait_for_function("() => document.documentElement.lang === 'es'", timeout=WAIT_MS)
    _wait_until_rendered(tab)
    assert "lang=es" in tab.url and "view=precincts" in tab.url, tab.url
    assert tab.inner_text("h1").startswith("Barrios")
    tab.locator("[data-testid='stTopNavLink']").filter(has_text="Recursos").click()  # menus are Spanish too
    tab.wait_for_selector("h1:has-text('Recursos')", timeout=WAIT_MS)
    _wait_until_rendered(tab)
    assert "lang=es" in tab.url and tab.evaluate("() => document.documentElement.lang") == "es"
    tab.get_by_role("link", name="English").click()
    tab.wait_for_selector("h1:has-text('Resources')", timeout=WAIT_MS)
    assert "lang=en" in tab.url
    context.close()


@pytest.mark.parametrize("width,height", [(375, 812), (640, 450)])  # a phone, and 1280x900 at 200 % zoom
def test_phone_and_zoom_nothing_scrolls_sideways_or_overlaps(server, browser, width, height):
    base, _ = server
    for name in ("monthly", "resources", "people", "retail-theft"):
        context, tab = _open(browser, base, PAGES[name], width, height, language="es")
        tab.wait_for_selector(".js-plotly-plot .main-svg", timeout=WAIT_MS)
        wide = tab.evaluate("() => document.documentElement.scrollWidth")
        overlaps = tab.evaluate("""() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(plot => {
            const meets = (a, b) => a.left < b.right - 1 && b.left < a.right - 1
                                 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
            const ticks = Array.from(plot.querySelectorAll('.xtick text, .ytick text')).filter(t => t.textContent);
            const level = ticks.filter(t => !(t.getAttribute('transform') || '').includes('rotate'))
                .map(t => t.getBoundingClientRect());
            const legend = Array.from(plot.querySelectorAll('.legend .traces')).map(t => t.getBoundingClientRect());
            let n = 0;  // upright labels that meet each other, and any label that meets the legend
            for (let i = 0; i < level.length; i++)
                for (let j = i + 1; j < level.length; j++) if (meets(level[i], level[j])) n++;
            for (const t of ticks) for (const l of legend) if (meets(t.getBoundingClientRect(), l)) n++;
            return n; })""")
        ticks = tab.evaluate("() => Array.from(document.querySelectorAll('.xtick text')).map(t => t.textContent)")
        if name == "monthly" and width == 375:
            tab.screenshot(path="artifacts/screenshots/monthly-phone-es.png")
        context.close()
        assert wide <= width + 5, f"{name} at {width} px scrolls sideways ({wide} px)"
        assert not any(overlaps), f"{name} at {width} px: axis labels overlap {overlaps}"
        assert not [t for t in ticks if len(t) > 12], f"{name}: long axis labels {ticks[:5]}"


def test_a_projector_shows_the_headline_figures_and_the_first_chart_on_the_first_screen(server, browser):
    base, _ = server
    context, tab = _open(browser, base, "", 1280, 720)
    tab.wait_for_selector(".js-plotly-plot .main-svg", timeout=WAIT_MS)
    metrics = tab.evaluate(
        "() => Math.max(...Array.from(document.querySelectorAll('[data-testid=stMetric]'))"
        ".map(m => m.getBoundingClientRect().bottom))"
    )
    chart = tab.evaluate("() => document.querySelector('.js-plotly-plot').getBoundingClientRect().top")
    tab.screenshot(path="artifacts/screenshots/monthly-projector.png")
    context.close()
    assert metrics <= 720, f"the headline figures end at {metrics} px"
    assert chart < 720 - 100, f"the first chart starts at {chart} px"


def test_charts_are_named_by_their_summary_for_screen_readers(server, browser):
    base, _ = server
    context, tab = _open(browser, base, "resources")
    named = tab.evaluate("""() => Array.from(document.querySelectorAll('[data-testid=stPlotlyChart]')).map(c => {
        const svg = c.querySelector('svg.main-svg[role=img]');
        const by = svg && document.getElementById(svg.getAttribute('aria-labelledby'));
        return by ? by.innerText.trim() : null; })""")
    context.close()
    assert named and all(named), named
    assert all(len(n) > 20 for n in named), named


def test_the_map_is_named_by_its_caption_and_leaves_the_tab_order_to_its_table(server, browser):
    base, _ = server
    context, tab = _open(browser, base, "neighborhoods")
    tab.wait_for_selector("[data-testid='stDeckGlJsonChart'] canvas", timeout=WAIT_MS)
    tab.wait_for_timeout(1500)
    found = tab.evaluate("""() => { const map = document.querySelector('[data-testid=stDeckGlJsonChart] canvas');
        const by = document.getElementById(map.getAttribute('aria-labelledby'));
        return {role: map.getAttribute('role'), name: by ? by.innerText : null,
                focusable: map.tabIndex >= 0 ? 1 : 0}; }""")
    context.close()
    assert found["role"] == "img" and "ranked table" in (found["name"] or ""), found
    assert found["focusable"] == 0, found


def test_a_chart_downloads_as_an_image_named_after_its_table(server, browser):
    base, _ = server
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    tab = context.new_page()
    tab.goto(f"{base}/")
    tab.wait_for_selector(".js-plotly-plot .main-svg", timeout=WAIT_MS)
    _wait_until_rendered(tab)
    plot = tab.query_selector(".js-plotly-plot")
    plot.scroll_into_view_if_needed()
    plot.hover()
    assert tab.locator(".js-plotly-plot").first.locator(".modebar-btn").count() == 1  # the image button only
    with tab.expect_download() as download:
        tab.locator(".js-plotly-plot").first.locator(".modebar-btn").click(force=True)
    with open(download.value.path(), "rb") as downloaded:  # read before the context closes (it deletes the file)
        head = downloaded.read(8)
    name = download.value.suggested_filename
    context.close()
    assert name.endswith("pathway.png"), name  # the table's id: referrals_by_<grain>_pathway
    assert head == b"\x89PNG\r\n\x1a\n"
