"""Reader preferences (text size, contrast, motion, spacing), remembered across pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("preferences", __name__)
