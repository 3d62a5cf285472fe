"""HTTP caching of results pages.

A results page is the same for every anonymous reader in all but one thing: the header's
display-settings form carries the reader's own CSRF token (and the language comes from
the session, the display classes from a cookie). So it is never `public`: a shared
cache would hand one reader's token to another. What it gets is a weak ETag over
everything the page depends on, the reader's token included, and `private, no-cache`:
the browser asks again each time and a 304 costs neither a search nor a rendering. A
logged-in reader's page (their name, their logout form) is never stored at all.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from functools import lru_cache
from pathlib import Path

from flask import Response, current_app, request, session
from flask_login import current_user

from portal.app import services
from portal.i18n import current_language
from portal.preferences import current_preferences

REVALIDATE = "private, no-cache"
PERSONAL = "private, no-store"
_DEFAULT_CSRF_SECONDS = 3600  # Flask-WTF's default WTF_CSRF_TIME_LIMIT


def may_revalidate() -> bool:
    """Anonymous, with no flashed message waiting (it shows once, then the page differs)."""
    return not current_user.is_authenticated and not session.get("_flashes")


def index_version() -> str | None:
    """The index's version when the backend tells it (`version()`); None when it does not."""
    version = getattr(services().index, "version", None)
    if not callable(version):
        return None
    try:
        return f"index:{version()}"
    except Exception:
        current_app.logger.exception("search backend failed telling its version")
        return None


def page_key(visibility: list[str]) -> tuple[str, ...]:
    """What an anonymous results page depends on but for the index version and the
    reader's CSRF token: code and templates, the request, language, display settings
    and visibility (the rendered-page cache's key, and most of the ETag)."""
    return (
        deployment(),
        request.host_url,  # absolute links (canonical, OpenSearch) name the host asked
        request.path,
        request.query_string.decode("latin-1"),
        current_language(),
        current_preferences().cookie_value(),
        ",".join(sorted(visibility)),
    )


def page_etag(version: str, visibility: list[str]) -> str:
    """A keyed hash of what this page shows this reader: the page key, the index
    version and the CSRF token.

    The token's part is the session's raw token plus the half of its lifetime we are in,
    so a revalidated page's token always has at least half its lifetime left.
    """
    config = current_app.config
    lifetime = config.get("WTF_CSRF_TIME_LIMIT", _DEFAULT_CSRF_SECONDS)
    window = int(time.time() // (lifetime / 2)) if lifetime else 0
    parts = (
        *page_key(visibility),
        version,
        str(session.get(config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), "")),
        str(window),
    )
    key = str(current_app.secret_key or "").encode()
    return hmac.new(key, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()[:32]


def unchanged(version: str, visibility: list[str]) -> bool:
    return request.if_none_match.contains_weak(page_etag(version, visibility))


def not_modified(version: str, visibility: list[str]) -> Response:
    response = current_app.response_class(status=304)
    response.set_etag(page_etag(version, visibility), weak=True)
    response.headers["Cache-Control"] = REVALIDATE
    response.vary.add("Cookie")
    return response


@lru_cache(maxsize=1)
def deployment() -> str:
    """Names this installation's portal code, templates and translations: a new release
    changes every ETag (their sizes and modification times, read once per process)."""
    root = Path(__file__).resolve().parent
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".html", ".po", ".js", ".css") and path.is_file():
            info = path.stat()
            digest.update(f"{path.relative_to(root)}:{info.st_size}:{info.st_mtime_ns};".encode())
    return digest.hexdigest()


def revalidated(response: Response, version: str, visibility: list[str]) -> Response:
    """An anonymous reader's page: a weak ETag to revalidate it with, after rendering (a
    first visit's page has just put its CSRF token in the session)."""
    response.set_etag(page_etag(version, visibility), weak=True)
    response.headers["Cache-Control"] = REVALIDATE
    response.vary.add("Cookie")
    return response
