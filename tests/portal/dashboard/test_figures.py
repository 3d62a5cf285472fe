"""The dashboard's figures (catalogue.stats), checked against a small catalogue whose
every number is known.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event

from catalogue import audit, stats
from catalogue.record import Record
from catalogue.sources import Source
from catalogue.store import Store
from tests.support.dashboard import Known, harvest, scan

# -- the figures ---------------------------------------------------------------------------


def test_records_per_library_with_the_digitised_share(known: Known):
    found = stats.records_per_source(known.store)
    assert [(s.key, s.records, s.digitised) for s in found] == [
        ("ba-dinh", 3, 2),  # record 3 was withdrawn
        ("tay-ho", 1, 0),
        ("empty", 0, 0),
    ]
    assert found[0].name == "Thư viện Ba Đình"
    assert found[0].digitised_share == pytest.approx(2 / 3)
    assert found[2].digitised_share == 0.0


def test_records_per_format_and_language(known: Known):
    assert [(c.value, c.count) for c in stats.records_per_format(known.store)] == [
        ("book", 2),
        ("map", 2),
    ]
    assert [(c.value, c.count) for c in stats.records_per_language(known.store)] == [
        ("vie", 2),
        ("", 1),  # "Không ngôn ngữ" names none
        ("chi", 1),
        ("eng", 1),
    ]


def test_harvest_health_per_source(known: Known):
    health = {h.key: h for h in stats.harvest_health(known.store, now=known.now)}
    ba_dinh = health["ba-dinh"]
    assert ba_dinh.last_run_id == known.failed_run and ba_dinh.last_status == "failed"
    assert ba_dinh.last_failed_records == 1
    assert ba_dinh.last_success is not None and ba_dinh.last_success > known.now - timedelta(days=1)
    # In the last 30 days: the withdrawal run (2 records failed) and the failed run.
    assert (ba_dinh.runs, ba_dinh.failed_runs, ba_dinh.records_failed) == (2, 1, 3)
    assert health["tay-ho"].last_status == "succeeded"
    empty = health["empty"]
    assert (empty.last_run_id, empty.last_status, empty.last_success, empty.runs) == (
        None,
        "",
        None,
        0,
    )


def test_access_statistics_from_the_audit_log(known: Known):
    found = stats.access_stats(known.store, now=known.now, offset=timedelta(0))
    assert len(found.days) == 30 and found.days[-1].day == known.now.date()
    assert found.days[0].day == known.now.date() - timedelta(days=29)
    per_day = {d.day: d.count for d in found.days if d.count}
    assert per_day == {known.now.date(): 2, known.now.date() - timedelta(days=2): 2}
    assert found.total == 4  # the one 40 days ago is outside the window
    assert [(k.value, k.count) for k in found.kinds] == [
        ("image", 2),
        ("audio", 1),
        ("download", 1),
    ]
    assert [(r.record_id, r.title, r.count) for r in found.top_records] == [
        ("ba-dinh:1", "Bản đồ", 3),
        ("ba-dinh:2", "Truyện Kiều", 1),
    ]
    assert {d.day: d.count for d in found.failed_logins if d.count} == {known.now.date(): 2}


def test_days_are_the_librarians_days(tmp_path: Path):
    """23:30 UTC is the next morning in Hà Nội (UTC+7)."""
    store = Store(f"sqlite:///{tmp_path / 'days.sqlite'}")
    late = datetime(2025, 3, 10, 23, 30, tzinfo=UTC)
    audit.append(store, actor="", action=audit.CONTENT_ACCESSED, target="x:1", now=late)
    now = datetime(2025, 3, 12, 12, 0, tzinfo=UTC)
    in_utc = stats.access_stats(store, now=now, offset=timedelta(0))
    in_hanoi = stats.access_stats(store, now=now, offset=timedelta(hours=7))
    assert [d.day for d in in_utc.days if d.count] == [date(2025, 3, 10)]
    assert [d.day for d in in_hanoi.days if d.count] == [date(2025, 3, 11)]
    assert in_hanoi.kinds[0].value == ""  # an entry without a kind still counts
    store.close()


def test_the_figures_cost_the_same_queries_however_many_records(tmp_path: Path):
    """GROUP BY in the database: adding records adds no query."""
    store = Store(f"sqlite:///{tmp_path / 'many.sqlite'}")
    store.put_source(Source("lib", "Thư viện", "oai", "http://127.0.0.1:1/oai"))
    statements: list[str] = []
    event.listen(store.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))

    def count_queries() -> int:
        statements.clear()
        stats.records_per_source(store)
        stats.records_per_format(store)
        stats.records_per_language(store)
        stats.harvest_health(store)
        stats.access_stats(store)
        return len([s for s in statements if s.lstrip().upper().startswith("SELECT")])

    def add(n: int, start: int) -> None:
        records = [
            Record("lib", str(i), title=f"Sách {i}", languages=["vie"], digital_objects=scan())
            for i in range(start, start + n)
        ]
        harvest(store, "lib", records)
        audit.append(store, actor="", action=audit.CONTENT_ACCESSED, target=f"lib:{start}")

    add(3, 0)
    few = count_queries()
    add(200, 3)
    assert count_queries() == few
    assert stats.records_per_source(store)[0].records == 203
    store.close()
