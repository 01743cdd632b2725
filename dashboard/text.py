"""Text from the data, made safe for each place it is shown: labels, Markdown, chart labels, CSV cells.

Names of places come from the program's database: they are data, so the dashboard shows them as
text, never as markup (docs/database.md). One module does the escaping for every component.
Must not import Streamlit or data layers.
"""

from __future__ import annotations

import html
import string
import unicodedata

from core.publication_files import csv_cell  # one rule for every CSV the dashboard offers

__all__ = ["LABEL_LIMIT", "chart", "clean", "csv_cell", "markdown"]

LABEL_LIMIT = 80  # characters a label may take before it is cut with an ellipsis
_MARKDOWN_SPECIAL = set(string.punctuation)  # CommonMark lets a backslash escape any ASCII punctuation


def clean(text: object, limit: int = LABEL_LIMIT) -> str:
    """Return ``text`` as one plain line: no control or bidirectional characters, cut to ``limit`` with "…"."""
    kept = "".join(
        " " if ch in "\t\n\r" else ch
        for ch in str(text)
        if ch in "\t\n\r" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp")
    )
    kept = " ".join(kept.split())
    return kept if len(kept) <= limit else kept[: limit - 1].rstrip() + "…"


_AUTOLINK = {".", ":", "@", "/"}  # a zero-width space before each, so that no URL, www. or e-mail becomes a link


def markdown(text: object) -> str:
    """Return ``text`` (cleaned) escaped so that Streamlit's Markdown shows it literally, with no link."""
    return "".join(
        ("\u200b" if ch in _AUTOLINK else "") + ("\\" + ch if ch in _MARKDOWN_SPECIAL else ch) for ch in clean(text)
    )


def chart(text: object) -> str:
    """Return ``text`` (cleaned) escaped for a plotly label, legend or hover text (plotly reads HTML tags)."""
    return html.escape(clean(text), quote=True)
