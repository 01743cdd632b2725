"""The front door: Caddy in front of the app, over HTTPS, with strict headers, blocked paths and static
downloads; every page still draws through it, with no Content-Security-Policy violation."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.archive_helpers import SMALL_RATIOS, SMALL_TABLES
from tests.environment import IN_CI

ROOT = Path(__file__).resolve().parent.parent
CADDYFILE = ROOT / "deploy" / "caddy" / "Caddyfile"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PAGES = ["", "neighborhoods", "resources", "retail-theft", "briefing", "about"]
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(url: str, context=None, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2, context=context):
                return
        except (OSError, urllib.error.URLError):
            time.sleep(0.5)
    pytest.fail(f"{url} did not answer within {seconds:.0f} s")


@pytest.fixture(scope="module")
def front_door(demo_database, tmp_path_factory):
    """The app on loopback serving an archive, Caddy in front of it; yield (base URL, SSL context, archive)."""
    caddy = shutil.which("caddy")
    if caddy is None:
        if IN_CI:
            pytest.fail("Caddy is required in CI (apt-get install caddy)")
        pytest.skip("caddy not installed")
    from publishing.release import make_release

    work = tmp_path_factory.mktemp("front-door")
    archive = work / "archive"
    for day in (dt.date(2026, 7, 31), dt.date(2026, 8, 31)):
        make_release(
            demo_database, archive, as_of=day, source="demo", declarations=SMALL_TABLES, ratio_declarations=SMALL_RATIOS
        )
    app_port, https_port, http_port = _free_port(), _free_port(), _free_port()
    app = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "dashboard" / "app.py"),
            "--server.port",
            str(app_port),
            "--server.headless",
            "true",
        ],
        cwd=ROOT,
        env={**os.environ, "LEAD_ARCHIVE": str(archive)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    home = work / "caddy-home"
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "LEAD_SITE": f"localhost:{https_port}",
        "LEAD_HTTPS_PORT": str(https_port),
        "LEAD_HTTP_PORT": str(http_port),
        "LEAD_APP": f"127.0.0.1:{app_port}",
        "LEAD_ARCHIVE": str(archive),
    }
    proxy = subprocess.Popen(
        [caddy, "run", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(f"http://127.0.0.1:{app_port}/_stcore/health")
        root = home / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"
        deadline = time.monotonic() + 60
        while not root.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        context = ssl.create_default_context(cafile=str(root))  # Caddy's own authority; the system's untouched
        base = f"https://localhost:{https_port}"
        _wait(f"{base}/_stcore/health", context)
        yield base, context, archive, app_port
    finally:
        for process in (proxy, app):
            process.terminate()
            process.wait(timeout=20)


def _get(url: str, context) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10, context=context) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def test_the_caddyfile_is_valid():
    caddy = shutil.which("caddy")
    if caddy is None:
        if IN_CI:
            pytest.fail("Caddy is required in CI")
        pytest.skip("caddy not installed")
    result = subprocess.run(
        [caddy, "validate", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "HOME": "/tmp", "XDG_DATA_HOME": "/tmp/caddy-validate"},
    )
    assert result.returncode == 0, result.stderr[-1000:]


def test_security_headers_on_every_answer(front_door):
    base, context, _, _ = front_door
    status, headers, _ = _get(f"{base}/", context)
    assert status == 200
    csp = headers["content-security-policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["default-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]
    assert not re.search(r"https?://|\*", csp), "no third-party origin, no wildcard"
    assert headers["strict-transport-security"].startswith("max-age=31536000")
    assert headers["referrer-policy"] == "no-referrer" and headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY" and "server" not in headers


def test_the_inline_script_hash_matches_streamlits_page():
    import streamlit

    index = (Path(streamlit.__file__).parent / "static" / "index.html").read_text(encoding="utf-8")
    scripts = re.findall(r"<script>(.*?)</script>", index, re.S)
    hashes = {"'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'" for s in scripts}
    caddyfile = CADDYFILE.read_text()
    assert hashes and all(h in caddyfile for h in hashes), "update the hash in the Caddyfile and SECURITY.md"


def test_the_dashboards_own_inline_scripts_are_allowed_by_their_hashes():
    from dashboard.components import inline_scripts
    from dashboard.locale import LANGUAGES

    bodies = {body for language in LANGUAGES for body in inline_scripts(language)}
    hashes = {"'sha256-" + base64.b64encode(hashlib.sha256(b.encode()).digest()).decode() + "'" for b in bodies}
    security = (CADDYFILE.parent.parent.parent / "SECURITY.md").read_text()
    assert len(hashes) == len(LANGUAGES) + 1
    assert all(h in CADDYFILE.read_text() and h in security for h in hashes), (
        "update the hashes in the Caddyfile and SECURITY.md"
    )


def test_what_a_viewer_does_not_need_is_blocked(front_door):
    base, context, _, _ = front_door
    for path in ("/_stcore/metrics", "/_stcore/upload_file/x/y", "/_stcore/message"):
        assert _get(f"{base}{path}", context)[0] == 404, path
    assert _get(f"{base}/_stcore/health", context)[0] == 200  # the page itself polls it


def test_downloads_are_static_files_of_the_archive(front_door):
    base, context, archive, _ = front_door
    status, headers, body = _get(f"{base}/index.json", context)
    assert status == 200 and body == (archive / "index.json").read_bytes()
    csv = "/releases/2026-08-31/tables/referrals_by_month.csv"
    status, headers, body = _get(f"{base}{csv}", context)
    assert status == 200 and body == (archive / csv.lstrip("/")).read_bytes()
    assert "content-security-policy" in headers
    assert _get(f"{base}/releases/../.lead-archive", context)[0] in (400, 404)


def test_the_app_listens_on_loopback_only(front_door):
    _, _, _, app_port = front_door
    addresses = {a[4][0] for a in socket.getaddrinfo(socket.gethostname(), None) if a[0] == socket.AF_INET}
    for address in addresses - {"127.0.0.1"}:
        with socket.socket() as sock:
            sock.settimeout(2)
            assert sock.connect_ex((address, app_port)) != 0, f"the app answers on {address}"


def test_every_page_draws_through_the_proxy_without_a_policy_violation(front_door):
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is required") if IN_CI else pytest.skip("chromium not installed")
    base, _, _, _ = front_door
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader"]
        )
        context = browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 900})
        context.add_init_script(
            "window.__violations = []; document.addEventListener('securitypolicyviolation', "
            "e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
        )
        tab = context.new_page()
        for path in PAGES:
            tab.goto(f"{base}/{path}")
            tab.wait_for_selector("h1", timeout=60_000)
            tab.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
            tab.wait_for_timeout(2000)
            assert tab.evaluate("window.__violations") == [], path
            assert "Traceback" not in tab.content()
        tab.goto(f"{base}/")
        tab.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)  # charts draw under the policy
        assert tab.evaluate("window.__violations") == []
        browser.close()
