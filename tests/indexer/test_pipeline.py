"""Documents made in a forked process while this one indexes: same documents, same
order, and a failure there stops the run with nothing marked as done."""

import os

import pytest

from indexer import SearchQuery, TantivyIndex
from indexer import pipeline as module
from indexer.pipeline import PipelineError, prepared_batches
from indexer.sync import INDEX_MARK, sync_index
from tests.indexer.test_sync import book, save, store  # noqa: F401 — the store fixture


@pytest.fixture
def forking(monkeypatch):
    """Fork even though this test process runs other threads (servers and search pools
    left by earlier tests): these children touch no lock those threads could hold."""
    monkeypatch.setattr(module, "_may_fork", lambda: True)


def _batches():
    for start in range(0, 50, 10):
        yield [{"n": n} for n in range(start, start + 10)]


def _tagged(doc):
    return doc["n"], os.getpid()


def test_forked_batches_come_in_order_made_in_another_process(forking):
    batches = list(prepared_batches(_batches, _tagged, records=10**9))
    assert [n for batch in batches for n, _pid in batch] == list(range(50))
    assert all(pid != os.getpid() for batch in batches for _n, pid in batch)


def test_small_jobs_stay_in_process():
    batches = list(prepared_batches(_batches, _tagged, records=10))
    assert [n for batch in batches for n, _pid in batch] == list(range(50))
    assert {pid for batch in batches for _n, pid in batch} == {os.getpid()}


def test_a_process_running_other_threads_stays_in_process():
    """A fork copies one thread; a lock another held would never be released."""
    import threading

    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        batches = list(prepared_batches(_batches, _tagged, records=10**9))
    finally:
        stop.set()
        other.join()
    assert {pid for batch in batches for _n, pid in batch} == {os.getpid()}


def test_the_child_runs_after_fork_first(forking):
    seen = []

    def after_fork():
        seen.append(os.getpid())  # in the child: never visible here

    def batches():
        yield [{"n": len(seen)}]  # 1 in the child, once after_fork ran

    (batch,) = prepared_batches(batches, lambda d: d["n"], records=10**9, after_fork=after_fork)
    assert batch == [1] and seen == []


def _failing():
    yield [{"n": 1}]
    raise ValueError("record 2 is broken")


def test_a_failure_in_the_child_is_raised_here_after_what_it_made(forking):
    got = []
    with pytest.raises(PipelineError, match="ValueError: record 2 is broken"):
        for batch in prepared_batches(_failing, lambda d: d["n"], records=10**9):
            got.append(batch)
    assert got == [[1]]


def test_a_child_that_dies_is_noticed(forking):
    parent = os.getpid()

    def batches():
        yield [{"n": 1}]
        assert os.getpid() != parent, "meant to run in the child"
        os._exit(3)  # killed without a word

    with pytest.raises(PipelineError, match="exit 3"):
        list(prepared_batches(batches, lambda d: d["n"], records=10**9))


def test_a_rebuild_through_the_child_matches_one_made_in_process(store, monkeypatch, forking):  # noqa: F811
    save(store, *(book("hn", str(i), f"Truyện số {i}", isbn=None) for i in range(30)))
    save(store, book("qg", "k", "Truyện Kiều", library="Thư viện Quốc gia"))
    monkeypatch.setattr(module, "PIPELINE_MIN", 10**9)
    alone = TantivyIndex(None)
    sync_index(store, alone, rebuild=True)
    monkeypatch.setattr(module, "PIPELINE_MIN", 1)
    forked = TantivyIndex(None)
    report = sync_index(store, forked, rebuild=True)
    assert report.total == alone.count() == 31
    query = SearchQuery(q="truyen", per_page=50, facets=["library"])
    a, b = alone.search(query), forked.search(query)
    assert [h.id for h in a.hits] == [h.id for h in b.hits] and a.facets == b.facets


def test_a_rebuild_whose_child_fails_leaves_the_mark_at_zero(store, monkeypatch, forking):  # noqa: F811
    save(store, book("hn", "1", "Truyện Kiều"))
    index = TantivyIndex(None)
    sync_index(store, index)
    assert store.counter(INDEX_MARK) > 0
    monkeypatch.setattr(module, "PIPELINE_MIN", 1)

    def broken(*args, **kwargs):
        raise ValueError("no document today")

    monkeypatch.setattr("indexer.sync.to_document", broken)
    with pytest.raises(PipelineError, match="no document today"):
        sync_index(store, index, rebuild=True)
    assert store.counter(INDEX_MARK) == 0  # the next run indexes everything again
    monkeypatch.undo()
    sync_index(store, index)
    assert index.search(SearchQuery(q="kieu")).total == 1
