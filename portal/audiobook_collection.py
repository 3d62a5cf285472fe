"""The audiobook collection page's data: the search behind it, books as it lists them,
grouping by author, narrator or genre, the announced count and the page links.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from flask import request, url_for
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _

from accessibility.chapters import audio_objects, clock
from catalogue.record import Record
from indexer.names import clean_name, direct_name
from indexer.protocol import MAX_DEPTH, MAX_PER_PAGE, Hit, SearchQuery, SearchResult
from indexer.text import vietnamese_sort_key
from portal.access import visibility_for_request
from portal.app import services
from portal.audiobook_access import FORMAT, ListenAccess, listen_access
from portal.i18n import language_tag
from portal.search_state import clean_text

PER_PAGE = 20
BROWSE_ORDERS = ("title", "author", "narrator", "genre", "newest")
# Genre words that only repeat the format ("Sách nói" on every audiobook): not a genre.
FORMAT_GENRES = {"sách nói", "audiobook", "audiobooks", "audio book", "talking book"}


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
    # What this requester may do with the audio (None until asked; see with_access).
    access: ListenAccess | None = None
    record: Record | None = field(default=None, repr=False, compare=False)

    @property
    def offer(self) -> str:
        """The list's action: listen, login, reading_room, refused, or offline (no audio)."""
        if not self.online or self.access is None:
            return "offline"
        if self.access.allowed:
            return "listen"
        if self.access.login_helps:
            return "login"
        return "reading_room" if self.access.reading_room else "refused"

    @property
    def login_url(self) -> str:
        """Log in, then straight to the player (allowed then: see listen_access)."""
        return url_for("account.login", next=self.listen_url)


def text_arg(name: str, limit: int = 300) -> str:
    """A query parameter as one line of text: control characters and runs of spaces gone."""
    return " ".join(clean_text(request.args.get(name, "")).split())[:limit]


def page_arg() -> int:
    try:
        return max(1, min(int(request.args.get("page", "1")), MAX_DEPTH // PER_PAGE))
    except ValueError:
        return 1


def collection_query(
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


def book_views(hits: list[Hit], *, ask: bool = True) -> list[BookView]:
    """Hits as books; each opens the work's record that has audio, if one has.

    `ask`: whether to ask the access policy what the requester may do with each (a page's
    books); a list only grouped or counted need not (see with_access).
    """
    ids = [i for hit in hits for i in hit.record_ids or [hit.id]]
    records = services().store.get_records(ids) if ids else {}
    out = []
    for hit in hits:
        candidates = [records[i] for i in hit.record_ids or [hit.id] if i in records]
        with_audio = [r for r in candidates if audio_objects(r)]
        record = (with_audio or candidates or [None])[0]
        out.append(_book_view(hit, record))
    return with_access(out) if ask else out


def with_access(books: list[BookView]) -> list[BookView]:
    """Ask the one access policy, per book already loaded, what this requester may do
    with its audio: the list offers "listen" only to those who may (no query per book)."""
    for book in books:
        if book.online and book.record is not None and book.access is None:
            book.access = listen_access(book.record)
    return books


def _book_view(hit: Hit, record: Record | None) -> BookView:
    fields = hit.fields
    record_id = record.id if record else hit.id
    authors = [direct_name(clean_name(a) or a) for a in fields.get("authors") or []]
    narrators = [direct_name(clean_name(c) or c) for c in fields.get("contributors") or []]
    seconds = sum(o.duration or 0 for o in audio_objects(record)) if record else 0
    return BookView(
        id=record_id,
        title=fields.get("title") or _("Untitled"),
        lang=language_tag(fields.get("languages") or []),
        authors=authors,
        narrators=narrators,
        year=fields.get("year"),
        genres=_genres(record, fields),
        duration=clock(seconds) if seconds else "",
        online=bool(record and audio_objects(record)),
        record_url=url_for("record.show", record_id=record_id),
        listen_url=url_for("audiobooks.show", record_id=record_id),
        record=record,
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


def all_books() -> list[BookView]:
    """Every audiobook the requester may see, title order (for grouping; at most 1000)."""
    hits: list[Hit] = []
    per_page = MAX_PER_PAGE
    for page in range(1, MAX_DEPTH // per_page + 1):
        result = services().index.search(collection_query(page=page, per_page=per_page))
        hits += result.hits
        if not result.has_next:
            break
    return book_views(hits, ask=False)


def group_books(books: list[BookView], by: str) -> dict[str, list[BookView]]:
    groups: dict[str, list[BookView]] = defaultdict(list)
    for book in books:
        names = {"author": book.authors, "narrator": book.narrators, "genre": book.genres}[by]
        for name in dict.fromkeys(names):
            groups[name].append(book)
    return dict(sorted(groups.items(), key=lambda item: vietnamese_sort_key(item[0])))


def order_choices() -> list[tuple[str, str]]:
    return [
        ("title", _("Title")),
        ("author", _("Author")),
        ("narrator", _("Narrator")),
        ("genre", _("Genre")),
        ("newest", _("Newest")),
    ]


def collection_summary(context: dict[str, Any]) -> str:
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


def result_pages(result: SearchResult, **params: Any) -> dict[str, Any] | None:
    return page_links(result.page, result.pages, **params)


def page_links(page: int, pages: int, **params: Any) -> dict[str, Any] | None:
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
