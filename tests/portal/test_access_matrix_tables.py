"""The access matrix's own tables (tests/support/access_matrix.py) are complete."""

from __future__ import annotations

from tests.support.access_matrix import (
    CONTENT_SURFACES,
    EXPECTED_CONTENT,
    EXPECTED_RECORDS,
    LEVELS,
    RECORD_SURFACES,
    VISITORS,
)

# -- the tables themselves ------------------------------------------------------------------


def test_the_tables_cover_every_level_and_visitor() -> None:
    assert set(EXPECTED_RECORDS) == set(VISITORS)
    assert all(
        len(cells) == len(LEVELS) * len(RECORD_SURFACES) for cells in EXPECTED_RECORDS.values()
    )
    assert set(EXPECTED_CONTENT) == {(s, v) for s in CONTENT_SURFACES for v in VISITORS}
