"""Browse the catalogue by library, collection, format, language and subject: /browse
shows each facet's commonest values, /browse/<facet> all of them in pages, by count or
A to Z (Vietnamese order), and for libraries what a reader needs to go there."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from indexer.protocol import MAX_FACET_LIMIT, FacetCount, SearchQuery
from indexer.text import vietnamese_sort_key
from portal.access import visibility_for_request
from portal.app import services
from portal.i18n import current_language
from portal.library_profiles import (
    library_anchor,
    library_anchors,
    library_profiles,
    profile_for,
)
from portal.search import BROWSE_FACETS, bp, unavailable
from portal.search_labels import (
    FACET_LABELS,
    count_texts_in,
    estimate,
    value_label,
    works_text,
)
from portal.search_state import facet_url, int_arg

BROWSE_PREVIEW = 12  # values per facet on /browse
BROWSE_PER_PAGE = 50  # values per page on /browse/<facet>


@bp.get("/browse")
def browse() -> ResponseReturnValue:
    try:
        result = services().index.search(
            SearchQuery(
                q="",
                facets=list(BROWSE_FACETS),
                facet_limit=BROWSE_PREVIEW,
                per_page=1,
                visibility=visibility_for_request(),
            )
        )
    except Exception:
        current_app.logger.exception("search backend failed building the browse page")
        return unavailable()
    estimated = not result.total_exact
    sections = [
        browse_section(name, result.facets.get(name, [])[:BROWSE_PREVIEW], estimated=estimated)
        for name in BROWSE_FACETS
    ]
    total = estimate(result.total) if estimated else result.total
    page = render_template(
        "search/browse.html", sections=sections, total=total, estimated=estimated
    )
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
    rows = [_browse_row(facet, fc, not result.total_exact) for fc in counts]
    if order == "name":
        rows.sort(key=lambda r: vietnamese_sort_key(r["label"]))
    # Every library on one page: a record's holdings link to a library's entry by its
    # anchor (/browse/library#thu-vien-ha-noi), which must not sit on another page.
    per_page = max(1, len(rows)) if facet == "library" else BROWSE_PER_PAGE
    last = max(1, -(-len(rows) // per_page))
    current = int_arg(request.args.get("page"), 1, 1, last)
    start = (current - 1) * per_page

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
    shown = rows[start : start + per_page]
    if facet == "library":  # each library's website, address, hours, last update
        try:
            store = services().store
            profiles, anchors = library_profiles(store), library_anchors(store.sources())
        except Exception:  # the list still helps without them
            current_app.logger.exception("could not read the library profiles")
            profiles, anchors = {}, {}
        for row in shown:
            row["profile"] = profile_for(profiles, row["value"])
            # The record page's holdings link here: /browse/library#<anchor>.
            row["anchor"] = library_anchor(anchors, row["value"])
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
    facet: str,
    counts: list[FacetCount],
    rows: list[dict[str, Any]] | None = None,
    estimated: bool = False,
) -> dict[str, Any]:
    """A browse list: its heading, column name, link to its own page (every value;
    for libraries, where to find them), and rows (their counts `estimated` on a sample
    when the catalogue is that large)."""
    texts = {
        "library": (_("Libraries"), _("All libraries: addresses and opening hours")),
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
        "rows": rows if rows is not None else [_browse_row(facet, fc, estimated) for fc in counts],
    }


def _browse_row(facet: str, fc: FacetCount, estimated: bool) -> dict[str, Any]:
    return {
        "value": fc.value,
        "label": value_label(facet, fc.value),
        "count": fc.count,
        "count_text": works_text(fc.count, estimated),
        "number_text": count_texts_in(current_language(), fc.count, estimated)[0],
        "url": facet_url(facet, fc.value),
    }
