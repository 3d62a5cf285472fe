"""The search a record was opened from (Blacklight's search context): the link back to
the results page and the previous and next records, rebuilt from the results page's own
parsed `SearchState`, never from the request as given.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from flask import current_app, request, url_for
from werkzeug.datastructures import MultiDict

from catalogue.record import Record
from indexer.protocol import MAX_DEPTH
from portal.account_session import site_referrer
from portal.app import services
from portal.search_state import SearchState

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


def hit_fragment(position: int) -> str:
    """`#hit-21`: the 21st hit of the search on its results page (the `id` results.html
    gives it), so "Back to results" lands the reader on the hit they opened. From the
    position alone, so the page's own HTML (and its cache key and ETag) is unchanged."""
    return f"#hit-{position}" if position else ""


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
    parts = site_referrer()
    if parts is None or parts.path != url_for("search.results"):
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
    if found is None:  # back to where the reader left it, if that is on this page
        at = position if wanted is not None and 0 <= wanted < len(hits) else 0
        return SearchContext(back_url=back + hit_fragment(at))
    position = first + found
    back += hit_fragment(position)
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
