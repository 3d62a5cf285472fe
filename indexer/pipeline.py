"""Make search documents in a second process while this one indexes them.

Indexing a record is two thirds Python (the search document, then the backend's own
form of it) and one third the backend (tantivy's indexing thread). In one process the
two take turns; with a forked child making the documents they overlap, which is what a
rebuild of a large catalogue on two cores needs. The child hands each batch over as
the backend's prepared form (`SearchIndex.prepare`: plain text or dicts), in order.

Small jobs stay in-process: forking costs more than it saves below PIPELINE_MIN
records, and a daemonic process may not have children. So does a process running other
threads (the portal, when a librarian's retry syncs the index): a fork copies only the
calling thread, and a lock another thread held at that moment (the database driver's,
the logging module's) would stay locked in the child forever. `thuvien index` and the
harvest worker's sync run alone.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing as mp
import queue
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

log = logging.getLogger(__name__)

PIPELINE_MIN = 20_000  # records below which documents are made in-process
QUEUE_BATCHES = 8  # batches made ahead of the indexer, at most
WAIT = 0.5  # seconds between checks that the child is alive
STALL = 600.0  # seconds without a batch after which the child is given up

Batches = Callable[[], Iterable[list[dict[str, Any]]]]


class PipelineError(RuntimeError):
    """The process making documents failed; nothing after its last batch was added."""


def prepared_batches(
    batches: Batches,
    prepare: Callable[[dict[str, Any]], Any],
    *,
    records: int,
    after_fork: Callable[[], None] = lambda: None,
) -> Iterator[list[Any]]:
    """Each batch of search documents from `batches()`, prepared, in order.

    `records` is how many documents to expect (it decides whether a child pays);
    `after_fork` runs first in the child, for what must not be shared across a fork
    (a database engine's connections: SQLAlchemy's `engine.dispose(close=False)`).
    """
    if records < PIPELINE_MIN or not _may_fork():
        for batch in batches():
            yield [prepare(doc) for doc in batch]
        return
    ctx = mp.get_context("fork")
    channel = ctx.Queue(maxsize=QUEUE_BATCHES)
    child = ctx.Process(
        target=_child_main,
        args=(batches, prepare, after_fork, channel),
        name="thuvien-documents",
        daemon=True,
    )
    child.start()
    try:
        while True:
            kind, value = _next(channel, child)
            if kind == "batch":
                yield value
            elif kind == "done":
                return
            else:
                raise PipelineError(f"making search documents failed: {value}")
    finally:
        if child.is_alive():  # stopped early: the caller failed or closed us
            child.terminate()
        child.join(timeout=10)
        channel.close()
        channel.cancel_join_thread()


def _may_fork() -> bool:
    return (
        sys.platform.startswith("linux")
        and not mp.current_process().daemon
        and threading.active_count() == 1
    )


def _next(channel: Any, child: Any) -> tuple[str, Any]:
    waited = 0.0
    while True:
        try:
            return channel.get(timeout=WAIT)
        except queue.Empty:
            waited += WAIT
        if not child.is_alive():
            try:  # it ended: anything it sent is already in the pipe
                return channel.get(timeout=WAIT)
            except queue.Empty:
                return "crashed", f"the process stopped unexpectedly (exit {child.exitcode})"
        if waited >= STALL:
            return "crashed", f"no documents for {STALL:.0f} s"


def _child_main(
    batches: Batches,
    prepare: Callable[[dict[str, Any]], Any],
    after_fork: Callable[[], None],
    channel: Any,
) -> None:
    # The parent decides when this process stops; what the fork inherited is the
    # parent's, and the collector must never finalise it here.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    gc.freeze()
    end: tuple[str, Any] = ("done", None)
    try:
        after_fork()
        for batch in batches():
            channel.put(("batch", [prepare(doc) for doc in batch]))
    except Exception as exc:  # noqa: BLE001 — reported to the parent, which raises it
        log.exception("making search documents failed")
        end = ("crashed", f"{type(exc).__name__}: {exc}")
    channel.put(end)
    channel.close()
    channel.join_thread()
