"""Errors outside /api are pages in the portal's frame, translated, with the right status."""

from __future__ import annotations

from flask.testing import FlaskClient


def test_unknown_page_is_a_translated_404_page(client: FlaskClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "Không tìm thấy trang" in page
    assert 'href="#main"' in page  # the portal's frame, not Werkzeug's bare page
    client.get("/?lang=en")
    assert "Page not found" in client.get("/no/such/page").get_data(as_text=True)


def test_wrong_method_keeps_the_allow_header(client: FlaskClient) -> None:
    response = client.get("/logout")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]


def test_a_form_posted_without_its_csrf_token_gets_a_friendly_page(client: FlaskClient) -> None:
    response = client.post("/login", data={"username": "lan", "password": "x" * 12})
    assert response.status_code == 400
    assert "Biểu mẫu đã hết hạn" in response.get_data(as_text=True)


def test_api_errors_stay_json(client: FlaskClient) -> None:
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
