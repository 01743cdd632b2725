"""Page styling: readable on a 375 px phone and on a projector, and a clean printout.

Only static CSS; no figures. Must not import ``data_access``.
"""

from __future__ import annotations

import streamlit as st

CSS = """
<style>
html { font-size: 17px; }
[data-testid="stMetricValue"] { font-size: 2.2rem; }
/* Grey text at least 4.5:1 against white: captions, metric labels and help text. */
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] *, [data-testid="stMetricLabel"] * {
  color: #4A4A57 !important; opacity: 1 !important; }
/* Section and chart headings are h2 (after the page's h1, in order), at a size that reads as a subheading. */
[data-testid="stHeading"] h2, [data-testid="stMarkdownContainer"] h2 { font-size: 1.5rem; padding-top: 0.6rem; }
/* A visible focus on everything the keyboard reaches. */
a:focus-visible, button:focus-visible, summary:focus-visible, input:focus-visible, [role="radio"]:focus-visible,
[tabindex]:focus-visible { outline: 3px solid #0B5CAD !important; outline-offset: 2px; }
/* The home page's second address (/monthly) is not a second menu entry. */
[data-testid="stTopNavLinkContainer"]:has(a[href$="/monthly"]),
[data-testid="stSidebarNavLinkContainer"]:has(a[href$="/monthly"]),
[data-testid="stTopNavDropdownLink"][href$="/monthly"] { display: none !important; }
/* A chart's title and source are in the figure for its downloaded image; on the page its heading says it. */
.js-plotly-plot .gtitle, .js-plotly-plot .gtitle-subtitle { display: none; }
/* Compact top: on a 1280x720 projector the headline figures and the first chart start on the first screen. */
[data-testid="stMainBlockContainer"] { padding-top: 4.2rem; }
h1 { font-size: 2.1rem !important; padding-top: 0.2rem !important; }
.st-key-language { margin-bottom: -2.6rem; position: relative; z-index: 2; }
.stElementContainer:has(> .stHtml), .stElementContainer:has(> [data-testid="stHtml"]) { display: none; }
@media (max-width: 640px) {
  html { font-size: 15px; }
  .st-key-language { margin-bottom: 0; }
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
  .st-key-print_tip, .st-key-language { display: none !important; }
}
</style>
"""


def apply_style() -> None:
    """Add the dashboard's CSS to the page."""
    st.html(CSS)
