"""Search pages: home, results with facets, advanced search, browse, and title/author suggestions.

The results page takes the parameters /api/search takes (`q`, `f.<facet>`, `sort`, `page`,
`per_page`) plus `year_from`/`year_to` (a publication-year range), but leniently: where the
API answers 400, this page drops or clamps the bad value and shows what it can (`per_page`
is one of the sizes the page offers, else the default). The advanced form, where a reader
types, says what is wrong instead: an error summary linking to each field at fault. Nothing a
reader types reaches a backend as syntax: `q` is parsed by `indexer.query`, filters are
values, and the advanced form quotes whatever is not a plain word.

Every index call passes `visibility_for_request()`, so hidden records never show, not even
as a facet count; records read from the store go through `may_see_record`.

An anonymous reader's results page carries a weak ETag and is revalidated (304 without a
search or a rendering when nothing changed); it is never `public`, and a logged-in
reader's page is never stored (see "HTTP caching of results pages" below).
"""

from __future__ import annotations

import hashlib
import hmac
import html
import pickle
import re
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from babel import Locale
from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import MultiDict

from catalogue.record import HOLDING_STATUSES, Record
from iiif.objects import image_identifier, page_images
from indexer.names import clean_name, direct_name
from indexer.protocol import (
    DEFAULT_PER_PAGE,
    FACETS,
    MAX_DEPTH,
    MAX_FACET_LIMIT,
    MAX_PER_PAGE,
    SORTS,
    FacetCount,
    Hit,
    SearchQuery,
    SearchResult,
)
from indexer.query import MAX_QUERY_CHARS
from indexer.text import fold
from portal.access import decide_for_request, may_see_record, visibility_for_request
from portal.app import services
from portal.i18n import current_language, language_tag, number_text
from portal.page_cache import page_cache
from portal.preferences import current_preferences

bp = Blueprint("search", __name__)

FILTER_PREFIX = "f."
MAX_FILTER_VALUES = 50  # across all f.* parameters, as the API
MAX_VALUE_CHARS = 300  # one filter value, as the API
YEAR_LOW, YEAR_HIGH = 0, 9999  # what the query language's year ranges accept
RETRY_AFTER_SECONDS = 30
TITLE_QUERY_CHARS = 80  # the query as echoed in headings and the <title>

RESULT_FACETS = ("library", "format", "language", "subject", "collection", "online")
PAGE_FACETS = (*RESULT_FACETS, "year")  # what one results-page search counts
FACET_FETCH = 30  # values shown (with "more") per facet on the results page
# The search counts every facet to one limit (SearchQuery has no per-facet limit), and the
# year histogram needs every year, not the 30 commonest: so the page asks for the most
# values the index gives and keeps FACET_FETCH of the others. A result spanning more than
# YEAR_FETCH distinct years loses its rarest years from the decade counts.
YEAR_FETCH = MAX_FACET_LIMIT
YEAR_BIN = 10  # a decade; a result within one decade is shown year by year
FACET_SHOWN = 8  # shown at once; the rest behind "more"
HOME_FACET_LIMIT = 50
HOME_RECENT = 8
PER_PAGE_CHOICES = (10, 20, 50, 100)  # what the results page offers (and accepts)
ADVANCED_ROWS = 4
MAX_ADVANCED_ROWS = 12
BROWSE_FACETS = ("library", "collection", "format", "language", "subject")
BROWSE_PREVIEW = 12  # values per facet on /browse
BROWSE_PER_PAGE = 50  # values per page on /browse/<facet>
SUGGEST_LIMIT = 8
SUGGEST_MAX_CHARS = 100

_MARK = re.compile(r"</?mark>")
_OPEN_MARK, _CLOSE_MARK = Markup("<mark>"), Markup("</mark>")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_YEAR_FILTER = re.compile(r"-?[0-9]{1,4}")
_DIGITS = re.compile(r"\s*([0-9]{1,4})\s*")

FACET_LABELS = {
    "library": _l("Library"),
    "format": _l("Format"),
    "language": _l("Language"),
    "year": _l("Year"),
    "subject": _l("Subject"),
    "collection": _l("Collection"),
    "online": _l("Online"),
}
FORMAT_LABELS = {
    "book": _l("Book"),
    "periodical": _l("Periodical"),
    "article": _l("Article"),
    "thesis": _l("Thesis"),
    "map": _l("Map"),
    "manuscript": _l("Manuscript"),
    "image": _l("Image"),
    "audiobook": _l("Audiobook"),
    "music": _l("Music"),
    "video": _l("Video"),
    "archival": _l("Archival material"),
}
ONLINE_LABELS = {"true": _l("Available online"), "false": _l("Not online")}
SORT_LABELS = {
    "relevance": _l("Relevance"),
    "year_desc": _l("Year, newest first"),
    "year_asc": _l("Year, oldest first"),
    "title": _l("Title, A–Z"),
}
# Advanced search fields: what indexer.query understands (year has its own range inputs).
FIELD_LABELS = {
    "all": _l("All fields"),
    "title": _l("Title"),
    "author": _l("Author"),
    "subject": _l("Subject"),
    "isbn": _l("ISBN"),
    "issn": _l("ISSN"),
    "callnumber": _l("Call number"),
}
# The query language's name for a call-number field. Until indexer.query knows it, a
# call number is searched as a phrase in every field (the index's catch-all holds call
# numbers, so it is still found); once it does, the same form searches only that field.
CALL_NUMBER_FIELD = "callnumber"
OPERATOR_LABELS = {"AND": _l("and"), "OR": _l("or"), "NOT": _l("and not")}


# --- labels ---------------------------------------------------------------------------
# A results page shows the same few labels and counts many times (20 hits, 7 facets of up
# to 30 values), so each is translated once per language and remembered: the `_`-named
# versions take the page's language, which must be the request's (the translation inside
# them is the request's).

LABEL_CACHE = 4096


def format_label(value: str) -> str:
    return _format_label(current_language(), value)


@lru_cache(maxsize=LABEL_CACHE)
def _format_label(language: str, value: str) -> str:
    label = FORMAT_LABELS.get(value)
    return str(label) if label is not None else value


def language_label(code: str) -> str:
    """A record language (ISO 639-2) in the reader's language: vie → "Tiếng Việt"."""
    return _language_label(current_language(), code)


@lru_cache(maxsize=LABEL_CACHE)
def _language_label(language: str, code: str) -> str:
    names = Locale.parse(language).languages
    return names.get(language_tag(code)) or names.get(code.lower()) or code


def value_label(facet: str, value: str) -> str:
    """How a facet value is shown; URLs keep the raw value."""
    return _value_label(current_language(), facet, value)


def _value_label(language: str, facet: str, value: str) -> str:
    if facet == "format":
        return _format_label(language, value)
    if facet == "language":
        return _language_label(language, value)
    if facet == "online":
        return _online_label(language, value)
    return value


@lru_cache(maxsize=64)
def _online_label(language: str, value: str) -> str:
    return str(ONLINE_LABELS.get(value, value))


def status_text(status: str, count: int) -> str:
    """'2 copies available' and the like, translated."""
    return _status_text(current_language(), status, count)


@lru_cache(maxsize=LABEL_CACHE)
def _status_text(language: str, status: str, count: int) -> str:
    n = number_text(count, language)
    if status == "available":
        return ngettext("%(count)s copy available", "%(count)s copies available", count, count=n)
    if status == "on_loan":
        return ngettext("%(count)s copy on loan", "%(count)s copies on loan", count, count=n)
    if status == "in_repair":
        return ngettext("%(count)s copy in repair", "%(count)s copies in repair", count, count=n)
    if status == "reference_only":
        return ngettext(
            "%(count)s copy for use in the library only",
            "%(count)s copies for use in the library only",
            count,
            count=n,
        )
    return ngettext(
        "%(count)s copy, status unknown", "%(count)s copies, status unknown", count, count=n
    )


def works_text(count: int) -> str:
    return _works_text(current_language(), count)


@lru_cache(maxsize=LABEL_CACHE)
def _works_text(language: str, count: int) -> str:
    return ngettext("%(count)s work", "%(count)s works", count, count=number_text(count, language))


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


def phrase_query(field: str | None, text: str) -> str:
    """`field:"text"` in the query language, with the text made safe as one phrase."""
    inner = " ".join(text.replace('"', " ").split())
    if not inner:
        return ""
    return f'{field}:"{inner}"' if field else f'"{inner}"'


# --- the results page's parameters ----------------------------------------------------


@dataclass
class SearchState:
    """The results page's parameters after lenient cleaning; builds every link the page shows."""

    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    year_from: int | None = None
    year_to: int | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    too_long: int = 0  # the length of a refused query, 0 if fine

    @classmethod
    def from_args(cls, args: MultiDict[str, str]) -> SearchState:
        q = _clean_text(args.get("q", ""))
        too_long = len(q) if len(q) > MAX_QUERY_CHARS else 0
        if too_long:
            q = q[:MAX_QUERY_CHARS]
        filters: dict[str, list[str]] = {}
        budget = MAX_FILTER_VALUES
        for facet in FACETS:
            for raw in args.getlist(FILTER_PREFIX + facet):
                value = _clean_filter(facet, raw)
                if value is None or value in filters.get(facet, []) or budget <= 0:
                    continue
                filters.setdefault(facet, []).append(value)
                budget -= 1
        year_from = _year_arg(args.get("year_from"))
        year_to = _year_arg(args.get("year_to"))
        if year_from is not None and year_to is not None and year_from > year_to:
            year_from, year_to = year_to, year_from
        sort = args.get("sort", "relevance")
        per_page = _per_page_arg(args.get("per_page"))
        deepest = max(1, -(-MAX_DEPTH // per_page))
        return cls(
            q=q,
            filters=filters,
            year_from=year_from,
            year_to=year_to,
            sort=sort if sort in SORTS else "relevance",
            page=_int_arg(args.get("page"), 1, 1, deepest),
            per_page=per_page,
            too_long=too_long,
        )

    @property
    def has_filters(self) -> bool:
        return bool(self.filters) or self.has_year_range

    @property
    def has_year_range(self) -> bool:
        return self.year_from is not None or self.year_to is not None

    def year_clause(self) -> str:
        if not self.has_year_range:
            return ""
        low = "" if self.year_from is None else str(self.year_from)
        high = "" if self.year_to is None else str(self.year_to)
        return f"year:{low}-{high}"

    def effective_q(self) -> str:
        """The query the index gets: the reader's query, within the year range if one is set."""
        return within_year_range(self.q, self.year_clause())

    def search_query(
        self, facets: Iterable[str] = PAGE_FACETS, visibility: list[str] | None = None
    ) -> SearchQuery:
        facets = list(facets)
        return SearchQuery(
            q=self.effective_q(),
            filters=self.filters,
            facets=facets,
            facet_limit=YEAR_FETCH if "year" in facets else FACET_FETCH,
            sort=self.sort,
            page=self.page,
            per_page=self.per_page,
            visibility=visibility if visibility is not None else visibility_for_request(),
        )

    def params(
        self,
        *,
        q: str | None = None,
        page: int | None = None,
        without: tuple[str, str] | None = None,
        filters: bool = True,
        year: bool = True,
        years: tuple[int, int] | None = None,
    ) -> list[tuple[str, str]]:
        """Query-string pairs for this search with some parts changed or dropped
        (`years`: another year range in place of this one)."""
        pairs: list[tuple[str, str]] = []
        query = self.q if q is None else q
        if query:
            pairs.append(("q", query))
        if filters:
            for facet, values in self.filters.items():
                for value in values:
                    if without != (facet, value):
                        pairs.append((FILTER_PREFIX + facet, value))
        low, high = years if years is not None else (self.year_from, self.year_to)
        if year and low is not None:
            pairs.append(("year_from", str(low)))
        if year and high is not None:
            pairs.append(("year_to", str(high)))
        if self.sort != "relevance":
            pairs.append(("sort", self.sort))
        if self.per_page != DEFAULT_PER_PAGE:
            pairs.append(("per_page", str(self.per_page)))
        if page is not None and page > 1:
            pairs.append(("page", str(page)))
        return pairs

    def url(self, **changes: Any) -> str:
        pairs = self.params(**changes)
        base = self._base_url
        return f"{base}?{urlencode(pairs)}" if pairs else base

    @cached_property
    def _base_url(self) -> str:
        return url_for("search.results")


def _clean_text(value: str) -> str:
    return _CONTROL.sub(" ", value or "").strip()


def _clean_filter(facet: str, raw: str) -> str | None:
    value = _clean_text(raw)
    if not value or len(value) > MAX_VALUE_CHARS:
        return None
    if facet == "year" and not _YEAR_FILTER.fullmatch(value):
        return None
    if facet == "online":
        value = value.lower()
        if value not in ("true", "false"):
            return None
    return value


def _year_arg(raw: str | None) -> int | None:
    match = _DIGITS.fullmatch(raw or "")
    if not match:
        return None
    return max(YEAR_LOW, min(YEAR_HIGH, int(match.group(1))))


def _per_page_arg(raw: str | None) -> int:
    """One of the offered page sizes; anything else is the default (never an error)."""
    value = _int_arg(raw, DEFAULT_PER_PAGE, 0, MAX_PER_PAGE + 1)  # out of range: not offered
    return value if value in PER_PAGE_CHOICES else DEFAULT_PER_PAGE


def _int_arg(raw: str | None, default: int, low: int, high: int) -> int:
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return default
    return max(low, min(high, value))


def within_year_range(q: str, clause: str) -> str:
    """`q` restricted to a year range, in the query language: `year:1990-2000 (q)`.

    The range goes first, so the 32-clause and 1000-character limits can only cut the
    reader's words, never the range; the reader's parentheses are balanced first, so a
    stray ")" in `q` cannot close ours and put the range inside an OR.
    """
    if not clause:
        return q
    if not q.strip():
        return clause
    return f"{clause} ({_balance_parentheses(q)})"


_PAREN_TOKEN = re.compile(r'"[^"]*"|[()]|[^\s()"]+|\s+')


def _balance_parentheses(text: str) -> str:
    """Drop unmatched ")" and close unclosed "(" as indexer.query lexes them (not in quotes)."""
    if text.count('"') % 2:  # the last quote is unclosed: the lexer reads plain words after it
        cut = text.rindex('"')
        text = text[:cut] + " " + text[cut + 1 :]
    out: list[str] = []
    depth = 0
    for piece in _PAREN_TOKEN.findall(text):
        if piece == "(":
            depth += 1
        elif piece == ")":
            if depth == 0:
                piece = " "
            else:
                depth -= 1
        out.append(piece)
    return "".join(out) + ")" * depth


# --- views: home ----------------------------------------------------------------------


@bp.get("/")
def home() -> ResponseReturnValue:
    counts: dict[str, list[FacetCount]] = {}
    total = None
    try:
        result = services().index.search(
            SearchQuery(
                q="",
                facets=["library", "collection", "format"],
                facet_limit=HOME_FACET_LIMIT,
                per_page=1,
                visibility=visibility_for_request(),
            )
        )
        counts, total = result.facets, result.total
    except Exception:
        current_app.logger.exception("search backend failed building the home page")
    return render_template(
        "search/home.html",
        total=total,
        libraries=counts.get("library", []),
        collections=counts.get("collection", []),
        formats=counts.get("format", []),
        recent=_recent_views(_recent_records()),
        facet_url=facet_url,
        value_label=value_label,
        works_text=works_text,
    )


def _recent_records() -> list[Record]:
    try:
        records = services().store.recent_records(HOME_RECENT * 2)
    except SQLAlchemyError:
        current_app.logger.exception("store failed reading recent records")
        return []
    return [r for r in records if not r.deleted and may_see_record(r)][:HOME_RECENT]


def _recent_views(records: list[Record]) -> list[dict[str, Any]]:
    views = []
    for record in records:
        view = record_view(record)
        size = preview_size(record) if page_images(record) else 0
        if size:
            view["thumbnail"] = iiif_thumbnail(record.id, size)
        views.append(view)
    return views


def record_view(record: Record) -> dict[str, Any]:
    """What the home page's 'recently added' list shows of a record."""
    libraries = list(dict.fromkeys(h.library for h in record.holdings if h.library))
    return {
        "id": record.id,
        "url": url_for("record.show", record_id=record.id),
        "title": record.title.rstrip(" /:;,.") or _("Untitled"),
        "lang": language_tag(record.languages),
        "authors": [direct_name(clean_name(a) or a) for a in record.authors[:3]],
        "year": record.year,
        "format": format_label(record.format),
        "libraries": libraries,
        "thumbnail": "",
    }


def facet_url(facet: str, value: str) -> str:
    return url_for("search.results", **{FILTER_PREFIX + facet: value})


# --- views: results -------------------------------------------------------------------


@bp.get("/search")
def results() -> ResponseReturnValue:
    state = SearchState.from_args(request.args)
    if state.too_long:
        page = render_template("search/results.html", **_page_context(state, None))
        return page, 400
    canonical = canonical_url(state, request.args)
    if canonical is not None:
        return redirect(canonical, code=302)
    visibility = visibility_for_request()
    revalidate = _may_revalidate()
    version = _index_version() if revalidate else None
    if version is not None and request.if_none_match and _unchanged(version, visibility):
        return _not_modified(version, visibility)
    kept = page_cache().get(version, _page_key(visibility)) if version is not None else None
    if kept is not None:
        return _revalidated(make_response(kept), version, visibility)
    try:
        result = services().index.search(state.search_query(visibility=visibility))
    except Exception:
        current_app.logger.exception("search backend failed for %r", state)
        return unavailable(state.q)
    last = max(1, min(result.pages, state.page))
    if _asked_page(state, request.args) > last or (not result.hits and state.page > 1):
        return redirect(state.url(page=last), code=302)  # past the last page: the last one
    if revalidate and version is None:  # the backend keeps no version: what it found is one
        version = "result:" + hashlib.blake2b(pickle.dumps(result), digest_size=16).hexdigest()
        if request.if_none_match and _unchanged(version, visibility):
            return _not_modified(version, visibility)
    page = render_template("search/results.html", **_page_context(state, result))
    if not (revalidate and version is not None):
        response = make_response(page)
        response.headers["Cache-Control"] = PERSONAL
        response.vary.add("Cookie")
        return response
    if version.startswith("index:"):  # a version the index keeps, not one of this result
        page_cache().put(version, _page_key(visibility), page)
    return _revalidated(make_response(page), version, visibility)


def _revalidated(response: Response, version: str, visibility: list[str]) -> Response:
    """An anonymous reader's page: a weak ETag to revalidate it with, after rendering (a
    first visit's page has just put its CSRF token in the session)."""
    response.set_etag(_page_etag(version, visibility), weak=True)
    response.headers["Cache-Control"] = REVALIDATE
    response.vary.add("Cookie")
    return response


# The parameters the results page reads; anything else in a URL is left as it came.
_STATE_KEYS = ("q", "year_from", "year_to", "sort", "per_page", "page")


def canonical_url(state: SearchState, args: MultiDict[str, str]) -> str | None:
    """The cleaned URL when the request's differs from it, else None.

    A value the page would drop or change (an unknown sort, a page size it does not offer,
    a year that is no year, a page past the deepest) or a default spelled out (the filter
    form sends `sort=relevance&per_page=20&year_from=`) is redirected to the URL that says
    what is shown, so the address bar, bookmarks and the back button tell the truth.
    An empty `q` alone is let through: every search box sends one.
    """
    wanted = state.params(page=_asked_page(state, args))
    given = [
        (key, value)
        for key, values in args.lists()
        if key in _STATE_KEYS or key.startswith(FILTER_PREFIX)
        for value in values
        if (key, value) != ("q", "")
    ]
    if Counter(given) == Counter(wanted):
        return None
    others = [
        (key, value)
        for key, values in args.lists()
        if not (key in _STATE_KEYS or key.startswith(FILTER_PREFIX))
        for value in values
    ]
    pairs = wanted + others
    base = url_for("search.results")
    return f"{base}?{urlencode(pairs)}" if pairs else base


def _asked_page(state: SearchState, args: MultiDict[str, str]) -> int:
    """The page number asked for when it is past the deepest page the page size reaches:
    left for the search to redirect, in one step, to the last page there is."""
    raw = (args.get("page") or "").strip()
    if raw.isdigit() and len(raw) <= 9 and int(raw) > state.page:
        return int(raw)
    return state.page


# --- HTTP caching of results pages ----------------------------------------------------
# A results page is the same for every anonymous reader in all but one thing: the header's
# display-settings form carries the reader's own CSRF token (and the language comes from
# the session, the display classes from a cookie). So it is never `public`: a shared
# cache would hand one reader's token to another. What it gets is a weak ETag over
# everything the page depends on, the reader's token included, and `private, no-cache`:
# the browser asks again each time and a 304 costs neither a search nor a rendering. A
# logged-in reader's page (their name, their logout form) is never stored at all.

REVALIDATE = "private, no-cache"
PERSONAL = "private, no-store"
_DEFAULT_CSRF_SECONDS = 3600  # Flask-WTF's default WTF_CSRF_TIME_LIMIT


def _may_revalidate() -> bool:
    """Anonymous, with no flashed message waiting (it shows once, then the page differs)."""
    return not current_user.is_authenticated and not session.get("_flashes")


def _index_version() -> str | None:
    """The index's version when the backend tells it (`version()`); None when it does not."""
    version = getattr(services().index, "version", None)
    if not callable(version):
        return None
    try:
        return f"index:{version()}"
    except Exception:
        current_app.logger.exception("search backend failed telling its version")
        return None


def _page_key(visibility: list[str]) -> tuple[str, ...]:
    """What an anonymous results page depends on but for the index version and the
    reader's CSRF token: code and templates, the request, language, display settings
    and visibility (the rendered-page cache's key, and most of the ETag)."""
    return (
        _deployment(),
        request.host_url,  # absolute links (canonical, OpenSearch) name the host asked
        request.path,
        request.query_string.decode("latin-1"),
        current_language(),
        current_preferences().cookie_value(),
        ",".join(sorted(visibility)),
    )


def _page_etag(version: str, visibility: list[str]) -> str:
    """A keyed hash of what this page shows this reader: the page key, the index
    version and the CSRF token.

    The token's part is the session's raw token plus the half of its lifetime we are in,
    so a revalidated page's token always has at least half its lifetime left.
    """
    config = current_app.config
    lifetime = config.get("WTF_CSRF_TIME_LIMIT", _DEFAULT_CSRF_SECONDS)
    window = int(time.time() // (lifetime / 2)) if lifetime else 0
    parts = (
        *_page_key(visibility),
        version,
        str(session.get(config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), "")),
        str(window),
    )
    key = str(current_app.secret_key or "").encode()
    return hmac.new(key, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()[:32]


def _unchanged(version: str, visibility: list[str]) -> bool:
    return request.if_none_match.contains_weak(_page_etag(version, visibility))


def _not_modified(version: str, visibility: list[str]) -> Response:
    response = current_app.response_class(status=304)
    response.set_etag(_page_etag(version, visibility), weak=True)
    response.headers["Cache-Control"] = REVALIDATE
    response.vary.add("Cookie")
    return response


@lru_cache(maxsize=1)
def _deployment() -> str:
    """Names this installation's portal code, templates and translations: a new release
    changes every ETag (their sizes and modification times, read once per process)."""
    root = Path(__file__).resolve().parent
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".html", ".po", ".js", ".css") and path.is_file():
            info = path.stat()
            digest.update(f"{path.relative_to(root)}:{info.st_size}:{info.st_mtime_ns};".encode())
    return digest.hexdigest()


def unavailable(q: str = "") -> tuple[str, int, dict[str, str]]:
    """The friendly 503 page when the index does not answer (the search box still there)."""
    page = render_template("search/unavailable.html", q=q)
    return page, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def _page_context(state: SearchState, result: SearchResult | None) -> dict[str, Any]:
    context: dict[str, Any] = {
        "state": state,
        "result": result,
        "shown_q": _short(state.q),
        "max_query_chars": MAX_QUERY_CHARS,
        "sort_labels": SORT_LABELS,
        "per_page_choices": PER_PAGE_CHOICES,
        "default_per_page": DEFAULT_PER_PAGE,
        "facet_labels": FACET_LABELS,
        "value_label": value_label,
        "works_text": works_text,
        "chips": _chips(state),
        "active_filters": sum(len(v) for v in state.filters.values()) + state.has_year_range,
        "summary": _summary(state, result),
    }
    if result is not None:
        context.update(suggestion=_own_words(state, result.suggestion))
        page = PageLinks.current()
        thumbnails = scan_thumbnails([hit.id for hit in result.hits if hit.fields.get("scanned")])
        context.update(
            hits=[hit_view(hit, page, thumbnails.get(hit.id, "")) for hit in result.hits],
            facets=_facet_groups(state, result, page.language),
            year_bins=year_histogram(state, result.facets.get("year", []), page.language),
            paging=_paging(state, result),
            first_number=(state.page - 1) * state.per_page + 1,
        )
    return context


def _own_words(state: SearchState, suggestion: str | None) -> str | None:
    """The index's "did you mean" for the reader's own query, without our year range."""
    clause = state.year_clause()
    if suggestion and clause:
        start = f"{clause} ("
        if not (suggestion.startswith(start) and suggestion.endswith(")")):
            return None
        suggestion = suggestion[len(start) : -1].strip()
    return suggestion or None


def _summary(state: SearchState, result: SearchResult | None) -> str:
    if result is None:
        return _("Your search is too long")
    n = number_text(result.total)
    if not result.total_exact:
        if state.q:
            return _("About %(count)s results for “%(query)s”", count=n, query=_short(state.q))
        return _("About %(count)s results", count=n)
    if result.total == 0:
        if state.q:
            return _("No results for “%(query)s”", query=_short(state.q))
        return _("No results")
    if state.q:
        return ngettext(
            "%(count)s result for “%(query)s”",
            "%(count)s results for “%(query)s”",
            result.total,
            count=n,
            query=_short(state.q),
        )
    return ngettext("%(count)s result", "%(count)s results", result.total, count=n)


def _short(text: str) -> str:
    return text if len(text) <= TITLE_QUERY_CHARS else text[:TITLE_QUERY_CHARS] + "…"


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
        StatusView(s if s in order else "unknown", _status_text(language, s, n))
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
        format=_format_label(language, fields.get("format") or ""),
        languages=[_language_label(language, c) for c in languages[:3]],
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

    As the IIIF server decides (portal.record.content_access): view_content allows any
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


@dataclass
class FacetOption:
    value: str
    label: str
    count: int | None
    selected: bool
    id: str
    count_text: str = ""  # the count as the reader writes numbers
    works_text: str = ""  # "12 works", for screen readers


@dataclass
class FacetGroup:
    name: str
    legend: str
    shown: list[FacetOption]
    more: list[FacetOption]


def _facet_groups(
    state: SearchState, result: SearchResult, language: str | None = None
) -> list[FacetGroup]:
    language = language or current_language()
    groups = []
    for name in PAGE_FACETS:
        counts = {fc.value: fc.count for fc in result.facets.get(name, [])[:FACET_FETCH]}
        selected = state.filters.get(name, [])
        options = []
        values = list(dict.fromkeys([*selected, *counts]))
        if name == "year":
            values = list(selected)  # years are chosen as a range; listed only if set
        elif name == "online":
            values = [v for v in values if v == "true" or v in selected]  # "not online" is noise
        for i, value in enumerate(values):
            count = counts.get(value)
            options.append(
                FacetOption(
                    value=value,
                    label=_value_label(language, name, value),
                    count=count,
                    selected=value in selected,
                    id=f"facet-{name}-{i}",
                    count_text="" if count is None else number_text(count, language),
                    works_text="" if count is None else _works_text(language, count),
                )
            )
        if name != "year" and not options:
            continue
        # Selected values first, so a choice never hides behind "more".
        options.sort(key=lambda o: not o.selected)
        cut = max(FACET_SHOWN, sum(o.selected for o in options))
        groups.append(
            FacetGroup(
                name=name,
                legend=_facet_label(language, name),
                shown=options[:cut],
                more=options[cut:],
            )
        )
    return groups


@dataclass
class YearBin:
    """One bar of the year histogram: a decade (or a year) and the works in it."""

    low: int
    high: int
    count: int
    label: str  # "1990–1999", or "1995"
    url: str  # this search narrowed to the bin (year_from/year_to)
    count_text: str
    works_text: str  # "12 works", for screen readers
    width: int  # the bar's length, in 5 % steps of the largest bin (CSS classes)
    current: bool  # the page's year range is this bin


def year_histogram(
    state: SearchState, counts: list[FacetCount], language: str | None = None
) -> list[YearBin]:
    """The result's works per decade, oldest first, each linking to the search within it.

    Built from the year facet the page's one search already counted (no second search).
    A work whose records carry different years counts in each of their decades. When
    every year falls in one decade the bins are single years, so the list still narrows.
    """
    language = language or current_language()
    years: Counter[int] = Counter()
    for fc in counts:
        try:
            years[int(fc.value)] += fc.count
        except ValueError:
            continue
    if not years:
        return []
    width = YEAR_BIN
    if min(years) // YEAR_BIN == max(years) // YEAR_BIN:
        width = 1
    bins: Counter[int] = Counter()
    for year, count in years.items():
        bins[year - year % width] += count
    largest = max(bins.values())
    out = []
    for low in sorted(bins):
        high = low + width - 1
        count = bins[low]
        out.append(
            YearBin(
                low=low,
                high=high,
                count=count,
                label=str(low) if width == 1 else f"{low}–{high}",
                url=state.url(years=(low, high)),
                count_text=number_text(count, language),
                works_text=_works_text(language, count),
                width=max(5, round(count * 20 / largest) * 5),
                current=(state.year_from, state.year_to) == (low, high),
            )
        )
    return out


@lru_cache(maxsize=64)
def _facet_label(language: str, name: str) -> str:
    return str(FACET_LABELS[name])


def _chips(state: SearchState) -> list[dict[str, str]]:
    """Selected filters, each with the link that removes it."""
    chips = []
    for facet, values in state.filters.items():
        for value in values:
            chips.append(
                {
                    "facet": str(FACET_LABELS[facet]),
                    "value": value_label(facet, value),
                    "url": state.url(without=(facet, value)),
                }
            )
    if state.has_year_range:
        low, high = state.year_from, state.year_to
        if low is not None and high is not None:
            text = f"{low}–{high}" if low != high else str(low)
        elif low is not None:
            text = _("from %(year)s", year=low)
        else:
            text = _("up to %(year)s", year=high)
        chips.append(
            {"facet": str(FACET_LABELS["year"]), "value": text, "url": state.url(year=False)}
        )
    return chips


def _paging(state: SearchState, result: SearchResult) -> dict[str, Any] | None:
    last = result.pages
    if last <= 1:
        return None
    current = min(state.page, last)
    wanted = {1, last, *range(current - 2, current + 3)}
    numbers: list[int | None] = []
    for number in sorted(n for n in wanted if 1 <= n <= last):
        if numbers and number - (numbers[-1] or 0) > 1:
            numbers.append(None)  # a gap
        numbers.append(number)
    return {
        "current": current,
        "last": last,
        "previous": state.url(page=current - 1) if current > 1 else None,
        "next": state.url(page=current + 1) if current < last else None,
        "pages": [(n, state.url(page=n) if n else None) for n in numbers],
    }


# --- views: advanced search -----------------------------------------------------------

_PLAIN_WORD = re.compile(r"[^\s()\"+\-!:*?]([^\s()\":*?]*)\*?")
_OPERATOR_WORDS = {"AND", "OR", "NOT", "&&", "||"}
_QUOTED = re.compile(r'"([^"]*)"')


def row_clause(field: str, text: str) -> str:
    """One advanced-search row as a query-language clause; user text is only ever data.

    Words stay words (so spelling suggestions and a trailing * still work); a quoted part
    stays a phrase; anything with query syntax in it (colons, parentheses, a leading
    minus, AND/OR/NOT) is quoted, so it is searched for, not obeyed.
    """
    text = _clean_text(text)
    if field == CALL_NUMBER_FIELD:
        return call_number_clause(text)
    if field in ("isbn", "issn"):
        text = re.sub(r"[\s\"()]+", "", text)
    prefix = "" if field == "all" else f"{field}:"
    parts: list[str] = []
    pos = 0
    for match in _QUOTED.finditer(text):
        parts.extend(_words(text[pos : match.start()]))
        phrase = phrase_query(None, match.group(1))
        if phrase:
            parts.append(phrase)
        pos = match.end()
    parts.extend(_words(text[pos:].replace('"', " ")))
    if not parts:
        return ""
    if len(parts) == 1:
        return prefix + parts[0]
    return f"{prefix}({' '.join(parts)})"


def call_number_clause(text: str) -> str:
    """A call number ("895.9221 NG-D") as one phrase: its parts only mean something together."""
    return phrase_query(CALL_NUMBER_FIELD, text)


def _words(text: str) -> list[str]:
    out = []
    for word in text.split():
        if word in _OPERATOR_WORDS or not _PLAIN_WORD.fullmatch(word):
            quoted = phrase_query(None, word.rstrip("*"))
            if quoted:
                out.append(quoted)
        else:
            out.append(word)
    return out


def build_query(rows: list[tuple[str, str, str]]) -> str:
    """Rows of (operator, field, text), combined left to right into one query string."""
    q = ""
    has_or = False
    for op, name, text in rows:
        clause = row_clause(name if name in FIELD_LABELS else "all", text)
        if not clause:
            continue
        op = op if op in OPERATOR_LABELS else "AND"
        if not q:
            q = f"NOT {clause}" if op == "NOT" else clause
            continue
        if op == "OR":
            q, has_or = f"{q} OR {clause}", True
            continue
        if has_or:
            q, has_or = f"({q})", False
        q = f"{q} NOT {clause}" if op == "NOT" else f"{q} {clause}"
    return q


@bp.get("/advanced")
def advanced() -> ResponseReturnValue:
    args = request.args
    fields = args.getlist("field")[:MAX_ADVANCED_ROWS]
    terms = [_clean_text(t) for t in args.getlist("term")[:MAX_ADVANCED_ROWS]]
    ops = args.getlist("op")[: MAX_ADVANCED_ROWS - 1]
    # Errors by the id of the field they are about, in the order the form shows them.
    errors: dict[str, str] = {}
    if "term" in args or "field" in args:  # the form was sent (its inputs always are)
        rows = [
            (ops[i - 1] if 0 < i <= len(ops) else "AND", fields[i] if i < len(fields) else "all", t)
            for i, t in enumerate(terms)
        ]
        q = build_query(rows)
        state = SearchState.from_args(args)
        state.q = q
        state.page = 1
        first_term = f"term-{next((i + 1 for i, t in enumerate(terms) if t), 1)}"
        if len(q) > MAX_QUERY_CHARS:
            errors[first_term] = _("Your search is too long: use fewer or shorter words.")
        elif not (q or state.has_filters):
            errors["term-1"] = _("Type at least one word, or choose a filter, then search again.")
        for name, field_id in (("year_from", "adv-year-from"), ("year_to", "adv-year-to")):
            raw = _clean_text(args.get(name, ""))
            if raw and _year_arg(raw) is None:
                errors[field_id] = _(
                    "Enter a year in digits, such as 1998, or leave the box empty."
                )
        if not errors:
            return redirect(state.url(), code=303)
    rows_shown = max(ADVANCED_ROWS, len(terms))
    form_rows = [
        {
            "n": i + 1,
            "field": fields[i] if i < len(fields) and fields[i] in FIELD_LABELS else "all",
            "term": terms[i] if i < len(terms) else "",
            "op": ops[i - 1] if 0 < i <= len(ops) and ops[i - 1] in OPERATOR_LABELS else "AND",
        }
        for i in range(rows_shown)
    ]
    state = SearchState.from_args(args)
    try:
        result = services().index.search(
            SearchQuery(
                q="",
                facets=["library", "format", "language"],
                facet_limit=MAX_FACET_LIMIT,
                per_page=1,
                visibility=visibility_for_request(),
            )
        )
    except Exception:
        current_app.logger.exception("search backend failed building the advanced search form")
        return unavailable()
    choices = {
        name: [
            FacetOption(
                value=fc.value,
                label=value_label(name, fc.value),
                count=fc.count,
                selected=fc.value in state.filters.get(name, []),
                id=f"adv-{name}-{i}",
            )
            for i, fc in enumerate(result.facets.get(name, []))
        ]
        for name in ("library", "format", "language")
    }
    page = render_template(
        "search/advanced.html",
        rows=form_rows,
        field_labels=FIELD_LABELS,
        operator_labels=OPERATOR_LABELS,
        sort_labels=SORT_LABELS,
        facet_labels=FACET_LABELS,
        choices=choices,
        state=state,
        online=state.filters.get("online", []) == ["true"],
        errors=errors,
        error_order=[f"term-{row['n']}" for row in form_rows] + ["adv-year-from", "adv-year-to"],
        raw_years={name: _clean_text(args.get(name, ""))[:10] for name in ("year_from", "year_to")},
        per_page_choices=PER_PAGE_CHOICES,
        max_query_chars=MAX_QUERY_CHARS,
    )
    return page, 400 if errors else 200


# --- views: browse --------------------------------------------------------------------


@bp.get("/browse")
def browse() -> ResponseReturnValue:
    try:
        result = services().index.search(
            SearchQuery(
                q="",
                facets=list(BROWSE_FACETS),
                facet_limit=BROWSE_PREVIEW + 1,
                per_page=1,
                visibility=visibility_for_request(),
            )
        )
    except Exception:
        current_app.logger.exception("search backend failed building the browse page")
        return unavailable()
    sections = []
    for name in BROWSE_FACETS:
        counts = result.facets.get(name, [])
        section = browse_section(name, counts[:BROWSE_PREVIEW])
        section["more"] = len(counts) > BROWSE_PREVIEW
        sections.append(section)
    page = render_template("search/browse.html", sections=sections, total=result.total)
    return page, 200


@bp.get("/browse/<facet>")
def browse_facet(facet: str) -> ResponseReturnValue:
    if facet not in BROWSE_FACETS:
        page = render_template("search/browse_missing.html", facets=BROWSE_FACETS)
        return page, 404
    order = request.args.get("order", "count")
    order = order if order in ("count", "name") else "count"
    try:
        result = services().index.search(
            SearchQuery(
                q="",
                facets=[facet],
                facet_limit=MAX_FACET_LIMIT,
                per_page=1,
                visibility=visibility_for_request(),
            )
        )
    except Exception:
        current_app.logger.exception("search backend failed browsing %s", facet)
        return unavailable()
    counts = list(result.facets.get(facet, []))
    rows = [_browse_row(facet, fc) for fc in counts]
    if order == "name":
        rows.sort(key=lambda r: _sort_key(r["label"]))
    last = max(1, -(-len(rows) // BROWSE_PER_PAGE))
    current = _int_arg(request.args.get("page"), 1, 1, last)
    start = (current - 1) * BROWSE_PER_PAGE

    def page_url(number: int, wanted_order: str = order) -> str:
        params = {}
        if wanted_order != "count":
            params["order"] = wanted_order
        if number > 1:
            params["page"] = number
        return url_for("search.browse_facet", facet=facet, **params)

    paging = None
    if last > 1:
        paging = {
            "current": current,
            "last": last,
            "previous": page_url(current - 1) if current > 1 else None,
            "next": page_url(current + 1) if current < last else None,
            "pages": [(n, page_url(n)) for n in range(1, last + 1)],
        }
    page = render_template(
        "search/browse_facet.html",
        section=browse_section(facet, [], rows[start : start + BROWSE_PER_PAGE]),
        count=len(rows),
        capped=len(counts) >= MAX_FACET_LIMIT,
        order=order,
        by_count_url=page_url(1, "count"),
        by_name_url=page_url(1, "name"),
        paging=paging,
        first_number=start + 1,
    )
    return page, 200


def browse_section(
    facet: str, counts: list[FacetCount], rows: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """A browse list: its heading, column name, link to all values, and rows."""
    texts = {
        "library": (_("Libraries"), _("All libraries")),
        "collection": (_("Collections"), _("All collections")),
        "format": (_("Formats"), _("All formats")),
        "language": (_("Languages"), _("All languages")),
        "subject": (_("Subjects"), _("All subjects")),
    }
    heading, all_text = texts[facet]
    return {
        "name": facet,
        "heading": heading,
        "column": str(FACET_LABELS[facet]),
        "all_text": all_text,
        "all_url": url_for("search.browse_facet", facet=facet),
        "rows": rows if rows is not None else [_browse_row(facet, fc) for fc in counts],
        "more": False,
    }


def _browse_row(facet: str, fc: FacetCount) -> dict[str, Any]:
    return {
        "value": fc.value,
        "label": value_label(facet, fc.value),
        "count": fc.count,
        "count_text": works_text(fc.count),
        "url": facet_url(facet, fc.value),
    }


def _sort_key(label: str) -> tuple[str, str]:
    return (fold(label), label)


# --- suggestions (autocomplete) -------------------------------------------------------


@bp.get("/suggest")
def suggest() -> Response:
    """Titles and author names starting with `q`, for the search box's suggestion list."""
    prefix = _clean_text(request.args.get("q", ""))[:SUGGEST_MAX_CHARS]
    if len(prefix) < 2:
        return _json_list([])
    try:
        found = services().index.suggest(prefix, SUGGEST_LIMIT, visibility=visibility_for_request())
    except Exception:
        current_app.logger.exception("search backend failed suggesting for %r", prefix)
        response = jsonify({"suggestions": []})
        response.status_code = 503
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return _json_list([{"text": s.text, "kind": s.kind} for s in found])


def _json_list(values: list[dict[str, str]]) -> Response:
    response = jsonify({"suggestions": values})
    response.headers["Cache-Control"] = "public, max-age=60"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
