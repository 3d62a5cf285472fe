"""robots.txt, sitemap and OpenSearch description: how crawlers and browsers find us."""

from __future__ import annotations

import math

from flask import Blueprint, Response, abort, render_template, url_for

from portal.access import may_publish_record
from portal.app import services

bp = Blueprint("discovery", __name__)

SITEMAP_BLOCK = 20_000  # change numbers per sitemap; the protocol allows 50,000 URLs


@bp.get("/robots.txt")
def robots() -> Response:
    body = "\n".join(
        [
            "User-agent: *",
            # Result pages are endless combinations of filters; records are what to index.
            f"Disallow: {url_for('search.results')}",
            "Disallow: /api/",
            f"Disallow: {url_for('search.suggest')}",
            f"Disallow: {url_for('account.login')}",
            f"Sitemap: {url_for('discovery.sitemap', _external=True)}",
            "",
        ]
    )
    return Response(body, mimetype="text/plain")


@bp.get("/opensearch.xml")
def opensearch() -> Response:
    xml = render_template("discovery/opensearch.xml")
    return Response(xml, mimetype="application/opensearchdescription+xml")


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    """A sitemap index: one sitemap per block of SITEMAP_BLOCK change numbers.

    Blocks of the change sequence, not of record positions, so a block's URL and
    content stay put as the catalogue grows (a crawler re-reads only recent blocks).
    """
    top = services().store.max_change_seq()
    blocks = range(math.ceil(top / SITEMAP_BLOCK)) if top else range(0)
    urls = [url_for("discovery.sitemap_block", block=b, _external=True) for b in blocks]
    xml = render_template("discovery/sitemap_index.xml", urls=urls)
    return Response(xml, mimetype="application/xml")


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
