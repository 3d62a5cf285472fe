"""Warming: the searches readers ask most are asked again before readers need them.

A server process starts with empty caches, and a commit to the index empties them. A
popular search then costs a whole search (about 40 ms of CPU over 1M records) instead
of a lookup, and a portal receiving 100 searches a second falls behind for its first
minute (bench/RESULTS.md: p95 1.3 s from a cold start, 36 ms warm). As Solr's
firstSearcher and newSearcher listeners do, each server process asks the most popular
searches itself: when it starts, those its predecessors kept in a small file in the data
folder; after a commit, those it tallied itself.

Only a search asked at least KEEP_AFTER times is written to the file, with its count and
nothing else: no reader, no address, no time of asking. Requests are counted, not
readers (a reader coming back to a results page asks it again), so this keeps what was
typed once from the disk, not what one reader asked. The file is a cache: a missing,
unreadable or foreign one is ignored (and logged).
"""

from __future__ import annotations

import atexit
import fcntl
import json
import logging
import os
import tempfile
import threading
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any

from flask import Flask

from indexer.protocol import SearchIndex, SearchQuery
from portal.app import EXTENSION

FILE = "popular-searches.json"
POPULAR = 200  # searches warmed, most asked first
KEEP_AFTER = 2  # asked fewer times than this: never written to disk
HALF_LIFE = 24 * 3600.0  # seconds after which the file's counts halve
TALLIED = 5_000  # distinct searches tallied in memory before the rarest half is dropped
SAVE_EVERY = 300.0  # seconds between a process's writes of the file
CHECK_EVERY = 2.0  # seconds between looks at the index version
WARM_FOR = 60.0  # seconds one warming may take at most
STOP_WITHIN = 5.0  # seconds a stopping server waits for the search being warmed
_EXTENSION = "thuvien_warming"

log = logging.getLogger(__name__)


class Tally:
    """How often each search was asked in this process: in all (what to warm after a
    commit) and since the file was last written (what to add to it)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self.unsaved: Counter[str] = Counter()

    def note(self, query: SearchQuery) -> None:
        key = _key(query)
        with self.lock:
            self.counts[key] += 1
            self.unsaved[key] += 1
            if len(self.counts) > TALLIED:
                self.counts = Counter(dict(self.counts.most_common(TALLIED // 2)))
            if len(self.unsaved) > TALLIED:
                self.unsaved = Counter(dict(self.unsaved.most_common(TALLIED // 2)))

    def popular(self, limit: int = POPULAR) -> list[SearchQuery]:
        with self.lock:
            keys = [key for key, _n in self.counts.most_common(limit)]
        return [query for query in map(_query, keys) if query is not None]

    def save(self, path: Path, now: float | None = None) -> None:
        """Add what was asked since the last save to the file's counts and keep the
        POPULAR most asked. The file's counts halve once a HALF_LIFE has passed, however
        often processes save (each restart and each worker saves), so that what readers
        ask now outweighs what they asked last week. Processes take turns (a lock
        beside the file), so no save overwrites another's counts."""
        with self.lock:
            mine, self.unsaved = self.unsaved, Counter()
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path.with_name(path.name + ".lock"), "a") as turn:
            fcntl.flock(turn, fcntl.LOCK_EX)
            now = time.time() if now is None else now  # read in turn: never before the last
            kept, halved = _read(path)
            periods = max(0, int((now - halved) // HALF_LIFE)) if halved is not None else 0
            merged = Counter({key: n / 2**periods for key, n in kept.items()})
            merged.update(mine)
            searches = {key: n for key, n in merged.most_common(POPULAR) if n >= KEEP_AFTER}
            _write(path, searches, now if halved is None else halved + periods * HALF_LIFE)


def load(path: Path, limit: int = POPULAR) -> list[SearchQuery]:
    """The searches the file keeps, most asked first."""
    ranked = sorted(_read(path)[0].items(), key=lambda item: -item[1])[:limit]
    return [query for query in (_query(key) for key, _n in ranked) if query is not None]


def warm(
    index: SearchIndex,
    queries: list[SearchQuery],
    seconds: float = WARM_FOR,
    stop: threading.Event | None = None,
) -> int:
    """Ask each search once, most popular first, for at most `seconds` or until `stop`
    is set; how many were asked."""
    deadline = time.monotonic() + seconds
    asked = 0
    for query in queries:
        if time.monotonic() > deadline or (stop is not None and stop.is_set()):
            break
        try:
            index.search(query)
        except Exception:  # a backend down now is the requests' problem, not warming's
            log.warning("warming stopped: the search backend failed", exc_info=True)
            break
        asked += 1
    return asked


class Warmer:
    """One process's warming thread: the file's searches at start, its own tally's after
    each commit (when the index has a version), the tally saved every SAVE_EVERY."""

    def __init__(self, index: SearchIndex, path: Path | None, tally: Tally) -> None:
        self.index, self.path, self.tally = index, path, tally
        self.stopping = threading.Event()
        self.warmed = threading.Event()  # set after each warming (tests wait on it)
        self.thread = threading.Thread(target=self._run, name="warming", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        """End the thread and keep the tally (a server shutting down)."""
        self.stopping.set()
        if self.thread.is_alive():
            self.thread.join(STOP_WITHIN)
        self._save()

    def _run(self) -> None:
        version = _version(self.index)
        self._warm(load(self.path) if self.path else [])
        saved = time.monotonic()
        while not self.stopping.wait(CHECK_EVERY):
            now = _version(self.index)
            if now is not None and now != version:
                version = now
                self._warm(self.tally.popular())
            if time.monotonic() - saved >= SAVE_EVERY:
                self._save()
                saved = time.monotonic()

    def _warm(self, queries: list[SearchQuery]) -> None:
        began = time.monotonic()
        asked = warm(self.index, queries, stop=self.stopping)
        if asked:
            log.info("warmed %d searches in %.1f s", asked, time.monotonic() - began)
        self.warmed.set()

    def _save(self) -> None:
        if self.path is None:
            return
        try:
            self.tally.save(self.path)
        except OSError:
            log.warning("could not keep the popular searches in %s", self.path, exc_info=True)


def init_app(app: Flask) -> Tally:
    """The app's tally (noted by the pages that search). The warming thread is started
    by `start` only in a serving process, never in tests or commands."""
    tally = Tally()
    app.extensions[_EXTENSION] = tally
    return tally


def start(app: Flask) -> Warmer:
    """Start this serving process's warming thread over the app's own index and data
    folder; it keeps its tally when the process exits (Ctrl-C or SIGTERM)."""
    services = app.extensions[EXTENSION]
    data_dir = services.settings.data_dir
    path = data_dir / FILE if data_dir is not None else None
    warmer = Warmer(services.index, path, tally(app))
    warmer.start()
    atexit.register(warmer.stop)
    return warmer


def tally(app: Flask) -> Tally:
    return app.extensions[_EXTENSION]


def _key(query: SearchQuery) -> str:
    return json.dumps(asdict(query), sort_keys=True, ensure_ascii=False)


def _query(key: str) -> SearchQuery | None:
    """The search a key names (checked as any caller's is), or None for a bad key."""
    try:
        fields = json.loads(key)
        return SearchQuery(**{name: fields[name] for name in _FIELDS if name in fields})
    except (ValueError, TypeError, AttributeError):
        return None


_FIELDS = tuple(SearchQuery.__dataclass_fields__)


def _read(path: Path) -> tuple[dict[str, float], float | None]:
    """The file's searches and counts, and when its counts last halved (None: never
    written, or unreadable)."""
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, None
    except (OSError, ValueError):
        log.warning("ignoring an unreadable popular-searches file %s", path, exc_info=True)
        return {}, None
    searches = data.get("searches") if isinstance(data, dict) else None
    if not isinstance(searches, dict):
        return {}, None
    halved = data.get("halved")
    kept = {
        key: float(n)
        for key, n in searches.items()
        if isinstance(key, str) and isinstance(n, int | float) and n > 0
    }
    return kept, float(halved) if isinstance(halved, int | float) else None


def _write(path: Path, searches: dict[str, float], halved: float) -> None:
    """Replace the file at once (another process may be reading it)."""
    fd, temporary = tempfile.mkstemp(prefix=".popular-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"halved": halved, "searches": searches}, out, ensure_ascii=False)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _version(index: SearchIndex) -> str | None:
    version = getattr(index, "version", None)
    try:
        return version() if callable(version) else None
    except Exception:
        return None
