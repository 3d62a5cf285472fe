"""robots.txt, sitemap and OpenSearch description: how crawlers and browsers find us."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, url_for

bp = Blueprint("discovery", __name__)


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
    return Response("", mimetype="application/xml")
