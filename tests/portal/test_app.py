"""App-level settings: trusted proxies decide who the reader is."""

from __future__ import annotations

import re
from dataclasses import replace

from flask import request

from portal.app import create_app
from tests.portal.conftest import Catalogue


def _remote_addr(catalogue: Catalogue, hops: int) -> str:
    settings = replace(catalogue.settings, proxy_hops=hops)
    app = create_app(settings, store=catalogue.store, index=catalogue.index)

    @app.get("/_whoami")
    def whoami() -> str:
        return request.remote_addr or ""

    headers = {"X-Forwarded-For": "10.12.0.7"}
    return app.test_client().get("/_whoami", headers=headers).get_data(as_text=True)


def test_forwarded_addresses_are_trusted_only_behind_a_configured_proxy(
    catalogue: Catalogue,
) -> None:
    assert _remote_addr(catalogue, 0) == "127.0.0.1"  # a reader cannot claim a reading room
    assert _remote_addr(catalogue, 1) == "10.12.0.7"


def test_every_response_carries_the_security_headers(client) -> None:
    """Pages, forms, API answers and errors alike: no inline script, no framing."""
    for url in ("/", "/search?q=ha+noi", "/login", "/api/search?q=kiều", "/nowhere"):
        response = client.get(url)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("style-src")[0]
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_pages_have_no_inline_script_the_policy_would_block(client) -> None:
    """Only data blocks (JSON-LD, the player's JSON) may be inline: browsers never run them."""
    for url in ("/", "/search?q=ha+noi", "/login", "/record/national-library:nl-778"):
        page = client.get(url).get_data(as_text=True)
        for attrs in re.findall(r"<script([^>]*)>", page):
            assert "src=" in attrs or 'type="application/' in attrs, (url, attrs)
        assert not re.search(r"\son[a-z]+=", page), url  # no inline event handlers


def test_every_page_names_its_icon_and_the_icon_is_served(client):
    page = client.get("/").get_data(as_text=True)
    assert '<link rel="icon" type="image/svg+xml" href="/static/favicon.svg">' in page
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert b"<svg" in icon.data
