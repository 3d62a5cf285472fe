"""Warming: popular searches tallied, kept in the data folder, asked again on start and
after a commit, over a real tantivy index."""

from __future__ import annotations

import json
import threading

import pytest

from indexer import SearchQuery, TantivyIndex, index_records
from portal import warming
from tests.indexer.sample_records import sample_records, visibility_of

KIEU = SearchQuery(q="truyện kiều", facets=["library"], visibility=["public"])
HANOI = SearchQuery(q="hà nội", facets=["library", "year"], visibility=["public"])


class Counting:
    """A real index whose uncached searches are counted (by their text)."""

    def __init__(self, index: TantivyIndex, monkeypatch: pytest.MonkeyPatch) -> None:
        self.index, self.asked = index, []
        real = TantivyIndex._search

        def counted(this, searcher, version, query, **kwargs):
            self.asked.append(query.q)
            return real(this, searcher, version, query, **kwargs)

        monkeypatch.setattr(TantivyIndex, "_search", counted)


@pytest.fixture
def index(tmp_path):
    index = TantivyIndex(tmp_path / "index")
    index_records(index, sample_records(), visibility=visibility_of)
    return index


def test_the_file_keeps_only_searches_asked_twice_with_nothing_but_their_count(tmp_path):
    path = tmp_path / warming.FILE
    tally = warming.Tally()
    for query in (KIEU, KIEU, KIEU, HANOI):
        tally.note(query)
    tally.save(path)
    kept = json.loads(path.read_text())["searches"]
    assert list(kept.values()) == [3]  # "hà nội" was asked once: never written
    assert json.loads(next(iter(kept))) == {
        "q": "truyện kiều",
        "filters": {},
        "facets": ["library"],
        "facet_limit": 20,
        "sort": "relevance",
        "page": 1,
        "per_page": KIEU.per_page,
        "visibility": ["public"],
    }
    assert warming.load(path) == [KIEU]


def _counts(path) -> dict[str, float]:
    searches = json.loads(path.read_text())["searches"]
    return {json.loads(key)["q"]: n for key, n in searches.items()}


def test_each_save_adds_what_was_asked_since_and_saving_often_forgets_nothing(tmp_path):
    path = tmp_path / warming.FILE
    first, second = warming.Tally(), warming.Tally()  # two server processes
    day = 1_800_000_000.0
    for _ in range(8):
        first.note(KIEU)
    first.save(path, now=day)
    first.save(path, now=day + 60)  # nothing asked since: nothing added, nothing lost
    for _ in range(2):
        second.note(HANOI)
    second.save(path, now=day + 300)  # a search asked twice survives the next saves
    first.save(path, now=day + 301)
    assert _counts(path) == {"truyện kiều": 8, "hà nội": 2}
    assert warming.load(path) == [KIEU, HANOI]  # most asked first


def test_the_files_counts_halve_once_a_day_whoever_saves(tmp_path):
    path = tmp_path / warming.FILE
    tally = warming.Tally()
    day = 1_800_000_000.0
    for _ in range(8):
        tally.note(KIEU)
    tally.note(HANOI), tally.note(HANOI)
    tally.save(path, now=day)
    tally.save(path, now=day + warming.HALF_LIFE - 1)
    assert _counts(path) == {"truyện kiều": 8, "hà nội": 2}
    tally.save(path, now=day + warming.HALF_LIFE + 5)  # a day on: halved once
    assert _counts(path) == {"truyện kiều": 4}  # "hà nội" fell to 1: below KEEP_AFTER
    tally.save(path, now=day + 3 * warming.HALF_LIFE + 10)  # two more days: twice more
    assert _counts(path) == {}
    tally.note(KIEU), tally.note(KIEU)
    tally.save(path, now=day + 3 * warming.HALF_LIFE + 20)  # asked again: kept again
    assert _counts(path) == {"truyện kiều": 2}


def test_processes_saving_at_once_lose_none_of_each_others_counts(tmp_path):
    import threading

    path = tmp_path / warming.FILE
    tallies = [warming.Tally() for _ in range(8)]
    for n, tally in enumerate(tallies):
        for _ in range(2):
            tally.note(SearchQuery(q=f"từ {n}"))
    savers = [threading.Thread(target=tally.save, args=(path,)) for tally in tallies]
    for saver in savers:
        saver.start()
    for saver in savers:
        saver.join()
    assert sorted(_counts(path)) == sorted(f"từ {n}" for n in range(8))


def test_the_file_keeps_the_most_asked_only(tmp_path, monkeypatch):
    monkeypatch.setattr(warming, "POPULAR", 3)
    tally = warming.Tally()
    for n in range(6):
        for _ in range(n + 2):
            tally.note(SearchQuery(q=f"từ {n}"))
    tally.save(tmp_path / warming.FILE)
    assert [q.q for q in warming.load(tmp_path / warming.FILE)] == ["từ 5", "từ 4", "từ 3"]


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        '{"searches": []}',
        '{"searches": {"{\\"q\\": 1, \\"page\\": \\"x\\"}": 5, "not json": 4, "{}": "many"}}',
        '{"searches": {"{\\"q\\": \\"a\\", \\"per_page\\": 100000000, \\"evil\\": 1}": 3}}',
    ],
)
def test_a_bad_file_is_ignored_or_checked_as_any_request_is(tmp_path, text):
    path = tmp_path / warming.FILE
    path.write_text(text)
    queries = warming.load(path)
    assert all(isinstance(q, SearchQuery) for q in queries)
    assert all(q.per_page <= 100 for q in queries)  # clamped as SearchQuery clamps a caller's
    tally = warming.Tally()
    tally.note(KIEU)
    tally.note(KIEU)
    tally.save(path)  # a bad file is replaced, not a reason to lose the tally
    assert KIEU in warming.load(path)


def test_warming_asks_the_searches_until_stopped_and_a_broken_backend_ends_it(index):
    class Broken:
        def search(self, query):
            raise ConnectionError("down")

    assert warming.warm(index, [KIEU, HANOI]) == 2
    assert index.search(KIEU).total > 0
    stop = threading.Event()
    stop.set()
    assert warming.warm(index, [KIEU, HANOI], stop=stop) == 0
    assert warming.warm(Broken(), [KIEU, HANOI]) == 0
    assert warming.warm(index, [KIEU, HANOI], seconds=-1) == 0


def test_a_starting_process_warms_the_files_searches(index, tmp_path, monkeypatch):
    path = tmp_path / warming.FILE
    earlier = warming.Tally()
    for query in (KIEU, KIEU, HANOI, HANOI, HANOI):
        earlier.note(query)
    earlier.save(path)
    counting = Counting(index, monkeypatch)
    warmer = warming.Warmer(index, path, warming.Tally())
    warmer.start()
    try:
        assert warmer.warmed.wait(30)
        assert counting.asked == ["hà nội", "truyện kiều"]  # most asked first
        index.search(KIEU), index.search(HANOI)  # readers: answered from the cache
        assert counting.asked == ["hà nội", "truyện kiều"]
    finally:
        warmer.stop()


def test_after_a_commit_elsewhere_the_process_warms_what_its_readers_asked(
    index, tmp_path, monkeypatch
):
    monkeypatch.setattr(warming, "CHECK_EVERY", 0.05)
    tally = warming.Tally()
    tally.note(KIEU)
    warmer = warming.Warmer(index, None, tally)
    warmer.start()
    try:
        assert warmer.warmed.wait(30)  # nothing to warm from a file
        warmer.warmed.clear()
        index.search(KIEU)
        counting = Counting(index, monkeypatch)
        # Another process (the indexer) commits to the same folder.
        index_records(TantivyIndex(index.path), sample_records()[:1], visibility=visibility_of)
        assert warmer.warmed.wait(30)
        assert counting.asked == ["truyện kiều"]
        index.search(KIEU)
        assert counting.asked == ["truyện kiều"]  # the reader's search was ready
    finally:
        warmer.stop()


def test_stopping_keeps_the_tally_in_the_file(index, tmp_path):
    path = tmp_path / "data" / warming.FILE
    tally = warming.Tally()
    warmer = warming.Warmer(index, path, tally)
    warmer.start()
    tally.note(HANOI), tally.note(HANOI)
    warmer.stop()
    assert warming.load(path) == [HANOI]
    assert not warmer.thread.is_alive()


def test_the_results_and_home_pages_tally_their_searches(app, client):
    for _ in range(3):
        assert client.get("/search?q=truy%E1%BB%87n+ki%E1%BB%81u").status_code == 200
    assert client.get("/").status_code == 200
    popular = warming.tally(app).popular()
    assert [q.q for q in popular] == ["truyện kiều", ""]
    assert popular[0].visibility == ["public"] and popular[0].facets  # as the page asks it


def test_a_server_stopped_by_its_service_manager_keeps_its_popular_searches(tmp_path):
    """`thuvien serve` (one process, waitress) stopped with SIGTERM writes the file."""
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    data_dir = tmp_path / "data"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    thuvien = Path(sys.executable).with_name("thuvien")
    env = {k: v for k, v in os.environ.items() if k != "THUVIEN_CONFIG"}
    server = subprocess.Popen(
        [str(thuvien), "--data-dir", str(data_dir), "serve", "--port", str(port)],
        env={**env, "THUVIEN_MODE": "development"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline, answered = time.time() + 60, 0
        while time.time() < deadline and answered < 3:
            try:
                url = f"http://127.0.0.1:{port}/search?q=s%C3%B4ng+h%E1%BB%93ng"
                with urllib.request.urlopen(url, timeout=5) as response:
                    answered += response.status == 200
            except OSError:
                time.sleep(0.3)
        assert answered == 3, "the server did not answer"
    finally:
        server.send_signal(signal.SIGTERM)
        _out, err = server.communicate(timeout=30)
    assert server.returncode == 0, err.decode()
    assert [q.q for q in warming.load(data_dir / warming.FILE)] == ["sông hồng"]


def test_a_save_dated_before_the_files_last_halving_halves_nothing(tmp_path):
    """Clocks of two processes (or a save that waited its turn) may disagree a little: a
    save seemingly before the file's date neither doubles counts nor moves the date back."""
    path = tmp_path / warming.FILE
    later, earlier = warming.Tally(), warming.Tally()
    day = 1_800_000_000.0
    later.note(KIEU), later.note(KIEU)
    later.save(path, now=day)
    earlier.note(HANOI), earlier.note(HANOI)
    earlier.save(path, now=day - 5)
    assert _counts(path) == {"truyện kiều": 2, "hà nội": 2}
    assert json.loads(path.read_text())["halved"] == day
    later.save(path, now=day + warming.HALF_LIFE - 1)  # not yet a day after the first
    assert _counts(path) == {"truyện kiều": 2, "hà nội": 2}
