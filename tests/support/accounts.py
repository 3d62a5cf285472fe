"""Accounts in portal tests: unique users, clients with their own address, CSRF-aware log-in."""

from __future__ import annotations

import re
import uuid

from flask import Flask
from flask.testing import FlaskClient

from catalogue import users

PASSWORD = "đọc sách mỗi ngày"


def unique(prefix: str = "u") -> str:
    """A username no other test uses (the catalogue store is shared by the session)."""
    return f"{prefix}.{uuid.uuid4().hex[:10]}"


def browser(app: Flask) -> FlaskClient:
    """A test client from an address of its own, so no test meets another's rate limits.

    From 198.18.0.0/15 (set aside for benchmarks, RFC 2544), never from 10.0.0.0/8, where
    tests put their library networks: a random 10.x address fell inside 10.99.0.0/16 one
    time in 256 and made an anonymous visitor an on-site reader."""
    client = app.test_client()
    b = uuid.uuid4().bytes
    client.environ_base["REMOTE_ADDR"] = f"198.{18 + (b[0] & 1)}.{b[1]}.{b[2]}"
    return client


def csrf(client: FlaskClient, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def log_in(client: FlaskClient, username: str, password: str = PASSWORD, **extra):
    token = csrf(client, "/login")
    form = {"csrf_token": token, "username": username, "password": password, **extra}
    return client.post("/login", data=form)


def make_user(app: Flask, role: str = "reader", **kwargs) -> str:
    name = unique(role)
    users.create_user(app.extensions["thuvien"].store, name, PASSWORD, role=role, **kwargs)
    return name
