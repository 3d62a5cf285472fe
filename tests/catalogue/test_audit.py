"""The audit log is append-only and tamper-evident: any edit, deletion or reordering is found."""

import hashlib
import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DataError

from catalogue import audit
from catalogue.store import Store

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def store(store_url):
    store = Store(store_url)
    yield store
    store.close()


def fill(store, n=50):
    actions = [audit.RULE_UPDATED, audit.CONTENT_ACCESSED, audit.USER_CREATED, audit.SOURCE_UPDATED]
    return [
        audit.append(
            store,
            actor=("lan", "minh", "")[i % 3],
            ip=f"10.12.0.{i}",
            action=actions[i % len(actions)],
            target=f"rule:{i % 5}",
            detail={"i": i, "tên": "Thư viện Hà Nội", "nested": {"b": [1, 2.5, None], "a": True}},
            now=T0 + timedelta(minutes=i, microseconds=i),
        )
        for i in range(n)
    ]


def sql(store, statement, **params):
    with store.session() as s:
        s.execute(text(statement), params)


def test_a_chain_of_50_appends_verifies(store):
    written = fill(store)
    assert [e.id for e in written] == list(range(1, 51))
    assert written[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.hash for a, b in zip(written, written[1:], strict=False))
    report = audit.verify(store)
    assert report == audit.ChainReport(True, 50, None, "chain intact", written[-1].hash)
    assert audit.describe(report).startswith("audit log: 50 entries, chain intact")
    # What is read back is what was written, hash and all.
    assert audit.entries(store, limit=50)[::-1] == written


def test_the_hash_covers_a_canonical_form_anyone_can_recompute(store):
    entry = audit.append(
        store,
        actor="lan",
        ip="::1",
        action=audit.RULE_MOVED,
        target="rule:3",
        detail={"from": 3, "to": 1},
        now=datetime(2026, 3, 1, 15, 0, tzinfo=UTC),
    )
    canonical = json.dumps(
        {
            "action": "rule.moved",
            "actor": "lan",
            "at": "2026-03-01T15:00:00.000000+00:00",
            "detail": {"from": 3, "to": 1},
            "id": 1,
            "ip": "::1",
            "prev_hash": "0" * 64,
            "target": "rule:3",
        },
        separators=(",", ":"),
        ensure_ascii=False,
    )
    assert entry.hash == hashlib.sha256(canonical.encode()).hexdigest()


def test_times_are_kept_in_utc_and_details_as_plain_json(store):
    from zoneinfo import ZoneInfo

    hanoi = datetime(2026, 3, 1, 22, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    entry = audit.append(
        store,
        actor="lan",
        action=audit.SOURCE_CREATED,
        detail={"when": T0, "keys": ("a", "b")},
        now=hanoi,
    )
    assert entry.at == datetime(2026, 3, 1, 15, 30, tzinfo=UTC)
    assert entry.detail == {"when": "2026-03-01 08:00:00+00:00", "keys": ["a", "b"]}
    assert audit.entries(store)[0] == entry
    assert audit.verify(store).ok


EDITS = {
    "at": "UPDATE audit_log SET at = '2026-03-01 09:00:00.000000' WHERE id = :id",
    "actor": "UPDATE audit_log SET actor = 'mallory' WHERE id = :id",
    "ip": "UPDATE audit_log SET ip = '1.2.3.4' WHERE id = :id",
    "action": "UPDATE audit_log SET action = 'rule.created' WHERE id = :id",
    "target": "UPDATE audit_log SET target = 'rule:99' WHERE id = :id",
    "detail": "UPDATE audit_log SET detail = '{\"i\": 999}' WHERE id = :id",
    "detail, unreadable": "UPDATE audit_log SET detail = 'not json' WHERE id = :id",
    "at, unreadable": "UPDATE audit_log SET at = 'yesterday' WHERE id = :id",
    "prev_hash": "UPDATE audit_log SET prev_hash = :zeros WHERE id = :id",
    "hash": "UPDATE audit_log SET hash = :zeros WHERE id = :id",
}


@pytest.mark.parametrize("column", list(EDITS))
def test_editing_any_column_of_one_entry_names_exactly_that_entry(store, column):
    fill(store)
    if column == "detail, unreadable" and store.engine.dialect.name == "postgresql":
        # PostgreSQL's json type refuses the edit itself: nothing to find afterwards.
        with pytest.raises(DataError):
            sql(store, EDITS[column], id=23)
        assert audit.verify(store).ok
        return
    sql(store, EDITS[column], id=23, zeros="0" * 64)
    report = audit.verify(store, batch=7)  # the break falls inside a batch
    assert not report.ok
    assert report.first_bad_id == 23, report
    assert report.checked == 22
    assert "entry 23" in audit.describe(report)


def test_an_edit_that_keeps_the_json_meaning_is_no_change(store):
    fill(store, 5)
    build, parse = {
        "sqlite": ("json_object", "json({})"),
        "postgresql": ("json_build_object", "CAST({} AS json)"),
    }[store.engine.dialect.name]
    yes, numbers = parse.format(":yes"), parse.format(":numbers")
    sql(  # the same meaning, in another key order and spacing than it was written
        store,
        f"UPDATE audit_log SET detail = {build}('nested', {build}('a', {yes}, 'b', {numbers}), "
        "'tên', 'Thư viện Hà Nội', 'i', 2) WHERE id = 3",
        yes="true",
        numbers="[1, 2.5, null]",
    )
    assert audit.verify(store).ok


def test_a_deleted_middle_entry_is_found_at_the_next_id(store):
    fill(store)
    sql(store, "DELETE FROM audit_log WHERE id = 30")
    report = audit.verify(store)
    assert (report.ok, report.first_bad_id, report.checked) == (False, 31, 29)
    assert "entry 30 is missing" in report.reason


def test_a_renumbered_entry_leaves_a_gap(store):
    fill(store)
    sql(store, "UPDATE audit_log SET id = 1000 WHERE id = 12")
    report = audit.verify(store)
    assert (report.ok, report.first_bad_id) == (False, 13)
    assert "entry 12 is missing" in report.reason


def test_deleting_the_first_entry_or_the_last_ones_is_found(store):
    fill(store, 10)
    sql(store, "DELETE FROM audit_log WHERE id = 1")
    assert audit.verify(store).first_bad_id == 2
    sql(store, "DELETE FROM audit_log")
    report = audit.verify(store)  # an emptied log: the counter remembers 10 entries
    assert (report.ok, report.first_bad_id, report.checked) == (False, 1, 0)
    assert "10 entries were appended" in report.reason


def test_cutting_off_the_end_is_found(store):
    fill(store, 10)
    sql(store, "DELETE FROM audit_log WHERE id > 7")
    report = audit.verify(store)
    assert (report.ok, report.first_bad_id, report.checked) == (False, 8, 7)
    assert "the last 3 were deleted" in report.reason


def test_swapped_entries_are_found_at_the_first_of_them(store):
    fill(store, 10)
    columns = "at, actor, ip, action, target, detail, prev_hash, hash"
    sql(store, f"CREATE TEMP TABLE swap AS SELECT id, {columns} FROM audit_log WHERE id IN (4, 5)")
    for column in columns.split(", "):
        sql(
            store,
            f"UPDATE audit_log SET {column} = (SELECT {column} FROM swap "
            "WHERE swap.id = 9 - audit_log.id) WHERE id IN (4, 5)",
        )
    report = audit.verify(store)
    assert (report.ok, report.first_bad_id) == (False, 4)
    assert "prev_hash" in report.reason


def test_a_forged_entry_appended_by_hand_is_found(store):
    written = fill(store, 5)
    sql(
        store,
        "INSERT INTO audit_log (id, at, actor, ip, action, target, detail, prev_hash, hash) "
        "VALUES (6, '2026-03-01 10:00:00.000000', 'mallory', '', 'user.created', '', '{}', "
        ":prev, :forged)",
        prev=written[-1].hash,
        forged="f" * 64,
    )
    report = audit.verify(store)
    assert (report.ok, report.first_bad_id) == (False, 6)
    assert "does not match its hash" in report.reason


def test_concurrent_appends_from_four_threads_keep_one_chain(store):
    errors = []

    def writer(n):
        try:
            for i in range(25):
                audit.append(store, actor=f"t{n}", action=audit.CONTENT_ACCESSED, target=str(i))
        except Exception as exc:  # pragma: no cover - the failure is the point
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    report = audit.verify(store)
    assert report.ok and report.checked == 100
    written = audit.entries(store, limit=200)
    assert len({e.prev_hash for e in written}) == 100
    assert {e.actor for e in written} == {"t0", "t1", "t2", "t3"}


def test_entries_and_count_filter_and_page_newest_first(store):
    fill(store, 24)
    assert audit.count(store) == 24
    page = audit.entries(store, limit=5, offset=5)
    assert [e.id for e in page] == [19, 18, 17, 16, 15]
    accessed = audit.entries(store, action=audit.CONTENT_ACCESSED, limit=100)
    assert [e.id for e in accessed] == [22, 18, 14, 10, 6, 2]
    assert audit.count(store, action=audit.CONTENT_ACCESSED) == 6
    assert audit.count(store, actor="lan") == 8
    assert audit.count(store, actor="") == 8  # anonymous visitors
    assert audit.count(store, actor="lan", target="rule:0") == len(
        [i for i in range(24) if i % 3 == 0 and i % 5 == 0]
    )
    assert audit.count(store, action="rule.*") == 6  # a family of actions
    assert audit.count(store, action="rule%") == 0  # exact: no SQL wildcards
    assert audit.entries(store, actor="nobody") == []


def test_append_in_the_callers_transaction(store):
    from catalogue.tables import CounterRow

    with store.session() as s:
        s.add(CounterRow(name="change", value=1))
        audit.append(store, actor="lan", action=audit.RULE_CREATED, session=s)
    assert audit.count(store) == 1 and store.counter("change") == 1
    with pytest.raises(RuntimeError), store.session() as s:
        audit.append(store, actor="lan", action=audit.RULE_DELETED, session=s)
        raise RuntimeError("the change fails: its audit entry goes with it")
    assert audit.count(store) == 1 and audit.verify(store).ok


def test_long_values_are_cut_to_fit_not_lost(store):
    entry = audit.append(store, actor="x" * 300, action=audit.CONTENT_ACCESSED, target="r" * 900)
    assert len(entry.actor) == 100 and len(entry.target) == 400
    assert audit.verify(store).ok


def test_there_is_no_way_to_change_or_remove_an_entry():
    public = {name for name in dir(audit) if not name.startswith("_")}
    assert not {n for n in public if n.startswith(("update", "delete", "remove", "edit"))}
