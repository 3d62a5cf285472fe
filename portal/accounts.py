"""Reader accounts: registration, log in/out, roles. (Being built.)"""

from __future__ import annotations

from flask import Blueprint, Flask, render_template
from flask_login import LoginManager

bp = Blueprint("account", __name__)


def init_accounts(app: Flask) -> None:
    manager = LoginManager(app)
    manager.login_view = "account.login"

    @manager.user_loader
    def _load(user_id: str):  # noqa: ANN202
        return None


@bp.get("/login")
def login() -> str:
    return render_template("search/home.html")


@bp.post("/logout")
def logout() -> str:
    return render_template("search/home.html")


@bp.get("/register")
def register() -> str:
    return render_template("search/home.html")


@bp.get("/account")
def profile() -> str:
    return render_template("search/home.html")
