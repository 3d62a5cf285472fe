"""The raw record as harvested: shown and downloadable to librarians only."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from flask_login import UserMixin

from portal.record import is_librarian
from tests.support.record_pages import KIEU, log_in, page, sel

# --- the raw record: librarians only -------------------------------------------------------


class StubUser(UserMixin):
    def __init__(self, role: str) -> None:
        self.id = role
        self.role = role
        self.username = f"test-{role}"
        self.display_name = self.name = self.username


def test_is_librarian_checks_the_role():
    assert is_librarian(StubUser("librarian"))
    assert is_librarian(StubUser("admin"))
    assert not is_librarian(StubUser("reader"))
    anonymous = type("Anonymous", (), {"is_authenticated": False, "role": "librarian"})()
    assert not is_librarian(anonymous)
    assert not is_librarian(object())


def test_raw_view_sends_anonymous_users_to_log_in(client):
    response = client.get(f"/record/{KIEU}/raw")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"
    assert client.get(f"/record/{KIEU}/raw/download").status_code == 302
    doc = page(client, f"/record/{KIEU}")
    assert not sel(doc, f"a[href='/record/{KIEU}/raw']")


def test_raw_view_is_forbidden_to_readers(app, client):
    log_in(app, client, "reader")
    assert client.get(f"/record/{KIEU}/raw").status_code == 403
    assert not sel(page(client, f"/record/{KIEU}"), f"a[href='/record/{KIEU}/raw']")


@pytest.mark.parametrize("role", ["librarian", "admin"])
def test_raw_view_for_librarians(app, client, role):
    log_in(app, client, role)
    doc = page(client, f"/record/{KIEU}")
    assert sel(doc, f"a[href='/record/{KIEU}/raw']")
    response = client.get(f"/record/{KIEU}/raw")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "<pre" in text and "&lt;record/&gt;" in text and "<record/>" not in text
    download = client.get(f"/record/{KIEU}/raw/download")
    assert download.status_code == 200
    assert download.get_data() == b"<record/>"
    assert download.mimetype == "application/xml"
    assert download.headers["Content-Disposition"] == (
        'attachment; filename="hanoi-library_hn-001.xml"'
    )
