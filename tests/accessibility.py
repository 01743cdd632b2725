"""What a reader with a screen reader, a keyboard or weak colour vision meets on a rendered page.

axe-core (from npm, version pinned in ``AXE_VERSION``) runs in the page; the Tab order and the
colours of charts and the map are read from the page itself. Shared by the browser tests and by
``benchmarks/accessibility.py``. Must not import the dashboard.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AXE_VERSION = "4.14.1"
AXE_DIR = ROOT / ".cache" / "axe"
SELECTORS = ("stSelectbox", "stRadio", "stSegmentedControl", "stMultiSelect", "stSlider")


def axe_script() -> Path | None:
    """Return axe-core's script (``LEAD_AXE_JS``, else the one ``scripts/setup-env test`` installs), if present."""
    configured = os.environ.get("LEAD_AXE_JS")
    path = Path(configured) if configured else AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
    return path if path.is_file() else None


def show_everything(page) -> None:
    """Make the window as tall as the page: axe judges the contrast of text only where it can see it (the
    page scrolls inside Streamlit's main element, so text below the fold would go unchecked)."""
    width = page.viewport_size["width"]
    tall = page.evaluate("""() => { const main = document.querySelector('[data-testid=stMain]');
        return Math.ceil(Math.max(main ? main.scrollHeight : 0, document.documentElement.scrollHeight)); }""")
    if tall > page.viewport_size["height"]:
        page.set_viewport_size({"width": width, "height": min(tall + 50, 30_000)})
        page.wait_for_timeout(1200)


def run_axe(page, script: Path) -> list[dict]:
    """Run every axe rule on the whole page, all of it in view; return the violations (id, impact, count,
    first targets)."""
    show_everything(page)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(script))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "nodes": len(v["nodes"]),
            "targets": [n["target"] for n in v["nodes"][:3]],
            "summary": v["nodes"][0].get("failureSummary", "")[:300] if v["nodes"] else "",
        }
        for v in result["violations"]
    ]


def axe_version(page, script: Path) -> str:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(script))
    return page.evaluate("() => axe.version")


def open_tables(page) -> int:
    """Open every closed "Show the numbers" section; return how many were opened."""
    opened = page.evaluate("""() => { const closed = [...document.querySelectorAll(
        "[data-testid='stExpander'] details:not([open]) > summary")];
        closed.forEach(summary => summary.click()); return closed.length; }""")
    if opened:
        page.wait_for_function(
            """() => document.querySelectorAll(
            "[data-testid='stExpander'] details:not([open])").length === 0""",
            timeout=30_000,
        )
        page.wait_for_timeout(1500)
    return opened


def tabs_to_first_selector(page, limit: int = 80) -> int | None:
    """Return how many Tab presses from the top of the page reach its first selector (None: not within ``limit``)."""
    page.evaluate("() => { window.scrollTo(0, 0); document.activeElement && document.activeElement.blur(); }")
    page.evaluate("() => document.body.focus()")
    for count in range(1, limit + 1):
        page.keyboard.press("Tab")
        inside = page.evaluate(
            """(ids) => { let e = document.activeElement;
                 while (e) { if (e.dataset && ids.includes(e.dataset.testid)) return e.dataset.testid;
                             e = e.parentElement; }
                 return null; }""",
            list(SELECTORS),
        )
        if inside:
            return count
    return None


def tab_stops(page, limit: int = 400) -> list[dict]:
    """Walk the whole Tab order from the top; return each stop's role, accessible name and whether its focus
    shows (an outline or a box shadow)."""
    page.evaluate("() => { window.scrollTo(0, 0); document.activeElement && document.activeElement.blur(); }")
    stops: list[dict] = []
    seen: set[str] = set()
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(
            """() => { const e = document.activeElement; if (!e || e === document.body) return null;
                 const s = getComputedStyle(e);
                 const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
                 const label = e.getAttribute('aria-label') || e.innerText || e.getAttribute('title') || '';
                 return {tag: e.tagName, testid: (e.closest('[data-testid]') || {}).dataset?.testid || '',
                         download: !!e.closest('[data-testid=stDownloadButton]'),
                         chart: !!e.closest('[data-testid=stPlotlyChart]'),
                         name: label.trim().slice(0, 120), focus_visible: ring,
                         key: e.tagName + '|' + label.trim().slice(0, 120) + '|'
                              + Math.round(e.getBoundingClientRect().top + window.scrollY)}; }"""
        )
        if stop is None or (stops and stop["key"] == stops[0]["key"]):
            break  # back at the top: the whole order walked
        if stop["key"] in seen:
            continue  # a table's grid keeps focus for a press: the same stop again
        seen.add(stop["key"])
        stops.append(stop)
    return stops


def contrast(foreground: str, background: str = "#FFFFFF") -> float:
    """Return the WCAG contrast ratio of two colours (``#RRGGBB``, ``rgb(r, g, b)`` or ``rgba(...)``)."""

    def luminance(colour: str) -> float:
        r, g, b = _rgb(colour)
        channels = [c / 255 for c in (r, g, b)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.strip()
    if colour.startswith("#"):
        digits = colour[1:]
        if len(digits) == 3:
            digits = "".join(d * 2 for d in digits)
        return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)
    inside = colour[colour.index("(") + 1 : colour.index(")")]
    parts = [p.strip() for p in inside.replace("/", ",").split(",")]
    return int(float(parts[0])), int(float(parts[1])), int(float(parts[2]))


TRACE_COLOURS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(plot => ({
    background: (plot._fullLayout && plot._fullLayout.plot_bgcolor) || '#ffffff',
    paper: (plot._fullLayout && plot._fullLayout.paper_bgcolor) || '#ffffff',
    traces: (plot._fullData || []).filter(t => t.visible !== false && t.mode !== 'text').map(t => ({
        type: t.type, name: t.name || '', mode: t.mode || '',
        colour: t.type === 'bar' ? (t.marker && t.marker.color) : (t.line && t.line.color),
        showlegend: t.showlegend,
        pattern: (t.marker && t.marker.pattern && t.marker.pattern.shape) ? t.marker.pattern.fillmode : null, }))}))"""
