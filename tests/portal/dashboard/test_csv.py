"""The dashboard's CSV downloads: every table's rows, cells that never start a formula."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest

from portal.admin.dashboard import safe_cell
from tests.support.dashboard import (
    DAILY,
    TABLE_NAMES,
    TRICKY_NAME,
    Known,
    dashboard,
    librarian,
    table_rows,
)


def test_csv_downloads_hold_the_tables_rows(known: Known):
    client = librarian(known.app)
    doc = dashboard(client)
    for name in TABLE_NAMES:
        response = client.get(f"/admin/dashboard/{name}.csv")
        assert response.status_code == 200, name
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
        assert response.headers["Content-Disposition"].startswith("attachment; filename=")
        text = response.data.decode("utf-8")
        assert text.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(text[1:])))
        if name in DAILY:  # every day, the quiet ones too, which the page collapses
            assert len(rows) == 31, name
        else:
            assert len(rows) == len(table_rows(doc, name)), name
    libraries = list(
        csv.reader(
            io.StringIO(client.get("/admin/dashboard/libraries.csv").data.decode("utf-8-sig"))
        )
    )
    assert libraries[0] == ["Thư viện", "Mã nguồn", "Biểu ghi"]
    # The formula is made inert; commas and quotes survive the round trip.
    assert libraries[2] == ["'" + TRICKY_NAME, "tay-ho", "1"]
    digitised = list(
        csv.reader(
            io.StringIO(client.get("/admin/dashboard/digitised.csv").data.decode("utf-8-sig"))
        )
    )
    assert digitised[1] == ["Thư viện Ba Đình", "3", "2", "66.7"]  # raw numbers, not "66,7%"
    days = list(
        csv.reader(
            io.StringIO(client.get("/admin/dashboard/access-days.csv").data.decode("utf-8-sig"))
        )
    )
    assert days[1][0] == datetime.now().astimezone().date().isoformat()
    assert client.get("/admin/dashboard/nothing.csv").status_code == 404


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+84 24 3825", "'+84 24 3825"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Hà Nội", "Hà Nội"),
        ("a=b", "a=b"),
        (-2, -2),
        (3.5, 3.5),
    ],
)
def test_csv_cells_never_start_a_formula(value, cell):
    assert safe_cell(value) == cell
