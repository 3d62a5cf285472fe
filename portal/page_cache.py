"""Rendered results pages for anonymous readers, kept per index version.

Popular searches are asked again and again (a portal's logs follow a Zipf curve), and an
anonymous reader's results page is the same for everyone who asks the same URL in the
same language with the same display settings, but for one thing: the CSRF token of the
header's display-settings form. A page is kept with that token cut out, and the asking
reader's own is put back, so a repeat costs a lookup instead of a rendering (several
milliseconds of CPU, the largest part of a repeated page). Entries belong to one index
version: the first page rendered on a newer index empties the cache. Logged-in readers'
pages (their name, their logout form) never come here; see portal.search.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from flask import Flask, current_app, g
from flask_wtf.csrf import generate_csrf

PAGES = 256  # pages kept per server process (a results page is about 70 KB)
_SLOT = "\x00thuvien-csrf\x00"  # where the reader's token goes; never in a real page
_EXTENSION = "thuvien_page_cache"


class PageCache:
    """A small LRU of page texts with the CSRF token cut out."""

    def __init__(self, size: int = PAGES) -> None:
        self.size = size
        self.version = ""
        self.pages: OrderedDict[tuple, str] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, version: str, key: tuple) -> str | None:
        """The page for this reader (their own token in it), or None."""
        with self.lock:
            if version != self.version or key not in self.pages:
                return None
            self.pages.move_to_end(key)
            text = self.pages[key]
        return text.replace(_SLOT, generate_csrf()) if _SLOT in text else text

    def put(self, version: str, key: tuple, page: str) -> None:
        """Keep a page rendered for this request (its token is this request's)."""
        if self.size <= 0:
            return
        token = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
        if token:
            page = page.replace(token, _SLOT)
        with self.lock:
            if version != self.version:
                self.pages.clear()
                self.version = version
            self.pages[key] = page
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)


def page_cache() -> PageCache:
    return current_app.extensions[_EXTENSION]


def init_app(app: Flask, size: int = PAGES) -> None:
    app.extensions[_EXTENSION] = PageCache(size)
