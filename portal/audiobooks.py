"""Audiobook pages for readers who listen: collection, search within, the player.

- `/audiobooks/`: the collection, browsed by title, author, narrator, genre or newest,
  or searched (the index, filtered to the audiobook format and the reader's visibility);
  each book offered as the access policy lets this requester use it (listen, log in to
  listen, reading room only, not online), so the page is private to them;
- `/audiobooks/<id>`: one book with the accessible player (templates/audiobooks/show.html,
  static/player.js), its chapters (links with media fragments that work without
  JavaScript) and bookmarks;
- `/audiobooks/<id>/audio/<n>`: the n-th file, with HTTP Range requests, the access
  policy asked on every request (a player asks for many ranges) and access logged;
- `/audiobooks/<id>/manifest.json`: the IIIF Presentation 3 manifest;
- `/audiobooks/<id>/position`, `/bookmarks`: a logged-in reader's place and bookmarks,
  JSON, CSRF-checked (the token travels in the X-CSRFToken header).

Refusals: a record the requester may not see is a 404, exactly like an unknown id; a
refused player page or audio file is a 401 or 403 that says what would help (see
audiobook_access). The collection's data is in audiobook_collection, the player's in
audiobook_player, the JSON calls' checks in audiobook_progress; the routes are all here.
"""

from __future__ import annotations

import math
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from accessibility import progress
from accessibility.chapters import clock
from accessibility.manifest import audio_manifest
from indexer.names import clean_name, direct_name
from indexer.query import MAX_QUERY_CHARS
from portal.access import log_content_access
from portal.app import services
from portal.audiobook_access import (
    audiobook_record,
    content_decision,
    file_refusal_status,
    login_headers,
    refusal_for,
)
from portal.audiobook_collection import (
    BROWSE_ORDERS,
    PER_PAGE,
    all_books,
    book_views,
    collection_query,
    collection_summary,
    group_books,
    order_choices,
    page_arg,
    page_links,
    result_pages,
    text_arg,
    with_access,
)
from portal.audiobook_player import SPEEDS, chapter_views, player_data, read_book
from portal.audiobook_progress import (
    JsonRefusal,
    book_seconds,
    json_body,
    json_message,
    reader_record,
)
from portal.errors import error_page
from portal.i18n import current_language, language_tag
from portal.record_files import duration_iso

bp = Blueprint("audiobooks", __name__, url_prefix="/audiobooks")

JSON_ENDPOINTS = {"audiobooks.position", "audiobooks.bookmarks", "audiobooks.bookmark"}
# The collection says per book whether *this* requester may listen (their role, and
# their address: the library network, a reading room), and carries their CSRF token:
# never from a shared cache, and asked again each time (no ETag, so no 304 either).
PER_READER = {"Cache-Control": "private, no-cache", "Vary": "Cookie"}


# --- the collection --------------------------------------------------------------------


@bp.get("/")
def index() -> ResponseReturnValue:
    q = text_arg("q", MAX_QUERY_CHARS)
    by = request.args.get("by", "title")
    by = by if by in BROWSE_ORDERS else "title"
    name = text_arg("name")
    page = page_arg()
    context: dict[str, Any] = {
        "q": q,
        "by": by,
        "name": name,
        "orders": order_choices(),
        "books": [],
        "groups": [],
        "total": 0,
        "paging": None,
        "fuzzy": False,
    }
    try:
        if q or by in ("title", "newest"):
            sort = "relevance" if q else ("title" if by == "title" else "year_desc")
            result = services().index.search(collection_query(q, sort=sort, page=page))
            if not result.hits and result.total and page > 1:
                page = max(1, result.pages)
                result = services().index.search(collection_query(q, sort=sort, page=page))
            context.update(books=book_views(result.hits), total=result.total, fuzzy=result.fuzzy)
            context["paging"] = result_pages(result, q=q or None, by=None if q else by)
        elif name:
            books = group_books(all_books(), by).get(name, [])
            context.update(total=len(books))
            start = (page - 1) * PER_PAGE
            context["books"] = with_access(books[start : start + PER_PAGE])
            pages = math.ceil(len(books) / PER_PAGE)
            context["paging"] = page_links(page, pages, by=by, name=name)
        else:
            groups = group_books(all_books(), by)
            context["groups"] = [
                (label, len(books), url_for("audiobooks.index", by=by, name=label))
                for label, books in groups.items()
            ]
            context["total"] = len(groups)
    except Exception:
        current_app.logger.exception("search backend failed on the audiobook collection")
        page = render_template("audiobooks/index.html", unavailable=True, **context)
        return page, 503, PER_READER
    context["summary"] = collection_summary(context)
    return render_template("audiobooks/index.html", unavailable=False, **context), PER_READER


# --- one book: the player page ---------------------------------------------------------


@bp.get("/<path:record_id>")
def show(record_id: str) -> ResponseReturnValue:
    record = audiobook_record(record_id)
    decision = content_decision(record)
    lang = language_tag(record.languages)
    title = record.title.rstrip(" /:;,.") or _("Untitled")
    people = {
        "authors": [direct_name(clean_name(a) or a) for a in record.authors],
        "narrators": [direct_name(clean_name(c) or c) for c in record.contributors],
    }
    if not decision.allowed:
        refusal = refusal_for(record, decision)
        page = render_template(
            "audiobooks/refused.html",
            record=record,
            title=title,
            lang=lang,
            refusal=refusal,
            **people,
        )
        headers = {"Cache-Control": "private, no-store"}
        if refusal.login_helps:
            headers.update(login_headers())
        return page, refusal.status, headers
    book = read_book(record)
    files = [
        {
            "url": url_for("audiobooks.audio", record_id=record.id, number=f.index + 1),
            "type": f.mime_type,
            "offset": round(f.offset, 3),
            "duration": round(f.duration, 3),
        }
        for f in book.files
        if f.path is not None
    ]
    playable = book.playable and len(files) == len(book.files)
    chapters = chapter_views(record, book, playable)
    reader = current_user.is_authenticated
    return render_template(
        "audiobooks/show.html",
        record=record,
        title=title,
        lang=lang,
        book=book,
        playable=playable,
        files=files,
        chapters=chapters,
        chapter_count=len(book.leaves()),
        duration=clock(book.duration) if book.duration else "",
        duration_iso=duration_iso(book.duration),
        speeds=SPEEDS,
        player_data=player_data(
            record, book, files, chapters, reader, lang if lang != current_language() else ""
        ),
        manifest_url=url_for("audiobooks.manifest", record_id=record.id),
        record_url=url_for("record.show", record_id=record.id),
        reader=reader,
        **people,
    )


# --- one book: the audio files ---------------------------------------------------------


@bp.route("/<path:record_id>/audio/<int:number>", methods=["GET", "HEAD"])
def audio(record_id: str, number: int) -> Response:
    """The number-th file (from 1), with Range support; the policy is asked every time."""
    record = audiobook_record(record_id)
    decision = content_decision(record)
    if not decision.allowed:
        # The codes stay 401 (anonymous: a staff login always helps) and 403; the words
        # say what would help a reader, like the player page.
        status = file_refusal_status()
        refusal = refusal_for(record, decision)
        if refusal.login_helps:
            message = _("Log in to listen to this audiobook.")
        elif refusal.reading_room:
            message = _("This audiobook can be listened to only in the library's reading room.")
        else:
            message = _("This audiobook cannot be listened to online.")
        response = Response(message + "\n", status=status, mimetype="text/plain")
        response.headers["Cache-Control"] = "private, no-store"
        if status == 401:
            response.headers.update(login_headers())
        return response
    book = read_book(record)
    if not 1 <= number <= len(book.files) or book.files[number - 1].path is None:
        abort(404)
    f = book.files[number - 1]
    log_content_access(record, decision, "audio")
    response = send_file(
        f.path,
        mimetype=f.mime_type or "application/octet-stream",
        conditional=True,
        etag=True,
        max_age=0 if decision.level != "public" else 3600,
    )
    response.headers["Accept-Ranges"] = "bytes"
    if decision.level != "public":
        response.headers["Cache-Control"] = "private, no-cache"
        response.vary.add("Cookie")
    return response


# --- one book: the IIIF manifest --------------------------------------------------------


@bp.get("/<path:record_id>/manifest.json")
def manifest(record_id: str) -> Response:
    record = audiobook_record(record_id)
    book = read_book(record)
    data = audio_manifest(
        record,
        book,
        manifest_url=url_for("audiobooks.manifest", record_id=record.id, _external=True),
        file_url=lambda i: url_for(
            "audiobooks.audio", record_id=record.id, number=i + 1, _external=True
        ),
        lang=language_tag(record.languages),
        labels={"author": _("Author"), "narrator": _("Narrator")},
    )
    response = jsonify(data)
    response.mimetype = "application/ld+json"
    response.headers["Access-Control-Allow-Origin"] = "*"  # IIIF viewers on other sites
    return response


# --- a reader's place and bookmarks (JSON) ---------------------------------------------


@bp.errorhandler(CSRFError)
def _csrf_refused(exc: CSRFError) -> Response:
    """A missing or stale CSRF token: JSON for the player's calls, the page otherwise."""
    if request.endpoint in JSON_ENDPOINTS:
        return json_message(400, _("The page has expired: reload it and try again."))
    return error_page(exc)


@bp.errorhandler(JsonRefusal)
def _json_refused(exc: JsonRefusal) -> Response:
    return json_message(exc.code or 400, exc.description or "")


@bp.route("/<path:record_id>/position", methods=["GET", "PUT"])
def position(record_id: str) -> Response:
    user_id, record, book = reader_record(record_id)
    store = services().store
    if request.method == "PUT":
        seconds = book_seconds(json_body().get("position"), book)
        saved = progress.save_position(store, user_id, record.id, seconds)
    else:
        saved = progress.get_position(store, user_id, record.id)
    if saved is None:
        return jsonify({"position": None, "updated_at": None})
    return jsonify({"position": saved.position, "updated_at": saved.updated_at.isoformat()})


@bp.route("/<path:record_id>/bookmarks", methods=["GET", "POST"])
def bookmarks(record_id: str) -> ResponseReturnValue:
    user_id, record, book = reader_record(record_id)
    store = services().store
    if request.method == "POST":
        data = json_body()
        seconds = book_seconds(data.get("position"), book)
        try:
            label = progress.check_label(data.get("label"))
            mark = progress.add_bookmark(store, user_id, record.id, seconds, label)
        except progress.ProgressError as exc:
            raise JsonRefusal(400, str(exc)) from None
        return jsonify(mark.to_json()), 201
    marks = progress.bookmarks(store, user_id, record.id)
    return jsonify({"bookmarks": [m.to_json() for m in marks]})


@bp.delete("/<path:record_id>/bookmarks/<int:bookmark_id>")
def bookmark(record_id: str, bookmark_id: int) -> ResponseReturnValue:
    user_id, record, _book = reader_record(record_id)
    if not progress.delete_bookmark(services().store, user_id, record.id, bookmark_id):
        raise JsonRefusal(404, _("There is no such bookmark."))
    return "", 204
