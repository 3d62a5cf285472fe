"""Record pages: full description, holdings, same-work records, citations, the raw record.

Every view reads its record through `visible_record`, which asks `may_see_record`: a
record the requester may not see answers 404 exactly like an unknown id (never 403,
which would confirm it exists), and a record its library withdrew answers 410.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from babel.units import format_unit
from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    g,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import format_datetime, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from catalogue import users
from catalogue.record import DigitalObject, Holding, Record
from iiif.objects import (
    ChainedImageSource,
    RecordImageSource,
    image_identifier,
    page_images,
    parse_image_identifier,
)
from iiif.presentation import manifest_url
from iiif.server import ImageAccess
from iiif.source import FolderImageSource
from indexer.names import clean_name
from indexer.text import strip_isbd
from portal import citations
from portal.access import decide_for_request, log_content_access, may_see_record
from portal.app import services
from portal.i18n import language_tag

bp = Blueprint("record", __name__)

STAFF_ROLES = ("librarian", "admin")
MAX_OTHER_RECORDS = 50
# Best first: what a reader most wants to know about a work's copies in one word.
_STATUS_ORDER = ("available", "reference_only", "on_loan", "in_repair", "unknown")

CITATION_FORMATS = {
    # extension: (media type, builder)
    "ris": ("application/x-research-info-systems", citations.to_ris),
    "bib": ("application/x-bibtex", citations.to_bibtex),
    "json": ("application/vnd.citationstyles.csl+json", citations.to_csl_json),
}


# --- search links (shared with the JSON API) ------------------------------------------


def _phrase(text: str) -> str:
    """Text safe inside a query phrase: no double quotes, whitespace collapsed."""
    return " ".join(text.replace('"', " ").split())


def author_query(author: str) -> str:
    """The search for everything by an author: `author:"Nguyễn, Du"` ('' if nothing left).

    Dates and roles are dropped first, so "Nguyễn Du, 1766-1820" finds every spelling.
    """
    name = _phrase(clean_name(author) or author)
    return f'author:"{name}"' if name else ""


def subject_query(subject: str) -> str:
    """The search for a subject heading as a phrase: `subject:"Hà Nội -- Lịch sử"`."""
    text = _phrase(subject)
    return f'subject:"{text}"' if text else ""


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


# --- scans through IIIF: the one policy decides ---------------------------------------------


def request_record(record_id: str) -> Record | None:
    """The stored record, read once per request (a deep-zoom viewer asks for many tiles)."""
    cache = g.setdefault("_thuvien_records", {})
    if record_id not in cache:
        cache[record_id] = services().store.get_record(record_id)
    return cache[record_id]


def content_access(record: Record) -> ImageAccess | None:
    """What the requester may see of a record's scans (None: the record is not there).

    view_content → every size; else view_preview → images no larger than the rule's
    preview size; else refused, 401 for an anonymous visitor (logging in may help) and
    403 for a reader. A record the requester may not see is not there (404).
    """
    if record.deleted or not may_see_record(record):
        return None
    content = decide_for_request(record, "view_content")
    if content.allowed:
        return ImageAccess(full=True, shared=content.level == "public")
    preview = decide_for_request(record, "view_preview")
    anonymous = not getattr(current_user, "is_authenticated", False)
    refused = 401 if anonymous else 403
    if preview.allowed and preview.preview_max_px:
        # Never shared: the same URL is the full image for someone who may see it.
        return ImageAccess(
            full=False,
            preview_max_px=preview.preview_max_px,
            shared=False,
            refused_status=refused,
        )
    return ImageAccess(full=False, refused_status=refused)


def iiif_image_access(identifier: str) -> ImageAccess | None:
    """The IIIF image server's access hook: page images ask the licence rules.

    Images in the operator's own images folder (identifiers that are not record pages)
    are everyone's. A full-size delivery of restricted content is audited.
    """
    parsed = parse_image_identifier(identifier)
    if parsed is None:
        return ImageAccess(full=True, shared=True)
    record = request_record(parsed[0])
    if record is None:
        return None
    access = content_access(record)
    if access is not None and access.full and request.endpoint == "iiif.image":
        log_content_access(record, decide_for_request(record, "view_content"), "image")
    return access


class RecordCatalogue:
    """The catalogue as the IIIF Presentation API sees it: only what the requester may see."""

    def record(self, record_id: str) -> Record | None:
        record = request_record(record_id)
        if record is None or record.deleted or not may_see_record(record):
            return None
        return record

    def libraries(self, record: Record) -> list[str]:
        names = sorted({h.library for h in record.holdings if h.library})
        if names:
            return names
        source = services().store.get_source(record.source_key)
        return [source.name if source else record.source_key]

    def homepage(self, record: Record) -> str:
        return url_for("record.show", record_id=record.id, _external=True)

    def digitised(self, *, source_key: str = "", collection: str = "") -> list[Record]:
        found = services().store.digitised_records(source_key=source_key, collection=collection)
        return [r for r in found if may_see_record(r)]

    def groups(self) -> tuple[list[tuple[str, str]], list[str]]:
        """Libraries and collections with a record the requester may see (so a hidden
        collection's name is not revealed by the list)."""
        store = services().store
        keys, names = store.digitised_groups()
        libraries = []
        for key in keys:
            if self.digitised(source_key=key):
                source = store.get_source(key)
                libraries.append((key, source.name if source else key))
        return libraries, [n for n in names if self.digitised(collection=n)]


class IIIFAccounts:
    """Readers' accounts for the IIIF Authorization Flow (see iiif/auth.py).

    A token names its account as "{user id}:{digest of the session id}": the password
    stamp inside the session id never leaves thuvien (tokens go to other sites'
    viewers, and are signed, not encrypted), and a token stops working when the
    account's password changes or the account is disabled, as its sessions do.
    """

    def user_key(self) -> str | None:
        if not getattr(current_user, "is_authenticated", False):
            return None
        return _token_key(current_user.get_id())

    def use_user(self, key: str) -> bool:
        """Act as the token's account for this request only (no session is touched)."""
        user_id, _sep, _digest = key.partition(":")
        if not (user_id.isascii() and user_id.isdigit()):
            return False
        account = users.get_user(services().store, int(user_id))
        if account is None:
            return False
        session_id = f"{account.id}:{account.password_stamp}"
        if not hmac.compare_digest(_token_key(session_id), key):
            return False
        user = current_app.login_manager._user_callback(session_id)
        if user is None:  # disabled
            return False
        g._login_user = user  # flask-login's per-request user: current_user from here on
        return True

    def login_url(self, next_url: str) -> str:
        return url_for("account.login", next=next_url)

    def logout_url(self) -> str:
        return url_for("account.profile")


def _token_key(session_id: str) -> str:
    user_id = session_id.partition(":")[0]
    digest = hashlib.sha256(f"thuvien.iiif.token\x1f{session_id}".encode()).hexdigest()
    return f"{user_id}:{digest[:32]}"


def init_record_images(app: Flask) -> None:
    """Serve ingested page scans and their manifests at /iiif/3/ under the licence rules
    (unless the app was configured otherwise)."""
    settings = app.extensions["thuvien"].settings
    app.config.setdefault("THUVIEN_IIIF_ACCESS", iiif_image_access)
    app.config.setdefault("THUVIEN_IIIF_CATALOGUE", RecordCatalogue())
    app.config.setdefault("THUVIEN_IIIF_AUTH", IIIFAccounts())
    app.config.setdefault(
        "THUVIEN_IIIF_SOURCE",
        ChainedImageSource(
            RecordImageSource(request_record, settings.data_dir),
            FolderImageSource(
                app.config.get("THUVIEN_IIIF_IMAGES_DIR", settings.data_dir / "images")
            ),
        ),
    )


bp.record_once(lambda state: init_record_images(state.app))


# --- the scan viewer on the record page ---------------------------------------------------

THUMBNAIL_PX = 150


@dataclass
class ScanPage:
    label: str
    info: str  # the page's info.json (what the deep-zoom viewer opens)
    thumbnail: str
    image: str  # the largest image the requester may have (the no-script link)


@dataclass
class ScanViewer:
    """The record's page scans as the requester may see them."""

    mode: str  # "full" | "preview" | "refused"
    pages: list[ScanPage]
    manifest: str
    drag_link: str  # the IIIF drag-and-drop convention: manifest?manifest=manifest
    preview_px: int = 0
    login_url: str = ""  # refused to an anonymous visitor: logging in may help

    def pages_json(self) -> str:
        return json.dumps([vars(p) for p in self.pages], ensure_ascii=False)


def scan_viewer(record: Record) -> ScanViewer | None:
    """The viewer for a record with stored page images (None when it has none)."""
    images = page_images(record)
    if not images:
        return None
    access = content_access(record)
    if access is None:
        return None
    manifest = manifest_url(record.id)
    drag_link = f"{manifest}?{urlencode({'manifest': manifest})}"
    if not access.full and not access.preview_max_px:
        login = ""
        if access.refused_status == 401:
            login = url_for("account.login", next=url_for("record.show", record_id=record.id))
        return ScanViewer("refused", [], manifest, drag_link, login_url=login)
    thumb = min(THUMBNAIL_PX, access.preview_max_px or THUMBNAIL_PX)
    pages = []
    for number, obj in enumerate(images, 1):
        base = url_for("iiif.base", identifier=image_identifier(record.id, number))
        pages.append(
            ScanPage(
                label=obj.label or _("Page %(number)s", number=number),
                info=f"{base}/info.json",
                thumbnail=f"{base}/full/!{thumb},{thumb}/0/default.jpg",
                image=f"{base}/full/max/0/default.jpg",
            )
        )
    mode = "full" if access.full else "preview"
    return ScanViewer(mode, pages, manifest, drag_link, access.preview_max_px or 0)


# --- the record page ---------------------------------------------------------------------


@bp.get("/record/<path:record_id>")
def show(record_id: str) -> Response | str | tuple[str, int]:
    """The full record; a withdrawn one gets a friendly 410 page, not a bare error."""
    record = visible_record(record_id, allow_deleted=True)
    if record.deleted:
        return render_template("record/gone.html", record_id=record.id), 410
    permalink = url_for("record.show", record_id=record.id, _external=True)
    return render_template(
        "record/show.html",
        record=record,
        title=strip_isbd(record.title) or _("Untitled"),
        subtitle=strip_isbd(record.subtitle),
        title_lang=foreign_language(record),
        format_name=format_label(record.format),
        permalink=permalink,
        description=describe(record),
        holdings=holding_rows(record.holdings),
        others=other_records(record),
        files=file_rows(record),
        viewer=scan_viewer(record),
        citation=citations.format_citation(record),
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


@dataclass
class Value:
    """One value of a description field: text, an optional link, an optional language."""

    text: str
    href: str = ""
    lang: str = ""


@dataclass
class Field:
    name: str  # stable key, used as a CSS hook and by tests
    label: str
    values: list[Value]


def describe(record: Record) -> list[Field]:
    """The full description, in display order; empty fields left out."""
    # The title's language marks only what is written in it (contents list part titles);
    # summaries and subjects are in the cataloguing language, so they are left unmarked.
    foreign = foreign_language(record)

    def search(query: str) -> str:
        return url_for("search.results", q=query) if query else ""

    def plain(values: list[str]) -> list[Value]:
        return [Value(v) for v in values if v and v.strip()]

    rights = rights_label(record.rights_statement)
    source = services().store.get_source(record.source_key)
    fields = [
        Field(
            "authors",
            _("Authors"),
            [Value(a, search(author_query(a))) for a in record.authors if a.strip()],
        ),
        Field(
            "contributors",
            _("Contributors"),
            [Value(c, search(author_query(c))) for c in record.contributors if c.strip()],
        ),
        Field("publisher", _("Publisher"), plain([strip_isbd(record.publisher)])),
        Field("place", _("Place of publication"), plain([strip_isbd(record.place)])),
        Field("year", _("Year"), plain([str(record.year)] if record.year is not None else [])),
        Field("edition", _("Edition"), plain([strip_isbd(record.edition)])),
        Field("series", _("Series"), plain(record.series)),
        Field("format", _("Format"), [Value(format_label(record.format))]),
        Field("languages", _("Languages"), [Value(language_name(c)) for c in record.languages]),
        Field(
            "subjects",
            _("Subjects"),
            [Value(s, search(subject_query(s))) for s in record.subjects if s.strip()],
        ),
        Field("genres", _("Genres"), plain(record.genres)),
        Field("isbns", _("ISBN"), plain(record.isbns)),
        Field("invalid_isbns", _("Invalid ISBN"), plain(record.invalid_isbns)),
        Field("issns", _("ISSN"), plain(record.issns)),
        Field("oclc", _("OCLC number"), plain([record.oclc])),
        Field("lccn", _("LCCN"), plain([record.lccn])),
        Field("call_numbers", _("Call numbers"), plain(record.call_numbers)),
        Field("description", _("Summary"), plain([record.description])),
        Field("contents", _("Contents"), [Value(c, lang=foreign) for c in record.contents if c]),
        Field(
            "collections",
            _("Collections"),
            [
                Value(c, url_for("search.results", **{"f.collection": c}))
                for c in record.collections
                if c.strip()
            ],
        ),
        Field("rights", _("Rights"), [rights] if rights else []),
        Field("source", _("Catalogued by"), [Value(source.name if source else record.source_key)]),
    ]
    return [f for f in fields if f.values]


def foreign_language(record: Record) -> str:
    """The record's BCP 47 language when it differs from the UI language, else ''."""
    lang = language_tag(record.languages)
    return lang if lang and lang != str(get_locale() or "") else ""


def format_label(fmt: str) -> str:
    """A record format's name in the UI language."""
    labels = {
        "book": _("Book"),
        "periodical": _("Periodical"),
        "article": _("Article"),
        "thesis": _("Thesis"),
        "map": _("Map"),
        "manuscript": _("Manuscript"),
        "image": _("Image"),
        "audiobook": _("Audiobook"),
        "music": _("Music"),
        "video": _("Video"),
        "archival": _("Archival material"),
    }
    return labels.get(fmt, fmt)


def language_name(code: str) -> str:
    """An ISO 639-2 code's name in the UI language ("vie" → "Tiếng Việt"/"Vietnamese")."""
    locale = get_locale()
    tag = language_tag([code]) or code.lower()
    name = locale.languages.get(tag) if locale is not None else None
    if not name:
        return code
    return name[:1].upper() + name[1:]


def status_label(status: str) -> str:
    labels = {
        "available": _("Available"),
        "on_loan": _("On loan"),
        "in_repair": _("In repair"),
        "reference_only": _("Reference only"),
        "unknown": _("Status unknown"),
    }
    return labels.get(status, labels["unknown"])


# --- rights statements ---------------------------------------------------------------------

_RS = re.compile(r"^https?://rightsstatements\.org/(?:vocab|page|data)/([A-Za-z-]+)/", re.I)
_CC = re.compile(
    r"^https?://(?:www\.)?creativecommons\.org/(licenses|publicdomain)/([a-z-]+)/([0-9.]+)?", re.I
)


def rights_label(uri: str) -> Value | None:
    """The rights statement as a link with a human label (a plain value if not a URL)."""
    uri = (uri or "").strip()
    if not uri:
        return None
    if not re.match(r"^https?://", uri, re.I):
        return Value(uri)  # never turn a javascript: or data: value into a link
    label = _rights_statement_label(uri) or _creative_commons_label(uri) or uri
    return Value(label, uri)


def _rights_statement_label(uri: str) -> str:
    match = _RS.match(uri)
    if not match:
        return ""
    labels = {
        "InC": _("In Copyright"),
        "InC-OW-EU": _("In Copyright – EU Orphan Work"),
        "InC-EDU": _("In Copyright – Educational Use Permitted"),
        "InC-NC": _("In Copyright – Non-Commercial Use Permitted"),
        "InC-RUU": _("In Copyright – Rights-holder(s) Unlocatable or Unidentifiable"),
        "NoC-CR": _("No Copyright – Contractual Restrictions"),
        "NoC-NC": _("No Copyright – Non-Commercial Use Only"),
        "NoC-OKLR": _("No Copyright – Other Known Legal Restrictions"),
        "NoC-US": _("No Copyright – United States"),
        "CNE": _("Copyright Not Evaluated"),
        "UND": _("Copyright Undetermined"),
        "NKC": _("No Known Copyright"),
    }
    return labels.get(match.group(1), "")


def _creative_commons_label(uri: str) -> str:
    match = _CC.match(uri)
    if not match:
        return ""
    kind, code, version = match.group(1).lower(), match.group(2).lower(), match.group(3) or ""
    if kind == "publicdomain":
        if code == "zero":
            return _("CC0 public domain dedication")
        if code == "mark":
            return _("Public Domain Mark")
        return ""
    names = {
        "by": _("Attribution"),
        "by-sa": _("Attribution-ShareAlike"),
        "by-nd": _("Attribution-NoDerivatives"),
        "by-nc": _("Attribution-NonCommercial"),
        "by-nc-sa": _("Attribution-NonCommercial-ShareAlike"),
        "by-nc-nd": _("Attribution-NonCommercial-NoDerivatives"),
    }
    if code not in names:
        return ""
    short = " ".join(p for p in ("CC", code.upper(), version) if p)
    label = _("Creative Commons %(name)s", name=names[code])
    return f"{label} {version} ({short})" if version else f"{label} ({short})"


# --- holdings, files, other records of the work ----------------------------------------------


@dataclass
class HoldingRow:
    library: str
    location: str
    call_number: str
    status: str
    status_label: str
    status_date: str  # localised, "" when unknown
    status_iso: str  # for <time datetime>


def holding_rows(holdings: list[Holding]) -> list[HoldingRow]:
    rows = []
    for h in sorted(holdings, key=lambda h: (h.library, h.location, h.call_number)):
        status = h.status if h.status in _STATUS_ORDER else "unknown"
        when = h.status_read_at
        rows.append(
            HoldingRow(
                library=h.library,
                location=h.location,
                call_number=h.call_number,
                status=status,
                status_label=status_label(status),
                status_date=format_datetime(when, "medium") if when else "",
                status_iso=when.isoformat() if when else "",
            )
        )
    return rows


@dataclass
class FileRow:
    label: str
    kind: str
    size: str
    duration: str
    duration_iso: str
    href: str = ""  # the download, when thuvien holds a copy and the requester may have it


def file_rows(record: Record) -> list[FileRow]:
    downloadable = decide_for_request(record, "download").allowed
    kinds = {
        "image": _("Image"),
        "audio": _("Audio"),
        "text": _("Text"),
        "pdf": _("PDF"),
    }
    rows = []
    for number, obj in enumerate(ordered_objects(record), 1):
        rows.append(
            FileRow(
                label=obj.label or _("File %(number)s", number=number),
                kind=kinds.get(obj.kind, obj.kind),
                size=file_size(obj.bytes),
                duration=duration_text(obj.duration),
                duration_iso=duration_iso(obj.duration),
                href=url_for("record.download_file", record_id=record.id, number=number)
                if downloadable and obj.stored_path
                else "",
            )
        )
    return rows


def ordered_objects(record: Record) -> list[DigitalObject]:
    """The record's files in their order: file n of the page is `[n - 1]` here."""
    return sorted(record.digital_objects, key=lambda o: o.order)


def file_size(size: int | None) -> str:
    """A byte count in the UI language's units ("1,5 MB" in Vietnamese)."""
    if size is None or size < 0:
        return ""
    locale = get_locale()
    for unit, scale in (("gigabyte", 1e9), ("megabyte", 1e6), ("kilobyte", 1e3)):
        if size >= scale:
            return format_unit(
                size / scale, f"digital-{unit}", "short", format="#,##0.#", locale=locale
            )
    return format_unit(size, "digital-byte", "short", locale=locale)


def duration_text(seconds: float | None) -> str:
    """h:mm:ss or m:ss, the way players show durations."""
    if seconds is None or seconds < 0:
        return ""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def duration_iso(seconds: float | None) -> str:
    """ISO 8601 duration for <time datetime>: "PT1H2M3S"."""
    if seconds is None or seconds < 0:
        return ""
    hours, rest = divmod(round(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"PT{hours}H{minutes}M{secs}S"


@dataclass
class OtherRecord:
    id: str
    title: str
    lang: str
    libraries: str
    year: str
    format: str
    availability: str


def other_records(record: Record) -> list[OtherRecord]:
    """The other live, visible records of this record's work (its copies in other libraries)."""
    try:
        found = _work_records(record)
    except Exception:
        # The page is still worth showing without this list: log and carry on.
        current_app.logger.exception("could not find the other records of %r", record.id)
        return []
    rows = []
    for other in found:
        if other.id == record.id or other.deleted or not may_see_record(other):
            continue
        libraries = sorted({h.library for h in other.holdings if h.library})
        if not libraries:
            source = services().store.get_source(other.source_key)
            libraries = [source.name if source else other.source_key]
        statuses = {h.status for h in other.holdings}
        best = next((s for s in _STATUS_ORDER if s in statuses), "")
        rows.append(
            OtherRecord(
                id=other.id,
                title=citations.full_title(other) or other.id,
                lang=language_tag(other.languages),
                libraries=", ".join(libraries),
                year=str(other.year) if other.year is not None else "",
                format=format_label(other.format),
                availability=status_label(best) if best else "",
            )
        )
    rows.sort(key=lambda r: (r.libraries, r.year, r.id))
    return rows[:MAX_OTHER_RECORDS]


def _work_records(record: Record) -> list[Record]:
    """Records sharing the record's work key (kept in the store by each index sync)."""
    store = services().store
    key = store.work_key_of(record.id)
    return store.records_of_work(key, limit=MAX_OTHER_RECORDS + 1) if key else []


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
        text=raw_text(content),
        readable=readable_marc(content),
        size=file_size(len(content)),
    )


@bp.get("/record/<path:record_id>/raw/download")
def raw_download(record_id: str) -> Response:
    """The raw record as received, byte for byte, as a file."""
    found = _raw(record_id)
    if isinstance(found, Response):
        return found
    record, _raw_format, content = found
    if _is_iso2709(content):
        media_type, ext = "application/marc", "mrc"
    elif content.lstrip().startswith(b"<"):
        media_type, ext = "application/xml", "xml"
    else:
        media_type, ext = "text/plain", "txt"
    response = _download(content, media_type, f"{safe_filename(record.id)}.{ext}")
    if media_type == "application/marc":
        response.headers["Content-Type"] = media_type  # binary: no charset
    return response


_CONTROL_SIGNS = {0x1D: "␝", 0x1E: "␞", 0x1F: "␟"}


def raw_text(content: bytes) -> str:
    """Raw bytes as displayable text: UTF-8 (bad bytes replaced), MARC separators made visible."""
    text = content.decode("utf-8", errors="replace")
    table: dict[int, str] = dict(_CONTROL_SIGNS)
    table.update({c: "\ufffd" for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x1D))})
    return text.translate(table)


def _is_iso2709(content: bytes) -> bool:
    return len(content) >= 24 and content[:5].isdigit() and b"\x1e" in content


def readable_marc(content: bytes) -> str:
    """Binary MARC 21 (ISO 2709) in the mnemonic form librarians read ("=245  10$aTitle")."""
    if not _is_iso2709(content):
        return ""
    try:
        from pymarc import Record as MarcRecord

        marc = MarcRecord(data=content, force_utf8=True)
    except Exception:  # a malformed record still shows as received
        return ""
    return raw_text(str(marc).encode("utf-8"))
