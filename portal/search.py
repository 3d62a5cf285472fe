"""Search pages: home, results with facets, advanced search, browse. (Being built.)"""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("search", __name__)


@bp.get("/")
def home() -> str:
    return render_template("search/home.html")


@bp.get("/search")
def results() -> str:
    return render_template("search/home.html")


@bp.get("/advanced")
def advanced() -> str:
    return render_template("search/home.html")


@bp.get("/browse")
def browse() -> str:
    return render_template("search/home.html")
