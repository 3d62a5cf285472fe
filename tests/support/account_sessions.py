"""Whose session a test client holds: shared by the account tests (test_accounts_*.py)."""

from __future__ import annotations

from flask.testing import FlaskClient


def logged_in_user(client: FlaskClient) -> str | None:
    with client.session_transaction() as session:
        return session.get("_user_id")
