"""The union catalogue's OAI-PMH 2.0 provider at /oai.

`harvesters.oai_provider.respond` speaks the protocol; `StoreRepository` serves it the
store, a keyset page at a time, so a catalogue of a million records costs each request
one bounded query. What a harvester sees:

- identifiers `oai:<namespace>:<record id>` (namespace `thuvien`, or the settings'
  `oai_namespace`), the record id percent-encoded where URI syntax needs it;
- datestamps: when thuvien last changed the record (`updated_at`), not the source's
  datestamp, so incremental harvests of /oai catch every change; seconds granularity;
- deleted records stay, with status="deleted" (deletedRecord = persistent);
- formats `oai_dc` and MARCXML, under both `marcxml` and `marc21`: the MARC record as
  received when the record was harvested as MARC, else one built from the record;
- sets `library:<source key>` and `collection:<slug>`, under `library` and `collection`.
  A deleted record keeps no collections in the store, so it appears in library sets only.

A record `portal.access.may_publish_record` refuses (asked as an anonymous visitor) is
treated exactly as one that does not exist: absent from every list, idDoesNotExist for
GetRecord, and collections only it belongs to are not listed as sets.
Digital objects (file locations) are never disseminated: content has its own access rules.

Lists of up to COUNT_LIMIT stored records carry a completeListSize beside the cursor (spec
3.5), so a harvester can show its progress: the items the requester may see, counted
once when the list starts (the hidden ones are not counted) and carried in the list's
positions. A longer list is not counted: that would read the whole catalogue.

A browser (its Accept header prefers text/html to XML) gets the response rendered as a
page by `static/oai.xsl` on the server: title, headings, a table of records, links to
the verbs and to the next page, instead of an XML tree. Harvesters (Accept */* or XML)
get the XML. The rendering is done here, not by the browser: Chromium is dropping XSLT.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pymarc
from flask import Blueprint, Flask, Response, current_app, request, url_for
from lxml import etree

from catalogue.record import Record
from catalogue.store import Store
from catalogue.store_changes import ChangedRecord
from harvesters.marcxml import element_to_marc, find_marc_record
from harvesters.oai_provider import CONTENT_TYPE, OAI_NS, identifier_description, respond
from harvesters.oai_repository import (
    MARC21,
    MARC_NS,
    MARCXML,
    OAI_DC,
    SECONDS,
    MetadataFormat,
    OaiItem,
    dc_element,
    marcxml_element,
)
from harvesters.xml import XmlError, parse_xml
from indexer.text import fold
from portal import access
from portal.app import services

bp = Blueprint("oai", __name__)

REPOSITORY_NAME = "thuvien"
# A placeholder until settings name a real address (the schema requires one).
ADMIN_EMAIL = "admin@example.org"
NAMESPACE = "thuvien"  # set `oai_namespace` to the portal's domain name in production
# One element per language: oai_dc has no xml:lang.
REPOSITORY_DESCRIPTION = [
    "Mục lục liên hợp các thư viện Hà Nội",
    "The union catalogue of Hanoi's libraries",
]
SAMPLE_RECORD_ID = "thu-vien-quoc-gia:000123"  # what Identify's sampleIdentifier shows
PAGE_SIZE = 100
PAGE_SIZE_CONFIG = "THUVIEN_OAI_PAGE_SIZE"  # app.config key, for tests and tuning
LIBRARIES = ("library", "Thư viện")
COLLECTIONS = ("collection", "Bộ sưu tập")
MARC_PREFIXES = frozenset({MARCXML.prefix, MARC21.prefix})
COLLECTIONS_TTL = 60.0  # seconds the collection list may lag behind the store
SAMPLES_PER_COLLECTION = 5
_ID_SAFE = "-_.!~*'();/?:@&=+$,"  # the oai-identifier local part's characters, bar "%"
_TOKEN_KEY_LABEL = b"thuvien oai-pmh resumption tokens"
_CACHE = "thuvien.oai"
COUNT_LIMIT = 10_000  # stored records a new list may read to count itself
COUNT_PAGE = 1_000
STYLESHEET = "oai.xsl"  # in portal/static


@bp.route("/oai", methods=["GET", "POST"])
def endpoint() -> Response:
    """Every verb, by GET or by a form-encoded POST."""
    args = request.form if request.method == "POST" else request.args
    repository = repository_for_request()
    body = respond(
        repository,
        args,
        url_for("oai.endpoint", _external=True),
        datetime.now(UTC),
        page_size=int(current_app.config.get(PAGE_SIZE_CONFIG, PAGE_SIZE)),
        secret=token_key(current_app),
    )
    if request.accept_mimetypes.best_match(["text/xml", "text/html"]) == "text/html":
        response = Response(as_page(body), content_type="text/html; charset=utf-8")
    else:
        response = Response(body, content_type=CONTENT_TYPE)
    response.vary.add("Accept")
    return response


def as_page(body: bytes) -> bytes:
    """The response as an HTML page for a person (see the module docstring)."""
    home = etree.XSLT.strparam(url_for("search.home"))
    return bytes(_stylesheet()(parse_xml(body), home=home))  # the doctype is the XSL's


@lru_cache(maxsize=1)
def _stylesheet() -> etree.XSLT:
    """static/oai.xsl, compiled once; it may read and write nothing else."""
    path = Path(current_app.static_folder or "") / STYLESHEET
    return etree.XSLT(parse_xml(path.read_bytes()), access_control=etree.XSLTAccessControl.DENY_ALL)


def repository_for_request() -> StoreRepository:
    """The repository as this request's requester may see it."""
    found = services()
    settings = found.settings
    return StoreRepository(
        found.store,
        _cache(current_app),
        repository_name=settings.oai_repository_name or REPOSITORY_NAME,
        admin_emails=[settings.oai_admin_email or ADMIN_EMAIL],
        namespace=settings.oai_namespace or NAMESPACE,
        may_see=access.may_publish_record,
        record_url=lambda record_id: url_for("record.show", record_id=record_id, _external=True),
        home_url=url_for("search.home", _external=True),
    )


def token_key(app: Flask) -> bytes:
    """The resumption tokens' HMAC key: derived from the app's secret key, not equal to it."""
    secret = app.secret_key
    secret = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret or b"")
    return hmac.new(secret, _TOKEN_KEY_LABEL, hashlib.sha256).digest()


# --- the repository ------------------------------------------------------------------


@dataclass
class StoreItem(OaiItem):
    """An item with the record it stands for and, when fetched with its page, its raw form
    (("", b"") when the store has none; None when not fetched)."""

    record: Record | None = None
    raw: tuple[str, bytes] | None = None


class StoreRepository:
    """The catalogue store as a `PagedOaiRepository`.

    Positions are "<last change_seq read>.<change_seq the list was frozen at>", then
    ".<list size>" when the list was counted: a list walks the change sequence (indexed)
    and never sees changes made after it began; those carry a later datestamp and come
    with the next incremental harvest. `list_size` is the size of the list last paged
    through (None when not counted).
    """

    granularity = SECONDS
    deleted_record = "persistent"
    has_sets = True

    def __init__(
        self,
        store: Store,
        cache: OaiCache,
        *,
        repository_name: str,
        admin_emails: list[str],
        namespace: str,
        may_see: Callable[[Record], bool],
        record_url: Callable[[str], str],
        home_url: str = "",
    ) -> None:
        self.store = store
        self.cache = cache
        self.repository_name = repository_name
        self.admin_emails = admin_emails
        self.namespace = namespace
        self.may_see = may_see
        self.record_url = record_url
        self.home_url = home_url
        self.list_size: int | None = None

    @property
    def earliest_datestamp(self) -> datetime:
        return self.cache.earliest(self.store) or datetime.now(UTC)

    @property
    def descriptions(self) -> list[etree._Element]:
        """Identify's: the union catalogue in Dublin Core, and how its identifiers read
        (when the namespace is a domain name, as oai-identifier requires)."""
        about = dc_element(
            {
                "title": [self.repository_name],
                "description": REPOSITORY_DESCRIPTION,
                "type": ["Collection"],
                "language": ["vie", "eng"],
                "identifier": [self.home_url],
            }
        )
        identifiers = identifier_description(self.namespace, self.identifier(SAMPLE_RECORD_ID))
        return [about] if identifiers is None else [about, identifiers]

    # identifiers

    def identifier(self, record_id: str) -> str:
        return f"oai:{self.namespace}:{quote(record_id, safe=_ID_SAFE)}"

    def record_id(self, identifier: str) -> str | None:
        head = f"oai:{self.namespace}:"
        if not identifier.startswith(head) or len(identifier) == len(head):
            return None
        return unquote(identifier[len(head) :], errors="strict")

    # formats and sets

    def metadata_formats(self, identifier: str | None = None) -> list[MetadataFormat]:
        return [OAI_DC, MARCXML, MARC21]

    def sets(self) -> list[tuple[str, str]]:
        found = [LIBRARIES]
        found += [(f"{LIBRARIES[0]}:{s.key}", s.name or s.key) for s in self.store.sources()]
        found.append(COLLECTIONS)
        visible = self._visible_collections()
        by_slug: dict[str, str] = {}
        for name in sorted(visible):
            by_slug.setdefault(collection_slug(name), name)
        found += [(f"{COLLECTIONS[0]}:{slug}", name) for slug, name in sorted(by_slug.items())]
        return found

    def _visible_collections(self) -> set[str]:
        """Collections with at least one record the requester may see, judged on a few of
        each collection's most recently changed records (one batch query per round)."""
        pending = {name: list(ids) for name, ids in self.cache.collections(self.store).items()}
        visible: set[str] = set()
        while pending:
            wanted = {name: ids.pop(0) for name, ids in pending.items()}
            records: dict[str, Record] = {}
            for chunk in _chunks(sorted(set(wanted.values())), 500):
                records.update(self.store.get_records(chunk))
            for name, record_id in wanted.items():
                record = records.get(record_id)
                seen = record and not record.deleted and name in record.collections
                if seen and self.may_see(record):
                    visible.add(name)
            pending = {n: ids for n, ids in pending.items() if n not in visible and ids}
        return visible

    def _set_filter(self, set_spec: str | None) -> dict[str, Any] | None:
        """The store filter for a set; None when no record can be in it."""
        if set_spec is None or set_spec == LIBRARIES[0]:
            return {}
        if set_spec == COLLECTIONS[0]:
            return {"any_collection": True}
        kind, _, rest = set_spec.partition(":")
        if kind == LIBRARIES[0] and rest and ":" not in rest:
            return {"source_key": rest}
        if kind == COLLECTIONS[0] and rest and ":" not in rest:
            names = [n for n in self.cache.collections(self.store) if collection_slug(n) == rest]
            return {"collections": names} if names else None
        return None

    # lists

    def list_page(
        self,
        *,
        prefix: str | None,
        from_: datetime | None,
        until: datetime | None,
        set_spec: str | None,
        position: str | None,
        limit: int,
    ) -> tuple[list[tuple[OaiItem, str]], str | None]:
        filters = self._set_filter(set_spec)
        if filters is None:
            return [], None
        if position is None:
            frozen = self.store.max_change_seq()
            after, size = 0, self._count(frozen, from_, until, filters)
        else:
            after, frozen, size = self._position(position)
        self.list_size = size
        end_of = f"{frozen}" if size is None else f"{frozen}.{size}"
        rows = self.store.changed_records(
            after, until_seq=frozen, limit=limit, from_=from_, until=until, **filters
        )
        raws = None
        if prefix in MARC_PREFIXES:
            raws = self.store.get_raws([r.record.id for r in rows if not r.record.deleted])
        entries: list[tuple[OaiItem, str]] = []
        for row in rows:
            if self.may_see(row.record):
                raw = None if raws is None else raws.get(row.record.id, ("", b""))
                entries.append((self._item(row, raw), f"{row.change_seq}.{end_of}"))
        end = f"{rows[-1].change_seq}.{end_of}" if len(rows) == limit else None
        return entries, end

    def _position(self, position: str) -> tuple[int, int, int | None]:
        """(last change_seq read, change_seq frozen at, list size or None)."""
        parts = [int(part) for part in position.split(".")]
        if len(parts) not in (2, 3) or not 0 <= parts[0] <= parts[1] or min(parts) < 0:
            raise ValueError(f"not a list position: {position!r}")
        return parts[0], parts[1], parts[2] if len(parts) == 3 else None

    def _count(
        self, frozen: int, from_: datetime | None, until: datetime | None, filters: dict[str, Any]
    ) -> int | None:
        """How many items a new list holds for this requester; None when it is longer
        than COUNT_LIMIT stored records (counting it would read the whole catalogue)."""
        seen = after = read = 0
        while read < COUNT_LIMIT:
            rows = self.store.changed_records(
                after, until_seq=frozen, limit=COUNT_PAGE, from_=from_, until=until, **filters
            )
            seen += sum(1 for row in rows if self.may_see(row.record))
            read += len(rows)
            if len(rows) < COUNT_PAGE:
                return seen
            after = rows[-1].change_seq
        return None

    def get_item(self, identifier: str) -> OaiItem | None:
        try:
            record_id = self.record_id(identifier)
        except UnicodeDecodeError:
            return None
        row = self.store.get_changed_record(record_id) if record_id else None
        if row is None or not self.may_see(row.record):
            return None
        return self._item(row, None)

    def _item(self, row: ChangedRecord, raw: tuple[str, bytes] | None) -> StoreItem:
        record = row.record
        sets = [f"{LIBRARIES[0]}:{record.source_key}"]
        for slug in dict.fromkeys(collection_slug(c) for c in record.collections):
            sets.append(f"{COLLECTIONS[0]}:{slug}")
        return StoreItem(
            self.identifier(record.id), row.updated_at, record.deleted, sets, record, raw
        )

    # metadata

    def metadata(self, item: OaiItem, prefix: str) -> etree._Element | None:
        record = getattr(item, "record", None)
        if record is None or record.deleted:
            return None
        url = self.record_url(record.id)
        if prefix == OAI_DC.prefix:
            return dc_element(record_dc(record, url))
        if prefix in MARC_PREFIXES:
            raw = getattr(item, "raw", None)
            if raw is None:
                raw = self.store.get_raws([record.id]).get(record.id, ("", b""))
            element = raw_marc_element(*raw)
            return element if element is not None else marcxml_element(record_marc(record, url))
        return None


class OaiCache:
    """What is costly over a big catalogue, kept per app: the earliest change time and
    the collections (each with a few record ids, for the visibility check)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._earliest: datetime | None = None
        self._collections: dict[str, list[str]] | None = None
        self._seq = -1
        self._read_at = 0.0

    def earliest(self, store: Store) -> datetime | None:
        if self._earliest is None:  # a lower bound for good once read (see the store)
            self._earliest = store.earliest_change()
        return self._earliest

    def collections(self, store: Store) -> dict[str, list[str]]:
        """Collection name → sample record ids, re-read when the store has changed and the
        list is older than COLLECTIONS_TTL."""
        with self._lock:
            stale = time.monotonic() - self._read_at > COLLECTIONS_TTL
            if self._collections is None or (stale and store.max_change_seq() != self._seq):
                seq = store.max_change_seq()
                self._collections = store.collection_samples(SAMPLES_PER_COLLECTION)
                self._seq, self._read_at = seq, time.monotonic()
            return self._collections


def _cache(app: Flask) -> OaiCache:
    return app.extensions.setdefault(_CACHE, OaiCache())


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def collection_slug(name: str) -> str:
    """A stable setSpec part for a collection name: "Sách nói" → "sach-noi".

    Names with no Latin letters or digits get a short hash of the name instead.
    """
    slug = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")
    if slug:
        return slug
    return "c" + hashlib.sha256(name.strip().encode("utf-8")).hexdigest()[:10]


# --- records as Dublin Core and MARC ---------------------------------------------------

# format → (DCMI type, a dc:type word thuvien's own DC crosswalk reads back as the format)
DC_TYPES = {
    "book": ("Text", "book"),
    "periodical": ("Text", "periodical"),
    "article": ("Text", "article"),
    "thesis": ("Text", "thesis"),
    "map": ("Image", "map"),
    "manuscript": ("Text", "manuscript"),
    "image": ("StillImage", "image"),
    "audiobook": ("Sound", "audiobook"),
    "music": ("Sound", "music"),
    "video": ("MovingImage", "video"),
    "archival": ("Collection", "archival"),
}


def record_dc(record: Record, url: str = "") -> dict[str, list[str]]:
    """Dublin Core element values for a record, shaped so thuvien's DC crosswalk reads
    the same record back (title " : " subtitle, "place : publisher", labelled ISBNs)."""
    title = f"{record.title} : {record.subtitle}" if record.subtitle else record.title
    publisher = record.publisher
    if publisher and record.place:
        publisher = f"{record.place} : {publisher}"
    types = DC_TYPES.get(record.format, ("Text", record.format))
    identifiers = [url] if url else []
    identifiers += [f"ISBN {isbn}" for isbn in record.isbns]
    identifiers += [f"ISSN {issn}" for issn in record.issns]
    return {
        "title": [title],
        "creator": record.authors,
        "subject": record.subjects,
        "description": _paragraphs(record.description),
        "publisher": [publisher] if publisher else [],
        "contributor": record.contributors,
        "date": [str(record.year)] if record.year else [],
        "type": list(types),
        "identifier": identifiers,
        "language": record.languages,
        "relation": record.collections,
        "rights": [record.rights_statement] if record.rights_statement else [],
    }


# format → leader/06-07, and a character for 008/24 (nature of contents) or 008/33
# (type of visual material) where the format needs one to be told apart.
MARC_TYPES = {
    "book": ("am", {}),
    "periodical": ("as", {}),
    "article": ("ab", {}),
    "thesis": ("am", {24: "m"}),
    "map": ("em", {}),
    "manuscript": ("tm", {}),
    "image": ("km", {}),
    "audiobook": ("im", {}),
    "music": ("jm", {}),
    "video": ("gm", {33: "v"}),
    "archival": ("pc", {}),
}


def record_marc(record: Record, url: str = "") -> pymarc.Record:
    """A MARC21 record built from a unified record (for records not harvested as MARC)."""
    kind, fixed = MARC_TYPES.get(record.format, ("am", {}))
    marc = pymarc.Record(leader=f"00000n{kind} a2200000uu 4500", force_utf8=True)
    marc.add_field(pymarc.Field(tag="001", data=record.id))
    marc.add_field(pymarc.Field(tag="008", data=_fixed_field(record, fixed)))

    def add(tag: str, indicators: str, *pairs: tuple[str, str]) -> None:
        subfields = [pymarc.Subfield(code, value) for code, value in pairs if value]
        if subfields:
            ind = pymarc.Indicators(indicators[0], indicators[1])
            marc.add_field(pymarc.Field(tag=tag, indicators=ind, subfields=subfields))

    add("010", "  ", ("a", record.lccn))
    for isbn in record.isbns:
        add("020", "  ", ("a", isbn))
    for issn in record.issns:
        add("022", "  ", ("a", issn))
    if record.oclc:
        add("035", "  ", ("a", f"(OCoLC){record.oclc}"))
    if len(record.languages) > 1:
        add("041", "0 ", *(("a", lang) for lang in record.languages))
    for call_number in record.call_numbers:
        add("099", "  ", ("a", call_number))
    if record.authors:
        add("100", "1 ", ("a", record.authors[0]))
    add("245", "10" if record.authors else "00", ("a", record.title), ("b", record.subtitle))
    add("250", "  ", ("a", record.edition))
    add("264", " 1", ("a", record.place), ("b", record.publisher),
        ("c", str(record.year) if record.year else ""))  # fmt: skip
    for series in record.series:
        add("490", "0 ", ("a", series))
    if record.contents:
        add("505", "0 ", ("a", " -- ".join(record.contents)))
    if record.embargo_until:
        add("506", "  ", ("g", record.embargo_until.isoformat()))
    for paragraph in _paragraphs(record.description):
        add("520", "  ", ("a", paragraph))
    add("540", "  ", ("u", record.rights_statement))
    for subject in record.subjects:
        add("650", " 4", ("a", subject))
    for genre in record.genres:
        add("655", " 4", ("a", genre))
    for author in record.authors[1:]:
        add("700", "1 ", ("a", author), ("4", "aut"))
    for contributor in record.contributors:
        add("700", "1 ", ("a", contributor), ("4", "ctb"))
    for collection in record.collections:
        add("773", "0 ", ("t", collection))
    for holding in record.holdings:
        add("852", "  ", ("a", holding.library), ("b", holding.location),
            ("h", holding.call_number), ("p", holding.barcode),
            ("t", holding.copy_number))  # fmt: skip
    if url:  # ind2 2: a related resource (the record page), not the item itself
        add("856", "42", ("u", url), ("y", REPOSITORY_NAME))
    return marc


def _fixed_field(record: Record, fixed: dict[int, str]) -> str:
    """008: no entry date, one publication date, no place, the format's codes, language."""
    year = f"{record.year:04d}" if record.year and 0 < record.year < 10000 else ""
    chars = list(f"{'':6}{'s' if year else 'n'}{year or 'uuuu'}{'':4}xx {'':17}")
    for offset, char in fixed.items():
        chars[offset] = char
    language = record.languages[0] if record.languages else "und"
    return "".join(chars) + f"{language[:3]:<3} d"


def raw_marc_element(raw_format: str, content: bytes) -> etree._Element | None:
    """The MARCXML of a record harvested as MARC, from its raw form as received: the
    MARCXML <record> itself when it is in the MARC21 slim namespace, else converted.
    None when the raw record is not MARC or cannot be read."""
    try:
        if raw_format == "marcxml":
            root = parse_xml(content)
            metadata = root.find(f"{{{OAI_NS}}}metadata")  # kept as a whole OAI <record>
            start = metadata[0] if metadata is not None and len(metadata) else root
            found = find_marc_record(start)
            if found is None:
                return None
            if etree.QName(found).namespace == MARC_NS:
                return found
            return marcxml_element(element_to_marc(found))
        if raw_format == "marc21":
            marc = pymarc.Record(content, to_unicode=True, utf8_handling="replace")
            return marcxml_element(marc)
    except (XmlError, ValueError):
        return None
    except Exception:  # noqa: BLE001 — pymarc raises many kinds for a broken record
        return None
    return None


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
