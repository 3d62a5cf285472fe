"""Audiobook pages for readers who listen: collection, search within, the player.

- `/audiobooks/`: the collection, browsed by title, author, narrator, genre or newest,
  or searched (the index, filtered to the audiobook format and the reader's visibility);
- `/audiobooks/<id>`: one book with the accessible player (templates/audiobooks/show.html,
  static/player.js), its chapters (links with media fragments that work without
  JavaScript) and bookmarks;
- `/audiobooks/<id>/audio/<n>`: the n-th file, with HTTP Range requests, the access
  policy asked on every request (a player asks for many ranges) and access logged;
- `/audiobooks/<id>/manifest.json`: the IIIF Presentation 3 manifest;
- `/audiobooks/<id>/position`, `/bookmarks`: a logged-in reader's place and bookmarks,
  JSON, CSRF-checked (the token travels in the X-CSRFToken header).

Refusals: a record the requester may not see is a 404, exactly like an unknown id.
A refused player page says why (the deciding rule's reason, as the record page does)
and what the reader can do: it is a 401 offering to log in only when a reader account
at this address would be allowed to listen, else a 403 that names the reading room when
listening there is allowed, or says the book cannot be heard online. The audio files
answer an anonymous visitor 401 and a logged-in reader 403.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass
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
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from accessibility import progress
from accessibility.chapters import AudioBook, Chapter, clock, read_audiobook
from accessibility.manifest import audio_manifest
from catalogue.record import Record
from catalogue.rights import AccessDecision, Actor
from indexer.names import clean_name, direct_name
from indexer.protocol import MAX_DEPTH, MAX_PER_PAGE, Hit, SearchQuery, SearchResult
from indexer.query import MAX_QUERY_CHARS
from indexer.text import vietnamese_sort_key
from portal.access import (
    current_policy,
    decide_for_request,
    log_content_access,
    visibility_for_request,
)
from portal.app import services
from portal.errors import error_page
from portal.i18n import language_tag
from portal.record_holdings import holding_libraries
from portal.record_notices import AccessAction, reading_room, reason_text
from portal.record_text import data_lang, with_data

bp = Blueprint("audiobooks", __name__, url_prefix="/audiobooks")

FORMAT = "audiobook"
PER_PAGE = 20
BROWSE_ORDERS = ("title", "author", "narrator", "genre", "newest")
GROUPED = ("author", "narrator", "genre")
# Genre words that only repeat the format ("Sách nói" on every audiobook): not a genre.
FORMAT_GENRES = {"sách nói", "audiobook", "audiobooks", "audio book", "talking book"}
SPEEDS = (0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5)
JSON_ENDPOINTS = {"audiobooks.position", "audiobooks.bookmarks", "audiobooks.bookmark"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# --- the collection --------------------------------------------------------------------


@dataclass
class BookView:
    """One audiobook as the collection lists it."""

    id: str  # the record the player opens (one with audio, where the work has one)
    title: str
    lang: str
    authors: list[str]
    narrators: list[str]
    year: int | None
    genres: list[str]
    duration: str
    online: bool
    record_url: str
    listen_url: str


def _text_arg(name: str, limit: int = 300) -> str:
    value = _CONTROL.sub(" ", request.args.get(name, ""))
    return " ".join(value.split())[:limit]


def _page_arg() -> int:
    try:
        return max(1, min(int(request.args.get("page", "1")), MAX_DEPTH // PER_PAGE))
    except ValueError:
        return 1


def _query(
    q: str = "", *, sort: str = "title", page: int = 1, per_page: int = PER_PAGE
) -> SearchQuery:
    return SearchQuery(
        q=q,
        filters={"format": [FORMAT]},
        sort=sort,
        page=page,
        per_page=per_page,
        visibility=visibility_for_request(),
    )


def _views(hits: list[Hit]) -> list[BookView]:
    """Hits as books; each opens the work's record that has audio, if one has."""
    ids = [i for hit in hits for i in hit.record_ids or [hit.id]]
    records = services().store.get_records(ids) if ids else {}
    out = []
    for hit in hits:
        candidates = [records[i] for i in hit.record_ids or [hit.id] if i in records]
        with_audio = [r for r in candidates if _audio(r)]
        record = (with_audio or candidates or [None])[0]
        out.append(_book_view(hit, record))
    return out


def _audio(record: Record) -> list:
    return [o for o in record.digital_objects if o.kind == "audio"]


def _book_view(hit: Hit, record: Record | None) -> BookView:
    fields = hit.fields
    record_id = record.id if record else hit.id
    authors = [direct_name(clean_name(a) or a) for a in fields.get("authors") or []]
    narrators = [direct_name(clean_name(c) or c) for c in fields.get("contributors") or []]
    seconds = sum(o.duration or 0 for o in _audio(record)) if record else 0
    return BookView(
        id=record_id,
        title=fields.get("title") or _("Untitled"),
        lang=language_tag(fields.get("languages") or []),
        authors=authors,
        narrators=narrators,
        year=fields.get("year"),
        genres=_genres(record, fields),
        duration=clock(seconds) if seconds else "",
        online=bool(record and _audio(record)),
        record_url=url_for("record.show", record_id=record_id),
        listen_url=url_for("audiobooks.show", record_id=record_id),
    )


def _genres(record: Record | None, fields: dict[str, Any]) -> list[str]:
    values = list(record.genres) if record else []
    values += [s.split(" -- ")[-1] for s in fields.get("subjects") or []]
    seen = {}
    for value in values:
        value = value.strip().rstrip(".")
        if value and value.casefold() not in FORMAT_GENRES:
            seen.setdefault(value.casefold(), value)
    return list(seen.values())


def _all_books() -> list[BookView]:
    """Every audiobook the requester may see, title order (for grouping; at most 1000)."""
    hits: list[Hit] = []
    per_page = MAX_PER_PAGE
    for page in range(1, MAX_DEPTH // per_page + 1):
        result = services().index.search(_query(page=page, per_page=per_page))
        hits += result.hits
        if not result.has_next:
            break
    return _views(hits)


def _group(books: list[BookView], by: str) -> dict[str, list[BookView]]:
    groups: dict[str, list[BookView]] = defaultdict(list)
    for book in books:
        names = {"author": book.authors, "narrator": book.narrators, "genre": book.genres}[by]
        for name in dict.fromkeys(names):
            groups[name].append(book)
    return dict(sorted(groups.items(), key=lambda item: vietnamese_sort_key(item[0])))


@bp.get("/")
def index() -> ResponseReturnValue:
    q = _text_arg("q", MAX_QUERY_CHARS)
    by = request.args.get("by", "title")
    by = by if by in BROWSE_ORDERS else "title"
    name = _text_arg("name")
    page = _page_arg()
    context: dict[str, Any] = {
        "q": q,
        "by": by,
        "name": name,
        "orders": _orders(),
        "books": [],
        "groups": [],
        "total": 0,
        "paging": None,
    }
    try:
        if q or by in ("title", "newest"):
            sort = "relevance" if q else ("title" if by == "title" else "year_desc")
            result = services().index.search(_query(q, sort=sort, page=page))
            if not result.hits and result.total and page > 1:
                page = max(1, result.pages)
                result = services().index.search(_query(q, sort=sort, page=page))
            context.update(books=_views(result.hits), total=result.total)
            context["paging"] = _paging(result, q=q or None, by=None if q else by)
        elif name:
            books = _group(_all_books(), by).get(name, [])
            context.update(total=len(books))
            start = (page - 1) * PER_PAGE
            context["books"] = books[start : start + PER_PAGE]
            pages = math.ceil(len(books) / PER_PAGE)
            context["paging"] = _pages(page, pages, by=by, name=name)
        else:
            groups = _group(_all_books(), by)
            context["groups"] = [
                (label, len(books), url_for("audiobooks.index", by=by, name=label))
                for label, books in groups.items()
            ]
            context["total"] = len(groups)
    except Exception:
        current_app.logger.exception("search backend failed on the audiobook collection")
        return render_template("audiobooks/index.html", unavailable=True, **context), 503
    context["summary"] = _summary(context)
    return render_template("audiobooks/index.html", unavailable=False, **context)


def _orders() -> list[tuple[str, str]]:
    return [
        ("title", _("Title")),
        ("author", _("Author")),
        ("narrator", _("Narrator")),
        ("genre", _("Genre")),
        ("newest", _("Newest")),
    ]


def _summary(context: dict[str, Any]) -> str:
    """The result count, announced (role=status) when the page loads."""
    total = context["total"]
    count = format_decimal(total)
    if context["groups"]:
        texts = {
            "author": ngettext("%(count)s author", "%(count)s authors", total, count=count),
            "narrator": ngettext("%(count)s narrator", "%(count)s narrators", total, count=count),
            "genre": ngettext("%(count)s genre", "%(count)s genres", total, count=count),
        }
        return texts[context["by"]]
    if context["q"]:
        return ngettext(
            "%(count)s audiobook found for “%(q)s”",
            "%(count)s audiobooks found for “%(q)s”",
            total,
            count=count,
            q=context["q"][:80],
        )
    if context["name"]:
        return ngettext(
            "%(count)s audiobook: %(name)s", "%(count)s audiobooks: %(name)s", total,
            count=count, name=context["name"],
        )  # fmt: skip
    return ngettext("%(count)s audiobook", "%(count)s audiobooks", total, count=count)


def _paging(result: SearchResult, **params: Any) -> dict[str, Any] | None:
    return _pages(result.page, result.pages, **params)


def _pages(page: int, pages: int, **params: Any) -> dict[str, Any] | None:
    if pages <= 1:
        return None
    params = {k: v for k, v in params.items() if v}

    def link(number: int) -> str:
        return url_for("audiobooks.index", page=number, **params)

    return {
        "page": page,
        "pages": pages,
        "previous": link(page - 1) if page > 1 else "",
        "next": link(page + 1) if page < pages else "",
    }


# --- one book: access ------------------------------------------------------------------


def _record(record_id: str) -> Record:
    """The record, or 404 when unknown, withdrawn or not visible to the requester."""
    record = services().store.get_record(record_id)
    if record is None or record.deleted:
        abort(404)
    if not decide_for_request(record, "see_record").allowed:
        abort(404)  # never 403: a hidden record is not revealed
    if record.format != FORMAT and not _audio(record):
        abort(404)
    return record


def _content(record: Record) -> AccessDecision:
    return decide_for_request(record, "view_content")


def _refusal_status() -> int:
    """The audio files' refusal: 401 to an anonymous visitor, 403 to a logged-in one."""
    return 403 if current_user.is_authenticated else 401


@dataclass
class Refusal:
    """Why the requester may not listen here, and what would let them.

    `login_helps`: the requester is anonymous and a reader account at this same address
    would be allowed (the only case where "log in to listen" is offered, with a 401).
    `reading_room`: a reader would be allowed at another address the policy knows, i.e.
    on the library network or in a rule's reading room; `room_needs_login` when an
    anonymous visitor there would still be refused.
    """

    login_helps: bool
    reading_room: bool
    room_needs_login: bool
    reason: str
    reason_lang: str  # "vi" for a librarian's Vietnamese reason on an English page
    actions: list[AccessAction]

    @property
    def status(self) -> int:
        return 401 if self.login_helps else 403


def _refusal(record: Record, decision: AccessDecision) -> Refusal:
    """Ask the policy what a reader would be allowed, here and in the reading rooms."""
    ip = request.remote_addr or ""
    anonymous = not current_user.is_authenticated
    login_helps = (
        anonymous
        and current_policy().decide(Actor("reader", ip=ip), record, "view_content").allowed
    )
    room = reading_room(record, "view_content")
    rooms, room_needs_login = room.reader, room.needs_login
    here = request.full_path.rstrip("?")
    library = ", ".join(holding_libraries(record))
    actions: list[AccessAction] = []
    if login_helps:
        actions.append(AccessAction(_("Log in to listen"), url_for("account.login", next=here)))
        actions.append(
            AccessAction(_("Register as a reader"), url_for("account.register", next=here))
        )
    elif rooms and room_needs_login:
        message = _(
            "Listen to it in the reading room of %(library)s, logged in with your reader account."
        )
        actions.append(AccessAction(with_data(message, library=library)))
    elif rooms:
        message = _("Listen to it in the reading room of %(library)s.")
        actions.append(AccessAction(with_data(message, library=library)))
    else:
        actions.append(
            AccessAction(with_data(_("Ask %(library)s about access to it."), library=library))
        )
    if anonymous and not login_helps:
        actions.append(
            AccessAction(
                _("Library staff can log in to listen anywhere."),
                url_for("account.login", next=here),
            )
        )
    reason, translated = reason_text(decision)
    return Refusal(
        login_helps=login_helps,
        reading_room=rooms and not login_helps,
        room_needs_login=room_needs_login,
        reason=reason,
        reason_lang="" if translated else data_lang(reason),
        actions=actions,
    )


def _login_headers() -> dict[str, str]:
    """What a 401 carries: the challenge and where to log in."""
    return {
        "WWW-Authenticate": 'Cookie realm="thuvien"',
        "Link": f'<{url_for("account.login")}>; rel="login"',
    }


def _book(record: Record) -> AudioBook:
    return read_audiobook(record, services().settings.data_dir)


# --- one book: the player page ---------------------------------------------------------


@bp.get("/<path:record_id>")
def show(record_id: str) -> ResponseReturnValue:
    record = _record(record_id)
    decision = _content(record)
    lang = language_tag(record.languages)
    title = record.title.rstrip(" /:;,.") or _("Untitled")
    people = {
        "authors": [direct_name(clean_name(a) or a) for a in record.authors],
        "narrators": [direct_name(clean_name(c) or c) for c in record.contributors],
    }
    if not decision.allowed:
        refusal = _refusal(record, decision)
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
            headers.update(_login_headers())
        return page, refusal.status, headers
    book = _book(record)
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
    chapters = _chapter_views(record, book, playable)
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
        duration_iso=_iso(book.duration),
        speeds=SPEEDS,
        player_data=_player_data(record, book, files, chapters, reader),
        manifest_url=url_for("audiobooks.manifest", record_id=record.id),
        record_url=url_for("record.show", record_id=record.id),
        reader=reader,
        **people,
    )


def _iso(seconds: float) -> str:
    hours, rest = divmod(round(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"PT{hours}H{minutes}M{secs}S"


def _chapter_views(record: Record, book: AudioBook, playable: bool) -> list[dict[str, Any]]:
    """Chapters for the template: nested for parts, each with its no-JS link."""
    numbers = {id(c): n for n, c in enumerate(book.leaves(), 1)}

    def view(chapter: Chapter) -> dict[str, Any]:
        file, at = book.locate(chapter.start)
        href = ""
        if playable:
            url = url_for("audiobooks.audio", record_id=record.id, number=file + 1)
            href = f"{url}#t={_fragment(at)}"
        return {
            "title": chapter.title,
            "number": numbers.get(id(chapter)),
            "start": round(chapter.start, 3),
            "start_text": clock(chapter.start),
            "duration": clock(chapter.duration),
            "duration_iso": _iso(chapter.duration),
            "href": href,
            "children": [view(c) for c in chapter.children],
        }

    return [view(c) for c in book.chapters]


def _fragment(seconds: float) -> str:
    return f"{seconds:.3f}".rstrip("0").rstrip(".") or "0"


def _player_data(
    record: Record,
    book: AudioBook,
    files: list[dict[str, Any]],
    chapters: list[dict[str, Any]],
    reader: bool,
) -> str:
    """What player.js needs, as JSON for a <script type="application/json"> element."""

    def flat(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The chapters a reader counts, in order (parts are not numbered)."""
        out = []
        for c in items:
            if c["number"] is not None:
                out.append({"title": c["title"], "number": c["number"], "start": c["start"]})
            out += flat(c["children"])
        return out

    data = {
        "record": record.id,
        "duration": round(book.duration, 3),
        "files": files,
        "chapters": flat(chapters),
        "speeds": list(SPEEDS),
        "server": reader,
        "positionUrl": url_for("audiobooks.position", record_id=record.id),
        "bookmarksUrl": url_for("audiobooks.bookmarks", record_id=record.id),
        "text": _player_texts(),
    }
    # Safe inside <script>: no "</" or "<!--" can close or confuse the element.
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")


def _player_texts() -> dict[str, str]:
    """The player's words in the reader's language (the script has none of its own)."""
    return {
        "play": _("Play"),
        "pause": _("Pause"),
        "playing": _("Playing"),
        "paused": _("Paused"),
        "ended": _("End of the book"),
        "speed": _("Speed %(speed)s×"),
        "fastest": _("Already at the fastest speed, %(speed)s×"),
        "slowest": _("Already at the slowest speed, %(speed)s×"),
        "volume": _("Volume %(volume)s%%"),
        "at": _("%(time)s of %(total)s"),
        "chapter": _("Chapter %(number)s of %(count)s: %(title)s"),
        "jumped": _("%(time)s, chapter %(number)s: %(title)s"),
        "resumed": _("Resuming where you left off: %(time)s, chapter %(number)s: %(title)s"),
        "bookmarkAdded": _("Bookmark added at %(time)s"),
        "bookmarkDeleted": _("Bookmark deleted: %(label)s"),
        "bookmarkLabel": _("Bookmark at %(time)s"),
        "jumpTo": _("Go to %(label)s (%(time)s)"),
        "delete": _("Delete bookmark %(label)s"),
        "noBookmarks": _("No bookmarks yet."),
        "saveFailed": _("Your place could not be saved on the server; it is kept in this browser."),
        "bookmarkFailed": _("The bookmark could not be saved. Please try again."),
        "startOver": _("Start from the beginning"),
        "loadFailed": _("The audio could not be loaded. Please try again later."),
    }


# --- one book: the audio files ---------------------------------------------------------


@bp.route("/<path:record_id>/audio/<int:number>", methods=["GET", "HEAD"])
def audio(record_id: str, number: int) -> Response:
    """The number-th file (from 1), with Range support; the policy is asked every time."""
    record = _record(record_id)
    decision = _content(record)
    if not decision.allowed:
        # The codes stay 401 (anonymous: a staff login always helps) and 403; the words
        # say what would help a reader, like the player page.
        status = _refusal_status()
        refusal = _refusal(record, decision)
        if refusal.login_helps:
            message = _("Log in to listen to this audiobook.")
        elif refusal.reading_room:
            message = _("This audiobook can be listened to only in the library's reading room.")
        else:
            message = _("This audiobook cannot be listened to online.")
        response = Response(message + "\n", status=status, mimetype="text/plain")
        response.headers["Cache-Control"] = "private, no-store"
        if status == 401:
            response.headers.update(_login_headers())
        return response
    book = _book(record)
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
    record = _record(record_id)
    book = _book(record)
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


class JsonRefusal(HTTPException):
    """A refusal of a JSON call, answered as JSON (the player shows its message)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(description=message)
        self.code = status


def _json_error(status: int, message: str) -> Response:
    response = jsonify({"error": {"code": status, "message": message}})
    response.status_code = status
    return response


@bp.errorhandler(CSRFError)
def _csrf_refused(exc: CSRFError) -> Response:
    """A missing or stale CSRF token: JSON for the player's calls, the page otherwise."""
    if request.endpoint in JSON_ENDPOINTS:
        return _json_error(400, _("The page has expired: reload it and try again."))
    return error_page(exc)


@bp.errorhandler(JsonRefusal)
def _json_refused(exc: JsonRefusal) -> Response:
    return _json_error(exc.code or 400, exc.description or "")


def _reader_record(record_id: str) -> tuple[int, Record, AudioBook]:
    """(user id, record, book) for a JSON call; JSON 401/403/404 when that cannot be."""
    if not current_user.is_authenticated:
        raise JsonRefusal(401, _("Log in to keep your place on the server."))
    record = services().store.get_record(record_id)
    if record is None or record.deleted or not decide_for_request(record, "see_record"):
        raise JsonRefusal(404, _("There is no such audiobook."))
    if not _content(record).allowed:
        raise JsonRefusal(403, _("Your account may not listen to this audiobook."))
    return int(current_user.id), record, _book(record)


def _json_body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise JsonRefusal(400, _("Send a JSON object."))
    return data


def _seconds(value: Any, book: AudioBook) -> float:
    try:
        return progress.check_seconds(value, book.duration or None)
    except progress.ProgressError:
        raise JsonRefusal(
            400, _("The position must be a number of seconds within the book.")
        ) from None


@bp.route("/<path:record_id>/position", methods=["GET", "PUT"])
def position(record_id: str) -> Response:
    user_id, record, book = _reader_record(record_id)
    store = services().store
    if request.method == "PUT":
        seconds = _seconds(_json_body().get("position"), book)
        saved = progress.save_position(store, user_id, record.id, seconds)
    else:
        saved = progress.get_position(store, user_id, record.id)
    if saved is None:
        return jsonify({"position": None, "updated_at": None})
    return jsonify({"position": saved.position, "updated_at": saved.updated_at.isoformat()})


@bp.route("/<path:record_id>/bookmarks", methods=["GET", "POST"])
def bookmarks(record_id: str) -> ResponseReturnValue:
    user_id, record, book = _reader_record(record_id)
    store = services().store
    if request.method == "POST":
        data = _json_body()
        seconds = _seconds(data.get("position"), book)
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
    user_id, record, _book = _reader_record(record_id)
    if not progress.delete_bookmark(services().store, user_id, record.id, bookmark_id):
        raise JsonRefusal(404, _("There is no such bookmark."))
    return "", 204
