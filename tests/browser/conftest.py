"""Real-browser fixtures: the demo catalogue served over HTTP, driven in Debian's chromium.

The demo is built once per session exactly as `thuvien demo` builds it (OAI-PMH and
MARC harvests of the bundled sample libraries, then indexing), with fewer works so
the build takes seconds. Playwright's own browser download is not used: the tests
drive the system `chromium`, which `make test` installs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from catalogue.settings import Settings
from harvesters.demo.server import serve_wsgi
from portal.app import create_app
from portal.demo import build_demo

DEMO_WORKS = 120
LANGUAGES = ("vi", "en")


@dataclass
class Site:
    url: str
    settings: Settings


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    data_dir: Path = tmp_path_factory.mktemp("browser-demo")
    settings = Settings(data_dir=data_dir)
    with ExitStack() as stack:
        store = build_demo(
            settings, stack, works=DEMO_WORKS, out=lambda _line: None, progress=False
        )
        app = create_app(settings, store=store)
        url = stack.enter_context(serve_wsgi(app, host="127.0.0.1"))
        yield Site(url=url, settings=settings)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    # The site's content security policy forbids eval, which Playwright's string
    # predicates (wait_for_function) need; test_security_policy.py checks the pages
    # under the policy itself, in contexts of its own.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def in_language(page: Page, site: Site, language: str) -> None:
    """Choose the UI language the way a reader does: the switch link on any page."""
    page.goto(f"{site.url}/?lang={language}")
