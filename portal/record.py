"""Record pages: full description, holdings, same-work records, citations, the raw record.

Every view reads its record through `visible_record`, which asks `may_see_record`: a
record the requester may not see answers 404 exactly like an unknown id (never 403,
which would confirm it exists), and a record its library withdrew answers 410.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from babel.units import format_unit
from flask import Blueprint, Response, abort, current_app, render_template, url_for
from flask_babel import format_datetime, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from catalogue.record import Holding, Record
from indexer.names import clean_name
from indexer.text import strip_isbd
from portal import citations
from portal.access import may_see_record
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


def file_rows(record: Record) -> list[FileRow]:
    kinds = {
        "image": _("Image"),
        "audio": _("Audio"),
        "text": _("Text"),
        "pdf": _("PDF"),
    }
    rows = []
    for number, obj in enumerate(sorted(record.digital_objects, key=lambda o: o.order), 1):
        rows.append(
            FileRow(
                label=obj.label or _("File %(number)s", number=number),
                kind=kinds.get(obj.kind, obj.kind),
                size=file_size(obj.bytes),
                duration=duration_text(obj.duration),
                duration_iso=duration_iso(obj.duration),
            )
        )
    return rows


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
