"""A load smoke run: 5 concurrent viewers for 60 seconds over the WebSocket, every page, 0 errors.

The 50-viewer load and the soak are `benchmarks/load.py`, with figures in benchmarks/README.md.
"""

from __future__ import annotations

import pytest

from benchmarks.load import ROOT, run_load, start_app

pytestmark = pytest.mark.slow


def test_five_viewers_for_a_minute_see_every_page_without_an_error(demo_publication):
    directory, _, _ = demo_publication
    process, port = start_app(ROOT, None, env={"LEAD_PUBLICATION": str(directory)})
    try:
        figures = run_load(port, process.pid, viewers=5, seconds=60)
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert figures["errors"] == 0, figures["error_samples"]
    assert figures["views"] >= 30, figures  # a view counts only when its run finished and its charts arrived
    assert figures["rss_peak_mb"] < 1500, figures
