"""robots.txt, sitemap and OpenSearch description: how crawlers and browsers find us.

The OpenSearch description also names a suggestions URL (the OpenSearch Suggestions
extension), so a browser's address bar completes titles and authors as the search box
does: the same index call, the same visibility, answered in the extension's
`[query, [completions], [descriptions], [query URLs]]` array.
"""

from __future__ import annotations

import math
from datetime import datetime

from flask import Blueprint, Response, abort, current_app, json, render_template, request, url_for
from flask_babel import gettext as _

from indexer.suggestions import AUTHOR
from portal.access import may_publish_record
from portal.app import services
from portal.search import BROWSE_FACETS, RETRY_AFTER_SECONDS, suggestions_for

bp = Blueprint("discovery", __name__)

SITEMAP_BLOCK = 20_000  # change numbers per sitemap; the protocol allows 50,000 URLs
SUGGESTIONS_TYPE = "application/x-suggestions+json"
LASTMOD_WINDOW = 100  # recent changes read for the page sitemap's lastmod


@bp.get("/robots.txt")
def robots() -> Response:
    body = "\n".join(
        [
            "User-agent: *",
            # Result pages are endless combinations of filters; records are what to index.
            f"Disallow: {url_for('search.results')}",
            "Disallow: /api/",
            f"Disallow: {url_for('search.suggest')}",
            f"Disallow: {url_for('discovery.suggestions')}",
            f"Disallow: {url_for('account.login')}",
            f"Sitemap: {url_for('discovery.sitemap', _external=True)}",
            "",
        ]
    )
    return Response(body, mimetype="text/plain")


@bp.get("/opensearch.xml")
def opensearch() -> Response:
    xml = render_template("discovery/opensearch.xml", suggestions_type=SUGGESTIONS_TYPE)
    return Response(xml, mimetype="application/opensearchdescription+xml")


@bp.get("/opensearch/suggestions")
def suggestions() -> Response:
    """Completions for the address bar, in the OpenSearch Suggestions extension's shape.

    The search box's own /suggest answers objects; browsers want the extension's array.
    The prefix only ever reaches the index as a prefix (never as query syntax).
    """
    query, found = suggestions_for(request.args.get("q", ""))
    if found is None:
        response = _suggestions_response([query, []])
        response.status_code = 503
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    labels = {AUTHOR: _("Author")}
    body = [
        query,
        [s.text for s in found],
        [str(labels.get(s.kind, _("Title"))) for s in found],
        [url_for("search.results", q=s.text, _external=True) for s in found],
    ]
    return _suggestions_response(body)


def _suggestions_response(body: list) -> Response:
    response = Response(json.dumps(body, ensure_ascii=False), mimetype=SUGGESTIONS_TYPE)
    # What a reader may see depends on who asks: never kept by a shared cache.
    response.headers["Cache-Control"] = "private, max-age=60"
    response.headers["Vary"] = "Cookie"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    """A sitemap index: one sitemap per block of SITEMAP_BLOCK change numbers.

    Blocks of the change sequence, not of record positions, so a block's URL and
    content stay put as the catalogue grows (a crawler re-reads only recent blocks).
    """
    top = services().store.max_change_seq()
    blocks = range(math.ceil(top / SITEMAP_BLOCK)) if top else range(0)
    urls = [url_for("discovery.sitemap_pages", _external=True)]
    urls += [url_for("discovery.sitemap_block", block=b, _external=True) for b in blocks]
    xml = render_template("discovery/sitemap_index.xml", urls=urls)
    return Response(xml, mimetype="application/xml")


@bp.get("/sitemap/pages.xml")
def sitemap_pages() -> Response:
    """The portal's own pages a reader starts from: home, browse (each facet's page too),
    advanced search and the audiobook collection. Their lastmod is the newest change a
    visitor may see, as that is what changes their counts."""
    lastmod = _newest_public_change()
    stamp = lastmod.strftime("%Y-%m-%dT%H:%M:%SZ") if lastmod else None
    pages = [url_for("search.home", _external=True), url_for("search.browse", _external=True)]
    pages += [url_for("search.browse_facet", facet=f, _external=True) for f in BROWSE_FACETS]
    pages.append(url_for("search.advanced", _external=True))
    if "audiobooks.index" in current_app.view_functions:
        pages.append(url_for("audiobooks.index", _external=True))
    xml = render_template("discovery/sitemap.xml", entries=[(page, stamp) for page in pages])
    return Response(xml, mimetype="application/xml")


def _newest_public_change() -> datetime | None:
    """When the newest of the last few changes a visitor may see was made (None if none)."""
    store = services().store
    top = store.max_change_seq()
    rows = store.changed_records(max(top - LASTMOD_WINDOW, 0), limit=LASTMOD_WINDOW)
    seen = [row.updated_at for row in rows if may_publish_record(row.record)]
    return max(seen, default=None)


@bp.get("/sitemap/<int:block>.xml")
def sitemap_block(block: int) -> Response:
    """Record pages changed in one block of the change sequence, those the world may see."""
    store = services().store
    if block < 0 or block * SITEMAP_BLOCK >= max(store.max_change_seq(), 1):
        abort(404)
    entries = []
    after, end = block * SITEMAP_BLOCK, (block + 1) * SITEMAP_BLOCK
    while True:
        page = store.changed_records(after, until_seq=end, limit=1000)
        for changed in page:
            if not changed.record.deleted and may_publish_record(changed.record):
                entries.append(
                    (
                        url_for("record.show", record_id=changed.record.id, _external=True),
                        changed.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    )
                )
        if len(page) < 1000:
            break
        after = page[-1].change_seq
    if not entries:  # a urlset needs one <url>: a block emptied by later changes lists home
        entries.append((url_for("search.home", _external=True), None))
    xml = render_template("discovery/sitemap.xml", entries=entries)
    return Response(xml, mimetype="application/xml")
