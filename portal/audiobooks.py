"""Audiobook pages for readers who listen: collection, search within, the player."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("audiobooks", __name__)
