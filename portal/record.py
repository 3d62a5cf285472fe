"""Record pages: the `record` blueprint and its views: the full record, citation files,
downloads of the digitised files, the raw record for librarians.

What a page shows is built by the modules named for it: `record_description`,
`holdings`, `record_works`, `record_files`, `record_images` (scans, and the IIIF
server's hooks), `record_notices`, `record_context` and `record_raw`.

Every view reads its record through `visible_record`, which asks `may_see_record`: a
record the requester may not see answers 404 exactly like an unknown id (never 403,
which would confirm it exists), and a record its library withdrew answers 410.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, abort, current_app, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from catalogue.record import Record
from indexer.text import strip_isbd
from portal import citations
from portal.access import decide_for_request, log_content_access, may_see_record
from portal.app import services
from portal.record_context import search_context, search_context_url
from portal.record_description import describe
from portal.record_files import file_rows, file_size, ordered_objects
from portal.record_holdings import work_holdings
from portal.record_images import init_record_images, scan_viewer
from portal.record_notices import access_notice
from portal.record_raw import is_iso2709, marc_fields, pretty_xml, raw_text
from portal.record_text import data_span, title_language
from portal.record_works import other_records, work_records
from portal.search_labels import format_label

bp = Blueprint("record", __name__)


STAFF_ROLES = ("librarian", "admin")

CITATION_FORMATS = {
    # extension: (media type, builder)
    "ris": ("application/x-research-info-systems", citations.to_ris),
    "bib": ("application/x-bibtex", citations.to_bibtex),
    "json": ("application/vnd.citationstyles.csl+json", citations.to_csl_json),
}


# With the blueprint come the IIIF server's hooks (scans under the licence rules) and
# the results page's record links that carry their search.
bp.record_once(lambda state: init_record_images(state.app))
bp.add_app_template_global(search_context_url, "search_context_url")


# --- access ----------------------------------------------------------------------------


def is_librarian(user: Any = None) -> bool:
    """Whether `user` (default: the requester) is logged-in staff: a librarian or an admin."""
    user = current_user if user is None else user
    if not getattr(user, "is_authenticated", False):
        return False
    return getattr(user, "role", None) in STAFF_ROLES


def visible_record(record_id: str, *, allow_deleted: bool = False) -> Record:
    """The record, or 404 (unknown or not visible to the requester) / 410 (withdrawn)."""
    record = services().store.get_record(record_id)
    if record is None or not may_see_record(record):
        abort(404)
    if record.deleted and not allow_deleted:
        abort(410)
    return record


# --- the record page ---------------------------------------------------------------------


@bp.get("/record/<path:record_id>")
def show(record_id: str) -> Response | str | tuple[str, int]:
    """The full record; a withdrawn one gets a friendly 410 page, not a bare error."""
    record = visible_record(record_id, allow_deleted=True)
    if record.deleted:
        return render_template("record/gone.html", record_id=record.id), 410
    permalink = url_for("record.show", record_id=record.id, _external=True)
    others = work_records(record)
    viewer = scan_viewer(record)
    content_notice = download_notice = None
    if record.digital_objects:
        content_notice = access_notice(record, decide_for_request(record, "view_content"))
    if any(obj.stored_path for obj in record.digital_objects):
        download_notice = access_notice(record, decide_for_request(record, "download"))
    title = strip_isbd(record.title)
    return render_template(
        "record/show.html",
        record=record,
        title=title or _("Untitled"),
        subtitle=strip_isbd(record.subtitle),
        title_lang=title_language(record, title) if title else "",
        format_name=format_label(record.format),
        permalink=permalink,
        description=describe(record),
        holdings=work_holdings(record, others),
        others=other_records(record, others),
        files=file_rows(record),
        viewer=viewer,
        content_notice=content_notice,
        download_notice=download_notice,
        context=search_context(record),
        data_span=data_span,
        citation=citations.format_citation(record),
        styles=[(name, build(record)) for name, build in citations.CITATION_STYLES.values()],
        meta_tags=citations.highwire_meta(record),
        coins=citations.coins(record, permalink),
        json_ld=citations.json_for_script(citations.to_json_ld(record, permalink)),
        citation_links=[
            (url_for("record.cite", record_id=record.id, fmt=ext), label, media_type)
            for ext, label, media_type in _citation_labels()
        ],
        staff=is_librarian(),
    )


def _citation_labels() -> list[tuple[str, str, str]]:
    return [
        ("ris", _("Download as RIS (EndNote, Zotero, Mendeley)"), CITATION_FORMATS["ris"][0]),
        ("bib", _("Download as BibTeX"), CITATION_FORMATS["bib"][0]),
        ("json", _("Download as CSL-JSON"), CITATION_FORMATS["json"][0]),
    ]


# --- citations -------------------------------------------------------------------------------


@bp.get("/record/<path:record_id>/cite.<any(ris, bib, json):fmt>")
def cite(record_id: str, fmt: str) -> Response:
    """The record's citation as a file: RIS, BibTeX or CSL-JSON, UTF-8."""
    record = visible_record(record_id)
    media_type, build = CITATION_FORMATS[fmt]
    permalink = url_for("record.show", record_id=record.id, _external=True)
    return _download(build(record, permalink), media_type, f"{safe_filename(record.id)}.{fmt}")


def safe_filename(record_id: str) -> str:
    """An ASCII file name from a record id: "hanoi-library:hn-1" → "hanoi-library_hn-1"."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", record_id).strip("._")
    return name[:100] or "record"


def _download(body: str | bytes, media_type: str, filename: str) -> Response:
    response = current_app.response_class(body, mimetype=media_type)
    if isinstance(body, str) or media_type.startswith(("text/", "application/xml")):
        response.headers["Content-Type"] = f"{media_type}; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- downloads of the digitised files -------------------------------------------------------


@bp.route("/record/<path:record_id>/files/<int:number>", methods=["GET", "HEAD"])
def download_file(record_id: str, number: int) -> Response:
    """The number-th file (from 1) as thuvien stored it at ingest, as an attachment.

    The `download` action of the licence rules decides: a record the requester may not
    see is not there (404); a refused download is 401 for a visitor who is not logged in
    (logging in may help) and 403 for a reader. Ranges are served (resumable downloads).
    """
    record = visible_record(record_id)
    objects = ordered_objects(record)
    if not 1 <= number <= len(objects) or not objects[number - 1].stored_path:
        abort(404)
    decision = decide_for_request(record, "download")
    if not decision.allowed:
        abort(403 if getattr(current_user, "is_authenticated", False) else 401)
    obj = objects[number - 1]
    data_dir = services().settings.data_dir.resolve()
    path = (data_dir / obj.stored_path).resolve()
    if not path.is_relative_to(data_dir) or not path.is_file():
        abort(404)
    log_content_access(record, decision, "download")
    name = obj.location.rsplit("/", 1)[-1] or f"file-{number}{path.suffix}"
    response = send_file(
        path,
        mimetype=obj.mime_type or "application/octet-stream",
        as_attachment=True,
        download_name=name,
        conditional=True,
        etag=True,
        max_age=3600 if decision.level == "public" else 0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    if decision.level != "public":
        response.headers["Cache-Control"] = "private, no-cache"
        response.vary.add("Cookie")
    return response


# --- the raw record, for librarians ------------------------------------------------------------


def _staff_only() -> Response | None:
    """None for librarians; otherwise the answer: log in (anonymous) or 403 (readers)."""
    if is_librarian():
        return None
    if not getattr(current_user, "is_authenticated", False):
        # flask-login's own answer: a redirect to account.login that brings them back.
        return current_app.login_manager.unauthorized()
    abort(403)


def _raw(record_id: str) -> tuple[Record, str, bytes] | Response:
    """The record and its raw form, or the refusal to send instead.

    An unknown or hidden record is a 404 before anything else, so asking for the raw
    view never tells an anonymous visitor more than the record page would.
    """
    record = visible_record(record_id, allow_deleted=True)
    refused = _staff_only()
    if refused is not None:
        return refused
    raw = services().store.get_raw(record.id)
    if raw is None:
        abort(404)
    raw_format, content = raw
    return record, raw_format or "", content if isinstance(content, bytes) else content.encode()


@bp.get("/record/<path:record_id>/raw")
def raw(record_id: str) -> Response | str:
    """The record as its library sent it, escaped in a <pre>; librarians and admins only."""
    found = _raw(record_id)
    if isinstance(found, Response):
        return found
    record, raw_format, content = found
    return render_template(
        "record/raw.html",
        record=record,
        title=strip_isbd(record.title) or record.id,
        raw_format=raw_format,
        text=pretty_xml(content) or raw_text(content),
        marc=marc_fields(content),
        size=file_size(len(content)),
    )


@bp.get("/record/<path:record_id>/raw/download")
def raw_download(record_id: str) -> Response:
    """The raw record as received, byte for byte, as a file."""
    found = _raw(record_id)
    if isinstance(found, Response):
        return found
    record, _raw_format, content = found
    if is_iso2709(content):
        media_type, ext = "application/marc", "mrc"
    elif content.lstrip().startswith(b"<"):
        media_type, ext = "application/xml", "xml"
    else:
        media_type, ext = "text/plain", "txt"
    response = _download(content, media_type, f"{safe_filename(record.id)}.{ext}")
    if media_type == "application/marc":
        response.headers["Content-Type"] = media_type  # binary: no charset
    return response
