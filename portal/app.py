"""The Flask app factory: one app per call, services on `app.extensions["thuvien"]`.

No module globals: tests build as many apps as they like, each with its own store and
index; views reach them through `services()` (i.e. `current_app.extensions["thuvien"]`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import Flask, Response, current_app
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from catalogue.settings import Settings, load_settings
from catalogue.store import Store
from iiif.server import init_app as init_iiif
from indexer.backends import open_index
from indexer.protocol import SearchIndex
from portal.errors import register_error_handlers
from portal.i18n import init_i18n

EXTENSION = "thuvien"
MIN_SECRET_CHARS = 16


@dataclass
class Services:
    """What views need besides the request: settings, the catalogue store, the search index."""

    settings: Settings
    store: Store
    index: SearchIndex


def services() -> Services:
    """The current app's services (inside a request or app context)."""
    return current_app.extensions[EXTENSION]


def create_app(
    settings: Settings | None = None,
    *,
    store: Store | None = None,
    index: SearchIndex | None = None,
) -> Flask:
    """Build the portal app. Store and index are opened here unless given (tests pass their own).

    Opening at creation, not on first request, makes a stale index or unreachable
    database fail `thuvien serve` at once with its message, instead of every request.
    """
    settings = settings or load_settings()
    app = Flask("portal")  # templates and static files ship inside the package
    _configure_security(app, settings)
    app.json.ensure_ascii = False  # "Hà Nội", not "H\u00e0 N\u1ed9i"
    app.json.sort_keys = False  # keep responses in the documented order

    app.extensions[EXTENSION] = Services(
        settings=settings,
        store=store if store is not None else Store(settings.db_url),
        index=index if index is not None else open_index(settings),
    )

    if settings.proxy_hops:
        hops = settings.proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    register_error_handlers(app)
    init_i18n(app)
    CSRFProtect(app)
    # Imported here: the blueprints import `services` from this module.
    from portal import (
        accounts,
        admin,
        api,
        audiobooks,
        discovery,
        oai,
        page_cache,
        preferences,
        record,
        search,
        warming,
    )

    accounts.init_accounts(app)
    blueprints = (
        search.bp,
        record.bp,
        audiobooks.bp,
        preferences.bp,
        accounts.bp,
        admin.bp,
        discovery.bp,
        oai.bp,
        api.bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    init_iiif(app, settings)
    page_cache.init_app(app)
    warming.init_app(app)
    # The API and OAI-PMH are read-only and cookie-free: nothing there to forge.
    app.extensions["csrf"].exempt(api.bp)
    app.extensions["csrf"].exempt(oai.bp)
    app.after_request(_security_headers)
    return app


# Scripts only from this site's own files (no inline script, no eval); styles may be set
# inline because the deep-zoom viewer positions its tiles with style attributes; images
# also from https: (a library's own thumbnails); nothing may frame a page (clickjacking of
# the login and console forms).
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob: https:",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def _security_headers(response: Response) -> Response:
    """The same protective headers on every response; a view's own choice wins."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _configure_security(app: Flask, settings: Settings) -> None:
    """Secret key and session cookie flags; production refuses to run without a real key."""
    production = settings.mode == "production"
    key = settings.secret_key
    if production and not key:
        raise RuntimeError(
            "thuvien refuses to start in production mode without a secret key: "
            "set THUVIEN_SECRET_KEY (or secret_key in the settings file) to a long random "
            'value, e.g. python -c "import secrets; print(secrets.token_hex(32))"'
        )
    if production and len(key) < MIN_SECRET_CHARS:
        raise RuntimeError(
            f"THUVIEN_SECRET_KEY is too short ({len(key)} characters); "
            f"use at least {MIN_SECRET_CHARS}, ideally 64 random hex characters"
        )
    # Development without a key: a fresh one per process (sessions end on restart).
    app.secret_key = key or secrets.token_hex(32)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=production,
    )
