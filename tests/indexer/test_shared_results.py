"""Results shared by a server's worker processes: one answer per search for all of them."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from indexer import SearchQuery, TantivyIndex, index_records
from indexer import shared_results as module
from indexer.shared_results import SharedResults, shared_folder
from tests.indexer.sample_records import sample_records, visibility_of

KIEU = SearchQuery(q="truyện kiều", facets=["library"])


@pytest.fixture
def index_path(tmp_path):
    path = tmp_path / "index"
    index_records(TantivyIndex(path), sample_records(), visibility=visibility_of)
    return path


@pytest.fixture
def folder():
    made = shared_folder(prefix="thuvien-test-")
    yield made
    SharedResults(made, 1).close()


def _worker(index_path: Path, folder: Path, monkeypatch, calls: list) -> TantivyIndex:
    """An index as one worker process opens it, its own searches counted in `calls`."""
    index = TantivyIndex(index_path)
    index.share_results(folder)
    real = index._search

    def counted(searcher, version, query, **kwargs):
        calls.append((index, query.q))
        return real(searcher, version, query, **kwargs)

    monkeypatch.setattr(index, "_search", counted)
    return index


def test_a_search_one_worker_answered_is_not_searched_again_by_another(
    index_path, folder, monkeypatch
):
    calls: list = []
    first = _worker(index_path, folder, monkeypatch, calls)
    second = _worker(index_path, folder, monkeypatch, calls)
    a, b = first.search(KIEU), second.search(KIEU)
    assert [who for who, _q in calls] == [first]
    assert (a.total, [h.id for h in a.hits]) == (b.total, [h.id for h in b.hits])
    assert a.total > 0


def test_a_worker_waits_for_the_answer_another_is_computing(index_path, folder, monkeypatch):
    calls: list = []
    first = _worker(index_path, folder, monkeypatch, calls)
    second = _worker(index_path, folder, monkeypatch, calls)
    release = threading.Event()
    real = first._search

    def held(searcher, version, query, **kwargs):
        assert release.wait(10)
        return real(searcher, version, query, **kwargs)

    monkeypatch.setattr(first, "_search", held)
    results = {}
    asking = threading.Thread(target=lambda: results.setdefault("first", first.search(KIEU)))
    asking.start()
    time.sleep(0.2)  # the first worker holds the search's lock
    waiting = threading.Thread(target=lambda: results.setdefault("second", second.search(KIEU)))
    waiting.start()
    time.sleep(0.3)
    assert waiting.is_alive()  # waiting on the lock, not searching
    release.set()
    asking.join(10), waiting.join(10)
    assert [who for who, _q in calls] == [first]
    assert results["first"].total == results["second"].total > 0


def test_real_processes_share_through_the_folder(index_path, folder):
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from indexer import SearchQuery, TantivyIndex\n"
        "index = TantivyIndex(sys.argv[1])\n"
        "index.share_results(Path(sys.argv[2]))\n"
        "searched = []\n"
        "real = index._search\n"
        "index._search = lambda *a, **k: searched.append(1) or real(*a, **k)\n"
        "result = index.search(SearchQuery(q='truyện kiều', facets=['library']))\n"
        "print(json.dumps([len(searched), result.total]))\n"
    )
    root = Path(__file__).resolve().parents[2]

    def run() -> list[int]:
        out = subprocess.run(
            [sys.executable, "-c", script, str(index_path), str(folder)],
            capture_output=True,
            text=True,
            cwd=root,
            check=True,
        )
        return json.loads(out.stdout)

    searched, total = run()
    again, total_again = run()
    assert (searched, again) == (1, 0)  # the second process read the first one's answer
    assert total == total_again > 0


def test_a_commit_starts_a_new_folder_and_drops_the_old(index_path, folder, monkeypatch):
    calls: list = []
    worker = _worker(index_path, folder, monkeypatch, calls)
    worker.search(KIEU)
    old = [p for p in folder.iterdir() if p.is_dir()]
    index_records(TantivyIndex(index_path), sample_records()[:1], visibility=visibility_of)
    worker.search(KIEU)
    now = [p for p in folder.iterdir() if p.is_dir()]
    assert len(old) == len(now) == 1 and old != now
    assert len(calls) == 2  # the new version's answer was searched, not read


def test_past_its_size_the_least_recently_used_results_go(index_path, folder, monkeypatch):
    monkeypatch.setattr(module, "TRIM_EVERY", 1)
    shared = SharedResults(folder, size=2)
    version = (0,)
    for n in range(3):
        shared.put(version, (n,), {"n": n})
        time.sleep(0.01)  # distinct times of use
    assert shared.get(version, (1,)) == {"n": 1}  # used now: kept before the newer 2
    time.sleep(0.01)
    shared.put(version, (3,), {"n": 3})
    kept = {key: shared.get(version, (key,)) is not None for key in range(4)}
    assert kept == {0: False, 1: True, 2: False, 3: True}


def test_a_broken_folder_is_a_miss_never_a_failed_search(index_path, folder, monkeypatch):
    calls: list = []
    worker = _worker(index_path, folder, monkeypatch, calls)
    SharedResults(folder, 1).close()  # the folder vanishes under the server
    (folder.parent / folder.name).write_text("not a folder")  # and something else is there
    try:
        assert worker.search(KIEU).total > 0
        assert len(calls) == 1
        damaged = SharedResults(folder, 1)
        assert damaged.get((0,), ("x",)) is None
    finally:
        (folder.parent / folder.name).unlink()
        folder.mkdir()


def test_the_folder_is_private(folder):
    assert folder.stat().st_mode & 0o777 == 0o700
