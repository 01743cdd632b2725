"""The one escaping module: labels as clean text, Markdown and chart escaping, CSV cells never formulas."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from core.publication_files import table_csv
from core.release_model import Cell, Table
from dashboard import text


def test_clean_removes_controls_and_cuts_long_names():
    assert text.clean("\u202eevil\u202c\u2066 x\u2069\n\ty") == "evil x y"
    assert text.clean("A" * 10_000) == "A" * 79 + "…"
    assert len(text.clean("B" * 81)) == 80


@given(st.text(max_size=200))
def test_markdown_escapes_every_punctuation_and_breaks_links(value):
    escaped = text.markdown(value)
    plain = escaped.replace("\u200b", "")
    unescaped, i = [], 0
    while i < len(plain):  # every ASCII punctuation arrives behind a backslash
        if plain[i] == "\\":
            assert i + 1 < len(plain) and not plain[i + 1].isalnum()
            unescaped.append(plain[i + 1])
            i += 2
            continue
        assert plain[i] not in "!#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", (value, escaped)
        unescaped.append(plain[i])
        i += 1
    assert "".join(unescaped) == text.clean(value)
    assert "http://" not in escaped and "www." not in escaped


def test_chart_labels_cannot_carry_html():
    assert text.chart("<b>x</b><a href='y'>") == "&lt;b&gt;x&lt;/b&gt;&lt;a href=&#x27;y&#x27;&gt;"


def test_csv_cells_are_never_formulas():
    for formula in ('=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"):
        assert text.csv_cell(formula) == "'" + formula
    assert text.csv_cell("Belltown") == "Belltown" and text.csv_cell(-5) == -5
    table = Table(
        id="t",
        title="t",
        measure="referrals",
        unit="referrals",
        additive=True,
        dimensions=("neighborhood",),
        filters={},
        cells=(Cell(where={"neighborhood": "=cmd|' /C calc'!A0"}, value=12),),
    )
    assert table_csv(table).splitlines()[1].startswith("'=cmd")
