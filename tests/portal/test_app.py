"""App-level settings: trusted proxies decide who the reader is."""

from __future__ import annotations

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
