"""Shared pytest fixtures. Helpers live in tests/support; import them from there."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's chromium, one for the whole run: Playwright's sync API cannot be started
    twice in one process, so every real-browser test (tests/browser, the IIIF tile
    colours) shares this one."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("chromium is not installed: run `make test`, which installs it with apt")
    with sync_playwright() as playwright:
        # Audio may start without a click: the player tests press play from the keyboard.
        args = ["--no-sandbox", "--autoplay-policy=no-user-gesture-required"]
        browser = playwright.chromium.launch(executable_path=executable, args=args)
        yield browser
        browser.close()
