"""A logged-in reader's place and bookmarks over JSON: the checks every call makes and
its refusals, answered as JSON so the player can say what went wrong.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from accessibility import progress
from accessibility.chapters import AudioBook
from catalogue.record import Record
from portal.access import decide_for_request
from portal.app import services
from portal.audiobook_access import content_decision
from portal.audiobook_player import read_book


class JsonRefusal(HTTPException):
    """A refusal of a JSON call, answered as JSON (the player shows its message)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(description=message)
        self.code = status


def json_message(status: int, message: str) -> Response:
    response = jsonify({"error": {"code": status, "message": message}})
    response.status_code = status
    return response


def reader_record(record_id: str) -> tuple[int, Record, AudioBook]:
    """(user id, record, book) for a JSON call; JSON 401/403/404 when that cannot be."""
    if not current_user.is_authenticated:
        raise JsonRefusal(401, _("Log in to keep your place on the server."))
    record = services().store.get_record(record_id)
    if record is None or record.deleted or not decide_for_request(record, "see_record"):
        raise JsonRefusal(404, _("There is no such audiobook."))
    if not content_decision(record).allowed:
        raise JsonRefusal(403, _("Your account may not listen to this audiobook."))
    return int(current_user.id), record, read_book(record)


def json_body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise JsonRefusal(400, _("Send a JSON object."))
    return data


def book_seconds(value: Any, book: AudioBook) -> float:
    try:
        return progress.check_seconds(value, book.duration or None)
    except progress.ProgressError:
        raise JsonRefusal(
            400, _("The position must be a number of seconds within the book.")
        ) from None
