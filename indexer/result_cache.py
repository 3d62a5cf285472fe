"""What a search index keeps of its answers: results per index version, and the searches
being answered right now (so a search asked again meanwhile waits for that answer
instead of being computed twice)."""

from __future__ import annotations

import os
import pickle
import threading
from collections import OrderedDict
from concurrent.futures import Future
from dataclasses import replace
from typing import Any

from indexer.protocol import SearchQuery, SearchResult


class Kept:
    """A small LRU per index version: any commit empties it.

    Values are kept pickled. A cached result is hundreds of small objects (hits, their
    fields, facet counts), and a process holding two thousand of them made each full
    garbage collection walk a million objects: pauses of 200 ms and more, every request
    in the process stopped. Bytes are not tracked by the collector; a value costs
    about 0.2 ms to keep and 0.2 ms to take back, and each taker gets its own copy.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.version: tuple = ()
        self.entries: OrderedDict[tuple, bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, version: tuple, key: tuple) -> Any:
        with self.lock:
            if version != self.version:
                return None
            kept = self.entries.get(key)
            if kept is None:
                return None
            self.entries.move_to_end(key)
        return pickle.loads(kept)  # noqa: S301 — bytes this object pickled itself

    def put(self, version: tuple, key: tuple, value: Any) -> None:
        kept = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        with self.lock:
            if version != self.version:
                self.entries.clear()
                self.version = version
            self.entries[key] = kept
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


class Flights:
    """Searches being answered now, each with the Future its later askers wait on."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.flying: dict[tuple, Future[SearchResult]] = {}
        self.pid = os.getpid()

    def join(self, key: tuple) -> tuple[Future[SearchResult], bool]:
        """The search's Future, and whether this caller is the first (who answers it)."""
        if self.pid != os.getpid():  # a forked worker: its parent's flights never land here
            self.lock, self.flying, self.pid = threading.Lock(), {}, os.getpid()
        with self.lock:
            flight = self.flying.get(key)
            if flight is not None:
                return flight, False
            flight = self.flying[key] = Future()
            return flight, True

    def land(self, key: tuple) -> None:
        with self.lock:
            self.flying.pop(key, None)


def handed_out(result: SearchResult) -> SearchResult:
    """A copy of a result answered for several askers at once, whose lists each may
    reorder, filter or clear. Shallow: what callers get is read, never changed in
    place, so the hits and facet counts themselves are shared."""
    return replace(
        result,
        hits=list(result.hits),
        facets={name: list(counts) for name, counts in result.facets.items()},
    )


def counts_key(query: SearchQuery) -> tuple:
    """What a result's total and facets depend on."""
    return (
        query.q,
        tuple(sorted((name, tuple(values)) for name, values in query.filters.items())),
        tuple(query.facets),
        query.facet_limit,
        tuple(sorted(query.visibility)),
    )


def cache_key(query: SearchQuery) -> tuple:
    return (*counts_key(query), query.sort, query.page, query.per_page)
