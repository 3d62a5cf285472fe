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
reader's page is never stored (`portal.search_http_cache`).

This module is the blueprint with the home, results and suggestion views and the results
page's context; the advanced form (`portal.search_advanced`) and the browse pages
(`portal.search_browse`) add their views to it. What the views build on lives beside
them: the page's parameters, links and query in `portal.search_state`, the filters and
year histogram in `portal.search_facets`, each hit and its thumbnail in
`portal.search_hits`, and the translated labels in `portal.search_labels`.
"""

from __future__ import annotations

import hashlib
import pickle
from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.exc import SQLAlchemyError

from catalogue.record import Record
from iiif.objects import page_images
from indexer.names import clean_name, direct_name
from indexer.protocol import (
    DEFAULT_PER_PAGE,
    FacetCount,
    SearchQuery,
    SearchResult,
)
from indexer.query import MAX_QUERY_CHARS, MatchAll, parse
from indexer.suggestions import Suggestion
from portal import warming
from portal.access import may_see_record, visibility_for_request
from portal.app import services
from portal.i18n import language_tag, number_text
from portal.page_cache import page_cache
from portal.record_text import data_lang
from portal.search_facets import facet_groups, filter_chips, year_histogram
from portal.search_hits import PageLinks, hit_view, iiif_thumbnail, preview_size, scan_thumbnails
from portal.search_http_cache import (
    PERSONAL,
    index_version,
    may_revalidate,
    not_modified,
    page_key,
    revalidated,
    unchanged,
)
from portal.search_labels import (
    FACET_LABELS,
    FIELD_LABELS,
    OPERATOR_LABELS,
    SORT_LABELS,
    estimate,
    format_label,
    value_label,
    works_text,
)
from portal.search_state import (
    PER_PAGE_CHOICES,
    SearchState,
    advanced_rows,
    asked_page,
    canonical_url,
    clean_text,
    facet_url,
)

bp = Blueprint("search", __name__)

RETRY_AFTER_SECONDS = 30
TITLE_QUERY_CHARS = 80  # the query as echoed in headings and the <title>

HOME_FACET_LIMIT = 50
HOME_RECENT = 8
BROWSE_FACETS = ("library", "collection", "format", "language", "subject")
SUGGEST_LIMIT = 8
SUGGEST_MAX_CHARS = 100


# --- views: home ----------------------------------------------------------------------


@bp.get("/")
def home() -> ResponseReturnValue:
    counts: dict[str, list[FacetCount]] = {}
    total, estimated = None, False
    query = SearchQuery(
        q="",
        facets=["library", "collection", "format"],
        facet_limit=HOME_FACET_LIMIT,
        per_page=1,
        visibility=visibility_for_request(),
    )
    warming.tally(current_app).note(query)
    try:
        result = services().index.search(query)
        counts, total = result.facets, result.total
        estimated = not result.total_exact  # a large catalogue, counted on a sample
    except Exception:
        current_app.logger.exception("search backend failed building the home page")
    return render_template(
        "search/home.html",
        total=total if total is None or not estimated else estimate(total),
        estimated=estimated,
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
    query = state.search_query(visibility=visibility)
    warming.tally(current_app).note(query)  # asked, whether answered from a cache or not
    revalidate = may_revalidate()
    version = index_version() if revalidate else None
    if version is not None and request.if_none_match and unchanged(version, visibility):
        return not_modified(version, visibility)
    key = page_key(visibility) if version is not None else ()  # what the page depends on
    kept = page_cache().get(version, key) if version is not None else None
    if kept is not None:
        return revalidated(make_response(kept), version, visibility)
    try:
        result = services().index.search(query)
    except Exception:
        current_app.logger.exception("search backend failed for %r", state)
        return unavailable(state.q)
    last = max(1, min(result.pages, state.page))
    if asked_page(state, request.args) > last or (not result.hits and state.page > 1):
        return redirect(state.url(page=last), code=302)  # past the last page: the last one
    if revalidate and version is None:  # the backend keeps no version: what it found is one
        version = "result:" + hashlib.blake2b(pickle.dumps(result), digest_size=16).hexdigest()
        if request.if_none_match and unchanged(version, visibility):
            return not_modified(version, visibility)
    # A busy server's rough counts (indexer.protocol.SearchResult.counts_rough) are kept
    # apart, and only for askers whose search still comes back rough: never given an
    # ETag, never served once the index has counted the search in full.
    rough = result.counts_rough and version is not None and version.startswith("index:")
    rough_key = (*key, "rough") if rough else ()
    page = page_cache().get(version, rough_key) if rough else None
    if page is None:
        page = render_template("search/results.html", **_page_context(state, result))
        if rough:
            page_cache().put(version, rough_key, page)
    if not (revalidate and version is not None) or result.counts_rough:
        response = make_response(page)
        response.headers["Cache-Control"] = PERSONAL
        response.vary.add("Cookie")
        return response
    if version.startswith("index:"):  # a version the index keeps, not one of this result
        page_cache().put(version, key, page)
    return revalidated(make_response(page), version, visibility)


def unavailable(q: str = "") -> tuple[str, int, dict[str, str]]:
    """The friendly 503 page when the index does not answer (the search box still there)."""
    page = render_template("search/unavailable.html", q=q)
    return page, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


# --- the results page's context -------------------------------------------------------


def _page_context(state: SearchState, result: SearchResult | None) -> dict[str, Any]:
    context: dict[str, Any] = {
        "state": state,
        "result": result,
        "shown_q": _short(readable_query(state.q)),
        "max_query_chars": MAX_QUERY_CHARS,
        "sort_labels": SORT_LABELS,
        "per_page_choices": PER_PAGE_CHOICES,
        "default_per_page": DEFAULT_PER_PAGE,
        "facet_labels": FACET_LABELS,
        "value_label": value_label,
        "works_text": works_text,
        "estimate": estimate,
        "chips": filter_chips(state),
        "active_filters": sum(len(v) for v in state.filters.values()) + state.has_year_range,
        "summary": _summary(state, result),
        "no_words": _no_words(state),
        "edit_advanced_url": _edit_advanced_url(state),
    }
    if result is not None:
        context.update(suggestion=_own_words(state, result.suggestion))
        page = PageLinks.current()
        thumbnails = scan_thumbnails([hit.id for hit in result.hits if hit.fields.get("scanned")])
        context.update(
            hits=[hit_view(hit, page, thumbnails.get(hit.id, "")) for hit in result.hits],
            facets=facet_groups(state, result, page.language),
            year_bins=year_histogram(
                state, result.facets.get("year", []), page.language, not result.total_exact
            ),
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


def _edit_advanced_url(state: SearchState) -> str | None:
    """The advanced form filled with this search, when it is one the form writes and
    more than one box of words (as VuFind's "Edit this Advanced Search")."""
    rows = advanced_rows(state.q) if state.q else None
    if not rows or (len(rows) == 1 and rows[0][1] == "all"):
        return None
    return url_for("search.advanced") + "?" + urlencode(state.params(page=1))


def readable_query(q: str) -> str:
    """The query as the heading says it: an advanced search in its rows' own words
    ("ha noi and not Subject: lich su"), not the query language the form wrote
    ("(ha noi) NOT subject:(lich su)"); anything else as typed."""
    rows = advanced_rows(q)
    if not rows or (len(rows) == 1 and rows[0][1] == "all"):
        return q
    parts = []
    for at, (op, field, text) in enumerate(rows):
        said = text if field == "all" else f"{FIELD_LABELS[field]}: {text}"
        parts.append(said if at == 0 else f"{OPERATOR_LABELS[op]} {said}")
    return " ".join(parts)


def _no_words(state: SearchState) -> bool:
    """Whether the reader typed something with nothing in it to look for ("📚", "-"),
    which the index answers with every work: the page must not say they matched it."""
    return bool(state.q) and isinstance(parse(state.q), MatchAll)


def _summary(state: SearchState, result: SearchResult | None) -> str:
    if result is None:
        return _("Your search is too long")
    q = "" if _no_words(state) else readable_query(state.q)
    n = number_text(result.total if result.total_exact else estimate(result.total))
    if not result.total_exact:
        if q:
            return _("About %(count)s results for “%(query)s”", count=n, query=_short(q))
        return _("About %(count)s results", count=n)
    if result.total == 0:
        if q:
            return _("No results for “%(query)s”", query=_short(q))
        return _("No results")
    if q:
        return ngettext(
            "%(count)s result for “%(query)s”",
            "%(count)s results for “%(query)s”",
            result.total,
            count=n,
            query=_short(q),
        )
    return ngettext("%(count)s result", "%(count)s results", result.total, count=n)


def _short(text: str) -> str:
    return text if len(text) <= TITLE_QUERY_CHARS else text[:TITLE_QUERY_CHARS] + "…"


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


# --- suggestions (autocomplete) -------------------------------------------------------


@bp.get("/suggest")
def suggest() -> Response:
    """Titles and author names starting with `q`, for the search box's suggestion list."""
    _prefix, found = suggestions_for(request.args.get("q", ""))
    if found is None:
        response = jsonify({"suggestions": []})
        response.status_code = 503
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    # `lang`: a Vietnamese title or name on a page in another language (WCAG 3.1.2).
    return _json_list([{"text": s.text, "kind": s.kind, "lang": data_lang(s.text)} for s in found])


def suggestions_for(typed: str) -> tuple[str, list[Suggestion] | None]:
    """The cleaned prefix and the titles and authors starting with it that the requester
    may see (none under two characters); None when the index failed (logged). The
    search box's list and the browser's address bar (portal.discovery) both ask here."""
    prefix = clean_text(typed)[:SUGGEST_MAX_CHARS]
    if len(prefix) < 2:
        return prefix, []
    try:
        return prefix, services().index.suggest(
            prefix, SUGGEST_LIMIT, visibility=visibility_for_request()
        )
    except Exception:
        current_app.logger.exception("search backend failed suggesting for %r", prefix)
        return prefix, None


def _json_list(values: list[dict[str, str]]) -> Response:
    response = jsonify({"suggestions": values})
    response.headers["Cache-Control"] = "private, max-age=60"  # staff see hidden titles
    response.vary.add("Cookie")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# The advanced search and browse pages live in their own modules, on this blueprint.
from portal import search_advanced, search_browse  # noqa: E402, F401 — register their views
