"""Record pages: full description, holdings, same-work records, citations. (Being built.)"""

from __future__ import annotations

from flask import Blueprint, abort

bp = Blueprint("record", __name__)


@bp.get("/record/<path:record_id>")
def show(record_id: str) -> str:
    abort(404)
