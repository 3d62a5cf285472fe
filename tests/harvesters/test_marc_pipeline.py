"""Large MARC files: read and crosswalked in a second process, stored in the harvest's.

The second process must change nothing but the speed: the same outcomes in the same
order, bad records recorded with their positions, and a reader that crashes or dies
fails the run without losing what was stored before.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import random
import warnings
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import pymarc
import pytest

from catalogue.settings import HarvestSettings
from catalogue.sources import Source
from catalogue.store import Store
from harvesters import marc as marc_files
from harvesters.demo.generator import generate
from harvesters.runner import HarvestOptions, harvest_source

SAMPLES = Path(__file__).resolve().parents[2] / ".cache" / f"pymarc-{version('pymarc')}" / "test"
CHUNK = 100
SETTINGS = HarvestSettings(timeout=2, max_retries=0, batch_size=CHUNK)


def demo_marc(count: int) -> list[bytes]:
    records = []
    for sample in generate(works=count).all_records():
        if sample.marc is not None:
            records.append(sample.marc.as_marc())
            if len(records) == count:
                break
    return records


def record(local_id: str | None, title: str | None, *, deleted=False) -> bytes:
    marc = pymarc.Record(force_utf8=True)
    if deleted:
        marc.leader = pymarc.Leader(str(marc.leader)[:5] + "d" + str(marc.leader)[6:])
    if local_id is not None:
        marc.add_field(pymarc.Field(tag="001", data=local_id))
    if title is not None:
        subfields = [pymarc.Subfield("a", title)]
        marc.add_field(pymarc.Field(tag="245", indicators=pymarc.Indicators("1", "0"),
                                    subfields=subfields))  # fmt: skip
    return marc.as_marc()


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> Path:
    """~1,000 demo records with broken ones among them, across several chunks."""
    good = demo_marc(1000)
    bad_length = b"00099" + good[5][5:]  # the leader lies about the length
    bad_utf8 = record("bad-utf8", "Sách")
    bad_utf8 = bad_utf8.replace("Sách".encode(), b"S\xe1\xe1ch")  # same length, not UTF-8
    marc8 = pymarc.Record()  # leader/09 blank: MARC-8, which pymarc decodes itself
    marc8.add_field(pymarc.Field(tag="001", data="marc8-1"))
    title = [pymarc.Subfield("a", "Plain ASCII title")]
    marc8.add_field(pymarc.Field(tag="245", indicators=pymarc.Indicators("0", "0"),
                                 subfields=title))  # fmt: skip
    extras = {
        7: bad_length,
        150: bad_utf8,
        260: record(None, "No control number"),
        420: record("no-title", None),
        555: record("gone-1", None, deleted=True),
        700: marc8.as_marc(),
    }
    records = []
    for index, raw in enumerate(good):
        records.append(raw)
        if index in extras:
            records.append(extras[index])
    records.append(b"00042nam  2200000   4500")  # a truncated tail
    path = tmp_path_factory.mktemp("exports") / "export.mrc"
    path.write_bytes(b"".join(records))
    EXPORTED[:] = records
    return path


EXPORTED: list[bytes] = []  # the export's records, in file order


@pytest.fixture
def pipeline(monkeypatch):
    """Every file goes through the reader process; counts the times it was used."""
    used = []
    original = marc_files._outcomes_from_reader

    def spy(*args):
        used.append(args[0].label)
        return original(*args)

    monkeypatch.setattr(marc_files, "PIPELINE_MIN_BYTES", 0)
    monkeypatch.setattr(marc_files, "READER_CHUNK", CHUNK)
    monkeypatch.setattr(marc_files, "_outcomes_from_reader", spy)
    return used


def a_file(path: Path) -> marc_files.MarcFile:
    return marc_files.MarcFile(str(path), path, datetime(2026, 1, 2, tzinfo=UTC))


def test_reader_process_gives_the_same_outcomes_in_the_same_order(export, pipeline):
    here = list(marc_files.read_outcomes(export, str(export), "lib", a_file(export).modified))
    there = list(marc_files.file_outcomes(a_file(export), "lib", CHUNK))
    assert pipeline == [str(export)]
    assert len(there) == len(here) == 1007
    assert there == here
    failures = [o for o in there if isinstance(o, marc_files.MarcFailure)]
    reasons = [f.reason for f in failures]
    assert reasons[0].startswith("record length in leader ('00099') does not match")
    assert reasons[1].startswith("invalid UTF-8")
    assert reasons[2:] == [
        "record has no 001 control number",
        "no title: 245 $a (or $k) is missing or empty",
        "truncated record (no record terminator)",
    ]
    assert [f.record_id for f in failures] == ["", "", "", "no-title", ""]
    deleted = [o for o in there if not isinstance(o, marc_files.MarcFailure) and o.deleted]
    assert [d.local_id for d in deleted] == ["gone-1"]


def test_bad_records_are_recorded_with_positions_and_the_stores_match(export, tmp_path, pipeline):
    def harvest(name: str):
        store = Store(f"sqlite:///{tmp_path / name}")
        source = Source("lib", "Thư viện", "marc", str(export))
        store.put_source(source)
        run = harvest_source(store, source, SETTINGS, HarvestOptions(progress=False))
        return store, run

    piped_store, piped = harvest("piped.sqlite")
    assert pipeline == [str(export)]
    pipeline.clear()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(marc_files, "PIPELINE_MIN_BYTES", 1 << 40)  # read here, as before
        here_store, here = harvest("here.sqlite")
    assert pipeline == []

    assert piped.status == here.status == "succeeded"
    counts = [(r.added, r.deleted, r.failed, r.pages) for r in (piped, here)]
    assert counts[0] == counts[1] == (1001, 1, 5, counts[1][3])
    errors = [[(e.position, e.reason, e.raw, e.record_id) for e in r.errors] for r in (piped, here)]
    assert errors[0] == errors[1]
    positions = [e[0] for e in errors[0]]
    assert positions[0] == f"{export}, record 9 (byte {sum(map(len, EXPORTED[:8]))})"
    assert positions[-1] == f"{export}, record 1007 (byte {sum(map(len, EXPORTED[:-1]))})"
    stored = [
        sorted((r.id, r.to_dict().__repr__()) for r in s.iter_records())
        for s in (piped_store, here_store)
    ]
    assert stored[0] == stored[1] and len(stored[0]) == 1001
    piped_store.close()
    here_store.close()


def nth_call(count: int, then):
    """A stand-in for the reader's _hand_over that does `then(channel)` on its `count`th
    call (the reader is forked, so it runs this stand-in)."""
    original = marc_files._hand_over
    calls = [0]

    def hand_over(*args):
        calls[0] += 1
        if calls[0] == count:
            then(args[4])
        return original(*args)

    return hand_over


def harvest_broken_reader(tmp_path, export, monkeypatch, then):
    monkeypatch.setattr(marc_files, "_hand_over", nth_call(3, then))  # in the forked reader
    store = Store(f"sqlite:///{tmp_path / 'cat.sqlite'}")
    source = Source("lib", "Thư viện", "marc", str(export))
    store.put_source(source)
    run = harvest_source(store, source, SETTINGS, HarvestOptions(progress=False))
    return store, run


def test_a_reader_that_dies_fails_the_run_and_keeps_what_was_stored(
    tmp_path, export, monkeypatch, pipeline
):
    def die(channel):
        channel.close()
        channel.join_thread()  # what it handed over is in the pipe; then it is gone
        os._exit(7)

    store, run = harvest_broken_reader(tmp_path, export, monkeypatch, die)
    assert run.status == "failed"
    assert run.message == "the MARC reader process stopped unexpectedly (exit code 7)"
    assert run.errors[-1].position == str(export)
    # Two chunks were handed over before it died: every record of them is kept (two
    # of them bad, recorded), plus the run's own failure.
    assert (run.added, run.failed) == (2 * CHUNK - 2, 3)
    assert store.count_records() == run.added
    assert not mp.active_children()
    store.close()


def test_a_reader_that_crashes_is_recorded_and_what_came_before_is_kept(
    tmp_path, export, monkeypatch, pipeline
):
    def crash(_channel):
        raise RuntimeError("disk went away")

    store, run = harvest_broken_reader(tmp_path, export, monkeypatch, crash)
    assert run.status == "failed"
    assert run.message == "internal error in the MARC reader: RuntimeError: disk went away"
    assert run.errors[-1].reason == run.message
    assert (run.added, run.failed) == (2 * CHUNK - 2, 3)
    assert store.count_records() == run.added
    assert not mp.active_children()
    store.close()


def test_a_store_that_fails_stops_the_reader_and_the_run_is_recorded(
    tmp_path, export, monkeypatch, pipeline
):
    store = Store(f"sqlite:///{tmp_path / 'cat.sqlite'}")
    source = Source("lib", "Thư viện", "marc", str(export))
    store.put_source(source)
    original, calls = store.save_items, [0]

    def failing_save(*args, **kwargs):
        calls[0] += 1
        if calls[0] >= 3:  # from the third batch on
            raise OSError("database disk image is malformed")
        return original(*args, **kwargs)

    monkeypatch.setattr(store, "save_items", failing_save)
    before = gc.get_threshold()
    run = harvest_source(store, source, SETTINGS, HarvestOptions(progress=False))
    assert run.status == "failed" and "database disk image is malformed" in run.message
    assert store.count_records() == run.added == 2 * CHUNK  # two batches of 100 records
    assert not mp.active_children()  # the reader was stopped, not left running
    assert gc.get_threshold() == before  # the harvest's collector settings are undone
    store.close()


# -- the fast UTF-8 decoder is pymarc's decoding, field for field -----------------------


def shape(record: pymarc.Record) -> tuple:
    return (
        str(record.leader),
        type(record.leader),
        record.pos,
        record.force_utf8,
        record.to_unicode,
        [
            (
                type(f),
                f.tag,
                f.control_field,
                f.data,
                f.indicators,
                type(f.indicators),
                [(type(s), tuple(s)) for s in f.subfields],
            )
            for f in record.fields
        ],
    )


def pymarc_decoded(chunk: bytes) -> pymarc.Record | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return pymarc.Record(chunk, to_unicode=True, utf8_handling="strict")
        except Exception:  # noqa: BLE001 — any failure: the fast path must decline too
            return None


def chunks_of(path: Path) -> list[bytes]:
    with path.open("rb") as fh:
        return [chunk.lstrip(b"\r\n") for _, chunk in marc_files.iter_chunks(fh)]


def test_fast_decoding_equals_pymarc_on_its_own_samples_and_the_demo(export):
    if not SAMPLES.is_dir():
        pytest.fail(f"pymarc's sample files are missing at {SAMPLES}: scripts/install.sh --test")
    chunks = chunks_of(export)
    for name in ("test.dat", "bad_records.mrc", "utf8_with_leader_flag.dat", "diacritic.dat",
                 "bad_indicator.dat", "bad_subfield_code.dat", "utf8_invalid.mrc",
                 "utf8_errors.dat", "marc8.dat", "regression45.dat"):  # fmt: skip
        chunks += chunks_of(SAMPLES / name)
    fast = 0
    for chunk in chunks:
        decoded = marc_files.decode_utf8(chunk)
        if decoded is not None:
            fast += 1
            reference = pymarc_decoded(chunk)
            assert reference is not None and shape(decoded) == shape(reference)
    assert fast >= 1000  # the demo's records all take the fast path


def test_fast_decoding_declines_whatever_pymarc_would_refuse_or_warn_about(export):
    rng = random.Random(2026)
    chunks = chunks_of(export)[:400]
    tried = declined = 0
    for chunk in chunks:
        for _ in range(4):
            broken = bytearray(chunk)
            for _ in range(rng.randint(1, 3)):
                broken[rng.randrange(len(broken))] = rng.choice(
                    [0x1E, 0x1F, 0x1D, 0x20, 0x30, 0xC3, 0xFF, 0x41, rng.randrange(256)]
                )
            broken = bytes(broken)
            tried += 1
            decoded = marc_files.decode_utf8(broken)
            if decoded is None:
                declined += 1
                continue
            reference = pymarc_decoded(broken)
            assert reference is not None, broken
            assert shape(decoded) == shape(reference)
    assert 0 < declined < tried
