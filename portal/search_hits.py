"""The results list's hits: each work as shown, with safe highlights, links and thumbnails.

`hit_view` turns an index `Hit` into what the list renders (translated, linked, its
availability counted), with the per-page lookups done once (`PageLinks`). Thumbnails are
here because whether a scan may be shown is a licence decision (`preview_size`), asked the
same way by the results list, the home page and the JSON API.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlencode

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup, escape
from sqlalchemy.exc import SQLAlchemyError

from catalogue.record import HOLDING_STATUSES, Record
from iiif.objects import image_identifier
from indexer.names import clean_name, direct_name
from indexer.protocol import Hit
from portal.access import decide_for_request, may_see_record
from portal.app import services
from portal.i18n import current_language, language_tag, number_text
from portal.search_labels import LABEL_CACHE, format_label_in, language_label_in, status_text_in
from portal.search_state import phrase_query

_MARK = re.compile(r"</?mark>")
_OPEN_MARK, _CLOSE_MARK = Markup("<mark>"), Markup("</mark>")


def safe_highlight(fragment: str) -> Markup:
    """Backend highlight HTML (escaped text with <mark>) rebuilt so only <mark> survives.

    Both backends escape before marking (indexer.text.highlight_html); this rebuilds the
    fragment from its text anyway, so a backend bug can never put markup on the page.
    """
    out = []
    for i, part in enumerate(_MARK.split(fragment)):
        text = escape(html.unescape(part) if "&" in part else part)
        out.append(_OPEN_MARK + text + _CLOSE_MARK if i % 2 else text)
    return Markup("").join(out)


# What werkzeug leaves unquoted in a path segment and in a query string (its url_for).
PATH_SAFE = "!$&'()*+,/:;=@"
QUERY_SAFE = "!$'()*,/:;?@"
_STATUS_ORDER = {status: i for i, status in enumerate(HOLDING_STATUSES)}


@dataclass(frozen=True)
class PageLinks:
    """What every hit on a page shares, looked up once per page instead of once per hit:
    the reader's language and the bases of record and author links (url_for costs ~20 µs
    a call, and a page has 20 hits with up to 4 authors each)."""

    language: str
    record_base: str
    search_base: str

    @classmethod
    def current(cls) -> PageLinks:
        record = url_for("record.show", record_id="0")
        return cls(current_language(), record[:-1], url_for("search.results"))

    def record_url(self, record_id: str) -> str:
        return self.record_base + quote(record_id, safe=PATH_SAFE)

    def search_url(self, q: str) -> str:
        return f"{self.search_base}?{urlencode([('q', q)], safe=QUERY_SAFE)}"


@dataclass(frozen=True, slots=True)
class LinkView:
    name: str
    url: str


@dataclass(slots=True)
class StatusView:
    status: str
    text: str


# Objects, not dicts: Jinja looks `hit.title` up as an attribute first, and a dict
# answers that with an exception before the key is tried (~25 lookups a hit).
@dataclass(slots=True)
class HitView:
    """One work as the results list shows it, everything translated and linked."""

    id: str
    url: str
    title: str | Markup
    subtitle: str
    lang: str
    lang_attr: str | Markup  # ` lang="en"` when the work's language is not the page's
    authors: list[LinkView]
    more_authors: int
    year: Any
    format: str
    languages: list[str]
    publisher: str
    libraries: list[str]
    libraries_text: str
    availability: list[StatusView]
    online: bool
    thumbnail: str
    snippet: str | Markup


def hit_view(hit: Hit, page: PageLinks | None = None, thumbnail: str = "") -> HitView:
    """One work as the results list shows it (`thumbnail`: its scan's, when shown)."""
    page = page or PageLinks.current()
    language = page.language
    fields = hit.fields
    title = fields.get("title") or ""
    highlighted = hit.highlights.get("title")
    statuses = Counter(h.get("status") or "unknown" for h in hit.holdings)
    order = _STATUS_ORDER
    availability = [
        StatusView(s if s in order else "unknown", status_text_in(language, s, n))
        for s, n in sorted(statuses.items(), key=lambda item: order.get(item[0], len(order)))
    ]
    languages = fields.get("languages") or []
    authors = fields.get("authors") or []
    tag = language_tag(languages)
    return HitView(
        id=hit.id,
        url=page.record_url(hit.id),
        title=safe_highlight(highlighted) if highlighted else (title or _("Untitled")),
        subtitle=fields.get("subtitle") or "",
        lang=tag,
        lang_attr=Markup(' lang="{}"').format(tag) if tag and tag != language else "",
        authors=[_author_link(a, page) for a in authors[:4]],
        more_authors=max(0, len(authors) - 4),
        year=fields.get("year"),
        format=format_label_in(language, fields.get("format") or ""),
        languages=[language_label_in(language, c) for c in languages[:3]],
        publisher=fields.get("publisher") or "",
        libraries=hit.libraries,
        libraries_text=_held_by(language, len(hit.libraries)) if hit.libraries else "",
        availability=availability,
        online=bool(fields.get("online")),
        thumbnail=thumbnail or thumbnail_url(hit),
        snippet=safe_highlight(hit.snippet) if hit.snippet else "",
    )


@lru_cache(maxsize=LABEL_CACHE)
def _held_by(language: str, count: int) -> str:
    return ngettext(
        "Held by %(count)s library",
        "Held by %(count)s libraries",
        count,
        count=number_text(count, language),
    )


@lru_cache(maxsize=LABEL_CACHE)
def _author_link(name: str, page: PageLinks) -> LinkView:
    """An author as shown ("Nguyễn Du") and searched for; the same authors come back often."""
    return LinkView(direct_name(name) or name, author_url(name, page))


def author_url(name: str, page: PageLinks | None = None) -> str:
    query = phrase_query("author", clean_name(name) or name)
    if not query:
        return ""
    return page.search_url(query) if page else url_for("search.results", q=query)


_THUMBNAIL = re.compile(r"https?://[^\s\"'<>]+$")
THUMBNAIL_PX = 96  # the results list's thumbnail box (CSS keeps the box this size)


def thumbnail_url(hit: Hit) -> str:
    """A remote cover or first page to show beside the hit: only an absolute http(s) URL.

    Scans this server holds are shown through IIIF instead (`scan_thumbnails`), and only
    when the reader may see them; a relative path has nothing to serve it.
    """
    location = str(hit.fields.get("thumbnail") or "")
    return location if _THUMBNAIL.match(location) else ""


def scan_thumbnails(record_ids: list[str]) -> dict[str, str]:
    """IIIF thumbnails of page 1 for the records the reader may see at least as a preview.

    The licence rules match on fields the index does not keep (rights statement,
    collections, embargo, author death year…), so the decision needs the records: all of
    a page's scanned records are read in one store call. A failing store costs the
    thumbnails, never the page.
    """
    if not record_ids:
        return {}
    try:
        records = services().store.get_records(record_ids)
    except SQLAlchemyError:
        current_app.logger.exception("store failed reading records for thumbnails")
        return {}
    thumbnails = {}
    for record_id in record_ids:
        record = records.get(record_id)
        if record is None or record.deleted:
            continue
        size = preview_size(record)
        if size:
            thumbnails[record_id] = iiif_thumbnail(record_id, size)
    return thumbnails


def preview_size(record: Record, box: int = THUMBNAIL_PX) -> int:
    """The thumbnail size (px, at most `box`) the reader may see of a record's scans;
    0 if none.

    As the IIIF server decides (portal.record_images.content_access): view_content allows any
    size, else view_preview up to the rule's preview size.
    """
    if not may_see_record(record):
        return 0
    if decide_for_request(record, "view_content").allowed:
        return box
    preview = decide_for_request(record, "view_preview")
    if preview.allowed and preview.preview_max_px:
        return min(box, preview.preview_max_px)
    return 0


def iiif_image(record_id: str, *, external: bool = False) -> str:
    """The IIIF Image API service of a record's first page."""
    return url_for("iiif.base", identifier=image_identifier(record_id, 1), _external=external)


def iiif_thumbnail(record_id: str, size: int, *, external: bool = False) -> str:
    """The IIIF Image API URL of a record's first page, fitted into a size×size box."""
    return f"{iiif_image(record_id, external=external)}/full/!{size},{size}/0/default.jpg"
