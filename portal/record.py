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
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

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
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from lxml import etree
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict

from catalogue import users
from catalogue.record import DigitalObject, Holding, Record
from catalogue.rights import AccessDecision
from catalogue.sources import Source
from harvesters.xml import XmlError, localname, parse_xml
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
from indexer.names import clean_name, direct_name
from indexer.protocol import MAX_DEPTH
from indexer.text import strip_isbd
from portal import citations
from portal.access import decide_for_request, log_content_access, may_see_record
from portal.app import services
from portal.i18n import current_language, date_text, language_tag
from portal.search import SearchState, status_text

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
    are everyone's. A delivery of restricted content is audited, except a thumbnail of
    the whole page (a results list shows twenty of them; they say nothing of the scan).
    """
    parsed = parse_image_identifier(identifier)
    if parsed is None:
        return ImageAccess(full=True, shared=True)
    record = request_record(parsed[0])
    if record is None:
        return None
    access = content_access(record)
    delivered = access is not None and access.full and request.endpoint == "iiif.image"
    if delivered and not _whole_page_thumbnail(request.view_args or {}):
        log_content_access(record, decide_for_request(record, "view_content"), "image")
    return access


_BOX = re.compile(r"\^?!?(\d*),(\d*)")


def _whole_page_thumbnail(args: dict[str, Any]) -> bool:
    """Whether an image request is the whole page at thumbnail size or smaller."""
    if args.get("region") not in ("full", "square"):
        return False
    box = _BOX.fullmatch(str(args.get("size", "")))
    if box is None or not any(box.groups()):
        return False
    return all(int(n) <= THUMBNAIL_PX for n in box.groups() if n)


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


# --- why content is restricted, and what the reader can do --------------------------------


def N_(text: str) -> str:  # noqa: N802 — gettext's name for "mark for translation only"
    return text


# The reasons of the licence rule presets (config/rights/presets.toml) and of the default,
# as written there: a decision carrying one of these word for word is shown translated;
# a reason a librarian wrote or edited is shown as written.
KNOWN_REASONS = {
    "": N_(
        "No licence rule matched this record: the description is public, the content and "
        "downloads are for staff only until a rule says otherwise, previews up to 400 px."
    ),
    "secret-archives": N_(
        "Classified material (tài liệu mật): not disclosed outside library staff, under the "
        "Law on Protection of State Secrets (2018)."
    ),
    "restricted-archives": N_(
        "Restricted archive: withheld from the public by law or by the depositor's "
        "conditions; staff only."
    ),
    "embargo": N_(
        "Under embargo until the date on the record: the description is public, the content "
        "is not yet released."
    ),
    "inc-registered-onsite": N_(
        "In copyright (rightsstatements.org InC): registered readers may read it on the "
        "library network; no downloads."
    ),
    "inc": N_(
        "In copyright (rightsstatements.org InC): readable only by registered readers on the "
        "library network; previews only elsewhere."
    ),
    "orphan-works": N_(
        "Orphan work: its rights holders could not be found after a diligent search; "
        "registered readers may read it online, no downloads, and it is withdrawn if a "
        "rights holder comes forward."
    ),
    "inc-ruu": N_(
        "In copyright, rights holders not located or identified: read on the library "
        "network only, no downloads."
    ),
    "inc-edu": N_(
        "In copyright, educational use permitted by the rights holder: registered readers "
        "may read and download it."
    ),
    "inc-nc": N_(
        "In copyright, non-commercial use permitted by the rights holder: anyone may read "
        "it, registered readers may download."
    ),
    "noc-oklr": N_(
        "Not in copyright, but other laws restrict its use (privacy, cultural heritage): "
        "read on the library network only."
    ),
    "noc-cr": N_(
        "Not in copyright; the digitisation agreement restricts reuse: anyone may read it, "
        "registered readers may download."
    ),
    "noc-us": N_(
        "Public domain in the United States only; it may still be protected in Vietnam: "
        "read on the library network only."
    ),
    "cne": N_("Copyright status not evaluated: read on the library network only until it is."),
    "und": N_("Copyright status could not be determined: read on the library network only."),
}
# What the policy appends to a rule's reason (catalogue/rights/policy.py).
_REASON_SUFFIX = re.compile(
    r" \((?:The record itself is for level “[a-z]+” only|No preview is allowed)\.\)$"
)


@dataclass
class AccessAction:
    text: Markup | str
    href: str = ""


@dataclass
class AccessNotice:
    """Why the requester cannot have the content, and what they can do about it."""

    reason: str
    reason_lang: str  # "vi" for a librarian's Vietnamese reason on an English page
    actions: list[AccessAction]
    level: str = ""  # who may: registered, onsite, staff, hidden


def reason_text(decision: AccessDecision) -> tuple[str, bool]:
    """The deciding rule's reason, and whether it was translated: a preset's (or the
    default's) own wording is, a reason a librarian wrote or edited is shown as written."""
    reason = _REASON_SUFFIX.sub("", decision.reason or "")
    known = KNOWN_REASONS.get(decision.preset if decision.rule_id is not None else "")
    if known is not None and reason == known:
        return _(known), True
    return reason, False


def data_span(value: str) -> Markup:
    """Catalogue text to put into a translated sentence: in a <span lang="vi"> when it is
    Vietnamese on a page that is not (WCAG 3.1.2), else just escaped."""
    lang = data_lang(value)
    return Markup('<span lang="{}">{}</span>').format(lang, value) if lang else escape(value)


def with_data(message: str, **values: str) -> Markup:
    """A translated message (not yet formatted) with catalogue data put in by `data_span`."""
    return escape(message) % {name: data_span(value) for name, value in values.items()}


def access_notice(record: Record, decision: AccessDecision) -> AccessNotice | None:
    """The notice for a refused content decision (None when it is allowed)."""
    if decision.allowed:
        return None
    anonymous = not getattr(current_user, "is_authenticated", False)
    here = url_for("record.show", record_id=record.id)
    libraries = holding_libraries(record)
    library = ", ".join(libraries)
    actions: list[AccessAction] = []
    level = decision.level
    if level == "registered" and anonymous:
        actions.append(AccessAction(_("Log in"), url_for("account.login", next=here)))
        actions.append(
            AccessAction(_("Register as a reader"), url_for("account.register", next=here))
        )
    elif level == "onsite":
        actions.append(
            AccessAction(
                with_data(_("Read it in the reading room of %(library)s."), library=library)
            )
        )
        if anonymous:
            actions.append(
                AccessAction(
                    _("Library staff can log in to read it anywhere."),
                    url_for("account.login", next=here),
                )
            )
    else:
        actions.append(
            AccessAction(with_data(_("Ask %(library)s about access to it."), library=library))
        )
    reason, translated = reason_text(decision)
    return AccessNotice(reason, "" if translated else data_lang(reason), actions, level)


def holding_libraries(record: Record) -> list[str]:
    """The libraries holding the record (its source's name when it lists no copies)."""
    names = sorted({h.library for h in record.holdings if h.library})
    return names or [library_name(record.source_key)]


# --- the scan viewer on the record page ---------------------------------------------------

THUMBNAIL_PX = 150


@dataclass
class ScanPage:
    label: str
    info: str  # the page's info.json (what the deep-zoom viewer opens)
    thumbnail: str
    image: str  # the largest image the requester may have (the no-script link)
    lang: str = ""  # the label's language when it is Vietnamese and the page is not


@dataclass
class ScanViewer:
    """The record's page scans as the requester may see them."""

    mode: str  # "full" | "preview" | "refused"
    pages: list[ScanPage]
    manifest: str
    drag_link: str  # the IIIF drag-and-drop convention: manifest?manifest=manifest
    preview_px: int = 0

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
        # What to do about it (log in, the reading room…) is the access notice's job.
        return ScanViewer("refused", [], manifest, drag_link)
    thumb = min(THUMBNAIL_PX, access.preview_max_px or THUMBNAIL_PX)
    pages = []
    for number, obj in enumerate(images, 1):
        base = url_for("iiif.base", identifier=image_identifier(record.id, number))
        pages.append(
            ScanPage(
                lang=data_lang(obj.label),
                label=obj.label or _("Page %(number)s", number=number),
                info=f"{base}/info.json",
                thumbnail=f"{base}/full/!{thumb},{thumb}/0/default.jpg",
                image=f"{base}/full/max/0/default.jpg",
            )
        )
    mode = "full" if access.full else "preview"
    return ScanViewer(mode, pages, manifest, drag_link, access.preview_max_px or 0)


# --- the search a record was opened from: back to results, previous and next ------------

CONTEXT_MAX_CHARS = 4000  # a results URL's query string is far shorter
CONTEXT_MAX_FIELDS = 120


@dataclass
class SearchContext:
    """Where the record sits in the search it was opened from (Blacklight's search
    context): the link back to that results page, and the neighbours' record pages."""

    back_url: str
    position: int = 0  # 1-based; 0 when the record was not found where it was said to be
    total: int = 0
    previous_url: str = ""
    next_url: str = ""


def context_params(state: SearchState, position: int) -> dict[str, str]:
    """The query parameters that carry a search context to a record page."""
    return {"ctx": urlencode(state.params(page=None)), "pos": str(position)}


def search_context_url(record_url: str, state: SearchState, position: int) -> str:
    """A record link that carries its search (for the results page's hit links):
    `/record/x?ctx=q%3Dha%2Bnoi&pos=3`."""
    return f"{record_url}?{urlencode(context_params(state, position))}"


bp.add_app_template_global(search_context_url, "search_context_url")


def search_context(record: Record) -> SearchContext | None:
    """The context from `?ctx=…&pos=…`, else from a Referer that is this site's results
    page; None when there is none or it does not hold up.

    Nothing from the request is trusted: the query string is parsed by the results
    page's own `SearchState` (lenient cleaning, clamped page sizes, known sorts), the
    position is clamped, and every link is rebuilt from the parsed state. The search is
    the results page's own query, so the index's result cache usually answers it.
    """
    args = request.args
    raw, position = args.get("ctx"), _position(args.get("pos"))
    if raw is None:
        raw, position = _referring_search(), 0
    if raw is None or len(raw) > CONTEXT_MAX_CHARS:
        return None
    try:
        pairs = parse_qsl(raw, max_num_fields=CONTEXT_MAX_FIELDS)
    except ValueError:
        return None
    state = SearchState.from_args(MultiDict(pairs))
    if state.too_long:
        return None
    if position:
        state.page = (position - 1) // state.per_page + 1
    try:
        return _place_in_results(record, state, position)
    except Exception:
        current_app.logger.exception("could not re-run the search context of %r", record.id)
        return None


def _position(raw: str | None) -> int:
    """A 1-based position in a result list, or 0 if it is not one."""
    if not raw or not raw.isascii() or not raw.isdigit() or len(raw) > 6:
        return 0
    value = int(raw)
    return value if 1 <= value <= MAX_DEPTH else 0


def _referring_search() -> str | None:
    """The query string of the Referer when it is this site's results page."""
    referrer = request.referrer
    if not referrer:
        return None
    parts = urlsplit(referrer)
    # The host, not the scheme: behind a TLS-terminating proxy the app sees http.
    if parts.scheme not in ("http", "https") or parts.netloc != request.host:
        return None
    if parts.path != url_for("search.results"):
        return None
    return parts.query


def _place_in_results(record: Record, state: SearchState, position: int) -> SearchContext:
    """Find the record at (or, the index having changed, near) its position."""
    index = services().index
    result = index.search(state.search_query())
    hits = result.hits
    first = (state.page - 1) * state.per_page + 1

    def holds(hit: Any) -> bool:
        return hit.id == record.id or record.id in (hit.record_ids or ())

    found = next((i for i, hit in enumerate(hits) if holds(hit)), None)
    wanted = position - first if position else None
    if wanted is not None and 0 <= wanted < len(hits) and holds(hits[wanted]):
        found = wanted
    back = state.url(page=state.page)
    if found is None:
        return SearchContext(back_url=back)
    position = first + found
    last = min(result.total, MAX_DEPTH)

    def neighbour(at: int) -> str:
        if not 1 <= at <= last:
            return ""
        offset = at - first
        if 0 <= offset < len(hits):
            hit = hits[offset]
        else:  # on the next or previous page: one more (usually cached) search
            state.page = (at - 1) // state.per_page + 1
            page_hits = index.search(state.search_query()).hits
            index_on_page = (at - 1) % state.per_page
            if index_on_page >= len(page_hits):
                return ""
            hit = page_hits[index_on_page]
        return url_for("record.show", record_id=hit.id, **context_params(state, at))

    return SearchContext(
        back_url=back,
        position=position,
        total=last,
        previous_url=neighbour(position - 1),
        next_url=neighbour(position + 1),
    )


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
    holdings = work_holdings(record, others)
    return render_template(
        "record/show.html",
        record=record,
        title=strip_isbd(record.title) or _("Untitled"),
        subtitle=strip_isbd(record.subtitle),
        title_lang=foreign_language(record),
        format_name=format_label(record.format),
        permalink=permalink,
        description=describe(record),
        holdings=holdings,
        opac_links=any(row.opac_url for group in holdings for row in group.rows),
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

    def data(values: list[str]) -> list[Value]:
        """Catalogued text: marked lang="vi" when it is Vietnamese and the UI is not."""
        return [Value(v, lang=data_lang(v)) for v in values if v and v.strip()]

    def person(name: str) -> Value:
        shown = person_name(name)
        return Value(shown, search(author_query(name)), data_lang(shown))

    rights = rights_label(record.rights_statement)
    source_name = library_name(record.source_key)
    fields = [
        Field("authors", _("Authors"), [person(a) for a in record.authors if a.strip()]),
        Field(
            "contributors", _("Contributors"), [person(c) for c in record.contributors if c.strip()]
        ),
        Field("publisher", _("Publisher"), data([strip_isbd(record.publisher)])),
        Field("place", _("Place of publication"), data([strip_isbd(record.place)])),
        Field("year", _("Year"), plain([str(record.year)] if record.year is not None else [])),
        Field("edition", _("Edition"), plain([strip_isbd(record.edition)])),
        Field("series", _("Series"), data(record.series)),
        Field("format", _("Format"), [Value(format_label(record.format))]),
        Field("languages", _("Languages"), [Value(language_name(c)) for c in record.languages]),
        Field(
            "subjects",
            _("Subjects"),
            [
                Value(s, search(subject_query(s)), data_lang(s))
                for s in record.subjects
                if s.strip()
            ],
        ),
        Field("genres", _("Genres"), data(record.genres)),
        Field("isbns", _("ISBN"), plain(record.isbns)),
        Field("invalid_isbns", _("Invalid ISBN"), plain(record.invalid_isbns)),
        Field("issns", _("ISSN"), plain(record.issns)),
        Field("oclc", _("OCLC number"), plain([record.oclc])),
        Field("lccn", _("LCCN"), plain([record.lccn])),
        Field("call_numbers", _("Call numbers"), plain(distinct_call_numbers(record.call_numbers))),
        Field("description", _("Summary"), data([record.description])),
        Field("contents", _("Contents"), [Value(c, lang=foreign) for c in record.contents if c]),
        Field(
            "collections",
            _("Collections"),
            [
                Value(c, url_for("search.results", **{"f.collection": c}), data_lang(c))
                for c in record.collections
                if c.strip()
            ],
        ),
        Field("rights", _("Rights"), [rights] if rights else []),
        Field("source", _("Catalogued by"), [Value(source_name, lang=data_lang(source_name))]),
    ]
    return [f for f in fields if f.values]


# Letters only Vietnamese writes (French shares é, è, ê, à, â, ô but none of these).
_VIETNAMESE_LETTERS = re.compile(
    "[ăđơưĩũỹỳạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỵỷ]", re.IGNORECASE
)


def data_lang(text: str) -> str:
    """ "vi" for Vietnamese catalogue text on a page whose language is not Vietnamese.

    WCAG 3.1.2: a screen reader in English reads "Thư viện Hà Nội" with English
    phonetics unless the text says it is Vietnamese. Names, subjects and locations carry
    no language of their own, so the letters decide; '' leaves the page's language.
    """
    if not text or current_language() == "vi":
        return ""
    return "vi" if _VIETNAMESE_LETTERS.search(text) else ""


def person_name(name: str) -> str:
    """A heading in reading order, as the results list shows it: "Trần, Quốc Vượng" →
    "Trần Quốc Vượng", "Hugo, Victor, 1802-1885" → "Victor Hugo"."""
    return direct_name(name) or " ".join(name.split())


def distinct_call_numbers(values: list[str]) -> list[str]:
    """Each call number once: duplicates dropped, and a bare class number dropped when a
    fuller call number starts with it ("912.597" beside "912.597 BA-B")."""
    cleaned: list[str] = []
    for value in values:
        text = " ".join(value.split())
        if text and text.casefold() not in (c.casefold() for c in cleaned):
            cleaned.append(text)
    folded = [c.casefold() for c in cleaned]
    return [
        c
        for c, f in zip(cleaned, folded, strict=True)
        if not any(other != f and other.startswith(f + " ") for other in folded)
    ]


def source_of(source_key: str) -> Source | None:
    """A record's source, read once per request (None when it has been deleted)."""
    sources = g.setdefault("_thuvien_sources", {})
    if source_key not in sources:
        sources[source_key] = services().store.get_source(source_key)
    return sources[source_key]


def library_name(source_key: str) -> str:
    """A source's name as readers know it (its key when the source is gone)."""
    source = source_of(source_key)
    return source.name if source else source_key


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
    due: str = ""  # localised date a copy on loan is due back
    due_iso: str = ""
    record_id: str = ""  # the record the copy comes from
    record_title: str = ""
    record_lang: str = ""  # the record title's language, when not the page's
    own: bool = True  # a copy of the record on this page
    library_lang: str = ""
    location_lang: str = ""
    opac_url: str = ""  # the copy's record in its source's own catalogue, "" for none
    opac_label: Markup | str = ""  # "View at <the source's library>"


def holding_rows(holdings: list[Holding], record: Record | None = None) -> list[HoldingRow]:
    """One row per copy, sorted by library, location and call number.

    With the record, each copy links to the record's page in the catalogue of the
    record's own source (its record URL template), where a reader can place a hold.
    """
    source = source_of(record.source_key) if record else None
    opac_label = with_data(_("View at %(library)s"), library=source.name) if source else ""
    rows = []
    for h in sorted(holdings, key=lambda h: (h.library, h.location, h.call_number)):
        status = h.status if h.status in _STATUS_ORDER else "unknown"
        when = h.status_read_at
        library = h.library or (library_name(record.source_key) if record else "")
        rows.append(
            HoldingRow(
                library=library,
                location=h.location,
                call_number=h.call_number,
                status=status,
                status_label=status_label(status),
                status_date=date_text(when) if when else "",
                status_iso=when.isoformat() if when else "",
                due=date_text(h.due) if h.due and status == "on_loan" else "",
                due_iso=h.due.isoformat() if h.due and status == "on_loan" else "",
                library_lang=data_lang(library),
                location_lang=data_lang(h.location),
                opac_url=source.record_url(record.local_id, h.barcode) if source and record else "",
                opac_label=opac_label,
            )
        )
    return rows


@dataclass
class LibraryHoldings:
    """One library's copies of the work, and the one-line summary of their status."""

    library: str
    lang: str
    rows: list[HoldingRow]
    summary: list[tuple[str, str]]  # (status, "1 copy available"), best status first


def work_holdings(record: Record, others: list[Record]) -> list[LibraryHoldings]:
    """Every visible copy of the work, grouped by library, this record's own copies first.

    `others` are the work's other records the requester may see (`work_records`): a
    hidden record's copies never reach this table.
    """
    title_lang = foreign_language(record)
    rows: list[HoldingRow] = []
    for source in (record, *others):
        own = source is record
        title = citations.full_title(source) or source.id
        year = f" ({source.year})" if source.year is not None else ""
        lang = foreign_language(source)
        for row in holding_rows(source.holdings, source):
            row.record_id, row.own = source.id, own
            row.record_title = title + year
            row.record_lang = title_lang if own else lang
            rows.append(row)
    groups: dict[str, list[HoldingRow]] = {}
    for row in rows:  # this record's libraries come first: it is listed first
        groups.setdefault(row.library, []).append(row)
    ordered = sorted(groups.items(), key=lambda kv: (not kv[1][0].own, kv[0]))
    out = []
    for library, copies in ordered:
        copies.sort(key=lambda r: (not r.own, r.record_id, r.location, r.call_number))
        counts: dict[str, int] = {}
        for row in copies:
            counts[row.status] = counts.get(row.status, 0) + 1
        summary = [(s, status_text(s, counts[s])) for s in _STATUS_ORDER if s in counts]
        out.append(LibraryHoldings(library, data_lang(library), copies, summary))
    return out


@dataclass
class FileRow:
    label: str
    kind: str
    size: str
    duration: str
    duration_iso: str
    href: str = ""  # the download, when thuvien holds a copy and the requester may have it
    lang: str = ""  # the label's language when it is Vietnamese and the page is not


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
                lang=data_lang(obj.label),
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
    libraries_lang: str
    year: str
    format: str


def work_records(record: Record) -> list[Record]:
    """The work's other live records the requester may see (its copies in other libraries).

    The store keeps each record's work key at every index sync, so this needs no search.
    """
    try:
        found = _work_records(record)
    except Exception:
        # The page is still worth showing without them: log and carry on.
        current_app.logger.exception("could not find the other records of %r", record.id)
        return []
    return [
        other
        for other in found
        if other.id != record.id and not other.deleted and may_see_record(other)
    ][:MAX_OTHER_RECORDS]


def other_records(record: Record, others: list[Record] | None = None) -> list[OtherRecord]:
    """The work's other records as the page lists them, by library, year and id."""
    others = work_records(record) if others is None else others
    rows = []
    for other in others:
        libraries = sorted({h.library for h in other.holdings if h.library})
        if not libraries:
            libraries = [library_name(other.source_key)]
        names = ", ".join(libraries)
        rows.append(
            OtherRecord(
                id=other.id,
                title=citations.full_title(other) or other.id,
                lang=language_tag(other.languages),
                libraries=names,
                libraries_lang=data_lang(names),
                year=str(other.year) if other.year is not None else "",
                format=format_label(other.format),
            )
        )
    rows.sort(key=lambda r: (r.libraries, r.year, r.id))
    return rows


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


# --- the raw record as librarians read it: indented XML, a MARC field table ----------------

MARC_SLIM = "http://www.loc.gov/MARC21/slim"


def pretty_xml(content: bytes) -> str:
    """XML indented two spaces a level ('' when it is not XML or not safe, well-formed XML:
    the page then shows it as received). Parsed by the harvesters' safe parser: no DTD,
    no entities, no network."""
    if not content.lstrip().startswith(b"<"):
        return ""
    try:
        root = parse_xml(content)
    except XmlError:
        return ""
    etree.indent(root, space="  ")
    return raw_text(etree.tostring(root, encoding="utf-8", pretty_print=True))


@dataclass
class MarcField:
    """One row of the MARC table: tag, indicators, and the data or the subfields."""

    tag: str
    indicators: tuple[str, str] = ("", "")
    data: str = ""  # leader and control fields
    subfields: list[tuple[str, str]] = field(default_factory=list)


def marc_fields(content: bytes) -> list[MarcField]:
    """The MARC record's fields (binary ISO 2709 or MARCXML, also inside an OAI-PMH
    record); [] for anything else. A blank indicator is shown as "#", as LC does."""
    if _is_iso2709(content):
        return _iso2709_fields(content)
    if content.lstrip().startswith(b"<"):
        try:
            root = parse_xml(content)
        except XmlError:
            return []
        return _marcxml_fields(root)
    return []


def _indicator(value: str | None) -> str:
    value = (value or "").strip()
    return value if value else "#"


def _iso2709_fields(content: bytes) -> list[MarcField]:
    try:
        from pymarc import Record as MarcRecord

        marc = MarcRecord(data=content, force_utf8=True)
    except Exception:  # a malformed record still shows as received
        return []
    rows = [MarcField("LDR", data=str(marc.leader))]
    for f in marc.fields:
        if f.is_control_field():
            rows.append(MarcField(f.tag, data=raw_text((f.data or "").encode())))
        else:
            ind = f.indicators
            rows.append(
                MarcField(
                    f.tag,
                    (_indicator(ind[0] if ind else ""), _indicator(ind[1] if ind else "")),
                    subfields=[(sf.code, raw_text(sf.value.encode())) for sf in f.subfields],
                )
            )
    return rows


def _marcxml_fields(root: etree._Element) -> list[MarcField]:
    record = (
        root
        if _is_marc_record(root)
        else next((e for e in root.iter() if isinstance(e.tag, str) and _is_marc_record(e)), None)
    )
    if record is None:
        return []
    rows = []
    for child in record:
        if not isinstance(child.tag, str):
            continue
        name = localname(child)
        text = raw_text((child.text or "").encode())
        if name == "leader":
            rows.append(MarcField("LDR", data=text))
        elif name == "controlfield":
            rows.append(MarcField(child.get("tag", ""), data=text))
        elif name == "datafield":
            subfields = [
                (sub.get("code", ""), raw_text((sub.text or "").encode()))
                for sub in child
                if isinstance(sub.tag, str) and localname(sub) == "subfield"
            ]
            indicators = (_indicator(child.get("ind1")), _indicator(child.get("ind2")))
            rows.append(MarcField(child.get("tag", ""), indicators, subfields=subfields))
    return rows


def _is_marc_record(element: etree._Element) -> bool:
    if localname(element) != "record":
        return False
    namespace = etree.QName(element).namespace
    if namespace == MARC_SLIM:
        return True
    return namespace is None and any(
        isinstance(c.tag, str) and localname(c) in ("datafield", "controlfield") for c in element
    )
