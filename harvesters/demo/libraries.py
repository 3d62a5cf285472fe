"""The demo libraries as the outside world sees them: OAI-PMH repositories, a MARC file,
and each library's own catalogue (OPAC), where a union catalogue's record page sends a
reader to place a hold."""

from __future__ import annotations

import html
import threading
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.wrappers import Request, Response

from harvesters.demo import vocab
from harvesters.demo.generator import DemoCatalogue, DemoLibrary, SampleRecord
from harvesters.oai_repository import (
    MARC21,
    OAI_DC,
    MemoryRepository,
    OaiItem,
    dc_element,
    marcxml_element,
)

# What a reader is told about each demo library on /browse/library (Source.website,
# address, hours, contact): the libraries' real addresses and home pages; the opening
# hours are typical ones and the mailboxes the demo's own (example.vn), not theirs.
LIBRARY_PROFILES = {
    vocab.HANOI: {
        "website": "https://thuvienhanoi.org.vn/",
        "address": "47 Bà Triệu, Hoàn Kiếm, Hà Nội",
        "hours": "Thứ Hai – Thứ Sáu: 8:00 – 20:00\nThứ Bảy, Chủ nhật: 8:00 – 17:00",
        "contact": f"thuvien@{vocab.HANOI}.example.vn (hộp thư của bản demo)",
    },
    vocab.NATIONAL: {
        "website": "https://nlv.gov.vn/",
        "address": "31 Tràng Thi, Hoàn Kiếm, Hà Nội",
        "hours": "Thứ Hai – Thứ Sáu: 8:00 – 19:00\nThứ Bảy, Chủ nhật: 8:00 – 16:30\n"
        "Nghỉ các ngày lễ, Tết",
        "contact": f"thuvien@{vocab.NATIONAL}.example.vn (hộp thư của bản demo)",
    },
    vocab.VNU: {
        "website": "https://lic.vnu.edu.vn/",
        "address": "144 Xuân Thủy, Cầu Giấy, Hà Nội",
        "hours": "Thứ Hai – Thứ Sáu: 7:30 – 20:00\nThứ Bảy: 8:00 – 17:00\nChủ nhật nghỉ",
        "contact": f"thuvien@{vocab.VNU}.example.vn (hộp thư của bản demo)",
    },
}


def library_profile(library: DemoLibrary) -> dict[str, str]:
    """The `Source` fields describing a demo library to readers ({} for one not listed)."""
    return dict(LIBRARY_PROFILES.get(library.key, {}))


def oai_identifier(library: DemoLibrary, local_id: str) -> str:
    return f"oai:{library.key}:{local_id}"


def oai_repository(catalogue: DemoCatalogue, library: DemoLibrary) -> MemoryRepository:
    """A repository serving one demo library's records in its own metadata format."""
    samples: dict[str, SampleRecord] = {}
    items = []
    for sample in catalogue.records(library.key):
        identifier = oai_identifier(library, sample.local_id)
        samples[identifier] = sample
        items.append(OaiItem(identifier, sample.datestamp, sample.deleted, list(sample.sets)))

    def render(item: OaiItem, prefix: str):
        sample = samples[item.identifier]
        if prefix == "marc21" and sample.marc is not None:
            return marcxml_element(sample.marc)
        if prefix == "oai_dc" and sample.dc is not None:
            return dc_element(sample.dc)
        return None

    fmt = MARC21 if library.metadata_prefix == "marc21" else OAI_DC
    return MemoryRepository(
        repository_name=library.name,
        items=items,
        render=render,
        formats=[fmt],
        set_names=list(library.sets),
        admin_emails=[f"thuvien@{library.key}.example.vn"],
    )


# --- each library's own catalogue (OPAC) ------------------------------------------------

OPAC_RECORD_PATH = "/opac/record/"


def opac_url_template(base_url: str) -> str:
    """The record URL template (`Source.opac_url`) of a demo OPAC served at `base_url`
    (scheme, host and port; any path such as /oai is dropped)."""
    scheme, _, rest = base_url.partition("://")
    host = rest.split("/", 1)[0]
    return f"{scheme}://{host}{OPAC_RECORD_PATH}{{local_id}}"


def _sample_title(sample: SampleRecord) -> tuple[str, list[str]]:
    """The title and authors as the library catalogued them (MARC 245/100, or DC)."""
    if sample.marc is not None:
        title = " : ".join(
            part.strip(" /:;=,.")
            for field in sample.marc.get_fields("245")
            for part in field.get_subfields("a", "b")
        )
        authors = [
            a.strip(" ,.")
            for field in sample.marc.get_fields("100", "110")
            for a in field.get_subfields("a")
        ]
        return title, authors
    dc = sample.dc or {}
    return (dc.get("title") or [""])[0], list(dc.get("creator", []))


class DemoOpac:
    """A minimal stand-in for one library's OPAC: GET /opac/record/<local id> answers a
    small record page, and 404 for an id the library does not (or no longer) hold."""

    def __init__(self, catalogue: DemoCatalogue, library: DemoLibrary) -> None:
        self.catalogue, self.library = catalogue, library
        self._records: dict[str, tuple[str, list[str]]] | None = None
        self._lock = threading.Lock()

    def records(self) -> dict[str, tuple[str, list[str]]]:
        """Local id → (title, authors) of the live records, built on the first request."""
        with self._lock:
            if self._records is None:
                self._records = {
                    sample.local_id: _sample_title(sample)
                    for sample in self.catalogue.records(self.library.key)
                    if not sample.deleted
                }
            return self._records

    def page(self, local_id: str) -> Response:
        found = self.records().get(local_id)
        name = html.escape(self.library.name)
        if found is None:
            body = _opac_html(
                name, "Không tìm thấy biểu ghi", "<p>Thư viện không có biểu ghi này.</p>"
            )
            return Response(body, status=404, content_type="text/html; charset=utf-8")
        title, authors = found
        by = f"<p>Tác giả: {html.escape('; '.join(authors))}</p>" if authors else ""
        body = _opac_html(
            name,
            html.escape(title),
            f"{by}<p>Số biểu ghi: <code>{html.escape(local_id)}</code></p>"
            "<p>Đây là mục lục trực tuyến (OPAC) mô phỏng của thư viện trong bản demo "
            "thuvien: bạn đọc đặt mượn tài liệu tại đây.</p>",
        )
        return Response(body, content_type="text/html; charset=utf-8")

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        request = Request(environ)
        local_id = request.path.removeprefix(OPAC_RECORD_PATH)
        if not request.path.startswith(OPAC_RECORD_PATH) or not local_id:
            response = self.page("")  # not a record page: the same friendly 404
        elif request.method not in ("GET", "HEAD"):
            response = Response("Method not allowed", status=405, headers={"Allow": "GET, HEAD"})
        else:
            response = self.page(local_id)
        return response(environ, start_response)


def _opac_html(library: str, heading: str, body: str) -> str:
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        f"<title>{heading} · {library}</title></head>"
        f"<body><header><p>{library} — Mục lục trực tuyến (OPAC)</p></header>"
        f"<main><h1>{heading}</h1>{body}</main></body></html>"
    )


def with_opac(app: Callable[..., Any], opac: DemoOpac) -> Callable[..., Any]:
    """`app` with the library's OPAC answering under /opac/record/ beside it."""

    def dispatch(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").startswith(OPAC_RECORD_PATH):
            return opac(environ, start_response)
        return app(environ, start_response)

    return dispatch
