"""The union catalogue's OAI-PMH provider at /oai. (Being built.)"""

from __future__ import annotations

from flask import Blueprint, abort

bp = Blueprint("oai", __name__)


@bp.route("/oai", methods=["GET", "POST"])
def endpoint() -> str:
    abort(503)
