"""The accessibility matrix: axe-core on every page, in both languages, at desktop and phone width, with the
"Show the numbers" sections closed and open; and the Tab presses to each page's first selector.

    .venv/bin/python -m benchmarks.accessibility --publication DIR [--app dashboard/app.py] [--out FILE.json]

Starts the app on a free port serving ``DIR`` (or uses ``--base URL``), drives Debian's chromium through
Playwright, and prints one line per page, language, width and state: critical / serious / moderate / minor
violations and the rules that failed. ``--app`` points at another checkout's app to measure a baseline.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.accessibility import axe_script, axe_version, open_tables, run_axe, tabs_to_first_selector  # noqa: E402
from tests.test_browser import _serving, _wait_until_rendered  # noqa: E402

PAGES = {
    "monthly": "",
    "neighborhoods": "neighborhoods",
    "resources": "resources",
    "retail-theft": "retail-theft",
    "people": "people",
    "briefing": "briefing",
    "about": "about",
}
WIDTHS = {"desktop": (1280, 900), "phone": (375, 812)}
IMPACTS = ("critical", "serious", "moderate", "minor")


def wait_rendered(tab) -> None:
    tab.wait_for_selector("h1", timeout=60_000)
    _wait_until_rendered(tab)
    tab.wait_for_timeout(1500)


def measure(base: str, languages: list[str], widths: list[str], pages: list[str]) -> list[dict]:
    from playwright.sync_api import sync_playwright

    script = axe_script()
    if script is None:
        raise SystemExit("axe-core is not installed: run scripts/setup-env test (it needs npm)")
    rows: list[dict[str, Any]] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        for width in widths:
            width_px, height_px = WIDTHS[width]
            context = browser.new_context(viewport={"width": width_px, "height": height_px})
            tab = context.new_page()
            for language in languages:
                for name in pages:
                    query = "" if language == "en" else f"?lang={language}"
                    tab.goto(f"{base}/{PAGES[name]}{query}")
                    wait_rendered(tab)
                    tabs = None
                    for state in ("closed", "open"):
                        if state == "open":
                            open_tables(tab)
                        violations = run_axe(tab, script)
                        if state == "closed" and width == "desktop":
                            tabs = tabs_to_first_selector(tab)
                        counts = {impact: sum(1 for v in violations if v["impact"] == impact) for impact in IMPACTS}
                        rows.append(
                            {
                                "page": name,
                                "language": language,
                                "width": width,
                                "tables": state,
                                **counts,
                                "rules": sorted({f"{v['id']}({v['nodes']})" for v in violations}),
                                "tabs_to_first_selector": tabs,
                                "axe": axe_version(tab, script),
                            }
                        )
                        row = rows[-1]
                        print(
                            f"{name:14} {language} {width:7} tables {state:6} critical {row['critical']} serious "
                            f"{row['serious']} moderate {row['moderate']} minor {row['minor']}  tabs {tabs}  "
                            f"{' '.join(row['rules'])}",
                            flush=True,
                        )
            context.close()
        browser.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--publication", type=Path)
    parser.add_argument("--base", help="measure a dashboard already running at this URL")
    parser.add_argument("--app", type=Path, default=ROOT / "dashboard" / "app.py")
    parser.add_argument("--languages", default="en,es")
    parser.add_argument("--widths", default="desktop,phone")
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    choice = dict(languages=args.languages.split(","), widths=args.widths.split(","), pages=args.pages.split(","))
    if args.base:
        rows = measure(args.base, **choice)
    else:
        if args.publication is None:
            parser.error("give --publication DIR or --base URL")
        with _serving(args.publication.resolve(), args.app.resolve()) as base:
            rows = measure(base, **choice)
    total = {impact: sum(r[impact] for r in rows) for impact in IMPACTS}
    print(f"{len(rows)} page states; axe {rows[0]['axe'] if rows else '?'}; totals {total}")
    if args.out:
        args.out.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
