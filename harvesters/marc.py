"""MARC harvesting: each record of a file as an outcome to store, read in a second
process when the file is large.

Reading the files is `marc_reading`'s and finding them `marc_sources`'s; this module
turns what they read into what the harvest stores, in batches.

A large file is read and crosswalked in a second process while the harvest's own
process stores what it has already been given (`file_outcomes`): on two cores the
two halves of the work overlap. The store and the run's bookkeeping never leave the
harvest's process, and the queue between the two is bounded, so memory stays flat.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing as mp
import queue
import signal
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from catalogue.runs import HarvestedItem
from harvesters.crosswalk import CrosswalkError, marc_to_record
from harvesters.errors import HarvestFailed
from harvesters.marc_reading import (
    MarcEntry,
    is_marcxml,
    iso2709_position,
    iter_chunks,
    parse_chunk,
    read_file,
)
from harvesters.marc_reading import decode_utf8 as decode_utf8
from harvesters.marc_reading import read_iso2709 as read_iso2709
from harvesters.marc_reading import read_marcxml as read_marcxml
from harvesters.marc_sources import MarcFile
from harvesters.marc_sources import download as download
from harvesters.marc_sources import is_url as is_url
from harvesters.marc_sources import local_files as local_files

log = logging.getLogger(__name__)


@dataclass
class MarcFailure:
    """A record that cannot be stored: where it is, why, and its bytes as read."""

    position: str
    reason: str
    raw: bytes
    record_id: str = ""


MarcOutcome = HarvestedItem | MarcFailure


def marc_outcome(
    entry: MarcEntry, source_key: str, modified: datetime | None = None
) -> MarcOutcome:
    """One entry of a MARC file as an item to save, or why it cannot be saved."""
    if entry.marc is None:
        return MarcFailure(entry.position, entry.error, entry.raw)
    control = entry.marc.get("001")
    local_id = (control.data or "").strip() if control is not None else ""
    if not local_id:
        return MarcFailure(entry.position, "record has no 001 control number", entry.raw)
    if entry.marc.leader[5:6] == "d":
        return HarvestedItem(
            local_id, entry.raw, entry.raw_format, None, deleted=True, datestamp=modified
        )
    try:
        record = marc_to_record(
            entry.marc,
            source_key=source_key,
            local_id=local_id,
            datestamp=modified,
            raw_format=entry.raw_format,
        )
    except CrosswalkError as exc:
        return MarcFailure(entry.position, str(exc), entry.raw, local_id)
    return HarvestedItem(local_id, entry.raw, entry.raw_format, record, datestamp=modified)


def read_outcomes(path: Path, label: str, source_key: str, modified: datetime | None):
    """Every record of one file as an outcome, in file order (in this process)."""
    for entry in read_file(path, label):
        yield marc_outcome(entry, source_key, modified)


# Files smaller than this are read in the harvest's own process: starting a second
# process costs more than it saves (about 900 records a MiB).
PIPELINE_MIN_BYTES = 1 << 20
READER_CHUNK = 100  # records per hand-over: small, so idle time is found and filled soon
QUEUE_CHUNKS = 16  # chunks of outcomes in flight between the two processes
WAIT = 1.0  # seconds between checks that the reader process is still alive
STALL = 600.0  # seconds without a chunk after which a live reader counts as hung
GC_YOUNG = 20_000  # allocations between young collections while harvesting (default 700)


def file_outcomes(f: MarcFile, source_key: str, chunk: int | None = None) -> Iterator[MarcOutcome]:
    """The file's outcomes in file order, read in a second process when that pays.

    Either way the caller sees the same outcomes in the same order, and a file that
    breaks part-way (MARCXML that is not well-formed) raises HarvestFailed after every
    outcome read before the break. Close the iterator to stop the reader early.
    """
    if not _pipeline_pays(f.path):
        yield from read_outcomes(f.path, f.label, source_key, f.modified)
        return
    yield from _outcomes_from_reader(f, source_key, max(1, chunk or READER_CHUNK))


def _pipeline_pays(path: Path) -> bool:
    """Large ISO 2709 files on Linux, from a process allowed to have children.

    The reader is forked: it starts at once with everything imported, and re-runs
    nothing of the caller's main module. Only ISO 2709 is read there (pymarc and the
    crosswalk, pure Python): MARCXML needs lxml, whose C-level locks another harvest
    thread may hold at the moment of the fork.
    """
    try:
        big = path.stat().st_size >= PIPELINE_MIN_BYTES
    except OSError:
        return False  # reading it will say what is wrong
    return (
        big
        and sys.platform.startswith("linux")
        and not mp.current_process().daemon  # daemonic processes cannot start children
        and not is_marcxml(path)
    )


def _outcomes_from_reader(f: MarcFile, source_key: str, chunk: int) -> Iterator[MarcOutcome]:
    ctx = mp.get_context("fork")
    channel = ctx.Queue(maxsize=QUEUE_CHUNKS)  # bounded: the reader waits for the store
    idle = ctx.Event()  # set while this process waits, having nothing to store
    reader = ctx.Process(
        target=_reader_main,
        args=(str(f.path), f.label, source_key, f.modified, chunk, channel, idle),
        name="thuvien-marc-reader",
        daemon=True,
    )
    reader.start()
    try:
        while True:
            message = _next_message(channel, reader, f.label, idle)
            if message[0] == "outcomes":
                yield from message[1]
            elif message[0] == "raw":  # we were idle: the reader left this chunk to us
                yield from _raw_outcomes(message[1], f, source_key)
            elif message[0] == "done":
                return
            else:
                raise HarvestFailed(f"internal error in the MARC reader: {message[1]}")
    finally:
        if reader.is_alive():  # stopped early (the store failed, or the caller closed us)
            reader.terminate()
            reader.join(timeout=10)
            if reader.is_alive():
                reader.kill()
        reader.join()
        channel.close()
        channel.cancel_join_thread()


def _next_message(channel, reader, label: str, idle) -> tuple:
    try:
        return channel.get_nowait()
    except queue.Empty:
        idle.set()  # waiting: the reader may leave us its next chunk to do ourselves
    try:
        return _wait_for_message(channel, reader, label)
    finally:
        idle.clear()


def _wait_for_message(channel, reader, label: str) -> tuple:
    waited = 0.0
    while True:
        try:
            return channel.get(timeout=WAIT)
        except queue.Empty:
            waited += WAIT
            if reader.is_alive() and waited < STALL:
                continue
        if reader.is_alive():
            raise HarvestFailed(
                f"the MARC reader process sent nothing for {STALL:.0f} s", position=label
            )
        try:  # it ended: anything it sent before is already in the pipe
            return channel.get(timeout=WAIT)
        except queue.Empty:
            raise HarvestFailed(
                f"the MARC reader process stopped unexpectedly (exit code {reader.exitcode})",
                position=label,
            ) from None


def _raw_outcomes(
    raws: list[tuple[int, int, bytes]], f: MarcFile, source_key: str
) -> Iterator[MarcOutcome]:
    for number, offset, raw in raws:
        entry = parse_chunk(raw, iso2709_position(f.label, number, offset))
        yield marc_outcome(entry, source_key, f.modified)


def _reader_main(
    path: str,
    label: str,
    source_key: str,
    modified: datetime | None,
    chunk: int,
    channel,
    idle,
) -> None:
    """The second process: read and crosswalk, hand over chunks, then say how it ended.

    Work is shared by need: when the harvest's process has stored everything and waits
    (`idle`), the next chunk goes over as it was read, for it to parse and crosswalk
    itself. Whoever does the work, the outcomes are the same, in file order.
    """
    # The harvest's process decides when this one stops (Ctrl-C reaches both; its
    # handlers, inherited by the fork, are not ours).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # What the fork inherited is the harvest's, not ours: the collector must never
    # finalise it here (a database connection closed by the child closes the parent's).
    gc.freeze()
    gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])  # see harvesters.runner
    end: tuple = ("done",)
    try:
        with open(path, "rb") as fh:
            raws: list[tuple[int, int, bytes]] = []
            for number, (offset, raw) in enumerate(iter_chunks(fh), start=1):
                raws.append((number, offset, raw))
                if len(raws) >= chunk:
                    _hand_over(raws, label, source_key, modified, channel, idle)
                    raws = []
            if raws:
                _hand_over(raws, label, source_key, modified, channel, idle)
    except Exception as exc:  # noqa: BLE001 — reported to the harvest, which records it
        log.exception("MARC reader of %s crashed", label)
        end = ("crashed", f"{type(exc).__name__}: {exc}")
    channel.put(end)
    channel.close()
    channel.join_thread()


def _hand_over(
    raws: list[tuple[int, int, bytes]],
    label: str,
    source_key: str,
    modified: datetime | None,
    channel,
    idle,
) -> None:
    if idle.is_set():  # the harvest's process is waiting for work: let it do this chunk
        idle.clear()
        channel.put(("raw", raws))
        return
    outcomes: list[MarcOutcome] = []
    try:
        for number, offset, raw in raws:
            entry = parse_chunk(raw, iso2709_position(label, number, offset))
            outcomes.append(marc_outcome(entry, source_key, modified))
    finally:  # a crash part-way still delivers the records read before it
        channel.put(("outcomes", outcomes))
