"""The MARC harvester: pymarc's own sample files, folders, URLs, and broken input."""

from __future__ import annotations

import os
import shutil
import unicodedata
from email.utils import format_datetime, parsedate_to_datetime
from importlib.metadata import version
from pathlib import Path

import pymarc
import pytest

from catalogue.settings import HarvestSettings
from catalogue.sources import Source
from catalogue.store import Store
from harvesters.marc import read_file
from harvesters.runner import HarvestOptions, harvest_source
from tests.support.http import serve_wsgi

SAMPLES = Path(__file__).resolve().parents[2] / ".cache" / f"pymarc-{version('pymarc')}" / "test"
FAST = HarvestSettings(timeout=2, max_retries=1, backoff=0.01, max_retry_after=0.05, batch_size=4)


@pytest.fixture(scope="module")
def samples() -> Path:
    if not SAMPLES.is_dir():
        pytest.fail(
            f"pymarc's sample files are missing at {SAMPLES}: run scripts/install.sh --test"
        )
    return SAMPLES


@pytest.fixture
def store(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'cat.sqlite'}")
    yield store
    store.close()


def harvest(store, url, key="dhqg", full=False):
    source = Source(key=key, name="Thư viện ĐHQG", type="marc", url=str(url))
    store.put_source(source)
    return harvest_source(store, source, FAST, HarvestOptions(full=full, progress=False))


def marc(local_id: str, title: str | None, *, deleted=False, utf8=True) -> pymarc.Record:
    record = pymarc.Record(force_utf8=utf8)
    if deleted:
        record.leader = pymarc.Leader(str(record.leader)[:5] + "d" + str(record.leader)[6:])
    record.add_field(pymarc.Field(tag="001", data=local_id))
    if title is not None:
        record.add_field(
            pymarc.Field(
                tag="245",
                indicators=pymarc.Indicators("1", "0"),
                subfields=[pymarc.Subfield("a", title)],
            )
        )
    return record


def write(path: Path, *records: pymarc.Record) -> Path:
    path.write_bytes(b"".join(r.as_marc() for r in records))
    return path


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("test.dat", 10),
        ("batch.xml", 2),
        ("marc8.dat", 1),
        ("regression45.dat", 12),
        ("utf8_with_leader_flag.dat", 1),
        ("diacritic.dat", 1),
        ("utf8.xml", 1),
    ],
)
def test_pymarc_sample_files_load_with_their_record_counts(
    samples, store, tmp_path, name, expected
):
    source_file = tmp_path / name
    shutil.copy(samples / name, source_file)
    run = harvest(store, source_file)
    assert run.status == "succeeded", run.message
    assert (run.added, run.failed) == (expected, 0), [e.reason for e in run.errors]
    assert store.count_records("dhqg") == expected


def test_pymarc_bad_records_are_each_recorded_and_reading_goes_on(samples):
    entries = list(read_file(samples / "bad_records.mrc", "bad_records.mrc"))
    # pymarc's own test expects: good, 6 broken, good, truncated.
    assert [e.marc is not None for e in entries] == [True] + [False] * 6 + [True, False]
    assert "truncated" in entries[-1].error
    assert all(e.position.startswith("bad_records.mrc, record ") for e in entries)


def test_marc8_is_decoded_to_nfc(samples, store, tmp_path):
    shutil.copy(samples / "marc8.dat", tmp_path / "marc8.dat")
    harvest(store, tmp_path / "marc8.dat")
    record = next(iter(store.iter_records()))
    for text in [record.title, *record.authors, *record.subjects]:
        assert text == unicodedata.normalize("NFC", text)
    assert record.raw_format == "marc21"


def test_one_broken_record_is_recorded_and_the_rest_load(store, tmp_path):
    good = [marc(str(i), f"Sách số {i}") for i in range(1, 8)]
    data = b"".join(r.as_marc() for r in good)
    broken = marc("99", "Hỏng").as_marc()
    bad_utf8 = marc("98", "Tiếng Việt").as_marc().replace("ế".encode(), b"\xff\xfe\xfd")
    truncated = marc("97", "Cụt").as_marc()[:-20]
    path = tmp_path / "mixed.mrc"
    path.write_bytes(
        data[: len(good[0].as_marc())]
        + b"0000x"
        + broken[5:]
        + bad_utf8
        + data[len(good[0].as_marc()) :]
        + marc("96", None).as_marc()
        + truncated
    )
    run = harvest(store, path)
    assert run.status == "succeeded"
    assert run.added == 7
    reasons = [e.reason for e in run.errors]
    assert len(reasons) == 4
    assert "record length" in reasons[0]
    assert "invalid UTF-8" in reasons[1]
    assert "title" in reasons[2]
    assert "truncated" in reasons[3]
    assert (
        run.errors[1].position == f"{path}, record 3 (byte {len(good[0].as_marc()) + len(broken)})"
    )
    assert run.errors[1].raw.startswith(bad_utf8[:5])


def test_folder_source_and_incremental_by_file_time(store, tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    first = write(folder / "a.mrc", marc("1", "Truyện Kiều"), marc("2", "Số đỏ"))
    second = write(folder / "b.mrc", marc("3", "Chí Phèo"), marc("1", "Truyện Kiều"))
    (folder / "notes.txt").write_text("not MARC")
    run = harvest(store, folder)
    assert (run.added, run.unchanged, run.failed) == (3, 1, 0)
    again = harvest(store, folder)
    assert again.mode == "incremental" and again.pages == 0 and again.added == 0
    write(
        second, marc("3", "Chí Phèo (tái bản)"), marc("4", "Lão Hạc"), marc("2", None, deleted=True)
    )
    later = os.stat(first).st_mtime + 5
    os.utime(second, (later, later))
    third = harvest(store, folder)
    assert (third.added, third.updated, third.deleted) == (1, 1, 1)
    assert store.get_record("dhqg:3").title == "Chí Phèo (tái bản)"
    assert store.get_record("dhqg:2").deleted
    full = harvest(
        store, folder, full=True
    )  # files are read in name order: b.mrc has the last word
    assert full.mode == "full" and full.status == "succeeded"
    assert store.get_record("dhqg:2").deleted and store.count_records("dhqg") == 3


def marc_file_app(state):
    """A library's web server publishing its MARC export, honouring If-Modified-Since."""

    def app(environ, start_response):
        state["requests"].append(environ.get("HTTP_IF_MODIFIED_SINCE"))
        since = environ.get("HTTP_IF_MODIFIED_SINCE")
        if since and parsedate_to_datetime(since) >= state["modified"]:
            start_response("304 Not Modified", [])
            return [b""]
        start_response(
            "200 OK",
            [
                ("Content-Type", "application/marc"),
                ("Last-Modified", format_datetime(state["modified"], usegmt=True)),
            ],
        )
        return [state["body"]]

    return app


def test_url_source_asks_only_for_changes(store, tmp_path):
    from datetime import UTC, datetime

    body = b"".join(marc(str(i), f"Bản đồ Hà Nội {i}").as_marc() for i in range(1, 6))
    state = {"body": body, "modified": datetime(2026, 5, 1, tzinfo=UTC), "requests": []}
    with serve_wsgi(marc_file_app(state)) as base:
        run = harvest(store, f"{base}/export.mrc")
        assert run.added == 5 and run.status == "succeeded"
        again = harvest(store, f"{base}/export.mrc")
    assert again.status == "succeeded" and again.pages == 0
    assert state["requests"][0] is None and state["requests"][1] is not None


def test_marcxml_with_a_doctype_is_refused(store, tmp_path):
    path = tmp_path / "evil.xml"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<collection xmlns="http://www.loc.gov/MARC21/slim"><record>'
        '<controlfield tag="001">1</controlfield><datafield tag="245" ind1="0" ind2="0">'
        '<subfield code="a">&x;</subfield></datafield></record></collection>'
    )
    run = harvest(store, path)
    assert run.status == "failed" and "DOCTYPE" in run.message
    assert store.count_records() == 0


def test_malformed_marcxml_keeps_what_came_before(store, tmp_path):
    records = "".join(
        f'<record><controlfield tag="001">{i}</controlfield><datafield tag="245" ind1="0" '
        f'ind2="0"><subfield code="a">Sách {i}</subfield></datafield></record>'
        for i in range(1, 10)
    )
    path = tmp_path / "broken.xml"
    path.write_text(f'<collection xmlns="http://www.loc.gov/MARC21/slim">{records}<record><oops')
    run = harvest(store, path)
    assert run.status == "failed" and "not well-formed" in run.message
    assert store.count_records() == 9
    assert "after record 9" in run.errors[-1].position


def test_missing_file_fails_cleanly(store, tmp_path):
    run = harvest(store, tmp_path / "nowhere.mrc")
    assert run.status == "failed" and "not found" in run.message
