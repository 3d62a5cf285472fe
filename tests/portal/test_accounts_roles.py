"""Roles: role_required sends visitors to log in, refuses readers, lets staff in."""

from __future__ import annotations

import pytest
from flask import Blueprint, Flask
from flask_login import current_user

from portal.account_session import role_required
from tests.support.accounts import browser, log_in, make_user

# -- roles ---------------------------------------------------------------------------


@pytest.fixture
def staff_app(app: Flask) -> Flask:
    staff = Blueprint("staff_test", __name__)

    @staff.get("/test-staff-only")
    @role_required("librarian")
    def staff_only() -> str:
        return f"staff page for {current_user.username}"

    @staff.get("/test-admin-only")
    @role_required("admin")
    def admin_only() -> str:
        return "admin page"

    app.register_blueprint(staff)
    return app


def test_role_required_redirects_anonymous_visitors_to_log_in(staff_app: Flask):
    web = browser(staff_app)
    response = web.get("/test-staff-only")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Ftest-staff-only"
    login_page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "Vui lòng đăng nhập để xem trang này." in login_page
    assert 'name="next" value="/test-staff-only"' in login_page


def test_role_required_gives_a_reader_403(staff_app: Flask):
    web = browser(staff_app)
    log_in(web, make_user(staff_app, "reader"))
    response = web.get("/test-staff-only")
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "Bạn không thể mở trang này" in html and "Thủ thư" in html


def test_role_required_lets_librarians_and_admins_in(staff_app: Flask):
    librarian, admin = browser(staff_app), browser(staff_app)
    name = make_user(staff_app, "librarian")
    log_in(librarian, name)
    response = librarian.get("/test-staff-only")
    assert response.status_code == 200 and name in response.get_data(as_text=True)
    assert librarian.get("/test-admin-only").status_code == 403

    log_in(admin, make_user(staff_app, "admin"))
    assert admin.get("/test-staff-only").status_code == 200
    assert admin.get("/test-admin-only").status_code == 200


def test_role_required_refuses_unknown_roles():
    with pytest.raises(ValueError, match="role_required"):
        role_required("superuser")
    with pytest.raises(ValueError):
        role_required()
