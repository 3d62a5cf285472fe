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

This module is the blueprint: its views, the results page's context and its HTTP caching.
What the views build on lives beside it: the page's parameters, links and query in
`portal.search_state`, the filters and year histogram in `portal.search_facets`, each hit
and its thumbnail in `portal.search_hits`, and the translated labels in
`portal.search_labels`.
"""

from __future__ import annotations

import hashlib
import hmac
import pickle
import time
from functools import lru_cache
from pathlib import Path
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
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from catalogue.record import Record
from iiif.objects import page_images
from indexer.names import clean_name, direct_name
from indexer.protocol import (
    DEFAULT_PER_PAGE,
    MAX_FACET_LIMIT,
    FacetCount,
    SearchQuery,
    SearchResult,
)
from indexer.query import MAX_QUERY_CHARS, MatchAll, parse
from indexer.text import vietnamese_sort_key
from portal import warming
from portal.access import may_see_record, visibility_for_request
from portal.app import services
from portal.i18n import current_language, language_tag, number_text
from portal.library_profiles import library_profiles, profile_for
from portal.page_cache import page_cache
from portal.preferences import current_preferences
from portal.search_facets import FacetOption, facet_groups, filter_chips, year_histogram
from portal.search_hits import PageLinks, hit_view, iiif_thumbnail, preview_size, scan_thumbnails
from portal.search_labels import (
    FACET_LABELS,
    FIELD_LABELS,
    OPERATOR_LABELS,
    SORT_LABELS,
    format_label,
    value_label,
    works_text,
)
from portal.search_state import (
    PER_PAGE_CHOICES,
    SearchState,
    advanced_rows,
    asked_page,
    build_query,
    canonical_url,
    clean_text,
    facet_url,
    int_arg,
    year_arg,
)

bp = Blueprint("search", __name__)

RETRY_AFTER_SECONDS = 30
TITLE_QUERY_CHARS = 80  # the query as echoed in headings and the <title>

HOME_FACET_LIMIT = 50
HOME_RECENT = 8
ADVANCED_ROWS = 4
MAX_ADVANCED_ROWS = 12
BROWSE_FACETS = ("library", "collection", "format", "language", "subject")
BROWSE_PREVIEW = 12  # values per facet on /browse
BROWSE_PER_PAGE = 50  # values per page on /browse/<facet>
SUGGEST_LIMIT = 8
SUGGEST_MAX_CHARS = 100


# --- views: home ----------------------------------------------------------------------


@bp.get("/")
def home() -> ResponseReturnValue:
    counts: dict[str, list[FacetCount]] = {}
    total = None
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
    revalidate = _may_revalidate()
    version = _index_version() if revalidate else None
    if version is not None and request.if_none_match and _unchanged(version, visibility):
        return _not_modified(version, visibility)
    kept = page_cache().get(version, _page_key(visibility)) if version is not None else None
    if kept is not None:
        return _revalidated(make_response(kept), version, visibility)
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
    n = number_text(result.total)
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


# --- views: advanced search -----------------------------------------------------------


@bp.get("/advanced")
def advanced() -> ResponseReturnValue:
    args = request.args
    fields = args.getlist("field")[:MAX_ADVANCED_ROWS]
    terms = [clean_text(t) for t in args.getlist("term")[:MAX_ADVANCED_ROWS]]
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
        year_errors = {  # each says which box it is about: the summary lists both
            "year_from": _("From year: enter up to four digits, such as 1998, or leave it empty."),
            "year_to": _("To year: enter up to four digits, such as 2005, or leave it empty."),
        }
        for name, field_id in (("year_from", "adv-year-from"), ("year_to", "adv-year-to")):
            raw = clean_text(args.get(name, ""))
            if raw and year_arg(raw) is None:
                errors[field_id] = year_errors[name]
        if not errors:
            return redirect(state.url(), code=303)
    elif "q" in args:  # "Edit this advanced search": the rows that wrote the query
        rows = advanced_rows(clean_text(args["q"])) or []
        ops = [op for op, _field, _term in rows[1:]]
        fields = [field for _op, field, _term in rows]
        terms = [term for _op, _field, term in rows]
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
        raw_years={name: clean_text(args.get(name, ""))[:10] for name in ("year_from", "year_to")},
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
        rows.sort(key=lambda r: vietnamese_sort_key(r["label"]))
    last = max(1, -(-len(rows) // BROWSE_PER_PAGE))
    current = int_arg(request.args.get("page"), 1, 1, last)
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
    shown = rows[start : start + BROWSE_PER_PAGE]
    if facet == "library":  # each library's website, address, hours, last update
        try:
            profiles = library_profiles(services().store)
        except Exception:  # the list still helps without them
            current_app.logger.exception("could not read the library profiles")
            profiles = {}
        for row in shown:
            row["profile"] = profile_for(profiles, row["value"])
    page = render_template(
        "search/browse_facet.html",
        section=browse_section(facet, [], shown),
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


# --- suggestions (autocomplete) -------------------------------------------------------


@bp.get("/suggest")
def suggest() -> Response:
    """Titles and author names starting with `q`, for the search box's suggestion list."""
    prefix = clean_text(request.args.get("q", ""))[:SUGGEST_MAX_CHARS]
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
    response.headers["Cache-Control"] = "private, max-age=60"  # staff see hidden titles
    response.vary.add("Cookie")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
