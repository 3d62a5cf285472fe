"""The JSON API: search, records, and its own OpenAPI description. Read-only, public data.

Parameters are validated here, strictly, before a `SearchQuery` is built: `SearchQuery`
clamps bad values silently, which suits the HTML search page but would hide a client's
bug, so the API answers 400 naming the parameter instead. Unknown parameters are
rejected too, so a typo (`sorted=year_desc`) never silently returns the default.
"""

from __future__ import annotations

import math
import re
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, jsonify, request, url_for
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import MultiDict

from catalogue.record import Record
from iiif.objects import page_images
from iiif.presentation import manifest_url
from indexer.protocol import (
    DEFAULT_PER_PAGE,
    FACETS,
    MAX_DEPTH,
    MAX_FACET_LIMIT,
    MAX_PER_PAGE,
    SORTS,
    Hit,
    SearchQuery,
    SearchResult,
)
from indexer.query import MAX_QUERY_CHARS
from portal.access import may_see_record, visibility_for_request
from portal.app import services
from portal.errors import ApiError, is_api_request
from portal.openapi import openapi_document
from portal.record_description import author_query
from portal.record_holdings import source_of
from portal.record_images import THUMBNAIL_PX
from portal.search_hits import iiif_image, iiif_thumbnail, preview_size
from portal.search_state import filter_parts

bp = Blueprint("api", __name__, url_prefix="/api")

FILTER_PREFIX = "f."
SEARCH_PARAMS = ("q", "facet", "facet_limit", "sort", "page", "per_page")
SINGLE_VALUED = ("q", "facet_limit", "sort", "page", "per_page")
DEFAULT_FACET_LIMIT = 20
MAX_FILTER_VALUES = 50  # across all f.* parameters
MAX_VALUE_CHARS = 300  # one filter value
CACHE_SECONDS = 60  # holdings status changes; a minute's staleness is fine
RETRY_AFTER_SECONDS = 30

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_INTEGER = re.compile(r"[0-9]{1,9}")
_YEAR = re.compile(r"-?[0-9]{1,4}")


def accepted_search_params() -> list[str]:
    """Every parameter name /api/search accepts; anything else is a 400."""
    return [*SEARCH_PARAMS, *(FILTER_PREFIX + name for name in FACETS)]


# --- search ---------------------------------------------------------------------------


@bp.get("/search")
def search() -> Response:
    query = parse_search_args(request.args)
    try:
        result = services().index.search(query)
    except Exception:
        current_app.logger.exception("search backend failed for %r", query)
        raise _unavailable("The search index is not answering; try again shortly.") from None
    response = jsonify(search_response(query, result))
    if result.counts_rough:  # a busy server's estimate: ask again for the finer one
        response.headers["Cache-Control"] = "no-store"
    return response


def parse_search_args(args: MultiDict[str, str]) -> SearchQuery:
    """Validate the query string into a SearchQuery, or raise ApiError(400) naming the culprit."""
    filters: dict[str, list[str]] = {}
    for name in args:
        if name.startswith(FILTER_PREFIX):
            facet = name[len(FILTER_PREFIX) :]
            if facet not in FACETS:
                raise _bad(name, f"unknown filter {name!r}; filters are {_names(FACETS, 'f.')}")
            filters[facet] = _filter_values(name, facet, args.getlist(name))
        elif name not in SEARCH_PARAMS:
            accepted = ", ".join(SEARCH_PARAMS) + ", f.<facet>"
            raise _bad(name, f"unknown parameter {name!r}; accepted: {accepted}")
    for name in SINGLE_VALUED:
        if len(args.getlist(name)) > 1:
            raise _bad(name, f"{name} given more than once")
        _check_text(name, args.get(name, ""))
    if sum(len(values) for values in filters.values()) > MAX_FILTER_VALUES:
        raise _bad("f.*", f"too many filter values (at most {MAX_FILTER_VALUES})")

    q = args.get("q", "")
    if len(q) > MAX_QUERY_CHARS:
        raise _bad("q", f"q is {len(q)} characters long; at most {MAX_QUERY_CHARS} are accepted")
    sort = args.get("sort", "relevance") or "relevance"
    if sort not in SORTS:
        raise _bad("sort", f"unknown sort {sort!r}; sorts are {_names(SORTS)}")
    per_page = _integer(args, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    deepest = math.ceil(MAX_DEPTH / per_page)
    page = _integer(args, "page", 1, 1, None)
    if page > deepest:
        raise _bad(
            "page",
            f"page {page} is too deep: only the first {MAX_DEPTH} results are served, "
            f"which is {deepest} pages of {per_page}; narrow the search instead",
        )
    return SearchQuery(
        q=q,
        filters=filters,
        facets=_facets(args.getlist("facet")),
        facet_limit=_integer(args, "facet_limit", DEFAULT_FACET_LIMIT, 1, MAX_FACET_LIMIT),
        sort=sort,
        page=page,
        per_page=per_page,
        visibility=visibility_for_request(),
    )


def _filter_values(name: str, facet: str, values: list[str]) -> list[str]:
    out = []
    for value in values:
        _check_text(name, value)
        value = value.strip()
        if not value:
            continue  # an empty form field filters nothing
        if len(value) > MAX_VALUE_CHARS:
            raise _bad(name, f"{name} value is longer than {MAX_VALUE_CHARS} characters")
        if facet == "year" and not _YEAR.fullmatch(value):
            raise _bad(name, f"{name} must be a year such as 1998, not {value!r}")
        if facet == "online":
            value = value.lower()
            if value not in ("true", "false"):
                raise _bad(name, f"{name} must be true or false, not {value!r}")
        out.extend(part for part in filter_parts(facet, value) if part not in out)
    return out


def _facets(values: list[str]) -> list[str]:
    """Requested facets: repeated and/or comma-separated; absent = all; `facet=` = none."""
    if not values:
        return list(FACETS)
    out: list[str] = []
    for value in values:
        _check_text("facet", value)
        for name in (part.strip() for part in value.split(",")):
            if not name:
                continue
            if name not in FACETS:
                raise _bad("facet", f"unknown facet {name!r}; facets are {_names(FACETS)}")
            if name not in out:
                out.append(name)
    return out


def _integer(args: MultiDict[str, str], name: str, default: int, low: int, high: int | None) -> int:
    raw = args.get(name, "").strip()
    if raw == "":
        return default
    bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
    if not _INTEGER.fullmatch(raw):  # "-1" too: whole, but never in bounds
        raise _bad(name, f"{name} must be a whole number {bounds}, not {raw[:40]!r}")
    value = int(raw)
    if value < low or (high is not None and value > high):
        raise _bad(name, f"{name} must be {bounds}, not {value}")
    return value


def _check_text(name: str, value: str) -> None:
    if _CONTROL.search(value):
        raise _bad(name, f"{name} contains a control character")


def search_response(query: SearchQuery, result: SearchResult) -> dict[str, Any]:
    """The documented /api/search body (see portal.openapi: SearchResponse)."""
    return {
        "query": {
            "q": query.q,
            "filters": query.filters,
            "facets": query.facets,
            "facet_limit": query.facet_limit,
            "sort": query.sort,
            "page": query.page,
            "per_page": query.per_page,
        },
        "total": result.total,
        "total_exact": result.total_exact,
        "counts_rough": result.counts_rough,
        "fuzzy": result.fuzzy,
        "page": query.page,
        "per_page": query.per_page,
        "pages": result.pages,
        "links": _page_links(query, result),
        "hits": [hit_json(hit) for hit in result.hits],
        "facets": {
            name: [{"value": fc.value, "count": fc.count} for fc in counts]
            for name, counts in result.facets.items()
        },
        "suggestion": result.suggestion,
    }


def hit_json(hit: Hit) -> dict[str, Any]:
    fields = hit.fields
    return {
        "work_key": hit.work_key,
        "id": hit.id,
        "record_ids": hit.record_ids,
        "title": fields.get("title") or "",
        "subtitle": fields.get("subtitle") or "",
        "authors": fields.get("authors") or [],
        "year": fields.get("year"),
        "format": fields.get("format") or "",
        "languages": fields.get("languages") or [],
        "libraries": hit.libraries,
        "holdings": [
            {
                "library": h.get("library", ""),
                "location": h.get("location", ""),
                "call_number": h.get("call_number", ""),
                "status": h.get("status", "unknown"),
                "status_read_at": h.get("status_read_at"),
                "due": h.get("due"),
                "record_id": h.get("record_id", ""),
            }
            for h in hit.holdings
        ],
        "snippet": hit.snippet or None,
        "highlights": hit.highlights,
        "url": url_for("api.record", record_id=hit.id),
    }


def _page_links(query: SearchQuery, result: SearchResult) -> dict[str, str | None]:
    def page_url(page: int) -> str:
        pairs = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]
        return f"{url_for('api.search')}?{urlencode([*pairs, ('page', str(page))])}"

    last = result.pages
    return {
        "self": page_url(query.page),
        "next": page_url(query.page + 1) if query.page < last else None,
        "prev": page_url(min(query.page - 1, last)) if query.page > 1 and last else None,
    }


# --- records --------------------------------------------------------------------------


@bp.get("/records/<path:record_id>")
def record(record_id: str) -> Response:
    """One unified record. Unknown: 404. Withdrawn by its library (deleted): 410 Gone."""
    try:
        found = services().store.get_record(record_id)
    except SQLAlchemyError:
        current_app.logger.exception("store failed reading record %r", record_id)
        raise _unavailable("The catalogue database is not answering; try again shortly.") from None
    if found is None or not may_see_record(found):
        raise ApiError(404, f"no record with id {record_id!r}", code="not_found")
    if found.deleted:
        raise ApiError(410, f"record {record_id!r} was withdrawn by its library", code="gone")
    data = found.to_dict()
    for obj in data.get("digital_objects", []):
        obj.pop("stored_path", None)  # where this server keeps its copy: not the world's business
    source = source_of(found.source_key)
    for holding, copy in zip(found.holdings, data.get("holdings", []), strict=True):
        opac = source.record_url(found.local_id, holding.barcode) if source else ""
        if opac:  # the copy in its library's own catalogue, where a reader can place a hold
            copy["links"] = {"opac": opac}
    data["links"] = {
        "self": url_for("api.record", record_id=found.id),
        "html": url_for("record.show", record_id=found.id, _external=True),
        **_scan_links(found),
        "search_by_author": [
            {"author": author, "href": url_for("api.search", q=author_query(author))}
            for author in found.authors
            if author_query(author)
        ],
    }
    return jsonify(data)


def _scan_links(record: Record) -> dict[str, str]:
    """The IIIF manifest and a thumbnail, when this server holds page images the caller
    may see at least as a preview (the same door as the image server's)."""
    size = preview_size(record, THUMBNAIL_PX) if page_images(record) else 0
    if not size:
        return {}
    return {
        "iiif_manifest": manifest_url(record.id),
        "iiif_image": iiif_image(record.id, external=True),
        "thumbnail": iiif_thumbnail(record.id, size, external=True),
    }


# --- the description of all this ------------------------------------------------------


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document())


@bp.after_app_request
def _api_headers(response: Response) -> Response:
    """CORS for everyone (read-only public data), a short cache, no content sniffing."""
    if is_api_request():
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["X-Content-Type-Options"] = "nosniff"
        if "Cache-Control" not in response.headers:
            ok = response.status_code == 200
            response.headers["Cache-Control"] = (
                f"public, max-age={CACHE_SECONDS}" if ok else "no-store"
            )
    return response


def _bad(parameter: str, message: str) -> ApiError:
    return ApiError(400, message, code="invalid_parameter", parameter=parameter)


def _unavailable(message: str) -> ApiError:
    return ApiError(
        503,
        message,
        code="service_unavailable",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def _names(values: tuple[str, ...], prefix: str = "") -> str:
    return ", ".join(prefix + v for v in values)
