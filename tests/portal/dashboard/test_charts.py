"""The dashboard's charts: long library names in full over two lines, rows as tall as
their labels.
"""

from __future__ import annotations

import lxml.html
import pytest

from catalogue.record import Record
from catalogue.sources import Source
from portal.admin.charts import LABEL_LINES, LINE_CHARS, Bar, horizontal_bars, wrap
from tests.support.dashboard import (
    LONG_NAME,
    TRICKY_NAME,
    Known,
    chart_labels,
    dashboard,
    harvest,
    librarian,
    table_rows,
)


def test_charts_show_long_library_names_in_full(known: Known):
    known.store.put_source(Source("vnu", LONG_NAME, "oai", "http://127.0.0.1:1/oai"))
    harvest(known.store, "vnu", [Record("vnu", "1", title="Giáo trình", format="book")])
    doc = dashboard(librarian(known.app))
    for chart in ("chart-libraries", "chart-digitised"):
        labels = chart_labels(doc, chart)
        assert LONG_NAME in labels, labels
        assert "Thư viện Ba Đình" in labels
        # Over two lines, each short enough to be drawn inside the label column.
        [text] = [
            t
            for t in doc.xpath(f"//*[@id='{chart}']/*[local-name()='text']")
            if " ".join(t.xpath("./*[local-name()='tspan']/text()")) == LONG_NAME
        ]
        lines = text.xpath("./*[local-name()='tspan']/text()")
        assert lines == ["Thư viện Đại học Quốc", "gia Hà Nội"]
        ys = [float(y) for y in text.xpath("./*[local-name()='tspan']/@y")]
        assert ys[1] > ys[0]
    # The table beside the chart names the library in full as well.
    assert [LONG_NAME, "vnu", "1"] in table_rows(doc, "libraries")
    # Only a label with its full text in a <title> is ever shortened.
    for text in doc.xpath("//*[local-name()='svg']/*[local-name()='text']"):
        if "…" in "".join(text.xpath("./*[local-name()='tspan']/text()")):
            assert text.xpath("./*[local-name()='title']/text()")


def test_a_name_too_long_for_two_lines_keeps_its_full_text_in_a_title(known: Known):
    doc = dashboard(librarian(known.app))
    [text] = [
        t
        for t in doc.xpath("//*[@id='chart-libraries']/*[local-name()='text']")
        if t.xpath("./*[local-name()='title']")
    ]
    assert text.xpath("./*[local-name()='title']/text()") == [TRICKY_NAME]
    lines = text.xpath("./*[local-name()='tspan']/text()")
    assert len(lines) == LABEL_LINES and lines[-1].endswith("…")


@pytest.mark.parametrize(
    ("label", "lines"),
    [
        ("Sách", ["Sách"]),
        (LONG_NAME, ["Thư viện Đại học Quốc", "gia Hà Nội"]),
        ("Thư viện Quốc gia Việt Nam", ["Thư viện Quốc gia Việt", "Nam"]),
        (
            "Bản đồ Hà Nội năm 1873 do Sở Địa chính vẽ lại cho triển lãm",
            ["Bản đồ Hà Nội năm 1873", "do Sở Địa chính vẽ…"],
        ),
        ("x" * 44, ["x" * 22, "x" * 22]),
        ("x" * 45, ["x" * 22, "x" * 21 + "…"]),
        ("", [""]),
    ],
)
def test_labels_wrap_between_words_onto_two_lines(label, lines):
    assert wrap(label) == lines
    assert all(len(line) <= LINE_CHARS for line in lines)


def test_a_chart_row_is_as_tall_as_its_label():
    one = horizontal_bars("a", "t", "d", [Bar("Sách", 1)] * 3)
    two = horizontal_bars("b", "t", "d", [Bar(LONG_NAME, 1)] * 3)
    height = lambda svg: float(lxml.html.fromstring(str(svg)).get("height"))  # noqa: E731
    assert height(two) > height(one)
