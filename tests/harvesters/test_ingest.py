"""Ingest of digital objects through real harvests: files from a real HTTP server and from
real folders, stored content-addressed under the data directory, failures recorded."""

from __future__ import annotations

import hashlib
import io
import os
import threading
import time
import wave
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pymarc
import pytest
import pyvips
from werkzeug.wrappers import Request, Response

from catalogue.settings import HarvestSettings
from catalogue.sources import Source
from catalogue.store import Store
from harvesters.demo.server import serve_wsgi
from harvesters.ingest_checks import IngestError, resolve_location, sniff_mime
from harvesters.runner import HarvestOptions, harvest_source
from harvesters.stored_copies import file_sha256, pyramid_path, write_pyramid

SETTINGS = HarvestSettings(
    timeout=2, max_retries=0, backoff=0.01, object_timeout=0.6, object_max_bytes=200_000
)


def jpeg(width: int = 300, height: int = 200) -> bytes:
    image = pyvips.Image.xyz(width, height)
    image = (image[0] % 256).bandjoin([image[1] % 256, (image[0] + image[1]) % 256])
    return image.cast("uchar").copy(interpretation="srgb").jpegsave_buffer(Q=80)


def wav(seconds: float = 1.5) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x10" * int(8000 * seconds))
    return buffer.getvalue()


@dataclass
class Files:
    url: str
    hits: Counter


@pytest.fixture(scope="module")
def files() -> Iterator[Files]:
    """A library's file server: good files, errors, slowness, lies, loops."""
    page = jpeg()
    hits: Counter = Counter()
    lock = threading.Lock()

    @Request.application
    def app(request: Request) -> Response:
        with lock:
            hits[request.path] += 1
        path = request.path
        if path == "/files/page.jpg":
            return Response(page, mimetype="image/jpeg")
        if path == "/files/chapter.wav":
            return Response(wav(), mimetype="audio/wav")
        if path == "/files/slow.jpg":
            time.sleep(3)
            return Response(page, mimetype="image/jpeg")
        if path == "/files/error-page.jpg":  # a CMS answering 200 with its error page
            return Response("<!DOCTYPE html><html><body>Not here</body></html>", 200,
                            mimetype="image/jpeg")  # fmt: skip
        if path == "/files/huge.jpg":
            return Response(page + b"\x00" * 300_000, mimetype="image/jpeg")
        if path == "/files/huge-chunked.jpg":
            body = iter([page] + [b"\x00" * 50_000] * 8)  # no Content-Length
            return Response(body, mimetype="image/jpeg")
        if path == "/files/moved.jpg":
            return Response("", 302, headers={"Location": "/files/page.jpg"})
        if path == "/files/loop.jpg":
            return Response("", 302, headers={"Location": "/files/loop.jpg"})
        return Response("not found", 404)

    with serve_wsgi(app) as url:
        yield Files(url, hits)


def marc_record(local_id: str, title: str, links: list[tuple[str, str]]) -> pymarc.Record:
    record = pymarc.Record(force_utf8=True)
    record.add_field(pymarc.Field(tag="001", data=local_id))
    record.add_field(
        pymarc.Field(
            tag="245",
            indicators=pymarc.Indicators("0", "0"),
            subfields=[pymarc.Subfield("a", title)],
        )
    )
    for label, url in links:
        record.add_field(
            pymarc.Field(
                tag="856",
                indicators=pymarc.Indicators("4", "0"),
                subfields=[pymarc.Subfield("3", label), pymarc.Subfield("u", url)],
            )
        )
    return record


def write_marc(path: Path, records: list[pymarc.Record]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(r.as_marc() for r in records))
    # Each write must look newer than the last harvest's watermark.
    stamp = time.time() + 1
    os.utime(path, (stamp, stamp))


@dataclass
class Library:
    folder: Path
    data_dir: Path
    store: Store
    source: Source

    def harvest(self, full: bool = False):
        settings = replace(SETTINGS, data_dir=self.data_dir)
        return harvest_source(
            self.store, self.source, settings, HarvestOptions(full=full, progress=False)
        )

    def objects(self, record_id: str):
        record = self.store.get_record(record_id)
        assert record is not None, f"{record_id} must still be loaded"
        return record.digital_objects


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    folder = tmp_path / "library"
    folder.mkdir()
    data_dir = tmp_path / "data"
    store = Store(f"sqlite:///{tmp_path / 'thuvien.sqlite'}")
    source = Source("lib", "Thư viện thử", "marc", str(folder / "export.mrc"))
    store.put_source(source)
    yield Library(folder, data_dir, store, source)
    store.close()


def errors_by_record(run) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for error in run.errors:
        out.setdefault(error.record_id, []).append(error.reason)
    return out


# -- good files ---------------------------------------------------------------------------


def test_image_over_http_is_stored_checksummed_and_measured(library, files) -> None:
    url = f"{files.url}/files/page.jpg"
    write_marc(library.folder / "export.mrc", [marc_record("r1", "Ảnh", [("Trang 1", url)])])
    run = library.harvest()
    assert (run.status, run.added, run.failed) == ("succeeded", 1, 0), run.errors
    [obj] = library.objects("lib:r1")
    body = jpeg()
    sha = hashlib.sha256(body).hexdigest()
    assert obj.location == url  # the library's address is kept as given
    assert (obj.sha256, obj.bytes, obj.mime_type) == (sha, len(body), "image/jpeg")
    assert (obj.width, obj.height) == (300, 200)
    assert obj.stored_path == f"objects/{sha[:2]}/{sha}.jpg"
    assert (library.data_dir / obj.stored_path).read_bytes() == body
    assert not (library.data_dir / pyramid_path(obj.stored_path)).exists()  # small: no pyramid


def test_audio_from_the_source_folder_gets_its_duration(library) -> None:
    (library.folder / "audio" / "r2").mkdir(parents=True)
    (library.folder / "audio" / "r2" / "chapter-01.wav").write_bytes(wav(1.5))
    records = [marc_record("r2", "Sách nói", [("Chương 1", "audio/r2/chapter-01.wav")])]
    write_marc(library.folder / "export.mrc", records)
    run = library.harvest()
    assert run.failed == 0, run.errors
    [obj] = library.objects("lib:r2")
    assert obj.mime_type == "audio/wav" and obj.duration == pytest.approx(1.5, abs=0.01)
    assert obj.sha256 == file_sha256(library.folder / "audio" / "r2" / "chapter-01.wav")
    assert (library.data_dir / obj.stored_path).is_file()


def test_large_image_also_becomes_a_pyramidal_tiff(library) -> None:
    (library.folder / "maps").mkdir()
    pyvips.Image.black(2600, 1200).jpegsave(str(library.folder / "maps" / "big.jpg"))
    write_marc(library.folder / "export.mrc", [marc_record("m1", "Bản đồ", [("", "maps/big.jpg")])])
    settings_limit = replace(SETTINGS, object_max_bytes=10_000_000)
    run = harvest_source(
        library.store,
        library.source,
        replace(settings_limit, data_dir=library.data_dir),
        HarvestOptions(progress=False),
    )
    assert run.failed == 0, run.errors
    [obj] = library.objects("lib:m1")
    pyramid = library.data_dir / pyramid_path(obj.stored_path)
    assert (obj.width, obj.height) == (2600, 1200)
    tiff = pyvips.Image.new_from_file(str(pyramid))
    assert tiff.get("n-pages") > 1 and tiff.width == 2600


def test_redirect_is_followed(library, files) -> None:
    url = f"{files.url}/files/moved.jpg"
    write_marc(library.folder / "export.mrc", [marc_record("r3", "Ảnh", [("", url)])])
    assert library.harvest().failed == 0
    [obj] = library.objects("lib:r3")
    assert obj.mime_type == "image/jpeg" and obj.stored_path


# -- failures: recorded on the run, the record still loads ------------------------------------


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/files/missing.jpg", "HTTP 404"),
        ("/files/slow.jpg", "no answer within 0.6s"),
        ("/files/error-page.jpg", "not an image"),
        ("/files/huge.jpg", "too big"),
        ("/files/huge-chunked.jpg", "too big"),
        ("/files/loop.jpg", "redirects"),
    ],
)
def test_a_failed_object_is_a_run_error_and_the_record_loads(library, files, path, reason):
    url = f"{files.url}{path}"
    good = f"{files.url}/files/page.jpg"
    records = [marc_record("bad", "Hỏng", [("Trang 1", good), ("Trang 2", url)])]
    write_marc(library.folder / "export.mrc", records)
    started = time.monotonic()
    run = library.harvest()
    assert time.monotonic() - started < 2.5  # the slow file is given up on, not waited out
    assert (run.status, run.added, run.failed) == ("succeeded", 1, 1)
    [error] = run.errors
    assert error.record_id == "lib:bad" and reason in error.reason, error.reason
    assert path in error.position
    first, second = library.objects("lib:bad")
    assert first.stored_path and not second.stored_path and not second.sha256
    assert not list((library.data_dir / "objects" / ".incoming").iterdir())  # no leftovers


def test_paths_outside_the_source_folder_are_refused(library, tmp_path) -> None:
    secret = tmp_path / "secret.jpg"
    secret.write_bytes(jpeg())
    (library.folder / "escape.jpg").symlink_to(secret)
    (library.folder / "inside.jpg").write_bytes(jpeg())
    links = [
        ("ok", "inside.jpg"),
        ("up", "../secret.jpg"),
        ("encoded", "%2E%2E/secret.jpg"),
        ("absolute", str(secret)),
        ("link", "escape.jpg"),
        ("scheme", "file:///etc/page.jpg"),
        ("web page", "javascript:alert(1)"),  # no file: a link, never fetched
        ("missing", "nowhere/page.jpg"),
    ]
    write_marc(library.folder / "export.mrc", [marc_record("t", "Thử", links)])
    run = library.harvest()
    reasons = errors_by_record(run)["lib:t"]
    assert len(reasons) == 6, reasons
    refused = [r for r in reasons if r.startswith("refused path")]
    assert len(refused) == 4, reasons
    assert sum("points outside the source's folder" in r for r in refused) == 3, reasons
    assert any("only http and https" in r for r in reasons)
    assert any("file not found" in r for r in reasons)
    objects = library.objects("lib:t")
    assert [bool(o.stored_path) for o in objects] == [True] + [False] * 7


def test_relative_paths_of_oai_sources_resolve_against_the_base_url() -> None:
    oai = Source("h", "H", "oai", "http://library.example/cgi/oai")
    assert resolve_location("scans/1/page-001.jpg", oai).url == (
        "http://library.example/cgi/scans/1/page-001.jpg"
    )
    marc_url = Source("m", "M", "marc", "https://library.example/export/all.mrc")
    assert resolve_location("a b.jpg", marc_url).url == "https://library.example/export/a b.jpg"
    for bad in ("../x.jpg", "/x.jpg", "scans\\..\\x.jpg", "javascript:alert(1)", ""):
        with pytest.raises(IngestError):
            resolve_location(bad, oai)


def test_sniffing_trusts_bytes_not_names() -> None:
    assert sniff_mime(jpeg()[:64]) == "image/jpeg"
    assert sniff_mime(b"ID3\x04\x00" + b"\x00" * 20) == "audio/mpeg"
    assert sniff_mime(b"\xff\xfb\x90\x64" + b"\x00" * 20) == "audio/mpeg"
    assert sniff_mime(wav()[:64]) == "audio/wav"
    assert sniff_mime(b"%PDF-1.7\n") == "application/pdf"
    assert sniff_mime(b"  <!DOCTYPE html><html>") == "text/html"
    assert sniff_mime(b"\x00\x01\x02\xfe\xff\x80") == ""


# -- harvesting again ---------------------------------------------------------------------------


def test_reharvest_keeps_ingest_results_and_fetches_nothing_again(library, files) -> None:
    url = f"{files.url}/files/chapter.wav"
    (library.folder / "scans").mkdir()
    (library.folder / "scans" / "p1.jpg").write_bytes(jpeg())
    links = [("Trang 1", "scans/p1.jpg"), ("Chương 1", url)]
    write_marc(library.folder / "export.mrc", [marc_record("k", "Giữ", links)])
    assert library.harvest().failed == 0
    before = library.objects("lib:k")
    fetched = files.hits["/files/chapter.wav"]
    assert fetched == 1 and all(o.stored_path for o in before)

    # The record changes (new title): its object rows are rewritten from the crosswalk,
    # and must keep what ingest found, by location.
    write_marc(library.folder / "export.mrc", [marc_record("k", "Giữ (sửa)", links)])
    run = library.harvest()
    assert (run.updated, run.failed) == (1, 0)
    after = library.objects("lib:k")
    assert [(o.sha256, o.stored_path, o.bytes, o.duration) for o in after] == [
        (o.sha256, o.stored_path, o.bytes, o.duration) for o in before
    ]
    # A full harvest re-sends the record unchanged: still nothing fetched again.
    run = library.harvest(full=True)
    assert (run.unchanged, run.failed) == (1, 0)
    assert files.hits["/files/chapter.wav"] == fetched

    # A changed local file is ingested again (new checksum, new copy).
    (library.folder / "scans" / "p1.jpg").write_bytes(jpeg(320, 200))
    stamp = time.time() + 5
    os.utime(library.folder / "scans" / "p1.jpg", (stamp, stamp))
    library.harvest(full=True)
    changed = library.objects("lib:k")[0]
    assert changed.sha256 != before[0].sha256 and changed.width == 320


def test_same_bytes_in_two_records_are_stored_once(library, files) -> None:
    url = f"{files.url}/files/page.jpg"
    records = [marc_record("a", "A", [("", url)]), marc_record("b", "B", [("", url)])]
    write_marc(library.folder / "export.mrc", records)
    assert library.harvest().failed == 0
    [a], [b] = library.objects("lib:a"), library.objects("lib:b")
    assert a.stored_path == b.stored_path
    assert len(list((library.data_dir / "objects").rglob("*.jpg"))) == 1


def test_two_threads_writing_the_same_pyramid_both_succeed(tmp_path: Path) -> None:
    """Sources are harvested in parallel and two libraries may hold the same scan."""
    source = tmp_path / "scan.jpg"
    pyvips.Image.black(3000, 2000).jpegsave(str(source))
    dest = tmp_path / "objects" / "ab" / "ab.pyramid.tif"
    failures: list[BaseException] = []

    def write() -> None:
        try:
            write_pyramid(source, dest)
        except BaseException as exc:  # noqa: BLE001 — collected for the assertion
            failures.append(exc)

    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert pyvips.Image.new_from_file(str(dest)).width == 3000
    assert [p.name for p in dest.parent.iterdir()] == ["ab.pyramid.tif"]  # no temporary left
