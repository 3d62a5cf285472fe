"""Incremental indexing from the store: changes, deletions, works that merge, crashes."""

import pytest

from catalogue import Holding, Record
from catalogue.runs import HarvestedItem
from catalogue.sources import Source
from catalogue.store import Store
from indexer import SearchQuery, TantivyIndex
from indexer.sync import INDEX_MARK, sync_index


@pytest.fixture
def store(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'cat.sqlite'}")
    for key in ("hn", "qg"):
        store.put_source(Source(key=key, name=key, type="oai", url="http://127.0.0.1:1/oai"))
    yield store
    store.close()


def book(source, local_id, title, isbn=None, library="Thư viện Hà Nội", **kw):
    return Record(
        source_key=source,
        local_id=local_id,
        title=title,
        authors=["Nguyễn Du"],
        year=1820,
        isbns=[isbn] if isbn else [],
        holdings=[Holding(library=library)],
        **kw,
    )


def save(store, *records, deleted=()):
    run = store.start_run(records[0].source_key if records else "hn", "full")
    items = [HarvestedItem(r.local_id, b"<r/>", "oai_dc", r) for r in records]
    items += [HarvestedItem(i, b"<d/>", "oai_dc", None, deleted=True) for i in deleted]
    store.save_items(run, (records[0].source_key if records else "hn"), items)


def titles(index, q):
    return [h.fields["title"] for h in index.search(SearchQuery(q=q)).hits]


def test_first_run_indexes_everything_then_nothing_to_do(store):
    save(store, book("hn", "1", "Truyện Kiều"), book("hn", "2", "Số đỏ"))
    index = TantivyIndex(None)
    report = sync_index(store, index)
    assert (report.indexed, report.total) == (2, 2)
    assert titles(index, "truyen kieu") == ["Truyện Kiều"]
    again = sync_index(store, index)
    assert again.indexed == 0 and again.total == 2


def test_changes_and_deletions_are_applied(store):
    save(store, book("hn", "1", "Truyện Kiều"), book("hn", "2", "Số đỏ"))
    index = TantivyIndex(None)
    sync_index(store, index)
    save(store, book("hn", "1", "Truyện Kiều (bản Kim Vân Kiều)"), deleted=["2"])
    report = sync_index(store, index)
    assert (report.indexed, report.deleted, report.total) == (1, 1, 1)
    assert titles(index, "so do") == []
    assert titles(index, "kim van") == ["Truyện Kiều (bản Kim Vân Kiều)"]


def test_a_new_copy_merges_works_and_the_old_record_is_rekeyed(store):
    save(store, book("hn", "1", "Truyện Kiều", isbn="9786041234567"))
    index = TantivyIndex(None)
    sync_index(store, index)
    save(store, book("qg", "9", "Truyện Kiều", isbn="9786041234567", library="Thư viện Quốc gia"))
    report = sync_index(store, index)
    assert report.indexed == 1 and report.total == 2
    result = index.search(SearchQuery(q="truyện kiều"))
    assert result.total == 1
    assert sorted(result.hits[0].libraries) == ["Thư viện Hà Nội", "Thư viện Quốc gia"]


class FailingIndex:
    """The real index, made to fail on its first commit (a crash mid-run)."""

    def __init__(self, index):
        self.index, self.fail = index, True

    def __getattr__(self, name):
        return getattr(self.index, name)

    def commit(self):
        if self.fail:
            self.fail = False
            raise RuntimeError("disk full")
        self.index.commit()


def test_a_crash_leaves_the_mark_and_a_rerun_repairs(store, tmp_path):
    save(store, *[book("hn", str(i), f"Sách {i}") for i in range(5)])
    index = FailingIndex(TantivyIndex(tmp_path / "idx"))
    with pytest.raises(RuntimeError):
        sync_index(store, index)
    assert store.counter(INDEX_MARK) == 0
    report = sync_index(store, index)
    assert report.total == 5 and store.counter(INDEX_MARK) == store.max_change_seq()


def test_an_interrupted_rebuild_is_redone_by_the_next_plain_run(store, tmp_path):
    save(store, *[book("hn", str(i), f"Sách {i}") for i in range(5)])
    index = FailingIndex(TantivyIndex(tmp_path / "idx"))
    index.fail = False
    sync_index(store, index)
    index.fail = True
    with pytest.raises(RuntimeError):
        sync_index(store, index, rebuild=True)
    report = sync_index(store, index)
    assert report.total == 5 and report.indexed == 5


def test_the_stores_licence_rules_decide_visibility_and_a_rule_change_applies_at_once(store):
    from catalogue.rights import (
        Conditions,
        LicenceRule,
        Outcomes,
        affected_records,
        load_policy,
        save_rule,
    )
    from indexer.sync import reindex_records

    save(
        store,
        book("hn", "1", "Truyện Kiều"),
        book("hn", "2", "Hồ sơ mật", collections=["Lưu trữ mật"]),
        book("hn", "3", "Số đỏ", collections=["Sách nói"]),
    )
    save_rule(
        store,
        LicenceRule(
            name="secret archive",
            conditions=Conditions(collections=("Lưu trữ mật",)),
            outcomes=Outcomes(see_record="hidden", view_content="hidden", download="hidden"),
            reason="restricted by the library",
        ),
    )
    index = TantivyIndex(None)
    sync_index(store, index)  # no visibility given: the store's rules decide

    def visible(q, levels=("public",)):
        return titles_for(index, q, list(levels))

    assert visible("ho so mat") == []
    assert visible("ho so mat", ("public", "registered", "onsite", "staff", "hidden")) == [
        "Hồ sơ mật"
    ]
    assert visible("so do") == ["Số đỏ"]

    # A new rule: the audio collection for registered readers only. Count, save, reindex.
    old = load_policy(store)
    save_rule(
        store,
        LicenceRule(
            name="registered audio",
            conditions=Conditions(collections=("Sách nói",)),
            outcomes=Outcomes(see_record="registered", view_content="registered",
                              download="registered"),
        ),
    )  # fmt: skip
    new = load_policy(store)
    impact = affected_records(store, old, new)
    assert impact.ids == ["hn:3"] or sorted(impact.ids) == ["hn:3"]
    assert reindex_records(store, index, impact.visibility, visibility=new.record_visibility) == 1
    assert visible("so do") == []
    assert visible("so do", ("public", "registered")) == ["Số đỏ"]
    assert visible("truyen kieu") == ["Truyện Kiều"]  # untouched


def titles_for(index, q, levels):
    return [h.fields["title"] for h in index.search(SearchQuery(q=q, visibility=levels)).hits]
