"""Why the requester cannot have a record's content, and what they can do about it
(log in, register, the reading room, ask the library).

The licence rule presets' reasons are known here word for word, so a preset's reason is
shown translated and a reason a librarian wrote is shown as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from catalogue.record import Record
from catalogue.rights import AccessDecision, Actor
from portal.access import current_policy
from portal.record_holdings import holding_libraries
from portal.record_text import data_lang, with_data


def N_(text: str) -> str:  # noqa: N802 — gettext's name for "mark for translation only"
    return text


# The reasons of the licence rule presets (config/rights/presets.toml) and of the default,
# as written there: a decision carrying one of these word for word is shown translated;
# a reason a librarian wrote or edited is shown as written.
KNOWN_REASONS = {
    "": N_(
        "No licence rule matched this record: the description is public, the content and "
        "downloads are for staff only until a rule says otherwise, previews up to 400 px."
    ),
    "secret-archives": N_(
        "Classified material (tài liệu mật): not disclosed outside library staff, under the "
        "Law on Protection of State Secrets (2018)."
    ),
    "restricted-archives": N_(
        "Restricted archive: withheld from the public by law or by the depositor's "
        "conditions; staff only."
    ),
    "embargo": N_(
        "Under embargo until the date on the record: the description is public, the content "
        "is not yet released."
    ),
    "inc-registered-onsite": N_(
        "In copyright (rightsstatements.org InC): registered readers may read it on the "
        "library network; no downloads."
    ),
    "inc": N_(
        "In copyright (rightsstatements.org InC): readable only by registered readers on the "
        "library network; previews only elsewhere."
    ),
    "orphan-works": N_(
        "Orphan work: its rights holders could not be found after a diligent search; "
        "registered readers may read it online, no downloads, and it is withdrawn if a "
        "rights holder comes forward."
    ),
    "inc-ruu": N_(
        "In copyright, rights holders not located or identified: read on the library "
        "network only, no downloads."
    ),
    "inc-edu": N_(
        "In copyright, educational use permitted by the rights holder: registered readers "
        "may read and download it."
    ),
    "inc-nc": N_(
        "In copyright, non-commercial use permitted by the rights holder: anyone may read "
        "it, registered readers may download."
    ),
    "noc-oklr": N_(
        "Not in copyright, but other laws restrict its use (privacy, cultural heritage): "
        "read on the library network only."
    ),
    "noc-cr": N_(
        "Not in copyright; the digitisation agreement restricts reuse: anyone may read it, "
        "registered readers may download."
    ),
    "noc-us": N_(
        "Public domain in the United States only; it may still be protected in Vietnam: "
        "read on the library network only."
    ),
    "cne": N_("Copyright status not evaluated: read on the library network only until it is."),
    "und": N_("Copyright status could not be determined: read on the library network only."),
}
# What the policy appends to a rule's reason (catalogue/rights/policy.py).
_REASON_SUFFIX = re.compile(
    r" \((?:The record itself is for level “[a-z]+” only|No preview is allowed)\.\)$"
)


@dataclass
class AccessAction:
    text: Markup | str
    href: str = ""


@dataclass
class AccessNotice:
    """Why the requester cannot have the content, and what they can do about it."""

    reason: str
    reason_lang: str  # "vi" for a librarian's Vietnamese reason on an English page
    actions: list[AccessAction]
    level: str = ""  # who may: registered, onsite, staff, hidden


def reason_text(decision: AccessDecision) -> tuple[str, bool]:
    """The deciding rule's reason, and whether it was translated: a preset's (or the
    default's) own wording is, a reason a librarian wrote or edited is shown as written."""
    reason = _REASON_SUFFIX.sub("", decision.reason or "")
    known = KNOWN_REASONS.get(decision.preset if decision.rule_id is not None else "")
    if known is not None and reason == known:
        return _(known), True
    return reason, False


@dataclass(frozen=True)
class ReadingRoom:
    """Whether a registered reader would be allowed the action somewhere the policy knows
    (on the library network or in a rule's own reading room), and whether an anonymous
    visitor there would be too."""

    reader: bool
    anonymous: bool

    @property
    def needs_login(self) -> bool:
        return not self.anonymous


def reading_room(record: Record, action: str) -> ReadingRoom:
    """Ask the policy what a reader would be allowed in its reading rooms.

    The addresses tried are the policy's own probes (one per cell its networks and rules'
    ranges cut the address space into), so every reading room a rule names is found.
    """
    policy = current_policy()

    def allowed(actor: Actor) -> bool:
        return policy.decide(actor, record, action).allowed

    rooms = [str(a) for a in policy.probes if allowed(Actor("reader", ip=str(a)))]
    return ReadingRoom(
        reader=bool(rooms), anonymous=any(allowed(Actor.anonymous(ip=a)) for a in rooms)
    )


def access_notice(record: Record, decision: AccessDecision) -> AccessNotice | None:
    """The notice for a refused content decision (None when it is allowed)."""
    if decision.allowed:
        return None
    anonymous = not getattr(current_user, "is_authenticated", False)
    here = url_for("record.show", record_id=record.id)
    libraries = holding_libraries(record)
    library = ", ".join(libraries)
    actions: list[AccessAction] = []
    level = decision.level
    if level == "registered" and anonymous:
        actions.append(AccessAction(_("Log in"), url_for("account.login", next=here)))
        actions.append(
            AccessAction(_("Register as a reader"), url_for("account.register", next=here))
        )
    elif level == "onsite" or reading_room(record, decision.action).reader:
        # "onsite", or a rule that lets readers in only on the library network or in its
        # own reading room (the "inc" preset: the level off site is "staff").
        actions.append(
            AccessAction(
                with_data(_("Read it in the reading room of %(library)s."), library=library)
            )
        )
        if anonymous:
            actions.append(
                AccessAction(
                    _("Library staff can log in to read it anywhere."),
                    url_for("account.login", next=here),
                )
            )
    else:
        actions.append(
            AccessAction(with_data(_("Ask %(library)s about access to it."), library=library))
        )
    reason, translated = reason_text(decision)
    return AccessNotice(reason, "" if translated else data_lang(reason), actions, level)
