"""Page styling: readable on a 375 px phone and on a projector, and a clean printout.

Only static CSS; no figures. Must not import ``data_access``.
"""

from __future__ import annotations

import streamlit as st

CSS = """
<style>
html { font-size: 17px; }
[data-testid="stMetricValue"] { font-size: 2.2rem; }
@media (max-width: 640px) {
  html { font-size: 15px; }
  [data-testid="stMetricValue"] { font-size: 1.6rem; }
  .block-container { padding-left: 0.6rem; padding-right: 0.6rem; }
}
@media print {
  header, footer, [data-testid="stSidebar"], [data-testid="stToolbar"], [data-testid="stHeader"],
  [data-testid="stExpander"], [data-testid="stDownloadButton"], [data-testid="stSelectbox"],
  [data-testid="stRadio"], .stDeployButton { display: none !important; }
  .block-container { padding: 0 !important; max-width: 100% !important; }
  html { font-size: 12pt; }
  [data-testid="stPlotlyChart"] { break-inside: avoid; max-width: 100% !important; overflow: hidden; }
  .js-plotly-plot, .plot-container, .svg-container, .main-svg { max-width: 100% !important; }
  .st-key-print_tip { display: none !important; }
}
</style>
"""


def apply_style() -> None:
    """Add the dashboard's CSS to the page."""
    st.html(CSS)
