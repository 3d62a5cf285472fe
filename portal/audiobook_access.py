"""Who may listen to an audiobook: the record a requester may see (else 404), the
content decision, and when refused, why and what would help (log in, a reading room).

Refusals: a record the requester may not see is a 404, exactly like an unknown id.
A refused player page says why (the deciding rule's reason, as the record page does)
and what the reader can do: it is a 401 offering to log in only when a reader account
at this address would be allowed to listen, else a 403 that names the reading room when
listening there is allowed, or says the book cannot be heard online. The audio files
answer an anonymous visitor 401 and a logged-in reader 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accessibility.chapters import audio_objects
from catalogue.record import Record
from catalogue.rights import AccessDecision, Actor
from portal.access import current_policy, decide_for_request
from portal.app import services
from portal.record_holdings import holding_libraries
from portal.record_notices import AccessAction, reading_room, reason_text
from portal.record_text import data_lang, with_data

FORMAT = "audiobook"


def audiobook_record(record_id: str) -> Record:
    """The record, or 404 when unknown, withdrawn or not visible to the requester."""
    record = services().store.get_record(record_id)
    if record is None or record.deleted:
        abort(404)
    if not decide_for_request(record, "see_record").allowed:
        abort(404)  # never 403: a hidden record is not revealed
    if record.format != FORMAT and not audio_objects(record):
        abort(404)
    return record


def content_decision(record: Record) -> AccessDecision:
    return decide_for_request(record, "view_content")


def file_refusal_status() -> int:
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


def login_would_help(record: Record) -> bool:
    """Whether the requester is anonymous and a reader account at this same address
    would be allowed to listen (the only case where "log in to listen" is offered)."""
    if current_user.is_authenticated:
        return False
    actor = Actor("reader", ip=request.remote_addr or "")
    return current_policy().decide(actor, record, "view_content").allowed


@dataclass(frozen=True)
class ListenAccess:
    """What a list offers for one book, from the same questions as the refused page:
    listen; log in to listen; only in the reading room; or not online at all."""

    allowed: bool
    login_helps: bool = False
    reading_room: bool = False


def listen_access(record: Record) -> ListenAccess:
    """The requester's access to a record's audio (the record is one they may see)."""
    if content_decision(record).allowed:
        return ListenAccess(allowed=True)
    if login_would_help(record):
        return ListenAccess(allowed=False, login_helps=True)
    return ListenAccess(allowed=False, reading_room=reading_room(record, "view_content").reader)


def refusal_for(record: Record, decision: AccessDecision) -> Refusal:
    """Ask the policy what a reader would be allowed, here and in the reading rooms."""
    anonymous = not current_user.is_authenticated
    login_helps = login_would_help(record)
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


def login_headers() -> dict[str, str]:
    """What a 401 carries: the challenge and where to log in."""
    return {
        "WWW-Authenticate": 'Cookie realm="thuvien"',
        "Link": f'<{url_for("account.login")}>; rel="login"',
    }
