"""Reading record pages in tests: a small CSS-selector helper, a page fetched and parsed,
its description fields, table rows and JSON-LD, and a log-in with a given role.

Shared by the record page tests (tests/portal/test_record_*.py) and the accessibility
tests; test_record_page re-exports the helpers other modules import from it.
"""

from __future__ import annotations

import json
import re

import lxml.html
from flask import Flask
from flask.testing import FlaskClient

from tests.support import accounts

KIEU = "hanoi-library:hn-001"
TALE = "national-library:nl-tale"

_SIMPLE = re.compile(r"^([a-z0-9]*)(?:#([\w-]+))?(?:\.([\w-]+))?(?:\[(\w+)='([^']*)'\])?$")


def sel(element: lxml.html.HtmlElement, css: str) -> list[lxml.html.HtmlElement]:
    """Descendants matching a simple CSS selector ("table.holdings tbody th", "a[href='/']")."""
    path = "."
    for part in css.split():
        match = _SIMPLE.match(part)
        assert match, f"selector too fancy for this helper: {part!r}"
        tag, id_, cls, attr, value = match.groups()
        path += f"//{tag or '*'}"
        if id_:
            path += f"[@id='{id_}']"
        if cls:
            path += f"[contains(concat(' ', normalize-space(@class), ' '), ' {cls} ')]"
        if attr:
            path += f"[@{attr}='{value}']"
    return element.xpath(path)


def page(client: FlaskClient, path: str, status: int = 200) -> lxml.html.HtmlElement:
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return lxml.html.fromstring(response.get_data(as_text=True))


def field_values(doc: lxml.html.HtmlElement, name: str) -> list[str]:
    item = sel(doc, f".record-description__item--{name}")
    return [dd.text_content().strip() for dd in sel(item[0], "dd")] if item else []


def table_rows(doc: lxml.html.HtmlElement, css: str) -> list[list[str]]:
    table = sel(doc, css)[0]
    return [
        [cell.text_content().strip() for cell in row.xpath("./th|./td")]
        for row in sel(table, "tbody tr")
    ]


def json_ld(response_text: str) -> dict:
    doc = lxml.html.fromstring(response_text)
    scripts = doc.xpath('//script[@type="application/ld+json"]')
    assert len(scripts) == 1
    return json.loads(scripts[0].text)


def log_in(app: Flask, client: FlaskClient, role: str) -> None:
    """Log in a fresh account with this role, through the real log-in form."""
    response = accounts.log_in(client, accounts.make_user(app, role))
    assert response.status_code == 303
