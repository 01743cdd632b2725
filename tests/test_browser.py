"""Browser tests: Debian's chromium through Playwright renders every page, its charts and the map.

Screenshots land in artifacts/screenshots/. In CI a missing browser fails the run.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.environment import IN_CI
from tests.leak import Allowed

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PAGES = {
    "monthly": "",
    "neighborhoods": "neighborhoods",
    "resources": "resources",
    "retail-theft": "retail-theft",
    "people": "people",
    "briefing": "briefing",
    "about": "about",
}
WAIT_MS = 60_000

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        if IN_CI:
            pytest.fail(f"Playwright is required in CI: {error}")
        pytest.skip("Playwright not installed")
    if not Path(CHROMIUM).exists():
        if IN_CI:
            pytest.fail("Debian's chromium is required in CI (apt-get install chromium)")
        pytest.skip("chromium not installed")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--enable-unsafe-swiftshader",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def server(demo_publication):
    directory, publication, _ = demo_publication
    with _serving(directory) as base:
        yield base, publication


@contextlib.contextmanager
def _serving(directory, app: Path = ROOT / "dashboard" / "app.py"):
    """Run the app (this checkout's, or ``app`` of another) on a free port serving one publication directory;
    yield its base URL."""
    port = _free_port()
    env = {**os.environ, "LEAD_PUBLICATION": str(directory)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(app),
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
        ],
        cwd=app.parent.parent,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail("the dashboard did not start within 90 s")
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def _drawn(png: bytes) -> int:
    """Return how many distinct colours a screenshot holds (a blank canvas has one or two)."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    return len(set(image.tobytes()[i : i + 3] for i in range(0, len(image.tobytes()), 3 * 7)))


def _wait_until_rendered(tab) -> None:
    """Wait until Streamlit has finished the page's script run and no placeholder remains."""
    tab.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=WAIT_MS)
    tab.wait_for_function(
        "() => document.querySelectorAll(\"[data-testid='stSkeleton']\").length === 0", timeout=WAIT_MS
    )


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_each_page_loads_and_draws(server, page, name):
    base, publication = server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    page.goto(f"{base}/{PAGES[name]}")
    page.wait_for_selector("h1", timeout=WAIT_MS)
    if name == "neighborhoods":
        canvas = page.wait_for_selector("[data-testid='stDeckGlJsonChart'] canvas", timeout=WAIT_MS)
        page.wait_for_timeout(3000)
        assert _drawn(canvas.screenshot()) > 20, "the map canvas is blank"
    elif name not in ("about", "briefing"):
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=WAIT_MS)
        first_chart = time.monotonic() - started
        print(f"{name}: first chart after {first_chart:.1f} s")
        page.wait_for_timeout(1000)
        assert _drawn(page.query_selector(".js-plotly-plot").screenshot()) > 20, "the first chart is blank"
    _wait_until_rendered(page)
    assert "Traceback" not in page.content()
    # Element screenshots above scrolled the page; show it from the top.
    page.evaluate("() => document.querySelectorAll('*').forEach(e => { if (e.scrollTop) e.scrollTop = 0; })")
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("name", ["monthly", "resources", "retail-theft"])
def test_browser_plotly_data_holds_only_published_values(server, page, name):
    base, publication = server
    allowed = Allowed(publication)
    page.goto(f"{base}/{PAGES[name]}")
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=WAIT_MS)
    page.wait_for_timeout(2000)
    traces = page.evaluate(
        """() => Array.from(document.querySelectorAll('.js-plotly-plot')).flatMap(plot =>
               (plot.data || []).map(t => ({orientation: t.orientation || 'v',
                                             x: Array.from(t.x || []), y: Array.from(t.y || [])})))"""
    )
    assert traces
    numbers = []
    for trace in traces:
        values = trace["x"] if trace["orientation"] == "h" else trace["y"]
        numbers += [v for v in values if isinstance(v, (int, float))]
    assert numbers
    bad = [n for n in numbers if not allowed.allows(float(n))]
    assert not bad, f"the browser received unpublished numbers: {bad[:10]}"


def test_phone_width_and_print_layout(server, browser):
    base, _ = server
    context = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=2)
    tab = context.new_page()
    tab.goto(f"{base}/")
    tab.wait_for_selector(".js-plotly-plot .main-svg", timeout=WAIT_MS)
    width = tab.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 380, f"the page scrolls sideways on a phone ({width} px)"
    tab.screenshot(path=str(ARTIFACTS / "monthly-phone.png"), full_page=False)
    tab.goto(f"{base}/briefing")
    tab.wait_for_selector("h1", timeout=WAIT_MS)
    _wait_until_rendered(tab)
    assert tab.query_selector_all("[data-testid='stMetric']"), "the briefing printed before its figures"
    pdf = tab.pdf(format="Letter", print_background=False)
    (ARTIFACTS / "briefing.pdf").write_bytes(pdf)
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert 1 <= pages <= 2, f"the printed briefing has {pages} pages"
    context.close()


def test_printed_pages_fit_the_paper_and_the_handout_names_the_program(server, browser):
    """Printed at Letter width (816 px at 96 dpi): no chart wider than the paper; the briefing handout names
    the program, the release, the web address and the contact, has its small chart, and hides the print tip."""
    base, publication = server
    context = browser.new_context(viewport={"width": 816, "height": 1056})
    tab = context.new_page()
    tab.emulate_media(media="print")
    for path in ("", "retail-theft", "briefing"):
        tab.goto(f"{base}/{path}")
        tab.wait_for_selector(".js-plotly-plot .main-svg", timeout=WAIT_MS)
        _wait_until_rendered(tab)
        widest = tab.evaluate(
            "() => Math.max(...[...document.querySelectorAll('.js-plotly-plot')]"
            ".map(e => e.getBoundingClientRect().right))"
        )
        assert widest <= 816, f"/{path}: a chart ends at {widest} px, past the paper's width"
    body = tab.inner_text("body")
    for words in (
        "Law Enforcement Assisted Diversion (LEAD)",
        f"Release as of {publication.release.as_of}",
        "All figures, definitions and downloads: http",
        "Questions: data",
        "Referrals by quarter",
    ):
        assert words in body, words
    assert tab.locator(".st-key-print_tip").count() == 1 and not tab.locator(".st-key-print_tip").is_visible()
    tab.screenshot(path=str(ARTIFACTS / "briefing-print.png"), full_page=True)
    context.close()


def test_no_request_leaves_the_apps_origin(server, browser):
    """No third party sees the viewers: every request of every page goes to our server."""
    base, _ = server
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    requests: list[str] = []
    tab.on("request", lambda request: requests.append(request.url))
    for name, path in PAGES.items():
        tab.goto(f"{base}/{path}")
        tab.wait_for_selector("h1", timeout=WAIT_MS)
        _wait_until_rendered(tab)
        if name == "neighborhoods":
            tab.wait_for_selector("[data-testid='stDeckGlJsonChart'] canvas", timeout=WAIT_MS)
            tab.wait_for_timeout(3000)
    context.close()
    assert len(requests) > len(PAGES)
    foreign = sorted({url for url in requests if not url.startswith((base, "data:", "blob:", "about:"))})
    assert not foreign, f"requests left the app's origin: {foreign[:10]}"


HOSTILE = [
    "![x](http://127.0.0.1:9/beacon.png)",
    "[click me](javascript:window.__pwned=1)",
    "<b>bold</b><a href='http://127.0.0.1:9/a'>link</a><img src=x onerror=\"window.__pwned=1\">",
    "$\\frac{1}{2}$ :red[red] :smile: **strong** `code`",
    "\u202eevil\u202c \u2066bidi\u2069 javascript:alert(1)",
    "A" * 10_000,
]


@pytest.fixture(scope="module")
def hostile_server(demo_publication, tmp_path_factory):
    """The demo publication with hostile names for every neighborhood and precinct (and one extra area)."""
    from core.publication_files import write_publication
    from core.release_model import Release

    _, publication, _ = demo_publication
    hostile = publication.to_json()
    hoods = [h for h in hostile["domains"]["neighborhood"] if h != "unknown"]
    names = {h: HOSTILE[i % len(HOSTILE)] for i, h in enumerate(sorted(hoods, key=lambda h: h != "BELLTOWN"))}
    hostile["labels"]["neighborhood"].update(names)
    hostile["labels"]["precinct"] = {p: HOSTILE[i % len(HOSTILE)] for i, p in enumerate(hostile["domains"]["precinct"])}
    extra = "![y](http://127.0.0.1:9/about.png)"  # an area with no polygon: About names it
    hostile["domains"]["neighborhood"].append(extra)
    hostile["labels"]["neighborhood"][extra] = extra
    directory = tmp_path_factory.mktemp("hostile") / "release"
    write_publication(Release.from_json(hostile), directory)
    with _serving(directory) as base:
        yield base


def test_hostile_names_are_shown_as_text_everywhere(hostile_server, browser):
    """Names from the database never render as markup, start a request, or run a script."""
    base = hostile_server
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    requests: list[str] = []
    tab.on("request", lambda request: requests.append(request.url))
    texts = []
    for path in [*PAGES.values(), "neighborhoods?view=precincts"]:
        tab.goto(f"{base}/{path}")
        tab.wait_for_selector("h1", timeout=WAIT_MS)
        _wait_until_rendered(tab)
        tab.wait_for_timeout(1500)
        rendered = tab.evaluate("""() => ({
            pwned: window.__pwned === 1,
            images: Array.from(document.querySelectorAll('img')).map(i => i.getAttribute('src') || ''),
            links: Array.from(document.querySelectorAll('a')).map(a => a.getAttribute('href') || ''),
            markupFromData: document.querySelectorAll(
                '[data-testid=stMarkdownContainer] b, [data-testid=stMarkdownContainer] img, '
                + '[data-testid=stMarkdownContainer] .katex, [data-testid=stMarkdownContainer] code').length,
            plotlyMarkup: document.querySelectorAll('.js-plotly-plot a, .js-plotly-plot tspan[style*="bold"]').length,
            text: document.body.innerText,
        })""")
        assert not rendered["pwned"], path
        assert not [i for i in rendered["images"] if "127.0.0.1:9" in i or i == "x"], (path, rendered["images"])
        assert not [a for a in rendered["links"] if a.startswith("javascript") or "127.0.0.1:9" in a], path
        assert rendered["markupFromData"] == 0, path
        assert rendered["plotlyMarkup"] == 0, path
        texts.append(rendered["text"])
    context.close()
    shown = "\n".join(texts).replace("\u200b", "")  # zero-width spaces keep URLs in names from becoming links
    assert "![x](http://127.0.0.1:9/beacon.png)" in shown  # the monthly summary names Belltown, literally
    assert "![y](http://127.0.0.1:9/about.png)" in shown  # About lists the area without a polygon, literally
    assert "A" * 79 + "…" in shown and "A" * 81 not in shown  # a 10 kB name is cut with an ellipsis
    assert "\u202e" not in shown and "\u2066" not in shown  # bidirectional controls are removed
    foreign = sorted({u for u in requests if not u.startswith((base, "data:", "blob:", "about:"))})
    assert not foreign, foreign


def test_choosing_a_place_in_the_browser_answers_for_it(server, browser):
    """The home page's place control, used as a reader would: every figure follows the place and names
    the grouping it comes from; the URL keeps the choice; the district map draws."""
    base, _ = server
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.goto(f"{base}/")
    tab.wait_for_selector(".js-plotly-plot .main-svg", timeout=WAIT_MS)
    _wait_until_rendered(tab)
    place = tab.locator("[data-testid='stSelectbox']").filter(has_text="Place").locator("input")
    place.click()
    tab.keyboard.type("Columbia City")
    tab.keyboard.press("Enter")
    tab.get_by_text("is counted with the rest of").first.wait_for(timeout=WAIT_MS)
    _wait_until_rendered(tab)
    assert "place=COLUMBIA" in tab.url
    body = tab.inner_text("body")
    assert "Referrals in the 12 months to" in body and "Columbia City" in body
    tab.screenshot(path=str(ARTIFACTS / "monthly-place.png"), full_page=False)
    tab.goto(f"{base}/neighborhoods?view=districts")
    tab.wait_for_selector("canvas", timeout=WAIT_MS)
    _wait_until_rendered(tab)
    assert "Referrals by district" in tab.inner_text("body")
    assert _drawn(tab.query_selector("canvas").screenshot()) > 20, "the district map is blank"
    context.close()
